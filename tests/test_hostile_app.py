"""A hand-edited session file (a learner's, say) cannot send escape sequences or bidi controls to the terminal of
whoever opens the app: the home screen, the session's details and its plan show the hostile fields as text."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from secplan_tui.core import catalogue
from secplan_tui.frontends.tui.app import make_app
from secplan_tui.store import Workspace
from tests.test_tui import keys, screen_text

HOSTILE = "Acme \x1b]52;c;b3duZWQ=\x07\x1b[2J\u202eevil\u200b [@click=app.quit] # x | y"
BAD = ("\x1b", "\x07", "\x9b", "\u202e", "\u200b")


def _hand_edit(folder: Path, session_id: str) -> None:
    """Put the hostile text in the session's name and questionnaire version, as an editor would."""
    path = folder / f"{session_id}.json"
    text = path.read_text(encoding="utf-8")
    assert '"name":"Acme"' in text and '"questionnaire_version":"1.0"' in text
    text = text.replace('"name":"Acme"', f'"name":{json.dumps(HOSTILE)}')
    text = text.replace('"questionnaire_version":"1.0"', f'"questionnaire_version":{json.dumps("1.0" + BAD[0])}')
    path.write_text(text, encoding="utf-8")


async def test_hostile_session_fields_reach_the_app_as_text(tmp_path: Path) -> None:
    """Home, the details line and the plan screen show no escape byte, no C1 control and no bidi or zero-width
    character from a hand-edited session file, and the app keeps running."""
    store = Workspace(tmp_path / "ws")
    starter = catalogue.load("starter")
    meta = store.create("Acme", starter.id, starter.version, starter.content_hash)
    _hand_edit(tmp_path / "ws", meta.id)
    store = Workspace(tmp_path / "ws")
    app = make_app(store, plan_date=dt.date(2026, 1, 15), export_dir=tmp_path)
    app.cursor_blink = False
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        home = screen_text(app)
        assert "Acme" in home
        assert not [c for c in BAD if c in home]
        await keys(pilot, "enter")
        await pilot.pause()
        asking = screen_text(app)
        assert not [c for c in BAD if c in asking]
        await keys(pilot, "f8")
        await pilot.pause()
        plan = screen_text(app)
        assert not [c for c in BAD if c in plan]
        assert app.is_running
