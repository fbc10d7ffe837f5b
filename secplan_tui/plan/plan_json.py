"""The plan's JSON document, written and read in one place: the stable, documented ``secplan-plan`` format
(docs/plan-json.md).

Writing: :func:`render_json` and :func:`plan_to_dict` turn a compiled Plan into the document. Keys are sorted
and indented by two spaces, dates are ``YYYY-MM-DD`` strings, and every string is already clean of control
characters. Adding a key is a compatible change; renaming or removing one bumps ``format_version``.

Reading: :func:`check_plan` says whether a JSON value is a plan this version reads (``format_version`` 1 or 2),
with an error that names the source and what is wrong; :func:`read_plan` reads a plan's parts into typed
records (:class:`PlanInfo`, :class:`AnswerInfo`, :class:`ActionInfo`, :class:`DomainInfo`, :class:`RiskInfo`),
the ones the yearly review compares. The reading is tolerant, as a plan may be a year old or edited by hand:
a part that is missing or has the wrong shape reads as empty, a missing field as its neutral value, and a
version 1 plan (no action statuses, no schedule months, maturity counting unknown controls as missing) reads
as version 2 would have written it. Writer and reader share this file so that a field added to or renamed in
the one is read in the other.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from secplan_tui.core.errors import InvalidInput
from secplan_tui.plan.compile import (
    AnswerSection,
    ConditionalAction,
    DiscoveryTask,
    DomainPlan,
    Fact,
    Maturity,
    Plan,
    PlannedAction,
    RiskEntry,
    RoadmapPhase,
    ThemedSection,
)
from secplan_tui.plan.escape import one_line

FORMAT = "secplan-plan"
FORMAT_VERSION = 2
"""2: maturity ``score``/``percent`` are of the known controls (``null`` when none is known), with the unknown share
apart; actions carry hours, skill, rank, month and status; due dates come from a month-by-month schedule; new
``capacity``, ``schedule``, ``conditional``, ``decisions``, ``stage``, ``details_left``, ``assumed``."""
OLDEST_FORMAT_VERSION: Final = 1
"""The oldest ``format_version`` the reader takes: it reads every version from this one to :data:`FORMAT_VERSION`
(version 1 plans have no action statuses, and their maturity percentages are recomputed from the counts as
version 2 scores them)."""


# ------------------------------------------------------------------------------------------------------------
# Writing
# ------------------------------------------------------------------------------------------------------------


def render_json(plan: Plan) -> str:
    """Render a plan as JSON text.

    Args:
        plan: A compiled plan.

    Returns:
        The JSON document, ending with one newline.
    """
    return (
        json.dumps(plan_to_dict(plan), sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    )


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    """The plan as plain JSON-ready values (dicts, lists, strings, numbers, None)."""
    m = plan.metadata
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "metadata": {
            "title": m.title,
            "marking": m.marking,
            "plan_version": m.plan_version,
            "plan_date": m.plan_date.isoformat(),
            "next_review": m.next_review.isoformat(),
            "organisation": m.organisation,
            "session_name": m.session_name,
            "generated_by": m.generated_by,
            "questionnaire": {
                "id": m.questionnaire_id,
                "version": m.questionnaire_version,
                "title": m.questionnaire_title,
                "hash": m.questionnaire_hash,
            },
            "answered": m.answered,
            "visible": m.visible,
            "completeness": round(m.completeness, 4),
            "distribution": [{"copy": d.copy, "recipient": d.recipient} for d in m.distribution],
        },
        "profile": {
            "organisation": plan.profile.organisation,
            "scope": plan.profile.scope,
            "facts": [_fact(f) for f in plan.profile.facts],
        },
        "objectives": list(plan.objectives),
        "roles": [
            {
                "id": r.id,
                "title": r.title,
                "accountability": r.accountability,
                "actions": list(r.actions),
                "discovery": list(r.discovery),
            }
            for r in plan.roles
        ],
        "risks": [_risk(r) for r in plan.risks],
        "domains": [_domain(d) for d in plan.domains],
        "roadmap": [_phase(p) for p in plan.roadmap],
        "training": _themed(plan.training),
        "incident_response": _themed(plan.incident_response),
        "selection": _themed(plan.selection),
        "implementation": _themed(plan.implementation),
        "review": {
            "next_review": plan.review.next_review.isoformat(),
            "triggers": list(plan.review.triggers),
            "paragraphs": list(plan.review.paragraphs),
            "actions": list(plan.review.actions),
        },
        "discovery": [_discovery(t) for t in plan.discovery],
        "answers": [_answers(s) for s in plan.answers],
        "references": [
            {"reference": r.reference, "catalogue": r.catalogue, "actions": list(r.actions)}
            for r in plan.references
        ],
        "counts": plan.counts(),
        "stage": plan.stage,
        "first_pass": plan.first_pass,
        "details_left": [{"domain": d, "questions": n} for d, n in plan.details_left],
        "assumed": [
            {"question_id": a.question_id, "question": a.question, "shows": list(a.shows)} for a in plan.assumed
        ],
        "one_person": plan.one_person,
        "director": plan.director,
        "capacity": {
            "hours": plan.capacity.hours,
            "assumed": plan.capacity.assumed,
            "question_id": plan.capacity.question_id,
            "nobody_technical": plan.capacity.nobody_technical,
            "people": [
                {"title": p.title, "roles": list(p.roles), "hours": p.hours, "source": p.source}
                for p in plan.capacity.people
            ],
        },
        "schedule": [
            {
                "month": m.month,
                "year": m.year,
                "start": m.start.isoformat(),
                "end": m.end.isoformat(),
                "actions": list(m.actions),
                "discovery": list(m.discovery),
                "hours": [{"person": p, "hours": h, "available": c} for p, h, c in m.hours],
            }
            for m in plan.schedule
        ],
        "conditional": [_conditional(c) for c in plan.conditional],
        "decisions": [
            {"risk": d.risk, "title": d.title, "rating": d.rating, "kind": d.kind, "reason": d.reason, "by": d.by}
            for d in plan.decisions
        ],
    }


def _conditional(c: ConditionalAction) -> dict[str, Any]:
    return {
        "id": c.id,
        "title": c.title,
        "condition": c.condition,
        "questions": list(c.questions),
        "domain": c.domain,
        "owner": c.owner,
        "owner_title": c.owner_title,
        "effort": c.effort,
        "hours": {"low": c.hours[0], "high": c.hours[1]},
        "how": c.how,
        "why": c.why,
        "risks": list(c.risks),
        "references": list(c.references),
    }


def _fact(f: Fact) -> dict[str, Any]:
    return {"question_id": f.question_id, "question": f.question, "answer": f.answer}


def _risk(r: RiskEntry) -> dict[str, Any]:
    return {
        "id": r.id,
        "title": r.title,
        "description": r.description,
        "base_likelihood": r.base_likelihood,
        "base_impact": r.base_impact,
        "likelihood": r.likelihood,
        "impact": r.impact,
        "score": r.score,
        "rating": r.rating,
        "treated_by": list(r.treated_by),
        "conditional": list(r.conditional),
        "handling": r.handling,
    }


def _maturity(m: Maturity) -> dict[str, Any]:
    score = m.score
    return {
        "controls": m.controls,
        "applicable": m.applicable,
        "in_place": m.in_place,
        "partial": m.partial,
        "not_in_place": m.not_in_place,
        "not_applicable": m.not_applicable,
        "dont_know": m.dont_know,
        "unanswered": m.unanswered,
        "score": None if score is None else round(score, 4),
        "percent": m.percent,
        "known": m.known,
        "unknown": m.unknown,
        "unknown_share": round(m.unknown_share, 4),
        "unknown_percent": m.unknown_percent,
        "is_unknown": m.is_unknown,
    }


def _action(a: PlannedAction) -> dict[str, Any]:
    return {
        "id": a.id,
        "title": a.title,
        "domain": a.domain,
        "priority": a.priority,
        "owner": a.owner,
        "owner_title": a.owner_title,
        "due": a.due.isoformat(),
        "effort": a.effort,
        "how": a.how,
        "why": a.why,
        "references": list(a.references),
        "triggers": [_fact(f) for f in a.triggers],
        "hours": {"low": a.hours[0], "high": a.hours[1]},
        "skill": a.skill,
        "rank": a.rank,
        "month": a.month,
        "risks": list(a.risks),
        "after": list(a.after),
        "status": {"status": a.status, "date": a.status_date, "note": a.status_note, "by": a.status_by},
    }


def _domain(d: DomainPlan) -> dict[str, Any]:
    return {
        "domain": d.domain,
        "title": d.title,
        "clause": d.clause,
        "maturity": _maturity(d.maturity),
        "strengths": [_fact(f) for f in d.strengths],
        "partial": [_fact(f) for f in d.partial],
        "actions": [_action(a) for a in d.actions],
    }


def _phase(p: RoadmapPhase) -> dict[str, Any]:
    return {
        "key": p.key,
        "title": p.title,
        "priority": p.priority,
        "due": p.due.isoformat(),
        "actions": list(p.actions),
    }


def _themed(t: ThemedSection) -> dict[str, Any]:
    return {
        "title": t.title,
        "clause": t.clause,
        "paragraphs": list(t.paragraphs),
        "actions": list(t.actions),
    }


def _discovery(t: DiscoveryTask) -> dict[str, Any]:
    return {
        "question_id": t.question_id,
        "question": t.question,
        "title": t.title,
        "section": t.section,
        "ask": t.ask,
        "ask_title": t.ask_title,
        "how": t.how,
        "due": t.due.isoformat(),
        "month": t.month,
        "conditional": list(t.conditional),
    }


def _answers(s: AnswerSection) -> dict[str, Any]:
    return {
        "section_id": s.section_id,
        "title": s.title,
        "questions": [
            {
                "question_id": r.question_id,
                "question": r.question,
                "answer": r.answer,
                "answered": r.value is not None,
                "value": list(r.value) if isinstance(r.value, tuple) else r.value,
                "note": r.note,
            }
            for r in s.rows
        ],
    }


# ------------------------------------------------------------------------------------------------------------
# Reading: is it a plan?
# ------------------------------------------------------------------------------------------------------------


def check_plan(data: object, source: str) -> dict[str, Any]:
    """Check that a JSON value is a secplan plan this version reads.

    Args:
        data: The parsed JSON (from a file, a snapshot or :func:`plan_to_dict`).
        source: What it is, for messages ("plan-2025.json", "snapshot 2 of session 'Acme' (3f9a0c1e)").

    Returns:
        The plan dict, unchanged.

    Raises:
        InvalidInput: not a plan, a plan of a newer format, or a plan whose parts have the wrong shape; the
            message names the source and the first problems found.
    """
    export = "export one with `secplan plan SESSION --format json -o FILE`"
    if not isinstance(data, dict):
        raise InvalidInput(
            "Not a secplan plan",
            f"{source} is not a secplan plan: it holds a JSON {_json_type(data)}, not an object; {export}",
        )
    if data.get("format") != FORMAT:
        if "answers" in data and "questionnaire" in data:
            what = "it looks like an answers file (`secplan answers export`), not a plan"
        else:
            what = f'it has no "format": "{FORMAT}"'
        raise InvalidInput("Not a secplan plan", f"{source} is not a secplan plan: {what}; {export}")
    version = data.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < OLDEST_FORMAT_VERSION:
        raise InvalidInput(
            "Not a secplan plan",
            f'{source}: "format_version" must be a whole number from {OLDEST_FORMAT_VERSION}, not {_short(version)}',
        )
    if version > FORMAT_VERSION:
        raise InvalidInput(
            "Plan too new",
            f"{source} is a plan of format_version {version}, written by a newer "
            f"secplan; this version reads format_version {FORMAT_VERSION}. Upgrade secplan.",
        )
    problems = _shape_problems(data)
    if problems:
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise InvalidInput("Damaged plan", f"{source} is not a usable secplan plan: {'; '.join(problems[:5])}{more}")
    return data


def _shape_problems(data: Mapping[str, Any]) -> list[str]:
    """What is wrong with the shape of the parts the review reads (metadata, answers, domains, risks)."""
    problems: list[str] = []
    if not isinstance(data.get("metadata"), dict):
        problems.append("'metadata' must be an object")
    for part, key in (("answers", "questions"), ("domains", "actions"), ("risks", None)):
        items = data.get(part)
        if not isinstance(items, list):
            problems.append(f"'{part}' must be a list")
            continue
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                problems.append(f"'{part}[{i}]' must be an object")
            elif key is None:
                if not isinstance(item.get("id"), str):
                    problems.append(f"'{part}[{i}].id' must be a string")
            elif not isinstance(item.get(key), list) or not all(isinstance(x, dict) for x in item[key]):
                problems.append(f"'{part}[{i}].{key}' must be a list of objects")
            else:
                name = "question_id" if key == "questions" else "id"
                for j, sub in enumerate(item[key]):
                    if not isinstance(sub.get(name), str):
                        problems.append(f"'{part}[{i}].{key}[{j}].{name}' must be a string")
    return problems


def _json_type(value: object) -> str:
    if isinstance(value, list):
        return "list"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return "null" if value is None else type(value).__name__


def _short(value: object) -> str:
    text = one_line(json.dumps(value, ensure_ascii=False, default=str))
    return text if len(text) <= 40 else text[:39] + "…"


# ------------------------------------------------------------------------------------------------------------
# Reading: the records
# ------------------------------------------------------------------------------------------------------------

MATURITY_COUNTS: Final = (
    "controls",
    "applicable",
    "in_place",
    "partial",
    "not_in_place",
    "not_applicable",
    "dont_know",
    "unanswered",
)
"""The counts of a domain's maturity that are read (and compared), in the order the writer gives them."""


@dataclass(frozen=True)
class PlanInfo:
    """What identifies a plan: its organisation, date, questionnaire and headline counts."""

    label: str
    """How the plan was named (a session, a snapshot, a file), for headings; "" as read: the caller names it."""
    organisation: str
    """The organisation's name in the plan, or ""."""
    plan_date: str
    """The plan's date, ``YYYY-MM-DD`` (or "" when missing)."""
    questionnaire_id: str
    questionnaire_version: str
    questionnaire_hash: str
    answered: int | None
    """Visible questions answered, when the plan says."""
    visible: int | None
    """Visible questions, when the plan says."""
    counts: Mapping[str, int]
    """The plan's headline counts (actions, p1, risks, high_risks, discovery...)."""


@dataclass(frozen=True)
class AnswerInfo:
    """A question as one plan answers it."""

    question: str
    """The question text (its id when the plan has none)."""
    section: str
    """The section title (its id when the plan has none)."""
    answered: bool
    """Whether it has an answer (``answered``; else whether it has a ``value``)."""
    answer: str
    """The answer as shown, or ""."""
    value: Any
    """The stored value (choice id, list of ids, number, text, ``dont_know``...) or None."""
    key: str
    """What is compared: the stored value as JSON (or the shown answer when a plan has no value)."""


@dataclass(frozen=True)
class ActionInfo:
    """An action as one plan has it."""

    id: str
    title: str
    domain: str
    priority: str
    owner: str
    """The owning role's id."""
    owner_title: str
    due: str
    """``YYYY-MM-DD``."""
    status: str = "todo"
    """Where it stood in the living plan: todo, doing, done, deferred or wont (version 1 plans: todo)."""
    month: int = 0
    """The schedule month it was due in (version 2; 0 in version 1 plans and for done actions)."""


@dataclass(frozen=True)
class DomainInfo:
    """A control domain's maturity as one plan has it."""

    domain: str
    title: str
    """The domain's title (its id when the plan has none)."""
    percent: int | None
    """The maturity of the known controls, in percent, whatever version wrote the plan; None when no control is
    known (or, in a plan without counts, when it gives no percentage)."""
    counts: Mapping[str, int]
    """Those of :data:`MATURITY_COUNTS` the plan gives."""


@dataclass(frozen=True)
class RiskInfo:
    """A risk as one register rates it."""

    id: str
    title: str
    likelihood: int
    impact: int
    score: int
    rating: str


@dataclass(frozen=True)
class PlanRecords:
    """A plan document read into typed records, each mapping in plan order (the first of a repeated id wins)."""

    info: PlanInfo
    answers: Mapping[str, AnswerInfo]
    """By question id."""
    actions: Mapping[str, ActionInfo]
    """By action id, across the domains."""
    triggers: Mapping[str, tuple[str, ...]]
    """By action id: the questions whose answers triggered it, each once."""
    domains: Mapping[str, DomainInfo]
    """By domain id."""
    risks: Mapping[str, RiskInfo]
    """By risk id, as the register orders them."""
    control_ranks: Mapping[str, int]
    """By question id: 2 for a control in place (a strength), 1 for a partial one; others are absent."""


def read_plan(data: Mapping[str, Any]) -> PlanRecords:
    """Read a plan document into typed records, tolerantly (check a file first with :func:`check_plan`).

    Args:
        data: A ``secplan-plan`` document of format_version 1 or 2, as parsed JSON.

    Returns:
        The records; a part the plan lacks reads as empty.
    """
    actions = _read_actions(data)
    return PlanRecords(
        info=_read_info(data),
        answers=_read_answers(data),
        actions={aid: _read_action(a) for aid, a in actions.items()},
        triggers={aid: _read_triggers(a) for aid, a in actions.items()},
        domains={key: _read_domain(key, d) for key, d in _read_domains(data).items()},
        risks=_read_risks(data),
        control_ranks=_read_control_ranks(data),
    )


def _dicts(value: object) -> list[dict[str, Any]]:
    """The objects of a JSON list (anything else gives nothing): tolerant of hand-edited plans."""
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _text(value: object) -> str:
    """A JSON value as one clean line of text ("" for null)."""
    if value is None:
        return ""
    return one_line(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))


def _int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _read_info(plan: Mapping[str, Any]) -> PlanInfo:
    meta = plan.get("metadata")
    meta = meta if isinstance(meta, dict) else {}
    questionnaire = meta.get("questionnaire")
    questionnaire = questionnaire if isinstance(questionnaire, dict) else {}
    raw_counts = plan.get("counts")
    counts = {str(k): v for k, v in raw_counts.items() if _int(v) is not None} if isinstance(raw_counts, dict) else {}
    actions = [a for d in _dicts(plan.get("domains")) for a in _dicts(d.get("actions"))]
    risks = _dicts(plan.get("risks"))
    # A hand-edited plan may lack counts; the ones the summary shows are recomputed from the lists then.
    counts.setdefault("actions", len(actions))
    counts.setdefault("p1", sum(1 for a in actions if a.get("priority") == "P1"))
    counts.setdefault("risks", len(risks))
    counts.setdefault("high_risks", sum(1 for r in risks if (_int(r.get("score")) or 0) >= 10))
    counts.setdefault("discovery", len(_dicts(plan.get("discovery"))))
    return PlanInfo(
        label="",
        organisation=_text(meta.get("organisation")),
        plan_date=_text(meta.get("plan_date")),
        questionnaire_id=_text(questionnaire.get("id")),
        questionnaire_version=_text(questionnaire.get("version")),
        questionnaire_hash=_text(questionnaire.get("hash")),
        answered=_int(meta.get("answered")),
        visible=_int(meta.get("visible")),
        counts={k: int(v) for k, v in counts.items()},
    )


def _read_answers(plan: Mapping[str, Any]) -> dict[str, AnswerInfo]:
    found: dict[str, AnswerInfo] = {}
    for section in _dicts(plan.get("answers")):
        title = _text(section.get("title")) or _text(section.get("section_id"))
        for q in _dicts(section.get("questions")):
            qid = _text(q.get("question_id"))
            if not qid or qid in found:
                continue
            value = q.get("value")
            answered = q.get("answered")
            is_answered = bool(answered) if isinstance(answered, bool) else value is not None
            shown = _text(q.get("answer"))
            key = json.dumps(value, sort_keys=True, ensure_ascii=False) if "value" in q else shown
            found[qid] = AnswerInfo(_text(q.get("question")) or qid, title, is_answered, shown, value, key)
    return found


def _read_actions(plan: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for domain in _dicts(plan.get("domains")):
        for action in _dicts(domain.get("actions")):
            aid = _text(action.get("id"))
            if aid and aid not in found:
                found[aid] = action
    return found


def _read_action(action: Mapping[str, Any]) -> ActionInfo:
    return ActionInfo(
        id=_text(action.get("id")),
        title=_text(action.get("title")) or _text(action.get("id")),
        domain=_text(action.get("domain")),
        priority=_text(action.get("priority")),
        owner=_text(action.get("owner")),
        owner_title=_text(action.get("owner_title")) or _text(action.get("owner")),
        due=_text(action.get("due")),
        status=_read_status(action),
        month=_int(action.get("month")) or 0,
    )


def _read_status(action: Mapping[str, Any]) -> str:
    """The action's status in a version 2 plan; "todo" when there is none (version 1)."""
    raw = action.get("status")
    value = raw.get("status") if isinstance(raw, dict) else None
    return value if isinstance(value, str) and value else "todo"


def _read_triggers(action: Mapping[str, Any]) -> tuple[str, ...]:
    found = (_text(t.get("question_id")) for t in _dicts(action.get("triggers")))
    return tuple(qid for qid in dict.fromkeys(found) if qid)


def _read_risks(plan: Mapping[str, Any]) -> dict[str, RiskInfo]:
    found: dict[str, RiskInfo] = {}
    for r in _dicts(plan.get("risks")):
        rid = _text(r.get("id"))
        if rid and rid not in found:
            found[rid] = RiskInfo(
                id=rid,
                title=_text(r.get("title")) or rid,
                likelihood=_int(r.get("likelihood")) or 0,
                impact=_int(r.get("impact")) or 0,
                score=_int(r.get("score")) or 0,
                rating=_text(r.get("rating")),
            )
    return found


def _read_domains(plan: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for d in _dicts(plan.get("domains")):
        key = _text(d.get("domain"))
        if key and key not in found:
            found[key] = d
    return found


def _read_domain(key: str, domain: Mapping[str, Any]) -> DomainInfo:
    m = domain.get("maturity")
    m = m if isinstance(m, dict) else {}
    counts = {k: v for k in MATURITY_COUNTS if (v := _int(m.get(k))) is not None}
    percent: int | None
    if all(k in counts for k in ("in_place", "partial", "not_in_place")):
        # Score what is known, whatever version wrote the plan: version 1 counted unknown controls as missing.
        known = counts["in_place"] + counts["partial"] + counts["not_in_place"]
        percent = (
            int((counts["in_place"] + counts["partial"] / 2) * 100 / known + 0.5 + 1e-9) if known > 0 else None
        )
    else:
        percent = _int(m.get("percent"))
    return DomainInfo(key, _text(domain.get("title")) or key, percent, counts)


def _read_control_ranks(plan: Mapping[str, Any]) -> dict[str, int]:
    """Question id -> 2 for a control in place, 1 for a partial one (others are absent)."""
    ranks: dict[str, int] = {}
    for d in _dicts(plan.get("domains")):
        for fact in _dicts(d.get("partial")):
            ranks[_text(fact.get("question_id"))] = 1
        for fact in _dicts(d.get("strengths")):
            ranks[_text(fact.get("question_id"))] = 2
    return ranks
