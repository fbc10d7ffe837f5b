"""The app's start: what the first frame waits for, and what it does not.

The README promises the home screen's first frame within 1.5x of a bare Textual app (tests/bench/bench_tui.py
measures it). These tests keep the work that made it slower out of the first frame: the plan compiler and the
questionnaire loader (the home screen), Textual's TextArea and the home screen (``secplan open``), a plan column
compiled before anything is drawn, and a footer built twice. Modules are checked in a fresh interpreter, since
other tests import everything.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from textual.widgets._footer import FooterKey

from secplan_tui.core import catalogue
from secplan_tui.core.model import QuestionType
from secplan_tui.frontends.tui.app import SecplanApp, make_app
from secplan_tui.frontends.tui.screens.home import HomeScreen
from secplan_tui.frontends.tui.screens.question import QuestionScreen
from secplan_tui.frontends.tui.widgets.footer import KeyFooter
from secplan_tui.frontends.tui.widgets.sessions import SessionList
from secplan_tui.session.answer_files import progress_of, read_answers
from secplan_tui.session.controller import SessionController
from secplan_tui.store import MemoryWorkspace, Workspace

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "questionnaires" / "examples" / "starter-small-office.yaml"
PLAN_DATE = dt.date(2026, 1, 15)
SIZE = (80, 24)

FIRST_FRAME_MODULES = textwrap.dedent("""
    import asyncio, json, sys
    from secplan_tui.store import Workspace
    from secplan_tui.frontends.tui.app import SecplanApp, make_app

    seen = {}
    display = SecplanApp._display

    def first_frame(self, screen, renderable):
        if "modules" not in seen and renderable is not None and not self._batch_count:
            seen["modules"] = sorted(sys.modules)
        display(self, screen, renderable)

    SecplanApp._display = first_frame

    async def main():
        app = make_app(Workspace(sys.argv[1]), session_id=sys.argv[2] if len(sys.argv) > 2 else None)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()

    asyncio.run(main())
    print(json.dumps(seen["modules"]))
""")


def modules_at_first_frame(data_dir: Path, session_id: str | None = None) -> set[str]:
    """The modules a fresh interpreter has loaded when the app sends its first frame."""
    argv = [sys.executable, "-c", FIRST_FRAME_MODULES, str(data_dir), *([session_id] if session_id else [])]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120, cwd=ROOT, check=False)  # noqa: S603
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def loaded(modules: set[str], *prefixes: str) -> list[str]:
    return sorted(m for m in modules if any(m == p or m.startswith(p + ".") for p in prefixes))


@pytest.fixture
def starter_session(tmp_path: Path) -> tuple[Path, str]:
    """A workspace on disk with one new starter session (as the benchmark's); (folder, session id)."""
    starter = catalogue.load("starter")
    meta = Workspace(tmp_path / "ws").create("Bench", starter.id, starter.version, starter.content_hash)
    return tmp_path / "ws", meta.id


def test_home_first_frame_loads_neither_the_plan_nor_a_questionnaire(starter_session: tuple[Path, str]) -> None:
    """The plan column costs no compile for a session with no action status, and the count by pass (which loads
    the questionnaire) comes after the first frame."""
    data_dir, _ = starter_session
    modules = modules_at_first_frame(data_dir)
    assert "secplan_tui.frontends.tui.screens.home" in modules  # the probe did see the home screen's frame
    assert loaded(modules, "secplan_tui.plan", "secplan_tui.session", "secplan_tui.core.loader", "yaml") == []


def test_open_first_frame_has_no_text_area_and_no_home_screen(starter_session: tuple[Path, str]) -> None:
    """`secplan open` on a short-text question: Textual's TextArea (long text only) and the home screen (under
    F9) are not loaded for the first frame, nor is the plan."""
    data_dir, session_id = starter_session
    modules = modules_at_first_frame(data_dir, session_id)
    assert "secplan_tui.frontends.tui.screens.question" in modules
    assert loaded(modules, "textual.widgets._text_area", "secplan_tui.frontends.tui.widgets.long_answer",
                  "secplan_tui.frontends.tui.screens.home", "secplan_tui.plan") == []


def answered_session(store: MemoryWorkspace, name: str) -> str:
    """A starter session with every example answer."""
    starter = catalogue.load("starter")
    answers = read_answers(str(EXAMPLE), starter).answers
    meta = store.create(name, starter.id, starter.version, starter.content_hash)
    store.save_answers(meta.id, answers, progress=progress_of(starter, answers))
    return meta.id


class FrameWatch:
    """Records whether the app has sent its first frame, and what ran before it."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.frame_out = False
        self.before_frame: list[str] = []
        display = SecplanApp._display

        def watched(app: SecplanApp, screen: Any, renderable: Any) -> None:
            if renderable is not None and not app._batch_count:
                self.frame_out = True
            display(app, screen, renderable)

        monkeypatch.setattr(SecplanApp, "_display", watched)

    def note(self, what: str) -> None:
        if not self.frame_out:
            self.before_frame.append(what)


async def test_the_plan_column_is_compiled_after_the_first_frame(monkeypatch: pytest.MonkeyPatch) -> None:
    """A session whose actions are being ticked off shows its progress in the home list, compiled once the first
    frame is out (without statuses there is nothing to compile)."""
    store = MemoryWorkspace()
    ticked = answered_session(store, "Ticked Ltd")
    answered_session(store, "Untouched Ltd")
    plan = SessionController(store, ticked, catalogue.load("starter")).living_plan(PLAN_DATE)
    actions = plan.actions()
    store.set_action_status(ticked, actions[0].id, "done")
    watch = FrameWatch(monkeypatch)
    living_plan = SessionController.living_plan

    def watched_plan(controller: SessionController, *args: Any, **kwargs: Any) -> Any:
        watch.note("living_plan")
        return living_plan(controller, *args, **kwargs)

    monkeypatch.setattr(SessionController, "living_plan", watched_plan)
    app = make_app(store, plan_date=PLAN_DATE)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HomeScreen)
        listing = screen.query_one(SessionList)
        rows = {m.name: str(listing.get_option_at_index(i).prompt) for i, m in enumerate(listing.metas)}
        assert f"done 1 of {len(actions)}" in rows["Ticked Ltd"]
        assert " of " not in rows["Untouched Ltd"]
    assert watch.frame_out and watch.before_frame == []


async def test_work_queued_for_after_the_first_frame_waits_for_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """after_first_frame holds a callback queued while the app starts until a frame is sent; once it is, a
    callback runs after the next refresh."""
    store = MemoryWorkspace()
    answered_session(store, "Acme")
    watch = FrameWatch(monkeypatch)
    ran: list[bool] = []
    mount = HomeScreen.on_mount

    def on_mount(screen: HomeScreen) -> None:
        mount(screen)
        screen.secplan.after_first_frame(screen, lambda: ran.append(watch.frame_out))

    monkeypatch.setattr(HomeScreen, "on_mount", on_mount)
    app = make_app(store, plan_date=PLAN_DATE)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert ran == [True]
        app.after_first_frame(app.screen, lambda: ran.append(True))
        await pilot.pause()
        assert ran == [True, True]


async def test_the_footer_is_built_once_for_the_first_frame(monkeypatch: pytest.MonkeyPatch) -> None:
    """The home screen and a session's questions start with the footer their keys need: not built for an empty
    list or no question first, then again (each time a restyle of every key, before the first frame)."""
    store = MemoryWorkspace()
    starter = catalogue.load("starter")
    session = store.create("Acme", starter.id, starter.version, starter.content_hash).id
    recomposed: list[str] = []
    recompose = KeyFooter.recompose

    async def watched(footer: KeyFooter) -> None:
        recomposed.append(type(footer.screen).__name__)
        await recompose(footer)

    monkeypatch.setattr(KeyFooter, "recompose", watched)
    for session_id in (None, session):
        app = make_app(store, session_id=session_id, plan_date=PLAN_DATE)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.pause()
            keys = [key.key for key in app.screen.query_one(KeyFooter).query(FooterKey)]
            assert keys == (["f2", "f4", "f5", "f6", "f7", "f8", "ctrl+n"] if session_id else
                            ["n", "o", "d", "i", "e", "a"])
    assert recomposed == []


async def test_the_long_text_control_is_mounted_when_first_needed_and_its_button_saves() -> None:
    """The long-text area is not built for a session's first (short) question; the first long-text question
    mounts it (once), focused, and its Save button saves what was typed."""
    from secplan_tui.frontends.tui.widgets.long_answer import LongAnswer

    store = MemoryWorkspace()
    session = answered_session(store, "Acme")
    starter = catalogue.load("starter")
    long_id = next(q.id for q in starter.questions() if q.type is QuestionType.LONGTEXT)
    short_id = next(q.id for q in starter.questions() if q.type is QuestionType.TEXT)
    app = make_app(store, session_id=session, plan_date=PLAN_DATE)
    app.cursor_blink = False
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, QuestionScreen)
        await screen.show(short_id)
        await pilot.pause()
        assert list(screen.query(LongAnswer)) == []
        await screen.show(long_id)
        await pilot.pause()
        long = screen.query_one(LongAnswer)
        assert long.display and app.focused is long.area
        assert long.area.text == str(store.answers(session)[long_id])
        long.area.load_text("We phone the bank first now")
        await pilot.press("tab")  # to the Save button
        await pilot.press("enter")
        await pilot.pause()
        assert store.answers(session)[long_id] == "We phone the bank first now"
        await screen.show(short_id)
        await screen.show(long_id)
        await pilot.pause()
        assert len(screen.query(LongAnswer)) == 1
