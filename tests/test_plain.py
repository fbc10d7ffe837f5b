"""Plain mode in process: interactive questionary prompts through prompt_toolkit's pipe input, line mode on
StringIO, the reading of one input line, and the choice between the two."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input.defaults import create_pipe_input
from prompt_toolkit.output import DummyOutput

from secplan_tui.core import catalogue
from secplan_tui.core.engine import Flow
from secplan_tui.core.model import DONT_KNOW, NOT_APPLICABLE, AnswerValue, Question, Questionnaire, QuestionType
from secplan_tui.core.validate import load_questionnaire
from secplan_tui.frontends.plain.driver import MORE, MORE_LAST, Command, Reply, Unclear, wrap
from secplan_tui.frontends.plain.interactive import needs_line_mode, no_app_reason, run_plain
from secplan_tui.frontends.plain.lines import LineUI, parse_line
from secplan_tui.session.controller import SessionController
from secplan_tui.store import MemoryWorkspace
from secplan_tui.teaching.scenario import briefing_text, load_scenario

ROOT = Path(__file__).resolve().parents[1]
OFFICE = ROOT / "questionnaires" / "examples" / "starter-small-office.yaml"
BIKE_SHOP = ROOT / "questionnaires" / "scenarios" / "bike_shop.yaml"
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


def new_session(questionnaire: Questionnaire, scenario: str | None = None) -> tuple[MemoryWorkspace, str]:
    """A memory workspace with one empty session on the questionnaire (a learner session with a scenario)."""
    store = MemoryWorkspace()
    meta = store.create("acme", questionnaire.id, questionnaire.version, questionnaire.content_hash,
                        scenario=scenario)
    return store, meta.id


@pytest.fixture(scope="module")
def iso22342() -> Questionnaire:
    """The full questionnaire, which the bundled scenarios answer."""
    return catalogue.load("iso22342")


@pytest.fixture
def screen(monkeypatch: pytest.MonkeyPatch) -> None:
    """A terminal of 80 by 24, whatever runs the tests (shutil.get_terminal_size reads COLUMNS and LINES)."""
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("LINES", "24")


@pytest.fixture
def tall_screen(monkeypatch: pytest.MonkeyPatch) -> None:
    """A terminal tall enough for the whole briefing, so that it is shown without a pause."""
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("LINES", "500")


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
            keys += "<"  # ... where "<) Go back" returns here at once
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
    assert re.search("Who is in charge \u2014 question 11 of [0-9]+, about [0-9]+ min left", out)
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
    assert "question 4 of " in out and "question 1 of" not in out


def test_interactive_eof_exits_1_naming_the_question(starter: Questionnaire) -> None:
    """Ctrl-D at a text prompt ends the run with status 1 and a line naming the question and section."""
    store, sid = new_session(starter)
    status, out = run_interactive(store, sid, starter, "Acme" + ENTER + "2" + ENTER + CTRL_D)
    assert status == 1
    assert 'Input ended at question 3 of 19 ("How many people, including you and regu\u2026"). 2 answers are saved' \
        in out


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


def test_interactive_learner_session_briefing_hints_and_back(iso22342: Questionnaire, tall_screen: None) -> None:
    """In a learner session the briefing comes first, b (typed, or "b) Read the briefing" in a list) shows it again,
    each question comes with its hint, and < goes back at once."""
    store, sid = new_session(iso22342, scenario="bike_shop")
    keys = "b" + ENTER  # at the text prompt of profile.org_name
    keys += "Penrose Cycles" + ENTER
    keys += "b" + ENTER  # in the profile.sector list: moves to "b) Read the briefing", Enter picks it
    keys += "<"  # back to profile.org_name at once
    keys += CTRL_C
    status, out = run_interactive(store, sid, iso22342, keys)

    assert status == 130, out
    assert out.count("Briefing: Penrose Cycles, a high-street bike shop") == 3, out
    assert out.index("Briefing: Penrose Cycles") < out.index("Your organisation \u2014 essentials: question 1")
    assert "Hint: Use the name staff and customers know; a trading name is fine." in out
    assert "Hint: Pick the closest; \"other\" is fine." in out
    assert "? for help, b for the briefing, < to go back" in out
    assert out.count("Your organisation \u2014 essentials: question 1 of ") == 3  # start, after b, after <
    assert store.answers(sid) == {"profile.org_name": "Penrose Cycles"}


def test_interactive_ordinary_session_hides_hints_and_has_no_briefing_option(starter: Questionnaire) -> None:
    """Outside an exercise the hint stays under ?, the list has no briefing option and b typed at a text prompt
    says in one line that there is no briefing and how to go back."""
    store, sid = new_session(starter)
    status, out = run_interactive(store, sid, starter, "b" + ENTER + "Acme" + ENTER + "?" + CTRL_C)
    assert status == 130
    assert "There is no briefing: this is not a teaching exercise. To go back, type <." in out
    assert "Hint:" in out and out.count("Hint:") == 1  # only in the help that ? showed
    assert "Briefing" not in out and "b for the briefing" not in out


def test_interactive_briefing_pauses_at_each_screenful(iso22342: Questionnaire, screen: None) -> None:
    """On 80x24 the briefing at the start stops after each screenful until a key is pressed; Ctrl-C there stops
    the run with every answer kept."""
    text = briefing_text(load_scenario("bike_shop")).rstrip("\n")
    lines = ("\n" + wrap(text, 79)).split("\n")
    assert len(lines) > 2 * 22  # three screenfuls or more
    first, last_objective = lines[1], lines[-1].strip()

    store, sid = new_session(iso22342, scenario="bike_shop")
    status, out = run_interactive(store, sid, iso22342, CTRL_C)
    assert status == 130 and first in out and last_objective not in out and "question 1 of" not in out
    assert out.endswith("Stopped. 0 answers are saved; run `secplan ask " + sid + "` to go on.")

    status, out = run_interactive(store, sid, iso22342, "x" + CTRL_C)
    assert status == 130 and last_objective not in out and "question 1 of" not in out

    status, out = run_interactive(store, sid, iso22342, "x" * 3 + CTRL_C)
    assert status == 130 and last_objective in out and "Your organisation \u2014 essentials: question 1 of" in out
    assert store.answers(sid) == {}


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
    """"<" at the first question says there is nothing before it; Enter on an answered question keeps it."""
    store, sid = new_session(starter)
    status, out = run_lines(store, sid, starter, "<\nAcme\n<\n\n2\n")
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
    assert '2 skipped (question 1 of 3 ("Pick one"); question 3 of 3 ("Name"))' in out
    assert f"run `secplan ask {sid}`" in out and "profile." not in out


def test_line_mode_complete_session_asks_nothing(starter: Questionnaire, office: dict[str, AnswerValue]) -> None:
    """A complete session asks nothing and says how to compile the plan."""
    store, sid = new_session(starter)
    store.save_answers(sid, office)
    status, out = run_lines(store, sid, starter, "")
    assert status == 0 and f"Compile the plan with `secplan plan {sid}`" in out and "Answer:" not in out


def test_line_mode_learner_session_shows_briefing_first_and_on_b(iso22342: Questionnaire) -> None:
    """A new learner session prints the briefing before the first question; b prints it again, then the same
    question; every prompt carries the question's hint and offers b; "briefing" works at a list question."""
    store, sid = new_session(iso22342, scenario="bike_shop")
    status, out = run_lines(store, sid, iso22342, "b\nPenrose Cycles\nbriefing\n<\n\n")

    assert status == 1
    title = "Briefing: Penrose Cycles, a high-street bike shop"
    assert out.count(title) == 3
    first_prompt = out.index("Your organisation \u2014 essentials: question 1 of ")
    assert out.index(title) < first_prompt
    assert "Keep the plan in proportion for a seven-person business with no IT staff." in out[:first_prompt]
    assert "Type ? at any question for help, b for the briefing, q to stop." in out
    # after "b", the briefing, then the same question again
    after_b = out.split("Answer: b\n", 1)[1]
    assert after_b.lstrip("\n").startswith(title)
    assert after_b.index("Use the name staff and customers know") > after_b.index(title)
    assert "Hint: Use the name staff and customers know; a trading name is fine." in out
    assert "Hint: Pick the closest; \"other\" is fine." in out
    assert "? for help, b for the briefing, < to go back, s to skip" in out
    assert "Current answer: Penrose Cycles" in out  # "<" went back from profile.sector
    assert store.answers(sid) == {"profile.org_name": "Penrose Cycles"}


def test_line_mode_resumed_learner_session_points_to_b(iso22342: Questionnaire) -> None:
    """A learner carrying on is not shown the whole briefing again, only told that b shows it."""
    store, sid = new_session(iso22342, scenario="bike_shop")
    SessionController(store, sid, iso22342).answer("profile.org_name", "Penrose Cycles")
    status, out = run_lines(store, sid, iso22342, "")
    assert status == 1
    assert "Briefing:" not in out
    assert "This is a teaching exercise on Penrose Cycles, a high-street bike shop: type b at any question to read " \
           "the briefing again." in out


def test_line_mode_b_outside_an_exercise_says_there_is_no_briefing(starter: Questionnaire) -> None:
    """In an ordinary session b gets one line saying there is no briefing and that < goes back; nothing is saved,
    the same question comes again, and hints stay under ? (not printed with each question)."""
    store, sid = new_session(starter)
    status, out = run_lines(store, sid, starter, "Acme\nb\n<\n\n")
    assert status == 1
    lines = out.split("\n")
    at = lines.index("Answer: b")
    assert lines[at + 1] == "There is no briefing: this is not a teaching exercise. To go back, type <."
    assert lines[at + 3].startswith("About your organisation \u2014 question 2 of ")
    assert "Hint:" not in out and "briefing" not in out.replace(lines[at + 1], "")
    assert "Current answer: Acme" in out  # < went back
    assert store.answers(sid) == {"profile.org_name": "Acme"}


def test_line_mode_help_in_a_learner_session_points_to_the_briefing(iso22342: Questionnaire) -> None:
    """? in a learner session says the facts are in the briefing and that b shows it."""
    store, sid = new_session(iso22342, scenario="bike_shop")
    SessionController(store, sid, iso22342).answer("profile.org_name", "Penrose Cycles")
    status, out = run_lines(store, sid, iso22342, "?\n")
    assert status == 1
    assert "Why this matters:" in out
    assert "The facts to answer from are in the briefing: type b to read it again." in out


def test_line_mode_missing_scenario_does_not_stop_answering(iso22342: Questionnaire) -> None:
    """A learner session whose scenario file is gone says once why there is no briefing, then asks and saves as
    usual, with hints; b repeats the reason and is not offered."""
    store, sid = new_session(iso22342, scenario="gone_shop")
    first = Flow(iso22342, {}).next_question(None)
    assert first is not None and first.hint
    typed, _ = first_reply(first)
    status, out = run_lines(store, sid, iso22342, f"{typed}\nb\n")
    assert status == 1
    reason = "scenario 'gone_shop' cannot be found: no scenario 'gone_shop'"
    assert out.count(f"The briefing cannot be shown: {reason}") == 2  # at the start, and when b was typed
    assert out.index("The briefing cannot be shown") < out.index("question 1 of")
    assert "You can still answer; tell your trainer." in out
    assert "b for the briefing" not in out and f"Hint: {first.hint.split()[0]}" in out
    assert list(store.answers(sid)) == [first.id]


def test_line_mode_invalid_scenario_names_file_and_line(
    iso22342: Questionnaire, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A scenario file with an error gives one line naming file:line and the validate command; answering goes on."""
    folder = tmp_path / "scenarios"
    folder.mkdir()
    broken = folder / "bike_shop.yaml"
    text = BIKE_SHOP.read_text(encoding="utf-8")
    assert "\n  profile.sector: retail\n" in text
    broken.write_text(text.replace("\n  profile.sector: retail\n", "\n  profile.sector: circus\n"), encoding="utf-8")
    line = text.split("\n").index("  profile.sector: retail") + 1
    monkeypatch.setenv("SECPLAN_SCENARIOS", str(folder))
    store, sid = new_session(iso22342, scenario="bike_shop")
    first = Flow(iso22342, {}).next_question(None)
    assert first is not None
    typed, value = first_reply(first)
    status, out = run_lines(store, sid, iso22342, f"{typed}\n")
    assert status == 1
    shown = [x for x in out.split("\n") if x.startswith("The briefing cannot be shown: ")]
    assert len(shown) == 1
    assert f"{broken}:{line}: S311 invalid model answer for 'profile.sector'" in shown[0]
    assert f"run `secplan validate {broken}`" in shown[0]
    assert store.answers(sid) == {first.id: value}


def first_reply(question: Question) -> tuple[str, AnswerValue]:
    """A line that answers a question (the first asked, whatever its type) and the answer it saves."""
    if question.type.has_choices:
        choice = question.choices[0].id
        return "1", [choice] if question.type is QuestionType.MULTI else choice
    if question.type is QuestionType.NUMBER:
        number = int(question.minimum or 1)
        return str(number), number
    return "Acme", "Acme"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_line_mode_briefing_on_a_terminal_pauses_at_each_screenful(screen: None) -> None:
    """On an 80x24 terminal line mode shows the briefing a screenful at a time, each ended by a line saying to
    press Enter; q stops reading early. Piped input gets it whole and reads nothing."""
    text = briefing_text(load_scenario("bike_shop")).rstrip("\n")
    out = _Terminal()
    ui = LineUI(_Terminal("\n" * 10), out)
    ui.show_briefing(text)
    # A terminal echoes the Enter that ends each pause; StringIO does not, so the line break is put back here.
    shown = out.getvalue().replace(MORE, MORE + "\n").replace(MORE_LAST, MORE_LAST + "\n").split("\n")
    pauses = [i for i, x in enumerate(shown) if x.startswith("-- ")]
    assert len(pauses) >= 2 and shown[pauses[-1]].startswith("-- End of the briefing. Press Enter")
    assert all(b - a <= 23 for a, b in zip([-1, *pauses], pauses, strict=False))  # each screenful fits 24 rows
    assert all(len(x) <= 79 for x in shown)

    out = _Terminal()
    LineUI(_Terminal("q\n\n"), out).show_briefing(text)
    assert out.getvalue().count("-- ") == 1 and "Keep the plan in proportion" not in out.getvalue()

    piped = io.StringIO("\n")
    out = _Terminal()
    LineUI(piped, out).show_briefing(text)
    assert "-- " not in out.getvalue() and piped.read() == "\n"


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
        ("people.payment_checks", "<", Reply(Command.BACK)),
        ("people.payment_checks", "b", Reply(Command.BRIEFING)),
        ("people.payment_checks", "Briefing", Reply(Command.BRIEFING)),
        ("people.payment_checks", "S", Reply(Command.SKIP)),
        ("people.payment_checks", "q", Reply(Command.STOP)),
        ("profile.people", "1,200", Reply(value="1,200")),
        ("profile.org_name", "Skip", Reply(value="Skip")),  # whole words are answers at a text question
        ("profile.org_name", "\\b", Reply(value="b")),
        ("profile.org_name", "\\<", Reply(value="<")),
        ("profile.org_name", "b", Reply(Command.BRIEFING)),
        ("profile.org_name", "<", Reply(Command.BACK)),
        ("profile.org_name", "briefing", Reply(value="briefing")),  # a whole word is an answer at a text question
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


# -- two passes, "Saved", and why there is no full-screen app -------------------------------------------------


def test_line_mode_says_the_first_pass_is_done_and_how_to_print_the_plan(
    load_yaml: Any, tmp_path: Path
) -> None:
    """After the last essential question, plain mode says the first pass is done, how to print the plan and
    what the details add; the headers count each pass on its own."""
    from tests.test_tui import PASSES_YAML

    questionnaire = load_yaml(PASSES_YAML)
    store, sid = new_session(questionnaire)
    status, out = run_lines(store, sid, questionnaire, "2\n12\n1\nAcme notes\n")
    assert status == 1  # input ended in the details
    assert "Your organisation \u2014 essentials: question 1 of 3" in out
    assert "Cyber security \u2014 essentials: question 3 of 3" in out
    done = out.index("First pass done: 3 of 3 essential questions answered.")
    assert out.index("Cyber security \u2014 essentials: question 3 of 3") < done
    assert f"print it with `secplan plan {sid} -o plan.md`" in out[done:]
    assert "The details come next, domain by domain: 3 questions" in out[done:]
    assert out.index("Your organisation \u2014 details: question 1 of 3") > done
    assert store.answers(sid)["profile.notes"] == "Acme notes"


def test_interactive_says_saved_after_each_answer(starter: Questionnaire) -> None:
    """The arrow-key mode says "Saved" after an answer, as line mode does."""
    store, sid = new_session(starter)
    status, out = run_interactive(store, sid, starter, "Acme" + ENTER + "q" + ENTER)
    assert status == 0
    assert out.count("Saved.") == 1
    assert out.index("Saved.") < out.index("Stopped.")


@pytest.mark.parametrize(
    ("term", "stdin_tty", "stdout_tty", "expected"),
    [
        ("dumb", True, True, 'TERM is "dumb": this terminal cannot move the cursor'),
        ("xterm", False, True, "input is not a terminal (it comes from a file or a pipe)"),
        ("xterm", True, False, "output is not a terminal (it goes to a file or a pipe)"),
        ("xterm", True, True, ""),
    ],
)
def test_why_there_is_no_full_screen_app(term: str, stdin_tty: bool, stdout_tty: bool, expected: str) -> None:
    """A dumb terminal is named as such, not as "no terminal"; a pipe says which side is not a terminal."""

    def stream(tty: bool) -> io.StringIO:
        return _Terminal() if tty else io.StringIO()

    reason = no_app_reason(stream(stdin_tty), stream(stdout_tty), {"TERM": term})
    assert reason.startswith(expected) and bool(reason) is bool(expected)
