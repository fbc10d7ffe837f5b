"""The flow through a questionnaire (visibility, navigation, progress) and the checking of each answer."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from secplan_tui.engine import Flow, check_answer
from secplan_tui.errors import InvalidInput
from secplan_tui.model import AnswerValue, Question, Questionnaire
from secplan_tui.validate import load_questionnaire

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


def test_removed_answers(questionnaire: Questionnaire) -> None:
    """Answers to questions the questionnaire no longer has are removed and hidden, never effective."""
    flow = Flow(questionnaire, {"profile.premises": "home", "cyber.gone": "yes"})
    assert flow.removed_answers() == {"cyber.gone": "yes"}
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
    assert resume is not None and resume.id == "cyber.notes"
    done = {**answers, "cyber.notes": "n", "cyber.contact": "Sam", "cyber.ratio": 0.5}
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
            "physical.alarm_tested": "yes",  # hidden (alarm is not 'yes')
            "cyber.contact": "Sam",
        },
    )
    got = {
        (p.section.id): (p.visible, p.answered, p.dont_know, p.complete, p.skipped) for p in flow.progress()
    }
    assert got == {
        "profile": (3, 2, 1, False, False),
        "physical": (2, 2, 1, True, False),
        "cyber": (3, 1, 0, False, False),
    }
    assert [question.id for question in flow.dont_know()] == ["profile.cloud", "physical.alarm"]
    assert flow.counts() == (5, 8)
    assert flow.completeness() == pytest.approx(5 / 8)
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


# -- position: "question N of about T" ------------------------------------------------------------------------


def test_position_counts_hidden_questions_that_may_still_appear(questionnaire: Questionnaire) -> None:
    """With nothing answered every question may appear; an answer that settles a section hidden takes its
    questions out of the count for good; the total is final once no hidden question waits on an open one."""
    everything = len(questionnaire.questions())
    assert Flow(questionnaire, {}).position("profile.premises") == (1, everything, False)

    at_home = Flow(questionnaire, {"profile.premises": "home"})
    physical = [x.id for x in questionnaire.questions() if x.section == "physical"]
    number, total, final = at_home.position("profile.people")
    assert (number, final) == (2, False)
    assert total == everything - len(physical)  # the section is hidden by an answer given: it cannot come back

    settled = Flow(questionnaire, {"profile.premises": "home", "profile.people": 3, "profile.cloud": ["email"]})
    visible = visible_ids(settled)
    assert settled.position(visible[-1]) == (len(visible), len(visible), True)


def test_position_ignores_a_question_whose_section_is_settled_hidden(
    load_yaml: Callable[[str], Questionnaire],
) -> None:
    """A hidden question counts only if every condition hiding it waits on an open question: one whose own
    condition waits, in a section hidden by an answer already given, can never appear."""
    extra = FLOW_YAML.replace(
        """            when: "physical.alarm == 'yes'"
            discover: {ask: owner, how: Ask the alarm company.}""",
        """            when: "physical.alarm == 'yes'"
            discover: {ask: owner, how: Ask the alarm company.}
          - id: physical.cctv
            type: yesno
            text: Is there CCTV?
            why: Cameras deter.
            hint: Look up.
            when: "'files' in profile.cloud"
            discover: {ask: owner, how: Ask.}""",
    )
    assert extra != FLOW_YAML
    questionnaire = load_yaml(extra)
    flow = Flow(questionnaire, {"profile.premises": "home", "profile.people": 3})
    _, total, final = flow.position("profile.cloud")
    waiting_on_cloud = [x.id for x in questionnaire.questions() if x.section != "physical" and x.when is not None
                        and "profile.cloud" in x.when.question_ids()]
    assert not final
    assert total == len(visible_ids(flow)) + len(waiting_on_cloud)
