"""The plan's JSON document, written and read in one module (secplan_tui/plan/plan_json.py, docs/plan-json.md)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from secplan_tui.core import catalogue
from secplan_tui.core.errors import InvalidInput, NotFound, SecplanError
from secplan_tui.core.model import ActionStatus, AnswerValue, Questionnaire
from secplan_tui.plan import Plan, compile_plan, render_json
from secplan_tui.plan.plan_json import (
    FORMAT_VERSION,
    MATURITY_COUNTS,
    OLDEST_FORMAT_VERSION,
    ActionInfo,
    AnswerInfo,
    DomainInfo,
    RiskInfo,
    check_plan,
    plan_to_dict,
    read_plan,
)
from secplan_tui.session.answer_files import read_answers

ROOT = Path(__file__).resolve().parent.parent
OFFICE = ROOT / "questionnaires" / "examples" / "starter-small-office.yaml"
PLAN_V1 = Path(__file__).parent / "golden" / "plan-v1-starter-office.json"
"""A plan of format_version 1, written by secplan before the month-by-month schedule, for the small office."""
PLAN_DATE = dt.date(2025, 1, 15)


@pytest.fixture(scope="module")
def starter() -> Questionnaire:
    """The bundled starter questionnaire, loaded once."""
    return catalogue.load("starter")


@pytest.fixture(scope="module")
def office(starter: Questionnaire) -> dict[str, AnswerValue]:
    """The small-office example answers."""
    return read_answers(str(OFFICE), starter).answers


@pytest.fixture(scope="module")
def plan(starter: Questionnaire, office: dict[str, AnswerValue]) -> Plan:
    """The small office's plan, one question left unanswered, one action done and one being done (so every kind of
    answer, status and month is read too)."""
    answers = {qid: value for qid, value in office.items() if qid != "physical.keys"}
    first = compile_plan(starter, answers, PLAN_DATE).actions()
    statuses = {
        first[0].id: ActionStatus(first[0].id, "done", note="Signed.", at="2025-02-01T10:00:00Z", by="ann"),
        first[1].id: ActionStatus(first[1].id, "doing", at="2025-02-02T10:00:00Z"),
    }
    return compile_plan(starter, answers, PLAN_DATE, session_name="Riverside", statuses=statuses)


# ------------------------------------------------------------------------------------------------------------
# Round trip: what is written is read back as the Plan has it
# ------------------------------------------------------------------------------------------------------------


def test_round_trip_plan_info(plan: Plan) -> None:
    """The plan's identity and counts read back as the Plan's metadata and counts."""
    info = read_plan(json.loads(render_json(plan))).info
    m = plan.metadata
    assert info.label == ""  # the caller names the plan
    assert (info.organisation, info.plan_date) == (m.organisation, "2025-01-15")
    assert (info.questionnaire_id, info.questionnaire_version, info.questionnaire_hash) == (
        m.questionnaire_id,
        m.questionnaire_version,
        m.questionnaire_hash,
    )
    assert (info.answered, info.visible) == (m.answered, m.visible)
    assert dict(info.counts) == plan.counts()


def test_round_trip_answers(plan: Plan) -> None:
    """Every visible question reads back with its section, answer, stored value and answered state."""
    answers = read_plan(json.loads(render_json(plan))).answers
    expected = {
        row.question_id: (
            row.question,
            section.title,
            row.value is not None,
            row.answer,
            list(row.value) if isinstance(row.value, tuple) else row.value,
        )
        for section in plan.answers
        for row in section.rows
    }
    assert list(answers) == list(expected)
    assert {qid: (a.question, a.section, a.answered, a.answer, a.value) for qid, a in answers.items()} == expected
    assert any(not a.answered for a in answers.values()) and any(isinstance(a.value, list) for a in answers.values())


def test_round_trip_actions_and_their_triggers(plan: Plan) -> None:
    """Every action reads back with its priority, owner, due date, status and month, in domain order."""
    records = read_plan(json.loads(render_json(plan)))
    in_order = [a for d in plan.domains for a in d.actions]
    assert list(records.actions) == [a.id for a in in_order]
    assert records.actions == {
        a.id: ActionInfo(a.id, a.title, a.domain, a.priority, a.owner, a.owner_title, a.due.isoformat(), a.status,
                         a.month)
        for a in in_order
    }
    assert {a.status for a in records.actions.values()} >= {"todo", "doing", "done"}
    assert records.triggers == {a.id: tuple(dict.fromkeys(f.question_id for f in a.triggers)) for a in in_order}
    assert all(records.triggers.values())


def test_round_trip_domains_risks_and_control_ranks(plan: Plan) -> None:
    """Maturity (percent of the known controls, and the counts), the risk register and the controls in place or
    partly in place read back as the Plan has them."""
    records = read_plan(json.loads(render_json(plan)))
    assert records.domains == {
        d.domain: DomainInfo(
            d.domain, d.title, d.maturity.percent, {k: getattr(d.maturity, k) for k in MATURITY_COUNTS}
        )
        for d in plan.domains
    }
    assert list(records.risks) == [r.id for r in plan.risks]
    assert records.risks == {
        r.id: RiskInfo(r.id, r.title, r.likelihood, r.impact, r.score, r.rating) for r in plan.risks
    }
    ranks = {f.question_id: 1 for d in plan.domains for f in d.partial}
    ranks.update({f.question_id: 2 for d in plan.domains for f in d.strengths})
    assert records.control_ranks == ranks and set(ranks.values()) == {1, 2}


def test_the_written_plan_passes_its_own_check(plan: Plan) -> None:
    """What the writer writes, the checker takes unchanged, at the version the writer writes."""
    data = plan_to_dict(plan)
    assert check_plan(data, "x") is data
    assert data["format_version"] == FORMAT_VERSION


# ------------------------------------------------------------------------------------------------------------
# Version 1, and tolerant reading
# ------------------------------------------------------------------------------------------------------------


def test_the_reader_accepts_the_version_1_fixture(starter: Questionnaire, office: dict[str, AnswerValue]) -> None:
    """A format_version 1 plan passes the check and reads as version 2 would have it: no statuses, no months,
    and maturity scored on the known controls (version 1 counted unknown ones as missing)."""
    data = json.loads(PLAN_V1.read_text(encoding="utf-8"))
    assert data["format_version"] == OLDEST_FORMAT_VERSION == 1
    assert check_plan(data, str(PLAN_V1)) is data
    records = read_plan(data)
    assert records.info.questionnaire_id == "starter" and records.info.plan_date == "2025-01-15"
    assert records.actions and {(a.status, a.month) for a in records.actions.values()} == {("todo", 0)}
    # The same answers as today's plan of the small office.
    today = read_plan(plan_to_dict(compile_plan(starter, office, PLAN_DATE))).answers
    assert {q: (a.answered, a.key) for q, a in records.answers.items()} == {
        q: (a.answered, a.key) for q, a in today.items()
    }
    # Rescored: a domain with "don't know" answers reads higher than version 1 wrote it.
    written = {d["domain"]: d["maturity"] for d in data["domains"]}
    rescored = [k for k, d in records.domains.items() if d.percent != written[k]["percent"]]
    assert rescored and all(written[k]["dont_know"] or written[k]["unanswered"] for k in rescored)
    for key in rescored:
        m = written[key]
        known = m["in_place"] + m["partial"] + m["not_in_place"]
        assert records.domains[key].percent == int((m["in_place"] + m["partial"] / 2) * 100 / known + 0.5)  # half up


def test_missing_parts_and_fields_read_as_empty() -> None:
    """A hand-edited plan with parts and fields left out reads with neutral values, and counts recomputed."""
    records = read_plan({})
    assert (records.answers, records.actions, records.domains, records.risks, records.control_ranks) == (
        {}, {}, {}, {}, {},
    )
    assert records.info.counts == {"actions": 0, "p1": 0, "risks": 0, "high_risks": 0, "discovery": 0}
    sparse: dict[str, Any] = {
        "metadata": "not an object",
        "answers": [{"section_id": "s", "questions": [{"question_id": "q.a", "answer": "Yes"}, "junk"]}],
        "domains": [{"domain": "cyber", "actions": [{"id": "act.a", "priority": "P1"}, {"id": "act.a"}],
                     "maturity": {"percent": 40.0}}],
        "risks": [{"id": "risk.a", "score": 12.0}, {"id": "risk.a", "score": 1}],
    }
    records = read_plan(sparse)
    assert records.answers == {"q.a": AnswerInfo("q.a", "s", False, "Yes", None, "Yes")}
    assert records.actions == {"act.a": ActionInfo("act.a", "act.a", "", "P1", "", "", "")}
    assert records.triggers == {"act.a": ()}
    assert records.domains == {"cyber": DomainInfo("cyber", "cyber", 40, {})}
    assert records.risks == {"risk.a": RiskInfo("risk.a", "risk.a", 0, 0, 12, "")}
    counted = read_plan({**sparse, "discovery": [{"question_id": "q.b"}], "risks": [{"id": "risk.b", "score": 10}]})
    assert counted.info.counts == {"actions": 2, "p1": 1, "risks": 1, "high_risks": 1, "discovery": 1}
    assert read_plan({**sparse, "counts": {"actions": 7, "p1": 2.0, "odd": "x"}}).info.counts == {
        "actions": 7, "p1": 2, "risks": 2, "high_risks": 1, "discovery": 0,
    }


# ------------------------------------------------------------------------------------------------------------
# What is not a plan
# ------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "title", "says"),
    [
        ([1, 2], "Not a secplan plan", "holds a JSON list, not an object"),
        ({"questionnaire": "starter", "answers": {}}, "Not a secplan plan", "looks like an answers file"),
        ({"hello": 1}, "Not a secplan plan", 'it has no "format": "secplan-plan"'),
        ({"format": "secplan-plan", "format_version": True}, "Not a secplan plan", "whole number from 1, not true"),
        ({"format": "secplan-plan", "format_version": 0}, "Not a secplan plan", "whole number from 1, not 0"),
        ({"format": "secplan-plan", "format_version": 3}, "Plan too new", "reads format_version 2. Upgrade"),
        ({"format": "secplan-plan", "format_version": 2, "metadata": {}, "answers": [], "domains": [], "risks": {}},
         "Damaged plan", "'risks' must be a list"),
        ({"format": "secplan-plan", "format_version": 1, "metadata": {}, "answers": [{"questions": [{}]}],
          "domains": [], "risks": []}, "Damaged plan", "'answers[0].questions[0].question_id' must be a string"),
    ],
)
def test_what_is_not_a_plan_is_invalid_input_naming_the_source(data: object, title: str, says: str) -> None:
    """Anything but a usable plan is an InvalidInput itself (not a NotFound: the file is there), exit code 2,
    naming the source and what is wrong."""
    with pytest.raises(SecplanError) as caught:
        check_plan(data, "plan-2025.json")
    assert type(caught.value) is InvalidInput and not isinstance(caught.value, NotFound)
    assert caught.value.exit_code == 2 and caught.value.title == title
    assert caught.value.message.startswith("plan-2025.json") and says in caught.value.message
