"""A note per answer: added and edited in the app (Ctrl+N) and in plain mode (``note TEXT``), kept with the answer,
shown under it, in the exercise check beside a differing answer; hostile note text shown literally everywhere."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from textual.widgets import Static

from secplan_tui.core import catalogue
from secplan_tui.core.errors import InvalidInput
from secplan_tui.core.model import Questionnaire
from secplan_tui.frontends.plain.driver import Command, run_flow
from secplan_tui.frontends.plain.lines import LineUI, parse_line
from secplan_tui.frontends.tui.app import SecplanApp
from secplan_tui.frontends.tui.dialogs import TextDialog
from secplan_tui.session.answer_files import read_answers
from secplan_tui.session.controller import SessionController
from secplan_tui.store import MemoryWorkspace, Workspace
from secplan_tui.teaching.check import check_exercise, check_json, render_check_markdown
from secplan_tui.teaching.report import LearnerSession, class_report, render_report_markdown
from secplan_tui.teaching.scenario import load_scenario
from tests.test_plain import new_session, run_interactive
from tests.test_tui import (
    SIZE,
    fixed_clock,
    new_app,
    paste,
    question_screen,
    screen_text,
    starter_session,
    user_name,
)

HOSTILE = "\x1b]0;owned\x07# heading <script>alert(1)</script> [@click=app.quit] | a | b |"
SHOWN = "# heading <script>alert(1)</script> [@click=app.quit] | a | b |"
"""The hostile note as it is saved and shown: the escape sequence gone, every other character literal."""


def answer_line(app: SecplanApp) -> str:
    """The saved answer and its note under the question, as plain text."""
    return str(question_screen(app).panel.query_one("#q-answer", Static).render())


@pytest.fixture(scope="module")
def starter() -> Questionnaire:
    return catalogue.load("starter")


# -- the app ---------------------------------------------------------------------------------------------------------


async def test_app_note_is_saved_with_the_answer_shown_literally_and_kept(tmp_path: Path) -> None:
    """Ctrl+N on an answered question opens a one-line box; the note is saved with the answer, shown under it as
    typed (no markup acts, no escape sequence reaches the screen) and is there again after reopening; an empty
    note removes it."""
    store = Workspace(tmp_path / "ws", clock=fixed_clock, user=user_name)
    meta = starter_session(store, answers={"profile.org_name": "Acme"})
    app = new_app(store, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        assert app.open_session(meta.id, at_question="profile.org_name")
        await pilot.pause()
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, TextDialog)
        await paste(pilot, HOSTILE)
        await pilot.press("enter")
        await pilot.pause()
        screen = question_screen(app)
        assert app.is_running  # [@click=app.quit] did nothing
        text = screen_text(app)
        assert answer_line(app) == f"+ Saved answer: Acme\nNote: {SHOWN}".replace("+", app.glyphs.saved)
        assert "Note: # heading <script>alert(1)</script>" in text
        assert "owned" not in text and "\x1b" not in text
        assert "Note saved" in text
        assert store.answer_notes(meta.id) == {"profile.org_name": SHOWN}
        assert store.answers(meta.id)["profile.org_name"] == "Acme"  # the answer is unchanged
        assert screen.current == "profile.org_name"
    app = new_app(store, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        assert app.open_session(meta.id, at_question="profile.org_name")
        await pilot.pause()
        assert answer_line(app).endswith(f"Note: {SHOWN}")
        await pilot.press("ctrl+n")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, TextDialog)
        box = dialog.query_one("#text")
        assert getattr(box, "value", None) == SHOWN  # the note to edit
        box.value = ""  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        text = screen_text(app)
        assert "Note removed" in text and "Note:" not in answer_line(app)
        assert store.answer_notes(meta.id) == {}


async def test_app_note_on_an_unanswered_question_is_explained_not_saved(tmp_path: Path) -> None:
    """A note needs an answer to belong to: Ctrl+N before answering says so and opens nothing."""
    store = Workspace(tmp_path / "ws", clock=fixed_clock, user=user_name)
    meta = starter_session(store)
    app = new_app(store, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        assert app.open_session(meta.id)
        await pilot.pause()
        await pilot.press("ctrl+n")
        await pilot.pause()
        question_screen(app)  # no dialog
        assert any("Answer the question first" in n.message for n in app._notifications)
        assert store.answer_notes(meta.id) == {}


@pytest.mark.parametrize("size", [(80, 24), (60, 20)])
async def test_footer_shows_the_note_key_and_the_navigation_at_both_sizes(tmp_path: Path, size: tuple[int, int]
                                                                          ) -> None:
    """The footer keeps the note key and the main navigation on one line at 80x24 and, with short labels, 60x20
    (where only F6, the sections, leaves it: F1 lists it)."""
    store = Workspace(tmp_path / "ws", clock=fixed_clock, user=user_name)
    meta = starter_session(store)
    app = new_app(store, tmp_path)
    async with app.run_test(size=size) as pilot:
        assert app.open_session(meta.id)
        await pilot.pause()
        footer = screen_text(app).rstrip("\n").split("\n")[-1]
        for key in ("F2 Don't know", "F4 Skip", "F5 Back", "F7 Review", "F8 Plan", "^n Note"):
            assert key in footer, footer
        assert ("F6 Sections" in footer) == (size[0] == 80)
        assert len(footer.rstrip()) <= size[0]


# -- plain mode ------------------------------------------------------------------------------------------------------


def run_line(store: MemoryWorkspace, sid: str, questionnaire: Questionnaire, lines: list[str]) -> str:
    out = io.StringIO()
    ui = LineUI(io.StringIO("".join(line + "\n" for line in lines)), out)
    run_flow(SessionController(store, sid, questionnaire), ui)
    return out.getvalue()


def test_plain_note_keyword_saves_a_note_on_the_current_answer(starter: Questionnaire) -> None:
    """``note TEXT`` at a question with an answer saves the note (cleaned, literal) and asks the question again,
    showing the note; ``note -`` removes it; before any answer it says a note needs one."""
    store, sid = new_session(starter)
    out = run_line(store, sid, starter, ["note too early", "Acme", "<", "note " + HOSTILE, "", "<", "note -"])
    assert "Answer the question first: a note is kept with its answer." in out
    assert f"Note saved: {SHOWN}" in out
    assert f"Note: {SHOWN}" in out  # shown with the question asked again
    assert "Note removed." in out
    assert "\x1b" not in out and "owned" not in out
    assert store.answers(sid)["profile.org_name"] == "Acme"
    assert store.answer_notes(sid) == {}


def test_plain_note_keyword_is_read_only_where_it_cannot_be_an_answer(starter: Questionnaire) -> None:
    """``n TEXT`` is a note at a choice question but an answer at a text question, where only ``note TEXT`` is;
    a backslash makes ``note ...`` an answer."""
    name, headcount = starter.question("profile.org_name"), starter.question("profile.headcount")
    assert name is not None and headcount is not None
    assert parse_line(headcount, "n asked Sam", has_current=True).command is Command.NOTE
    assert parse_line(headcount, "note asked Sam", has_current=True).value == "asked Sam"
    assert parse_line(name, "n Jones Ltd", has_current=True).value == "n Jones Ltd"
    assert parse_line(name, "note asked Sam", has_current=True).command is Command.NOTE
    assert parse_line(name, "\\note Ltd", has_current=True).value == "note Ltd"


def test_interactive_note_at_a_text_prompt(starter: Questionnaire) -> None:
    """The arrow-key mode takes ``note TEXT`` at a text prompt too."""
    store, sid = new_session(starter)
    status, out = run_interactive(store, sid, starter, "Acme\r<" + "note Checked with Sam\r\x03")
    assert "Note saved: Checked with Sam" in out
    assert store.answer_notes(sid) == {"profile.org_name": "Checked with Sam"}
    assert status == 130


# -- answers files and the exercise check ----------------------------------------------------------------------------


def test_answers_file_refusal_names_the_question_in_the_owners_words(tmp_path: Path, starter: Questionnaire
                                                                     ) -> None:
    """A refused answer in an answers file keeps file:line and names the question by number and text, not id."""
    path = tmp_path / "answers.yaml"
    path.write_text(f"questionnaire: {starter.id}\nanswers:\n  profile.org_name: Acme\n  profile.people: -5\n",
                    encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        read_answers(str(path), starter)
    message = caught.value.message
    assert f"{path}:4: question 3 (\"How many people" in message
    assert "profile.people" not in message


def test_exercise_check_shows_each_learners_note_beside_the_difference() -> None:
    """The check shows the learner's note with a differing answer (escaped: it adds no structure) and the
    suspect flag with the learner, in Markdown and JSON, and the class report flags the suspect learner."""
    scenario = load_scenario("bike_shop")
    questionnaire = catalogue.load(scenario.questionnaire_id)
    answers = dict(scenario.model_answers)
    answers["information.card_numbers"] = "never"
    notes = {"information.card_numbers": HOSTILE}
    check = check_exercise(scenario, questionnaire, answers, learner="Jo", notes=notes,
                           suspect="the file belongs to mallory")
    markdown = render_check_markdown(check)
    line = next(line for line in markdown.splitlines() if "Learner's note" in line)
    assert line.startswith("- **Learner's note:** ") and "\x1b" not in line and "owned" not in line
    assert "\\#" in line or "\\<" in line  # escaped, not a heading or HTML
    assert "**Suspect session file:** the file belongs to mallory" in markdown
    table = render_check_markdown(check, differences_table=True)
    row = next(r for r in table.splitlines() if "Learner" in r and "note" in r)
    assert row.count(" | ") == 3  # the note's pipes add no cell
    data = json.loads(json.dumps(check_json(check)))
    assert data["differences"][0]["learner_note"] == SHOWN and data["suspect"] == "the file belongs to mallory"
    report = class_report(
        [LearnerSession("s1", "Jo", "bike_shop", "2026-01-01T00:00:00Z", answers, notes, "the file belongs to x")],
        loader=lambda _sid: (scenario, questionnaire),
    )
    assert "Jo (suspect: the file belongs to x)" in render_report_markdown(report)


async def test_help_lists_the_note_key_the_scroll_keys_and_enter_for_the_details(tmp_path: Path) -> None:
    """F1 on the question screen names Ctrl+N for notes, the keys that scroll the question wherever the focus is,
    and Enter between the passes, though it works only there."""
    from secplan_tui.frontends.tui.screens.help import HelpScreen

    store = Workspace(tmp_path / "ws", clock=fixed_clock, user=user_name)
    meta = starter_session(store)
    app = new_app(store, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        assert app.open_session(meta.id)
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        keys = str(app.screen.query_one("#help-keys", Static).render())
        assert "^n             Add or edit a note on this answer" in keys
        assert "PgUp or PgDn or Ctrl+Up or Ctrl+Down Scroll the question, wherever the focus is" in keys
        assert "Enter          After the essentials: on to the details" in keys
        assert "Ctrl+N on a question adds a note" in str(app.screen.query_one("#help-general", Static).render())


def test_answers_file_hidden_answers_are_named_by_number_and_text(tmp_path: Path, starter: Questionnaire) -> None:
    """The import's note on answers to questions other answers hide names them as the owner knows them."""
    path = tmp_path / "answers.yaml"
    path.write_text(f"questionnaire: {starter.id}\nanswers:\n  profile.remote: 'yes'\n", encoding="utf-8")
    parsed = read_answers(str(path), starter)
    note = next(n for n in parsed.notes if "hidden by other answers" in n)
    assert "until shown: question 5 (\"" in note and "profile.remote" not in note


def test_interactive_note_from_a_choice_list(starter: Questionnaire) -> None:
    """At an answered choice question the arrow-key list offers "Note why you answered so" (n), then asks for
    the words on one line."""
    store, sid = new_session(starter)
    status, out = run_interactive(store, sid, starter, "Acme\r2\r<\r" + "n\r" + "Asked Sam\r" + "\x03")
    assert "Note saved: Asked Sam" in out
    assert store.answer_notes(sid) == {"profile.headcount": "Asked Sam"}
    assert status == 130


def test_line_mode_note_typed_after_a_list_pick_keeps_on_empty(starter: Questionnaire) -> None:
    """Line mode's ask_note: an empty line leaves the note, - removes it (through run_flow's NOTE reply)."""
    store, sid = new_session(starter)
    out = io.StringIO()
    ui = LineUI(io.StringIO("\n-\n"), out)
    assert ui.ask_note(starter.questions()[0], "old") is None
    assert ui.ask_note(starter.questions()[0], "old") == "-"
    assert "Note (now: old); Enter keeps it, - removes it: " in out.getvalue()


def test_class_report_sessions_carry_the_learners_notes() -> None:
    """learner_sessions reads each learner's notes from the store, so the report's checks show them."""
    from secplan_tui.teaching.report import learner_sessions

    scenario = load_scenario("bike_shop")
    questionnaire = catalogue.load(scenario.questionnaire_id)
    store, sid = new_session(questionnaire, scenario="bike_shop")
    answers = dict(scenario.model_answers)
    answers["information.card_numbers"] = "never"
    store.save_answers(sid, answers, progress={"answered": 1, "total": 1},
                       notes={"information.card_numbers": "we never keep them"})
    sessions = learner_sessions(store)
    assert sessions[0].notes == {"information.card_numbers": "we never keep them"}
    report = class_report(sessions, loader=lambda _sid: (scenario, questionnaire))
    check = report.rows[0].check
    assert check is not None
    assert [r.learner_note for r in check.differences] == ["we never keep them"]
