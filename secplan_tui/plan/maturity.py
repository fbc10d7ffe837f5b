"""Each control domain's part of the plan: its maturity (the share of known controls in place, and the unknown
share), its strengths and partial controls, and its actions.

A control question counts 1 in place, 1/2 partly, 0 not in place; "don't know" and unanswered ones are unknown,
reported apart and never counted as a 0; "not applicable" is left out.
"""

from __future__ import annotations

from collections.abc import Mapping

from secplan_tui.core.model import DOMAIN_TITLES, DONT_KNOW, NOT_APPLICABLE, Question, Status
from secplan_tui.plan.context import Context
from secplan_tui.plan.escape import one_line
from secplan_tui.plan.records import DomainPlan, Fact, Maturity, PlannedAction
from secplan_tui.plan.vocabulary import CONTROL_DOMAINS

DOMAIN_CLAUSES: Mapping[str, str] = {
    "governance": "5.2, 5.4",
    "people": "5.4",
    "information": "5.4",
    "cyber": "5.4",
    "physical": "5.4",
}
"""The ISO 22342 clauses each domain section answers."""


def control_status(ctx: Context, question: Question) -> Status | str | None:
    """The control status of a visible control question's answer: a Status, DONT_KNOW, NOT_APPLICABLE or
    None when unanswered."""
    value = ctx.effective.get(question.id)
    if value is None:
        return None
    if isinstance(value, str) and value in (DONT_KNOW, NOT_APPLICABLE):
        return value
    if isinstance(value, list):
        statuses = [c.status for c in (question.choice(v) for v in value) if c is not None]
        if statuses and all(s is Status.IN_PLACE for s in statuses):
            return Status.IN_PLACE
        if any(s in (Status.IN_PLACE, Status.PARTIAL) for s in statuses):
            return Status.PARTIAL
        return Status.NOT_IN_PLACE
    if isinstance(value, str):
        choice = question.choice(value)
        if choice is not None and choice.status is not None:
            return choice.status
    return Status.NOT_IN_PLACE


def is_control(ctx: Context, question: Question) -> bool:
    """Whether the question counts toward a domain's maturity."""
    return question.is_control and ctx.domain_of_section.get(question.section) in CONTROL_DOMAINS


def domain_plan(ctx: Context, domain: str, actions: tuple[PlannedAction, ...]) -> DomainPlan:
    """Strengths, partial controls, actions and maturity of one domain."""
    controls = [q for q in ctx.visible if is_control(ctx, q) and ctx.domain_of_section[q.section] == domain]
    counts = {"in": 0, "partial": 0, "not": 0, "na": 0, "dk": 0, "none": 0}
    strengths: list[Fact] = []
    partial: list[Fact] = []
    for q in controls:
        status = control_status(ctx, q)
        if status is None:
            counts["none"] += 1
        elif status == DONT_KNOW:
            counts["dk"] += 1
        elif status == NOT_APPLICABLE:
            counts["na"] += 1
        elif status is Status.IN_PLACE:
            counts["in"] += 1
            fact = ctx.fact(q)
            strengths.append(Fact(fact.question_id, one_line(q.strength) or fact.question, fact.answer))
        elif status is Status.PARTIAL:
            counts["partial"] += 1
            partial.append(ctx.fact(q))
        else:
            counts["not"] += 1
    title = DOMAIN_TITLES.get(domain, domain)
    maturity = Maturity(
        domain=domain,
        title=title,
        controls=len(controls),
        in_place=counts["in"],
        partial=counts["partial"],
        not_in_place=counts["not"],
        not_applicable=counts["na"],
        dont_know=counts["dk"],
        unanswered=counts["none"],
    )
    return DomainPlan(
        domain=domain,
        title=title,
        clause=DOMAIN_CLAUSES.get(domain, "5.4"),
        maturity=maturity,
        strengths=tuple(strengths),
        partial=tuple(partial),
        actions=tuple(a for a in actions if a.domain == domain),
    )
