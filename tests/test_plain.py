"""Plain mode in process: interactive questionary prompts through prompt_toolkit's pipe input, line mode on
StringIO, the reading of one input line, and the choice between the two."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
import yaml
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input.defaults import create_pipe_input
from prompt_toolkit.output import DummyOutput

from secplan_tui import catalogue
from secplan_tui.engine import Flow
from secplan_tui.model import DONT_KNOW, NOT_APPLICABLE, AnswerValue, Question, Questionnaire, QuestionType
from secplan_tui.plain import needs_line_mode, run_plain
from secplan_tui.plain_line import Command, Reply, Unclear, parse_line
from secplan_tui.session import SessionController
from secplan_tui.store import MemoryWorkspace
from secplan_tui.validate import load_questionnaire

ROOT = Path(__file__).resolve().parents[1]
OFFICE = ROOT / "questionnaires" / "examples" / "starter-small-office.yaml"
HOSTILE = ROOT / "tests" / "plain" / "hostile.yaml"

DOWN, UP, ENTER, ESC_ENTER, BACKSPACE, CTRL_C, CTRL_D = "\x1b[B", "\x1b[A", "\r", "\x1b\r", "\x7f", "\x03", "\x04"


@pytest.fixture(scope="module")
def starter() -> Questionnaire:
    """The bundled starter questionnaire."""
    return catalogue.load("starter")


@pytest.fixture(scope="module")
def office() -> dict[str, AnswerValue]:
    """The small-office example answers: every visible question answered, two of them "don't know"."""
    answers: dict[str, AnswerValue] = yaml.safe_load(OFFICE.read_text(encoding="utf-8"))["answers"]
    return answers


def new_session(questionnaire: Questionnaire) -> tuple[MemoryWorkspace, str]:
    """A memory workspace with one empty session on the questionnaire."""
    store = MemoryWorkspace()
    meta = store.create("acme", questionnaire.id, questionnaire.version, questionnaire.content_hash)
    return store, meta.id


def run_interactive(store: MemoryWorkspace, sid: str, questionnaire: Questionnaire, keys: str) -> tuple[int, str]:
    """Run interactive plain mode with these keys typed; returns (status, text written besides the prompts, with
    its wrapping to the terminal's width undone: every run of white space becomes one space).

    The pipe is closed after the keys, so a run that wants more input ends (EOF) instead of hanging.
    """
    out = io.StringIO()
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        pipe.close()
        with create_app_session(input=pipe, output=DummyOutput()):
            status = run_plain(store, sid, questionnaire, mode="interactive", stdout=out)
    return status, " ".join(out.getvalue().split())


def keys_for(question: Question, value: AnswerValue) -> str:
    """The keys that give this answer at this question's interactive prompt."""
    kind = question.type
    ids = question.choice_ids()
    if kind is QuestionType.MULTI:
        if value == DONT_KNOW:  # the first option below the line; Enter with nothing ticked picks it
            return DOWN * len(ids) + ENTER
        keys, at = "", 0
        for index in sorted(ids.index(v) for v in value):  # type: ignore[union-attr]
            keys += DOWN * (index - at) + " "
            at = index
        return keys + ENTER
    if kind.has_choices:
        return ("d" if value == DONT_KNOW else str(ids.index(str(value)) + 1)) + ENTER
    if value == DONT_KNOW:
        return "d" + ENTER
    return str(value) + (ESC_ENTER if kind is QuestionType.LONGTEXT else ENTER)


# -- interactive mode ---------------------------------------------------------------------------------------


def test_interactive_full_run_with_help_skip_back_and_dont_know(
    starter: Questionnaire, office: dict[str, AnswerValue]
) -> None:
    """A whole starter run through questionary prompts, using ?, skip, go back, a refused number and "don't know",
    saves exactly the example answers and ends with status 0."""
    store, sid = new_session(starter)
    order = Flow(starter, office).visible_questions()
    keys = ""
    for question in order:
        value = office[question.id]
        if question.id == "profile.org_name":
            keys += "?" + ENTER  # typed at a text prompt
        if question.id == "profile.people":
            keys += "s" + ENTER  # skip: the next prompt is profile.premises...
            keys += "b" + ENTER  # ... where "b) Go back" returns here
            keys += "abc" + ENTER + BACKSPACE * 3  # refused by the prompt's validation; nothing is saved
        if question.id == "profile.remote":
            keys += "?"  # in a list, ? answers at once
        if question.id == "cyber.remote_access":
            keys += UP * 3 + ENTER  # "Go back", the third option from the bottom, picked with nothing ticked
            keys += ENTER  # cyber.malware again: Enter keeps its answer (the pointer starts on it)
        keys += keys_for(question, value)
    status, out = run_interactive(store, sid, starter, keys)

    assert status == 0, out
    assert store.answers(sid) == office
    assert DONT_KNOW in store.answers(sid).values()
    people = [h for h in store.history(sid) if h.question == "profile.people"]
    assert [h.value for h in people] == [26]  # skip, "abc" and going back saved nothing
    malware = [h for h in store.history(sid) if h.question == "cyber.malware"]
    assert len(malware) == 1  # keeping an answer does not save it again
    assert "Why this matters: The name goes on the front page" in out
    assert "Why this matters: Work done away from the office" in out
    assert "Who is in charge \u2014 question 11 of about 35" in out
    assert "Saved: Email (for example Microsoft 365 or Google Workspace); File storage and sharing;" in out
    assert "All 35 questions are answered and saved." in out
    assert store.meta(sid).status == "complete"


@pytest.mark.parametrize("typed", ["Acme" + ENTER + "2" + ENTER, "Acme" + ENTER], ids=["at-text", "at-list"])
def test_interactive_ctrl_c_keeps_answers(starter: Questionnaire, typed: str) -> None:
    """Ctrl-C at a text prompt or in a list keeps every answer given and returns 130 with the message."""
    store, sid = new_session(starter)
    status, out = run_interactive(store, sid, starter, typed + CTRL_C)
    saved = store.answers(sid)
    n = len(saved)
    assert status == 130
    assert saved["profile.org_name"] == "Acme" and n == typed.count(ENTER)
    word = "answer is" if n == 1 else "answers are"
    assert out.rstrip().endswith(f"Stopped. {n} {word} saved; run `secplan ask {sid}` to go on.")


def test_interactive_resumes_at_first_unanswered(starter: Questionnaire) -> None:
    """A session with answers starts at the first unanswered question and says so."""
    store, sid = new_session(starter)
    controller = SessionController(store, sid, starter)
    for qid, value in (("profile.org_name", "Acme"), ("profile.headcount", "small"), ("profile.people", 12)):
        controller.answer(qid, value)
    status, out = run_interactive(store, sid, starter, CTRL_C)
    assert status == 130
    assert "Carrying on where you left off: 3 answers are saved." in out
    assert "question 4 of about" in out and "question 1 of" not in out


def test_interactive_eof_exits_1_naming_the_question(starter: Questionnaire) -> None:
    """Ctrl-D at a text prompt ends the run with status 1 and a line naming the question and section."""
    store, sid = new_session(starter)
    status, out = run_interactive(store, sid, starter, "Acme" + ENTER + "2" + ENTER + CTRL_D)
    assert status == 1
    assert "Input ended at question profile.people (About your organisation). 2 answers are saved" in out


def test_interactive_stop_choice_exits_0(starter: Questionnaire) -> None:
    """"Stop here" (shortcut q) in a list keeps the answers and returns 0 with the same message as Ctrl-C."""
    store, sid = new_session(starter)
    status, out = run_interactive(store, sid, starter, "Acme" + ENTER + "q" + ENTER)
    assert status == 0
    assert f"Stopped. 1 answer is saved; run `secplan ask {sid}` to go on." in out
    assert store.answers(sid) == {"profile.org_name": "Acme"}


def test_interactive_hostile_text_is_cleaned(tmp_path: Path) -> None:
    """Escape sequences in the questionnaire and in a typed answer reach neither the text output nor the store."""
    questionnaire = load_questionnaire(HOSTILE)
    store, sid = new_session(questionnaire)
    keys = "?" + "a" + ENTER + DOWN * 3 + ENTER + "\x1b]0;owned\x07Acme" + ENTER  # list: help, "a) Not applicable"
    status, out = run_interactive(store, sid, questionnaire, keys)
    assert status == 0, out
    assert "\x1b" not in out and "\x9b" not in out and "\x07" not in out
    assert "Hostile title" in out
    saved = store.answers(sid)
    assert saved["profile.pick"] == NOT_APPLICABLE and saved["profile.many"] == NOT_APPLICABLE
    # prompt_toolkit reads ESC as the Escape key and BEL as Ctrl-G: what is left of the sequence is plain text.
    name = str(saved["profile.name"])
    assert name.endswith("Acme") and not any(ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F for ch in name)


# -- line mode in process -----------------------------------------------------------------------------------


def run_lines(store: MemoryWorkspace, sid: str, questionnaire: Questionnaire, text: str) -> tuple[int, str]:
    """Run line mode with this text as stdin; returns (status, stdout)."""
    out = io.StringIO()
    status = run_plain(store, sid, questionnaire, mode="line", stdin=io.StringIO(text), stdout=out)
    return status, out.getvalue()


def test_line_mode_hostile_questionnaire_prints_no_escape() -> None:
    """Line mode prints a hostile questionnaire's text, choices and help without one escape or control byte."""
    questionnaire = load_questionnaire(HOSTILE)
    store, sid = new_session(questionnaire)
    status, out = run_lines(store, sid, questionnaire, "?\n\x1b[2J9\n1\nna\n\\q\n")
    assert status == 0, out
    assert not any(ord(ch) < 32 and ch != "\n" or 0x7F <= ord(ch) <= 0x9F for ch in out)
    assert "Pick one" in out and "  1. Alpha" in out and "Why this matters: Why" in out
    assert "Answer: 9\nNot accepted: there is no choice 9; type a number from 1 to 2." in out  # cleaned, then read
    assert store.answers(sid) == {"profile.pick": "a", "profile.many": NOT_APPLICABLE, "profile.name": "q"}


def test_line_mode_back_at_first_question_and_keep(starter: Questionnaire) -> None:
    """"b" at the first question says there is nothing before it; Enter on an answered question keeps it."""
    store, sid = new_session(starter)
    status, out = run_lines(store, sid, starter, "b\nAcme\nb\n\n2\n")
    assert status == 1
    assert "This is the first question; there is nothing to go back to." in out
    assert "Current answer: Acme" in out and "Enter to keep the current answer" in out
    assert store.answers(sid) == {"profile.org_name": "Acme", "profile.headcount": "small"}
    assert len([h for h in store.history(sid) if h.question == "profile.org_name"]) == 1


def test_line_mode_end_with_skipped_questions(load_yaml: Any) -> None:
    """Reaching the end with skipped questions returns 0 and names them, with how to answer them later."""
    questionnaire = load_questionnaire(HOSTILE)
    store, sid = new_session(questionnaire)
    status, out = run_lines(store, sid, questionnaire, "s\n2\ns\n")
    assert status == 0
    assert "2 skipped (profile.pick, profile.name)" in out and f"run `secplan ask {sid}`" in out


def test_line_mode_complete_session_asks_nothing(starter: Questionnaire, office: dict[str, AnswerValue]) -> None:
    """A complete session asks nothing and says how to compile the plan."""
    store, sid = new_session(starter)
    store.save_answers(sid, office)
    status, out = run_lines(store, sid, starter, "")
    assert status == 0 and f"Compile the plan with `secplan plan {sid}`" in out and "Answer:" not in out


# -- reading one line ---------------------------------------------------------------------------------------


def _question(questionnaire: Questionnaire, qid: str) -> Question:
    question = questionnaire.question(qid)
    assert question is not None
    return question


@pytest.mark.parametrize(
    ("qid", "line", "expected"),
    [
        ("profile.headcount", "2", Reply(value="small")),
        ("profile.headcount", " Small ", Reply(value="small")),
        ("profile.headcount", "10 to 49 people", Reply(value="small")),
        ("profile.cards", "y", Reply(value="yes")),
        ("profile.cards", "N", Reply(value="no")),
        ("profile.cloud", "1, 3", Reply(value=["email", "accounting"])),
        ("profile.cloud", "1 3", Reply(value=["email", "accounting"])),
        ("profile.cloud", "email,files", Reply(value=["email", "files"])),
        ("profile.cloud", "d", Reply(value=DONT_KNOW)),
        ("people.payment_checks", "na", Reply(value=NOT_APPLICABLE)),
        ("people.payment_checks", "not applicable", Reply(value=NOT_APPLICABLE)),
        ("people.payment_checks", "Don\u2019t know", Reply(value=DONT_KNOW)),
        ("people.payment_checks", "?", Reply(Command.HELP)),
        ("people.payment_checks", "back", Reply(Command.BACK)),
        ("people.payment_checks", "S", Reply(Command.SKIP)),
        ("people.payment_checks", "q", Reply(Command.STOP)),
        ("profile.people", "1,200", Reply(value="1,200")),
        ("profile.org_name", "Skip", Reply(value="Skip")),  # whole words are answers at a text question
        ("profile.org_name", "\\b", Reply(value="b")),
        ("profile.org_name", "b", Reply(Command.BACK)),
    ],
)
def test_parse_line(starter: Questionnaire, qid: str, line: str, expected: Reply) -> None:
    """Numbers, comma lists, choice ids and labels, y/n, keywords and the backslash escape read as documented."""
    assert parse_line(_question(starter, qid), line, has_current=False) == expected


@pytest.mark.parametrize(
    ("qid", "line", "reason"),
    [
        ("profile.headcount", "4", "there is no choice 4; type a number from 1 to 3."),
        ("profile.headcount", "1,2", "pick only one choice"),
        ("profile.headcount", "lots", "'lots' is not one of the choices"),
        ("profile.headcount", "d", "this question has no \"don't know\""),
        ("profile.cloud", "1, 9", "there is no choice 9"),
        ("profile.cloud", "na", "this question has no \"not applicable\""),
        ("profile.org_name", "", "nothing was typed"),
    ],
)
def test_parse_line_refuses_with_a_reason(starter: Questionnaire, qid: str, line: str, reason: str) -> None:
    """A line that is not an answer is refused with a one-line reason saying what to type."""
    with pytest.raises(Unclear) as caught:
        parse_line(_question(starter, qid), line, has_current=False)
    assert reason in str(caught.value) and "\n" not in str(caught.value)


def test_empty_line_keeps_a_current_answer(starter: Questionnaire) -> None:
    """An empty line at an answered question keeps the answer."""
    assert parse_line(_question(starter, "profile.headcount"), "  ", has_current=True) == Reply(Command.KEEP)


# -- choosing the mode --------------------------------------------------------------------------------------


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("stdin_tty", "stdout_tty", "term", "line"),
    [
        (True, True, "xterm-256color", False),
        (True, True, "linux", False),
        (True, True, None, False),
        (True, True, "dumb", True),
        (False, True, "xterm", True),
        (True, False, "xterm", True),
    ],
)
def test_needs_line_mode(stdin_tty: bool, stdout_tty: bool, term: str | None, line: bool) -> None:
    """Line mode when stdin or stdout is not a terminal or TERM is dumb; a missing TERM (Windows) is no reason."""
    environ = {} if term is None else {"TERM": term}
    stdin = _Tty() if stdin_tty else io.StringIO()
    stdout = _Tty() if stdout_tty else io.StringIO()
    assert needs_line_mode(stdin, stdout, environ) is line


def test_auto_mode_without_terminal_is_line_mode(starter: Questionnaire) -> None:
    """"auto" with StringIO streams runs line mode: plain text, numbered choices, no prompt_toolkit."""
    store, sid = new_session(starter)
    out = io.StringIO()
    status = run_plain(store, sid, starter, stdin=io.StringIO("Acme\n"), stdout=out)
    assert status == 1 and "Answer: Acme" in out.getvalue() and "  1. 1 to 9 people" in out.getvalue()
