"""The flow through a questionnaire (visibility, navigation, progress) and the checking of each answer."""

from __future__ import annotations

import functools
import itertools
import tempfile
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from secplan_tui.core.engine import (
    WORDS_PER_MINUTE,
    AnswerRejected,
    Flow,
    check_answer,
    minutes_for,
    possible_answers,
    question_reference,
    question_words,
)
from secplan_tui.core.errors import InvalidInput
from secplan_tui.core.loader import load_file
from secplan_tui.core.model import AnswerValue, Question, Questionnaire
from secplan_tui.core.validate import load_questionnaire

FLOW_YAML = """\
    id: flow
    version: "1"
    title: Flow test
    roles:
      - id: owner
        title: Owner
    sections:
      - id: profile
        title: Profile
        domain: profile
        questions:
          - id: profile.premises
            type: single
            text: Where do you work?
            why: Premises bring their own risks.
            hint: Pick the main site.
            dont_know: false
            choices:
              - {id: home, label: At home}
              - {id: office, label: In an office}
          - id: profile.people
            type: number
            text: How many people?
            why: Every login is a door.
            hint: Count logins.
            min: 1
            max: 500
            dont_know: false
          - id: profile.cloud
            type: multi
            text: Which online services do you use?
            why: Each service holds data.
            hint: Tick all.
            not_applicable: true
            discover: {ask: owner, how: Look at the bills.}
            choices:
              - {id: email, label: Email}
              - {id: files, label: Files}
              - {id: accounting, label: Accounting}
      - id: physical
        title: Physical security
        domain: physical
        when: "profile.premises != 'home'"
        questions:
          - id: physical.locks
            type: yesno
            partly: true
            text: Are doors locked?
            why: Locks keep people out.
            hint: Check every door.
            discover: {ask: owner, how: Walk round.}
          - id: physical.alarm
            type: yesno
            text: Is there an alarm?
            why: An alarm calls for help.
            hint: Look for a panel.
            when: "physical.locks in ['yes', 'partly']"
            discover: {ask: owner, how: Ask the landlord.}
          - id: physical.alarm_tested
            type: yesno
            text: Was the alarm tested this year?
            why: Alarms fail silently.
            hint: Look for a service sticker.
            when: "physical.alarm == 'yes'"
            discover: {ask: owner, how: Ask the alarm company.}
      - id: cyber
        title: Cyber security
        domain: cyber
        questions:
          - id: cyber.mfa
            type: yesno
            text: Is there a second sign-in step for email?
            why: It stops stolen passwords.
            hint: Look in the admin centre.
            when: "'email' in profile.cloud"
            discover: {ask: owner, how: Ask IT.}
          - id: cyber.notes
            type: longtext
            text: Anything else?
            why: Context helps the plan.
            hint: A few lines.
            max_length: 50
            dont_know: false
          - id: cyber.contact
            type: text
            text: Who is your IT contact?
            why: Someone must be called.
            hint: A name.
            dont_know: false
          - id: cyber.ratio
            type: number
            integer: false
            text: What share of laptops are encrypted (0 to 1)?
            why: Lost laptops leak data.
            hint: A fraction.
            min: 0
            max: 1
            dont_know: false
            not_applicable: true
    actions:
      - id: act.mfa
        title: Turn on a second step
        how: In the admin centre.
        why: Stolen passwords.
        domain: cyber
        priority: P1
        owner: owner
        effort: S
        when: "cyber.mfa == 'no'"
        references: ["CIS:6.3"]
"""

ALWAYS = [
    "profile.premises",
    "profile.people",
    "profile.cloud",
    "cyber.notes",
    "cyber.contact",
    "cyber.ratio",
]
"""The questions shown whatever the answers."""


@pytest.fixture
def questionnaire(load_yaml: Callable[[str], Questionnaire]) -> Questionnaire:
    """The flow test questionnaire, loaded and validated."""
    return load_yaml(FLOW_YAML)


def q(questionnaire: Questionnaire, question_id: str) -> Question:
    """The question with this id (it must exist)."""
    found = questionnaire.question(question_id)
    assert found is not None
    return found


def visible_ids(flow: Flow) -> list[str]:
    """The ids of the visible questions, in order."""
    return [question.id for question in flow.visible_questions()]


# -- visibility ----------------------------------------------------------------------------------------------


def test_no_answers_shows_only_unconditional_questions(questionnaire: Questionnaire) -> None:
    """With no answers, conditional questions and the conditional section are hidden (!= is false)."""
    flow = Flow(questionnaire, {})
    assert visible_ids(flow) == ALWAYS
    assert not flow.is_visible("physical.locks")
    assert not flow.is_visible("no.such_question")


def test_answers_open_branches(questionnaire: Questionnaire) -> None:
    """Answers open the section and the questions whose conditions they satisfy, in questionnaire order."""
    flow = Flow(
        questionnaire, {"profile.premises": "office", "profile.cloud": ["email"], "physical.locks": "partly"}
    )
    assert visible_ids(flow) == [
        "profile.premises",
        "profile.people",
        "profile.cloud",
        "physical.locks",
        "physical.alarm",
        "cyber.mfa",
        "cyber.notes",
        "cyber.contact",
        "cyber.ratio",
    ]


def test_nested_branch_closes_and_keeps_hidden_answers(questionnaire: Questionnaire) -> None:
    """Changing an earlier answer hides a nested branch; its answers stay stored but are not effective."""
    answers: dict[str, AnswerValue] = {
        "profile.premises": "office",
        "physical.locks": "yes",
        "physical.alarm": "yes",
        "physical.alarm_tested": "no",
    }
    opened = Flow(questionnaire, answers)
    assert {"physical.locks", "physical.alarm", "physical.alarm_tested"} <= set(visible_ids(opened))
    assert opened.hidden_answers() == {}

    closed = Flow(questionnaire, {**answers, "physical.locks": "no"})
    assert closed.is_visible("physical.locks")
    assert not closed.is_visible("physical.alarm")
    assert not closed.is_visible(
        "physical.alarm_tested"
    )  # hiding cascades: its condition's question is hidden
    assert closed.answers["physical.alarm"] == "yes"
    assert closed.hidden_answers() == {"physical.alarm": "yes", "physical.alarm_tested": "no"}
    assert "physical.alarm" not in closed.effective_answers()
    assert closed.effective_answers() == {"profile.premises": "office", "physical.locks": "no"}

    home = Flow(questionnaire, {**answers, "profile.premises": "home"})
    assert [i for i in visible_ids(home) if i.startswith("physical.")] == []
    assert home.hidden_answers() == {
        "physical.locks": "yes",
        "physical.alarm": "yes",
        "physical.alarm_tested": "no",
    }
    assert home.effective_answers() == {"profile.premises": "home"}

    reopened = Flow(questionnaire, {**answers, "profile.premises": "office"})
    assert reopened.effective_answers() == answers


def test_answers_to_removed_questions_are_hidden(questionnaire: Questionnaire) -> None:
    """Answers to questions the questionnaire no longer has are kept as hidden, never effective."""
    flow = Flow(questionnaire, {"profile.premises": "home", "cyber.gone": "yes"})
    assert "cyber.gone" in flow.hidden_answers()
    assert "cyber.gone" not in flow.effective_answers()


# -- navigation ----------------------------------------------------------------------------------------------


def test_next_and_previous_skip_hidden_questions(questionnaire: Questionnaire) -> None:
    """next/previous step over hidden questions; None past either end; None as current means first/last."""
    flow = Flow(
        questionnaire, {"profile.premises": "office", "physical.locks": "no", "profile.cloud": ["files"]}
    )

    def next_id(current: str | None) -> str | None:
        found = flow.next_question(current)
        return found.id if found else None

    def previous_id(current: str | None) -> str | None:
        found = flow.previous_question(current)
        return found.id if found else None

    assert next_id(None) == "profile.premises"
    assert next_id("profile.cloud") == "physical.locks"
    assert next_id("physical.locks") == "cyber.notes"  # alarm, alarm_tested and mfa are hidden
    assert next_id("physical.alarm") == "cyber.notes"  # from a question that has just been hidden
    assert next_id("cyber.ratio") is None
    assert previous_id("cyber.notes") == "physical.locks"
    assert previous_id("physical.locks") == "profile.cloud"
    assert previous_id("profile.premises") is None
    assert previous_id(None) == "cyber.ratio"


def test_walking_forward_visits_exactly_the_visible_questions(questionnaire: Questionnaire) -> None:
    """Following next_question from the start visits every visible question once, in order."""
    flow = Flow(
        questionnaire, {"profile.premises": "office", "physical.locks": "yes", "profile.cloud": ["email"]}
    )
    seen: list[str] = []
    current = flow.next_question(None)
    while current is not None:
        seen.append(current.id)
        current = flow.next_question(current.id)
    assert seen == visible_ids(flow)
    assert "physical.alarm" in seen and "physical.alarm_tested" not in seen


def test_first_unanswered_resumes_at_the_first_visible_gap(questionnaire: Questionnaire) -> None:
    """first_unanswered is the first visible question without an effective answer; None when done."""
    assert (first := Flow(questionnaire, {}).first_unanswered()) is not None
    assert first.id == "profile.premises"
    answers: dict[str, AnswerValue] = {
        "profile.premises": "office",
        "profile.people": 3,
        "profile.cloud": "dont_know",
        "physical.locks": "no",
        "physical.alarm": "yes",  # hidden: does not count
    }
    resume = Flow(questionnaire, answers).first_unanswered()
    assert resume is not None and resume.id == "cyber.mfa"  # shown: some answer to the cloud question would show it
    done = {**answers, "cyber.mfa": "yes", "cyber.notes": "n", "cyber.contact": "Sam", "cyber.ratio": 0.5}
    flow = Flow(questionnaire, done)
    assert flow.first_unanswered() is None
    assert flow.unanswered() == []
    assert flow.is_complete()
    assert Flow(questionnaire, {**done, "physical.locks": "yes"}).first_unanswered() == q(
        questionnaire, "physical.alarm_tested"
    )


def test_first_in_section(questionnaire: Questionnaire) -> None:
    """first_in_section gives the first visible question of a section, or None when the section is hidden."""
    home = Flow(questionnaire, {"profile.premises": "home"})
    assert home.first_in_section("physical") is None
    office = Flow(questionnaire, {"profile.premises": "office"})
    assert office.first_in_section("physical") == q(questionnaire, "physical.locks")


# -- progress ------------------------------------------------------------------------------------------------


def test_progress_per_section(questionnaire: Questionnaire) -> None:
    """Each section counts its visible, answered and "don't know" questions; a hidden section is skipped."""
    flow = Flow(
        questionnaire,
        {
            "profile.premises": "office",
            "profile.cloud": "dont_know",
            "physical.locks": "partly",
            "physical.alarm": "dont_know",
            "physical.alarm_tested": "yes",  # shown: the alarm might be 'yes'
            "cyber.contact": "Sam",
        },
    )
    got = {
        (p.section.id): (p.visible, p.answered, p.dont_know, p.complete, p.skipped) for p in flow.progress()
    }
    assert got == {
        "profile": (3, 2, 1, False, False),
        "physical": (3, 3, 1, True, False),
        "cyber": (4, 1, 0, False, False),  # cyber.mfa shows: the cloud might include email
    }
    assert [question.id for question in flow.dont_know()] == ["profile.cloud", "physical.alarm"]
    assert flow.counts() == (6, 10)
    assert flow.completeness() == pytest.approx(6 / 10)
    assert not flow.is_complete()

    home = Flow(questionnaire, {"profile.premises": "home", "physical.locks": "yes"})
    physical = next(p for p in home.progress() if p.section.id == "physical")
    assert (physical.visible, physical.answered, physical.skipped, physical.complete) == (0, 0, True, True)


def test_completeness_bounds(questionnaire: Questionnaire) -> None:
    """Completeness is 0 with no answers and 1 when every visible question is answered."""
    assert Flow(questionnaire, {}).completeness() == 0.0
    full: dict[str, AnswerValue] = {
        "profile.premises": "home",
        "profile.people": 1,
        "profile.cloud": [],
        "cyber.notes": "x",
        "cyber.contact": "y",
        "cyber.ratio": "not_applicable",
    }
    flow = Flow(questionnaire, full)
    assert flow.completeness() == 1.0 and flow.is_complete()


# -- check_answer --------------------------------------------------------------------------------------------


def rejected(question: Question, value: object) -> str:
    """The message of the InvalidInput that check_answer raises; it must name the question."""
    with pytest.raises(InvalidInput) as caught:
        check_answer(question, value)
    assert caught.value.exit_code == 2
    assert f"'{question.id}'" in caught.value.message
    return caught.value.message


def test_single_choice(questionnaire: Questionnaire) -> None:
    """A single choice takes one of its choice ids (surrounding blanks trimmed) and nothing else."""
    premises = q(questionnaire, "profile.premises")
    assert check_answer(premises, "office") == "office"
    assert check_answer(premises, "  home ") == "home"
    assert "the choices are home, office" in rejected(premises, "garage")
    assert "'garage' is not a choice" in rejected(premises, "garage")
    rejected(premises, ["home"])
    rejected(premises, 1)
    rejected(premises, "Home")


def test_yesno(questionnaire: Questionnaire) -> None:
    """yes/no takes yes, no (and partly only where offered); true/false from YAML become yes/no."""
    locks = q(questionnaire, "physical.locks")
    alarm = q(questionnaire, "physical.alarm")
    assert check_answer(locks, "partly") == "partly"
    assert check_answer(alarm, True) == "yes"
    assert check_answer(alarm, False) == "no"
    rejected(alarm, "partly")
    rejected(alarm, "maybe")


def test_multiple_choice(questionnaire: Questionnaire) -> None:
    """A multiple choice takes a list of choice ids, deduplicated and put in the questionnaire's order."""
    cloud = q(questionnaire, "profile.cloud")
    assert check_answer(cloud, ["accounting", "email", "accounting", " files"]) == [
        "email",
        "files",
        "accounting",
    ]
    assert check_answer(cloud, "files") == ["files"]
    assert check_answer(cloud, ("files",)) == ["files"]
    assert "pick at least one choice" in rejected(cloud, [])
    assert "'crm' is not a choice" in rejected(cloud, ["email", "crm"])
    rejected(cloud, [1])
    rejected(cloud, 3)
    rejected(cloud, {"email": True})
    rejected(cloud, ["dont_know"])


def test_numbers(questionnaire: Questionnaire) -> None:
    """Numbers accept text like "12", respect bounds and whole-number rules, and refuse non-numbers."""
    people = q(questionnaire, "profile.people")
    assert check_answer(people, "12") == 12 and isinstance(check_answer(people, "12"), int)
    assert check_answer(people, " 1,2_0 ") == 120
    assert check_answer(people, 7.0) == 7 and isinstance(check_answer(people, 7.0), int)
    assert check_answer(people, 1) == 1 and check_answer(people, 500) == 500
    assert "at least 1" in rejected(people, 0)
    assert "at most 500" in rejected(people, "501")
    assert "whole number" in rejected(people, "2.5")
    assert "not 'twelve'" in rejected(people, "twelve")
    assert "finite" in rejected(people, float("nan"))
    rejected(people, "inf")
    rejected(people, True)
    rejected(people, [3])
    rejected(people, "")
    ratio = q(questionnaire, "cyber.ratio")
    assert check_answer(ratio, "0.25") == 0.25
    assert check_answer(ratio, 1) == 1
    assert "at most 1" in rejected(ratio, 1.5)


def test_text(questionnaire: Questionnaire) -> None:
    """Text loses control characters and escape sequences, is trimmed, length-checked and never empty."""
    contact = q(questionnaire, "cyber.contact")
    assert check_answer(contact, "  Sam \x1b[31mJones\x1b[0m\x07 ") == "Sam Jones"
    assert check_answer(contact, "line one\nline two") == "line one line two"
    assert check_answer(contact, 42) == "42"
    assert "empty" in rejected(contact, " \x1b[2J\x00 ")
    assert "at most 200 characters" in rejected(contact, "x" * 201)
    assert check_answer(contact, "x" * 200) == "x" * 200
    rejected(contact, ["Sam"])
    notes = q(questionnaire, "cyber.notes")
    assert check_answer(notes, "first\r\nsecond\x1b]0;title\x07") == "first\nsecond"
    assert "at most 50 characters (51 given)" in rejected(notes, "y" * 51)


def test_dont_know_and_not_applicable_only_where_offered(questionnaire: Questionnaire) -> None:
    """'dont_know' and 'not_applicable' are accepted only by questions that offer them."""
    cloud = q(questionnaire, "profile.cloud")  # offers both
    assert check_answer(cloud, "dont_know") == "dont_know"
    assert check_answer(cloud, " not_applicable ") == "not_applicable"
    alarm = q(questionnaire, "physical.alarm")  # don't know only (the default)
    assert check_answer(alarm, "dont_know") == "dont_know"
    assert "not applicable" in rejected(alarm, "not_applicable")
    people = q(questionnaire, "profile.people")  # neither
    assert "don't know" in rejected(people, "dont_know")
    rejected(people, "not_applicable")
    ratio = q(questionnaire, "cyber.ratio")  # not applicable only
    assert check_answer(ratio, "not_applicable") == "not_applicable"
    rejected(ratio, "dont_know")


def test_exclusive_choice_stands_alone(tmp_path: Path) -> None:
    """A choice marked exclusive ("none of these") cannot be picked with another choice."""
    path = tmp_path / "x.yaml"
    path.write_text(
        "id: x\nversion: '1'\ntitle: X\nsections:\n  - id: profile\n    title: P\n    domain: profile\n"
        "    questions:\n      - id: profile.cloud\n        type: multi\n        text: Which?\n"
        "        why: Because.\n        hint: Look.\n        dont_know: false\n        choices:\n"
        "          - {id: email, label: Email}\n          - {id: none, label: None of these, exclusive: true}\n"
    )
    cloud = load_questionnaire(path).questions()[0]
    assert check_answer(cloud, ["none"]) == ["none"]
    assert check_answer(cloud, ["email"]) == ["email"]
    assert "'none' cannot be picked with other choices" in rejected(cloud, ["email", "none"])


# -- passes: the essentials of every domain first, then the details -------------------------------------------

PASSES_YAML = FLOW_YAML.replace(
    """          - id: profile.people
            type: number""",
    """          - id: profile.people
            essential: true
            type: number""",
).replace(
    """          - id: physical.locks
            type: yesno""",
    """          - id: physical.locks
            essential: true
            type: yesno""",
).replace(
    """          - id: cyber.mfa
            type: yesno""",
    """          - id: cyber.mfa
            essential: true
            type: yesno""",
)


@pytest.fixture
def passes(load_yaml: Callable[[str], Questionnaire]) -> Questionnaire:
    """The flow questionnaire with people, locks and the email sign-in marked essential."""
    assert PASSES_YAML.count("essential: true") == 3
    return load_yaml(PASSES_YAML)


def ids(questions: list[Question]) -> list[str]:
    """The ids of some questions, in their order."""
    return [question.id for question in questions]


def test_essentials_are_asked_first_then_the_details(passes: Questionnaire) -> None:
    """Walking forward visits the visible essentials in order, then the visible details in order."""
    answers = {"profile.premises": "office", "profile.cloud": ["email"], "physical.locks": "yes"}
    flow = Flow(passes, answers)
    walked: list[str] = []
    current = flow.next_question(None)
    while current is not None:
        walked.append(current.id)
        current = flow.next_question(current.id)
    assert walked == [
        "profile.people", "physical.locks", "cyber.mfa",
        "profile.premises", "profile.cloud", "physical.alarm", "cyber.notes", "cyber.contact", "cyber.ratio",
    ]
    assert ids(flow.essential_pass_questions()) == walked[:3]
    assert ids(flow.asking_order()) == walked
    back: list[str] = []
    current = flow.previous_question(None)
    while current is not None:
        back.append(current.id)
        current = flow.previous_question(current.id)
    assert back == walked[::-1]


def test_a_questionnaire_without_essentials_is_one_pass_in_its_own_order(questionnaire: Questionnaire) -> None:
    """No question marked essential: the asking order is the questionnaire's, and every question is a detail."""
    flow = Flow(questionnaire, {"profile.premises": "office"})
    assert not flow.has_essentials
    assert flow.asking_order() == flow.visible_questions()
    assert flow.essential_pass_questions() == []
    assert flow.current_pass() == "details"
    assert flow.pass_position("profile.premises") == (1, len(flow.visible_questions()))


def test_current_pass_moves_from_essentials_to_details_to_done(passes: Questionnaire) -> None:
    """The pass is "essentials" while an essential question that applies is unanswered, then "details", then
    "done"; resuming goes to the first gap of the current pass."""
    flow = Flow(passes, {"profile.premises": "home"})
    assert flow.current_pass() == "essentials"
    assert ids(flow.essential_pass_questions()) == ["profile.people"]  # locks: the section does not apply
    first = flow.first_unanswered()
    assert first is not None and first.id == "profile.people"
    flow = Flow(passes, {"profile.premises": "home", "profile.people": 2})
    assert flow.current_pass() == "details"
    first = flow.first_unanswered()
    assert first is not None and first.id == "profile.cloud"
    # An answer in the details can open an essential question: the essentials pass comes back.
    flow = Flow(passes, {"profile.premises": "home", "profile.people": 2, "profile.cloud": ["email"]})
    assert flow.current_pass() == "essentials"
    everything = {"profile.premises": "home", "profile.people": 2, "profile.cloud": ["files"],
                  "cyber.notes": "n", "cyber.contact": "Sam", "cyber.ratio": "not_applicable"}
    assert Flow(passes, everything).current_pass() == "done"


def test_pass_position_counts_the_questions_of_the_pass_that_apply(passes: Questionnaire) -> None:
    """A question's number is its place in its own pass; the total is the questions of that pass that apply
    now, and grows or shrinks with the answers, never counting what is hidden."""
    flow = Flow(passes, {"profile.premises": "office", "profile.cloud": ["email"]})
    assert flow.pass_position("profile.people") == (1, 3)
    assert flow.pass_position("cyber.mfa") == (3, 3)
    assert flow.pass_position("profile.premises") == (1, 5)
    assert flow.pass_position("cyber.ratio") == (5, 5)
    assert flow.pass_position("physical.alarm") == (0, 5)  # hidden now: not numbered
    assert flow.pass_counts("essentials") == (0, 3)
    assert flow.pass_counts("details") == (2, 5)
    assert flow.pass_counts() == (2, 8)
    home = Flow(passes, {"profile.premises": "home", "profile.cloud": ["files"]})
    assert home.pass_position("profile.people") == (1, 1)


def test_minutes_left_reads_the_words_of_the_unanswered_questions(passes: Questionnaire) -> None:
    """The time left is the words of the questions that apply and are unanswered (text, why, hint, choices) at
    the assumed reading speed, rounded up; answering a question takes its words off; nothing left is 0."""
    flow = Flow(passes, {"profile.premises": "office", "profile.cloud": ["email"]})
    unanswered = [x for x in flow.asking_order() if x.id not in flow.effective_answers()]
    words = sum(question_words(x) for x in unanswered)
    assert flow.minutes_left() == minutes_for(words) == -(-words // WORDS_PER_MINUTE)
    essential_words = sum(question_words(x) for x in flow.essential_pass_questions())
    assert flow.minutes_left("essentials") == minutes_for(essential_words)
    mfa = q(passes, "cyber.mfa")
    assert question_words(mfa) == len((mfa.text + " " + mfa.why + " " + mfa.hint + " Yes No").split())
    assert minutes_for(0) == 0 and minutes_for(1) == 1 and minutes_for(WORDS_PER_MINUTE + 1) == 2
    done = {"profile.premises": "home", "profile.people": 2, "profile.cloud": ["files"],
            "cyber.notes": "n", "cyber.contact": "Sam", "cyber.ratio": "not_applicable"}
    assert Flow(passes, done).minutes_left() == 0


def test_minutes_left_for_the_iso_questionnaire_is_about_an_hour() -> None:
    """The words of the whole main questionnaire read at the assumed speed are of the order new users took
    (60 to 90 minutes for about 115 questions): between 30 and 120 minutes."""
    iso = load_questionnaire(Path(__file__).parent.parent / "questionnaires" / "iso22342.yaml")
    words = sum(question_words(x) for x in iso.questions())
    assert 30 <= minutes_for(words) <= 120


def test_detail_counts_by_domain(passes: Questionnaire) -> None:
    """Per domain in plan order, the detail questions that apply and are still unanswered; none: left out."""
    flow = Flow(passes, {"profile.premises": "office", "physical.locks": "yes", "cyber.contact": "Sam"})
    assert flow.detail_counts() == {"profile": 1, "physical": 1, "cyber": 2}
    assert list(flow.detail_counts()) == ["profile", "cyber", "physical"]  # plan order
    done = Flow(passes, {"profile.premises": "home", "profile.cloud": ["files"], "cyber.notes": "n",
                         "cyber.contact": "Sam", "cyber.ratio": 0.5})
    assert done.detail_counts() == {}


def load_unchecked(tmp_path: Path, text: str) -> Questionnaire:
    """Load YAML without the semantic checks, which refuse conditions no answer satisfies."""
    path = tmp_path / "unchecked.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    result = load_file(path)
    assert result.questionnaire is not None and not result.problems
    return result.questionnaire


# -- "don't know" on a question that gates others -------------------------------------------------------------


def test_dont_know_on_a_gate_shows_its_follow_ups_and_says_so(questionnaire: Questionnaire) -> None:
    """A "don't know" shows every follow-up some answer would show; assumed() lists the gate and what it
    showed; a real answer that rules them out hides them again."""
    flow = Flow(questionnaire, {"profile.premises": "office", "profile.cloud": "dont_know",
                                "physical.locks": "dont_know"})
    assert flow.is_visible("cyber.mfa") and flow.is_visible("physical.alarm")
    assert not flow.is_visible("physical.alarm_tested")  # the alarm itself is unanswered, not unknown
    assert [(x.id, shown) for x, shown in flow.assumed()] == [
        ("profile.cloud", ("cyber.mfa",)), ("physical.locks", ("physical.alarm",)),
    ]
    known = Flow(questionnaire, {"profile.premises": "office", "profile.cloud": ["files"], "physical.locks": "no"})
    assert not known.is_visible("cyber.mfa") and not known.is_visible("physical.alarm")
    assert known.assumed() == []


def test_dont_know_on_a_section_gate_shows_the_section(load_yaml: Callable[[str], Questionnaire]) -> None:
    """A section whose condition waits on a "don't know" answer is shown, and its questions are listed as
    shown on that assumption."""
    text = FLOW_YAML.replace("            dont_know: false\n            choices:\n              - {id: home",
                             "            discover: {ask: owner, how: Ask.}\n            choices:\n"
                             "              - {id: home").replace("profile.premises != 'home'",
                                                                   "profile.premises == 'office'")
    assert "profile.premises == 'office'" in text and "Ask.}\n            choices" in text
    flow = Flow(load_yaml(text), {"profile.premises": "dont_know"})
    assert flow.is_visible("physical.locks")
    assert [(x.id, shown) for x, shown in flow.assumed()] == [("profile.premises", ("physical.locks",))]


def test_a_follow_up_that_no_answer_would_show_stays_hidden(tmp_path: Path) -> None:
    """Only answers the question can take count: a condition no answer satisfies stays false under "don't
    know", and two tests of the same answer are decided together."""
    text = FLOW_YAML.replace(
        """            when: "'email' in profile.cloud"
            discover: {ask: owner, how: Ask IT.}""",
        """            when: "'email' in profile.cloud and 'email' not in profile.cloud"
            discover: {ask: owner, how: Ask IT.}""",
    )
    assert text != FLOW_YAML
    flow = Flow(load_unchecked(tmp_path, text), {"profile.cloud": "dont_know"})
    assert not flow.is_visible("cyber.mfa")
    assert flow.assumed() == []


@pytest.mark.parametrize(
    ("condition", "shown"),
    [
        ("profile.cloud != 'dont_know'", True),  # some real answer differs from "don't know"
        ("known(profile.cloud)", True),
        ("not known(profile.cloud)", True),  # holds for the answer given
        ("answered(profile.cloud)", True),
        ("count(profile.cloud) >= 3", True),
        ("count(profile.cloud) >= 4", False),  # three choices: no answer has four
        ("'accounting' not in profile.cloud", True),
        ("profile.cloud == 'email'", False),  # a multiple choice answer is a list, never a text
        ("profile.people > 400", True),
        ("profile.people > 500", False),  # the most the question allows
        ("profile.people == 7.5", False),  # whole numbers only
        ("profile.people != 1 and profile.people < 3", True),
        ("count(profile.cloud) == 2 and 'files' not in profile.cloud", True),
    ],
)
def test_dont_know_holds_when_some_answer_would_make_it_hold(tmp_path: Path, condition: str, shown: bool) -> None:
    """Each kind of test (==, !=, in, not in, count, known, answered, ranges) on a "don't know" answer."""
    text = FLOW_YAML.replace(
        """            when: "'email' in profile.cloud"
            discover: {ask: owner, how: Ask IT.}""",
        f"""            when: "{condition}"
            discover: {{ask: owner, how: Ask IT.}}""",
    ).replace("""            min: 1
            max: 500
            dont_know: false""", """            min: 1
            max: 500
            discover: {ask: owner, how: Count.}""")
    assert condition in text
    questionnaire = load_unchecked(tmp_path, text)
    flow = Flow(questionnaire, {"profile.cloud": "dont_know", "profile.people": "dont_know"})
    assert flow.is_visible("cyber.mfa") is shown


def test_possible_answers_of_each_kind(questionnaire: Questionnaire) -> None:
    """Choices for choice questions, valid combinations for a multiple choice, numbers near the literals within
    the bounds, and "not applicable" where offered."""
    people = q(questionnaire, "profile.people")
    assert possible_answers(people, (10,)) == [1, 9, 10, 11, 500]
    assert possible_answers(q(questionnaire, "physical.locks")) == ["yes", "partly", "no"]
    cloud = possible_answers(q(questionnaire, "profile.cloud"), ("files",))
    assert ["files"] in cloud and ["email"] in cloud and ["email", "files", "accounting"] in cloud
    assert "not_applicable" in cloud and "dont_know" not in cloud


# -- sections that wait on an answer ------------------------------------------------------------------------


def test_a_section_is_ruled_out_only_once_the_answer_that_decides_it_is_given(questionnaire: Questionnaire) -> None:
    """Before the premises are answered the physical section is hidden but waiting; "at home" rules it out."""
    physical = next(p for p in Flow(questionnaire, {}).progress() if p.section.id == "physical")
    assert physical.skipped and physical.waiting and not physical.ruled_out
    home = Flow(questionnaire, {"profile.premises": "home"})
    physical = next(p for p in home.progress() if p.section.id == "physical")
    assert physical.ruled_out and not physical.waiting
    assert "physical.locks" not in home.may_appear()
    assert "cyber.mfa" in home.may_appear()  # the cloud question is open


# -- answers refused in the owner's words ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question_id", "value", "reason"),
    [
        ("profile.people", "1001", "The answer can be at most 500."),
        ("profile.people", "0", "The answer must be at least 1."),
        ("profile.people", "", "Type a whole number, such as 12, or skip the question for now."),
        ("profile.people", "many", 'Type a whole number, such as 12 ("many" is not one).'),
        ("profile.cloud", ["email", "nope"], '"nope" is not one of the answers: "Email", "Files", "Accounting".'),
        ("profile.premises", "dont_know", "This question has no \"don't know\" answer: it asks for a plain fact."),
        ("cyber.contact", "   ", "The answer is empty: type something, or skip the question for now."),
    ],
)
def test_refusals_carry_a_reason_without_ids(
    questionnaire: Questionnaire, question_id: str, value: object, reason: str
) -> None:
    """The reason shown in the app and plain mode names no id; the message for files still names the id."""
    with pytest.raises(AnswerRejected) as caught:
        check_answer(q(questionnaire, question_id), value)
    assert caught.value.reason == reason
    assert question_id not in caught.value.reason
    assert question_id in caught.value.message


def test_exclusive_refusal_names_the_label(tmp_path: Path) -> None:
    """The "goes alone" reason names the choice by its label."""
    path = tmp_path / "x.yaml"
    path.write_text(textwrap.dedent(FLOW_YAML.replace(
        "              - {id: accounting, label: Accounting}",
        "              - {id: accounting, label: Accounting}\n              - {id: none, label: None of these, "
        "exclusive: true}")), encoding="utf-8")
    cloud = q(load_questionnaire(path), "profile.cloud")
    with pytest.raises(AnswerRejected) as caught:
        check_answer(cloud, ["email", "none"])
    assert caught.value.reason == '"None of these" goes alone: untick it or the other answers.'


def test_question_reference_uses_number_and_short_text(questionnaire: Questionnaire) -> None:
    """A question is named by its number in the questionnaire and its text, cut with an ellipsis."""
    people = q(questionnaire, "profile.people")
    assert question_reference(questionnaire, people) == 'question 2 ("How many people?")'
    cut = question_reference(questionnaire, q(questionnaire, "cyber.mfa"), width=20)
    assert cut == 'question 7 ("Is there a second s\u2026")'


# -- property: the "don't know" rule is "some answer would show it" ---------------------------------------------

GATES_YAML = """\
id: gates
version: "1"
title: Gates
roles:
  - {id: owner, title: Manager}
sections:
  - id: profile
    title: Profile
    domain: profile
    questions:
      - {id: g.kind, type: single, text: Kind?, why: W., hint: H., discover: {ask: owner, how: Ask.},
         choices: [{id: a, label: A}, {id: b, label: B}, {id: c, label: C}]}
      - {id: g.tools, type: multi, text: Tools?, why: W., hint: H., discover: {ask: owner, how: Ask.},
         choices: [{id: x, label: X}, {id: y, label: Y}, {id: z, label: Z}, {id: none, label: None, exclusive: true}]}
      - {id: g.size, type: number, text: Size?, why: W., hint: H., min: 0, max: 6, discover: {ask: owner, how: Ask.}}
      - {id: f.follow, type: yesno, text: Follow?, why: W., hint: H., when: "CONDITION",
         discover: {ask: owner, how: Ask.}}
"""

_ATOMS = st.sampled_from([
    "g.kind == 'a'", "g.kind != 'b'", "g.kind in ['a', 'c']", "g.kind not in ['c']", "known(g.kind)",
    "answered(g.kind)", "'x' in g.tools", "'y' not in g.tools", "count(g.tools) >= 2", "count(g.tools) == 3",
    "'none' in g.tools", "known(g.tools)", "g.size > 3", "g.size <= 1", "g.size == 6", "g.size != 2",
    "known(g.size)",
])
_CONDITIONS = st.recursive(
    _ATOMS,
    lambda inner: st.one_of(
        st.tuples(inner, inner).map(lambda t: f"({t[0]} and {t[1]})"),
        st.tuples(inner, inner).map(lambda t: f"({t[0]} or {t[1]})"),
        inner.map(lambda t: f"not ({t})"),
    ),
    max_leaves=5,
)

_EVERY_ANSWER: dict[str, list[AnswerValue]] = {
    "g.kind": ["a", "b", "c"],
    "g.tools": [["x"], ["y"], ["z"], ["x", "y"], ["x", "z"], ["y", "z"], ["x", "y", "z"], ["none"]],
    "g.size": list(range(7)),
}


@functools.cache
def _gates(condition: str) -> Questionnaire:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "gates.yaml"
        path.write_text(GATES_YAML.replace("CONDITION", condition), encoding="utf-8")
        result = load_file(path)  # without the checks that refuse conditions no answer satisfies
        assert result.questionnaire is not None and not result.problems, result.problems
        return result.questionnaire


@settings(max_examples=150, deadline=None)
@given(
    condition=_CONDITIONS,
    kind=st.sampled_from(["a", "b", "c", "dont_know", None]),
    tools=st.sampled_from([["x"], ["y", "z"], ["none"], "dont_know", None]),
    size=st.sampled_from([0, 2, 5, "dont_know", None]),
)
def test_a_follow_up_shows_exactly_when_some_answer_to_the_unknowns_would_show_it(
    condition: str, kind: AnswerValue | None, tools: AnswerValue | None, size: AnswerValue | None
) -> None:
    """Against brute force over every answer each "don't know" might be, its own "don't know" included."""
    questionnaire = _gates(condition)
    given_answers = {k: v for k, v in {"g.kind": kind, "g.tools": tools, "g.size": size}.items() if v is not None}
    unknown = [k for k, v in given_answers.items() if v == "dont_know"]
    when = q(questionnaire, "f.follow").when
    assert when is not None
    expected = any(
        when.evaluate({**given_answers, **dict(zip(unknown, values, strict=True))})
        for values in itertools.product(*(_EVERY_ANSWER[k] + ["dont_know"] for k in unknown))
    )
    flow = Flow(questionnaire, given_answers)
    assert flow.is_visible("f.follow") is expected
    shown_by_assumption = {x.id for x, shown in flow.assumed() if "f.follow" in shown}
    assert bool(shown_by_assumption) is (expected and not when.evaluate(given_answers))


def test_progress_of_one_pass_counts_only_its_questions(passes: Questionnaire) -> None:
    """Per section, the questions of the pass asked; the section's questions of the other pass are counted apart,
    so a section with none in this pass is neither skipped nor ruled out."""
    flow = Flow(passes, {"profile.premises": "office", "profile.people": 4, "profile.cloud": ["files"]})
    got = {p.section.id: (p.visible, p.answered, p.elsewhere, p.skipped) for p in flow.progress("essentials")}
    assert got == {"profile": (1, 1, 2, False), "physical": (1, 0, 0, False), "cyber": (0, 0, 3, False)}
    details = {p.section.id: (p.visible, p.answered, p.elsewhere) for p in flow.progress("details")}
    assert details == {"profile": (2, 2, 1), "physical": (0, 0, 1), "cyber": (3, 0, 0)}
    assert [p.visible for p in flow.progress()] == [3, 1, 3]
