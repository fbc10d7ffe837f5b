"""Render a Plan as JSON in the stable, documented ``secplan-plan`` format (see docs/plan-json.md).

Keys are sorted and indented by two spaces, dates are ``YYYY-MM-DD`` strings, and every string is already
clean of control characters. Adding a key is a compatible change; renaming or removing one bumps
``format_version``.
"""

from __future__ import annotations

import json
from typing import Any

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

FORMAT = "secplan-plan"
FORMAT_VERSION = 2
"""2: maturity ``score``/``percent`` are of the known controls (``null`` when none is known), with the unknown share
apart; actions carry hours, skill, rank, month and status; due dates come from a month-by-month schedule; new
``capacity``, ``schedule``, ``conditional``, ``decisions``, ``stage``, ``details_left``, ``assumed``."""


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
