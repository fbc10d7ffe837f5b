"""Snapshots of the app's key screens at 80x24 (and one at 60x20 as the Linux console draws it).

Regenerate with ``.venv/bin/pytest tests/test_tui_snapshots.py --snapshot-update`` and look at the SVG files in
``tests/__snapshots__/test_tui_snapshots/`` before committing them. Everything shown is fixed: the clock, the plan
date, the session ids and the answers.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from secplan_tui.core import catalogue
from secplan_tui.frontends.tui import configure_from_environment
from secplan_tui.frontends.tui.app import SecplanApp, make_app
from secplan_tui.frontends.tui.screens.plan import PlanScreen
from secplan_tui.frontends.tui.screens.question import QuestionScreen
from secplan_tui.session.answer_files import progress_of, read_answers
from secplan_tui.store import MemoryWorkspace

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "questionnaires" / "examples" / "starter-small-office.yaml"
NOW = dt.datetime(2026, 1, 15, 9, 30, tzinfo=dt.UTC)
PLAN_DATE = dt.date(2026, 1, 15)

SnapCompare = Callable[..., bool]


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> MemoryWorkspace:
    """A memory workspace with a fixed clock and session ids 00000001, 00000002, ..."""
    counter = itertools.count(1)
    monkeypatch.setattr("secplan_tui.store.operations._new_session_id", lambda: f"{next(counter):08x}")
    return MemoryWorkspace(clock=lambda: NOW, user=lambda: "tester")


def add_session(store: MemoryWorkspace, name: str, count: int | None = None) -> str:
    """A starter session with the first ``count`` example answers (all of them for None)."""
    starter = catalogue.load("starter")
    answers = read_answers(str(EXAMPLE), starter).answers
    if count is not None:
        answers = dict(list(answers.items())[:count])
    meta = store.create(name, starter.id, starter.version, starter.content_hash)
    progress = progress_of(starter, answers)
    store.save_answers(meta.id, answers, progress=progress)
    if progress["answered"] >= progress["total"]:
        store.update_meta(meta.id, status="complete")
    return meta.id


def snapshot_app(store: MemoryWorkspace, tmp_path: Path, session_id: str | None = None) -> SecplanApp:
    app = make_app(store, session_id=session_id, plan_date=PLAN_DATE, export_dir=tmp_path)
    app.cursor_blink = False
    return app


def test_home_screen(snap_compare: SnapCompare, store: MemoryWorkspace, tmp_path: Path) -> None:
    """The sessions with name, questionnaire, progress and last change; details of the highlighted one."""
    add_session(store, "Riverside Travel Ltd")
    add_session(store, "Corner Bakery [b]2026[/b]", count=9)
    assert snap_compare(snapshot_app(store, tmp_path), terminal_size=(80, 24))


def test_question_screen(snap_compare: SnapCompare, store: MemoryWorkspace, tmp_path: Path) -> None:
    """A choice question with its saved answer, the sidebar's progress and why it matters."""
    session = add_session(store, "Riverside Travel Ltd", count=14)

    async def go_to_a_saved_answer(pilot: Pilot[Any]) -> None:
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, QuestionScreen)
        await screen.show("governance.suppliers")
        await pilot.pause()

    assert snap_compare(snapshot_app(store, tmp_path, session), terminal_size=(80, 24),
                        run_before=go_to_a_saved_answer)


def test_review_screen(snap_compare: SnapCompare, store: MemoryWorkspace, tmp_path: Path) -> None:
    """Unanswered and "don't know" questions, numbered."""
    session = add_session(store, "Riverside Travel Ltd", count=24)
    assert snap_compare(snapshot_app(store, tmp_path, session), press=["f7"], terminal_size=(80, 24))


def test_plan_screen(snap_compare: SnapCompare, store: MemoryWorkspace, tmp_path: Path) -> None:
    """Maturity bars, the chapters and the preview of the plan's front page."""
    session = add_session(store, "Riverside Travel Ltd")

    async def open_plan(pilot: Pilot[Any]) -> None:
        await pilot.press("f8")
        await pilot.pause()
        assert isinstance(pilot.app.screen, PlanScreen)

    assert snap_compare(snapshot_app(store, tmp_path, session), terminal_size=(80, 24), run_before=open_plan)


def test_question_screen_linux_console_60x20(snap_compare: SnapCompare, store: MemoryWorkspace,
                                             tmp_path: Path) -> None:
    """On the Linux console (16 colours, ASCII marks) and at 60x20 the question still reads."""
    session = add_session(store, "Riverside Travel Ltd", count=12)
    app = snapshot_app(store, tmp_path, session)
    configure_from_environment(app, {"TERM": "linux"})
    assert snap_compare(app, terminal_size=(60, 20))


def learner_session(store: MemoryWorkspace, answers: dict[str, Any] | None = None) -> str:
    """A learner session on the bike shop scenario with the given answers (the model's when None)."""
    from secplan_tui.teaching.scenario import load_scenario

    scenario = load_scenario("bike_shop")
    questionnaire = catalogue.load(scenario.questionnaire_id)
    chosen = dict(scenario.model_answers) if answers is None else answers
    meta = store.create("Ann - bike shop", questionnaire.id, questionnaire.version, questionnaire.content_hash,
                        scenario=scenario.id)
    store.save_answers(meta.id, chosen, progress=progress_of(questionnaire, chosen))
    return meta.id


def open_document(*pressed: str) -> Callable[[Pilot[Any]], Any]:
    """Press keys, then wait for the document made in a thread to be on screen."""

    async def run(pilot: Pilot[Any]) -> None:
        await pilot.pause()
        await pilot.press(*pressed)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    return run


def test_briefing_screen(snap_compare: SnapCompare, store: MemoryWorkspace, tmp_path: Path) -> None:
    """A learner's briefing (F10): the question on screen and its hint, then the organisation's own words."""
    from secplan_tui.teaching.scenario import load_scenario

    first = dict(list(load_scenario("bike_shop").model_answers.items())[:3])
    session = learner_session(store, first)
    assert snap_compare(snapshot_app(store, tmp_path, session), terminal_size=(80, 24),
                        run_before=open_document("f10"))


def test_check_screen(snap_compare: SnapCompare, store: MemoryWorkspace, tmp_path: Path) -> None:
    """The check against the model (F12) for a learner with two answers wrong: the score, its formula, the start
    of the report."""
    from secplan_tui.teaching.scenario import load_scenario

    answers = {**load_scenario("bike_shop").model_answers, "information.card_numbers": "never",
               "cyber.mfa_email": "yes"}
    session = learner_session(store, answers)
    assert snap_compare(snapshot_app(store, tmp_path, session), terminal_size=(80, 24),
                        run_before=open_document("f12"))


@pytest.fixture
def twopass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The small two-pass questionnaire of the pilot tests, found through SECPLAN_QUESTIONNAIRES; its id."""
    from tests.test_tui import PASSES_YAML

    folder = tmp_path / "questionnaires"
    folder.mkdir()
    (folder / "twopass.yaml").write_text(PASSES_YAML, encoding="utf-8")
    monkeypatch.setenv("SECPLAN_QUESTIONNAIRES", str(folder))
    return "twopass"


def twopass_session(store: MemoryWorkspace, answers: dict[str, Any]) -> str:
    """A session on the two-pass questionnaire with some answers."""
    questionnaire = catalogue.load("twopass")
    meta = store.create("Corner Bakery", questionnaire.id, questionnaire.version, questionnaire.content_hash)
    if answers:
        store.save_answers(meta.id, answers, progress=progress_of(questionnaire, answers))
    return meta.id


def test_essentials_question_screen(snap_compare: SnapCompare, store: MemoryWorkspace, tmp_path: Path,
                                    twopass: str) -> None:
    """The essentials pass: its own count and time left in the header and the sidebar, a section that waits."""
    session = twopass_session(store, {})
    assert snap_compare(snapshot_app(store, tmp_path, session), terminal_size=(80, 24))


async def _finish_essentials(pilot: Pilot[Any]) -> None:
    await pilot.pause()
    await pilot.press("1")  # the last essential question
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, QuestionScreen) and screen.pause is not None


def test_first_pass_done(snap_compare: SnapCompare, store: MemoryWorkspace, tmp_path: Path, twopass: str) -> None:
    """After the last essential: the first plan is offered (F8), or the details (Enter)."""
    session = twopass_session(store, {"profile.premises": "office", "profile.people": 12})
    assert snap_compare(snapshot_app(store, tmp_path, session), terminal_size=(80, 24),
                        run_before=_finish_essentials)


def test_first_pass_done_linux_console_60x20(snap_compare: SnapCompare, store: MemoryWorkspace, tmp_path: Path,
                                             twopass: str) -> None:
    """The same at 60x20 on the Linux console: the header and the footer fit on one line each."""
    session = twopass_session(store, {"profile.premises": "office", "profile.people": 12})
    app = snapshot_app(store, tmp_path, session)
    configure_from_environment(app, {"TERM": "linux", "NO_COLOR": "1"})
    assert snap_compare(app, terminal_size=(60, 20), run_before=_finish_essentials)


def test_question_screen_with_a_note(snap_compare: SnapCompare, store: MemoryWorkspace, tmp_path: Path) -> None:
    """A saved answer with its note under it; the note's markup, Markdown and escape sequence are shown literally
    or dropped, never acted on."""
    session = add_session(store, "Riverside Travel Ltd", count=14)
    questionnaire = catalogue.load("starter")
    value = store.answers(session)["governance.suppliers"]
    progress = progress_of(questionnaire, store.answers(session))
    store.save_answer(session, "governance.suppliers", value, progress=progress,
                      note="\x1b]0;owned\x07# Asked Sam [@click=app.quit]here[/] <b>March</b> | a | b |")

    async def go_to_the_note(pilot: Pilot[Any]) -> None:
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, QuestionScreen)
        await screen.show("governance.suppliers")
        await pilot.pause()

    assert snap_compare(snapshot_app(store, tmp_path, session), terminal_size=(80, 24), run_before=go_to_the_note)
