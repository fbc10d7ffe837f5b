"""Compile a questionnaire and its answers into a Plan: a pure function of (questionnaire, answers, date).

The Plan is a tree of frozen dataclasses (:mod:`.records`) holding everything the renderers need, already ordered
and with every string cleaned of control characters (escaping for Markdown is the renderer's job). Nothing here
reads a file, the clock or a random source, so the same inputs always give the same Plan.

This module puts the parts together in order; each part is built by the module of its job:

- :mod:`.context`: the inputs and the lookups every part uses (answers in effect, visible questions, role titles);
- :mod:`.actions`: the actions the answers trigger, their texts, and the conditional actions;
- :mod:`.risks`: the risk register and how each high risk is handled;
- :mod:`.discovery`: a task for each "don't know", and the assumptions made;
- :mod:`.workload`: the hours of each person, the ranking, the month-by-month schedule and the due dates;
- :mod:`.maturity`: each domain's maturity, strengths and partial controls;
- :mod:`.roles`, :mod:`.profile`, :mod:`.sections`: the roles, the profile and appendix A, the written parts.

The names other packages have always imported from here (the Plan's records, a few constants and
:func:`answer_text`) are re-exported, so ``from secplan_tui.plan.compile import Plan`` keeps working.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date, timedelta

from secplan_tui import __version__
from secplan_tui.core.engine import DONE, ESSENTIALS
from secplan_tui.core.model import DOMAIN_TITLES, ActionStatus, AnswerValue, Questionnaire
from secplan_tui.plan.actions import conditional_actions, triggered
from secplan_tui.plan.context import Context
from secplan_tui.plan.discovery import assumptions, discovery_tasks
from secplan_tui.plan.escape import one_line
from secplan_tui.plan.facts import answer_text
from secplan_tui.plan.maturity import domain_plan
from secplan_tui.plan.profile import ORG_NAME_IDS, answers_appendix, organisation, profile_facts, scope
from secplan_tui.plan.records import (
    AnswerSection,
    ConditionalAction,
    DiscoveryTask,
    DomainPlan,
    Fact,
    Maturity,
    Metadata,
    Plan,
    PlannedAction,
    Profile,
    RiskEntry,
    RoadmapPhase,
    ThemedSection,
)
from secplan_tui.plan.risks import handle_risks, risk_register
from secplan_tui.plan.roles import distribution, role_entries
from secplan_tui.plan.sections import (
    REVIEW_DAYS,
    implementation,
    incident_response,
    objectives,
    references,
    review,
    roadmap,
    selection,
    training,
)
from secplan_tui.plan.vocabulary import CONTROL_DOMAINS, NOT_ANSWERED, PRIORITY_ORDER
from secplan_tui.plan.workload import capacity, plan_work

__all__ = [
    "CONTROL_DOMAINS",
    "NOT_ANSWERED",
    "ORG_NAME_IDS",
    "PLAN_VERSION",
    "PRIORITY_ORDER",
    "AnswerSection",
    "ConditionalAction",
    "DiscoveryTask",
    "DomainPlan",
    "Fact",
    "Maturity",
    "Plan",
    "PlannedAction",
    "RiskEntry",
    "RoadmapPhase",
    "ThemedSection",
    "answer_text",
    "compile_plan",
]

PLAN_VERSION = "1"
"""The version number printed on a freshly compiled plan."""


def compile_plan(
    questionnaire: Questionnaire,
    answers: Mapping[str, AnswerValue],
    plan_date: date,
    *,
    session_name: str = "",
    generated_by: str = f"secplan {__version__}",
    statuses: Mapping[str, ActionStatus] | None = None,
    notes: Mapping[str, str] | None = None,
) -> Plan:
    """Compile a security plan from a questionnaire and the stored answers.

    Pure: no I/O, no clock, no randomness. Answers to hidden questions are ignored (they stay in the store but
    leave the plan), and so are answers to questions the questionnaire does not have.

    Args:
        questionnaire: The questionnaire the answers belong to.
        answers: Every stored answer by question id, hidden ones included.
        plan_date: The date the plan carries; due dates and the review date count from it.
        session_name: The session's name, shown in the document control table.
        generated_by: The program and version shown in the document control table.
        statuses: Where each action stands (the living plan), by action id: done and "won't do" actions leave
            the roadmap, deferred ones show their new date, "won't do" ones are risks accepted by the director
            role. No status moves another action's due date. Statuses of actions not in the plan are ignored.
        notes: The notes given with answers, by question id, shown beside the answers in appendix A.

    Returns:
        The plan.
    """
    ctx = Context(questionnaire, answers, plan_date, statuses or {}, notes or {})
    return _build(ctx, one_line(session_name), one_line(generated_by))


def _build(ctx: Context, session_name: str, generated_by: str) -> Plan:
    """Assemble every part of the plan, each from the parts it depends on."""
    name = organisation(ctx)
    chosen = triggered(ctx)
    owners = {a.id: ctx.owner_of(a) for _, a in chosen}
    risks = risk_register(ctx, frozenset(owners))
    conditional = conditional_actions(ctx, frozenset(owners), risks)
    risks = tuple(
        replace(r, conditional=tuple(c.id for c in conditional if r.id in c.risks)) for r in risks
    )
    discovery = discovery_tasks(ctx, conditional)
    people = capacity(ctx, owners, discovery)
    actions, discovery, schedule = plan_work(ctx, chosen, owners, risks, discovery, people)
    risks, decisions = handle_risks(ctx, risks, actions)
    domains = tuple(domain_plan(ctx, d, actions) for d in CONTROL_DOMAINS)
    answered, visible = ctx.flow.counts()
    completeness = ctx.flow.completeness()
    q = ctx.q
    metadata = Metadata(
        title=f"Security plan: {name}" if name else "Security plan",
        marking=one_line(q.marking) or "CONFIDENTIAL",
        plan_version=PLAN_VERSION,
        plan_date=ctx.plan_date,
        next_review=ctx.plan_date + timedelta(days=REVIEW_DAYS),
        organisation=name,
        session_name=session_name,
        generated_by=generated_by,
        questionnaire_id=one_line(q.id),
        questionnaire_version=one_line(q.version),
        questionnaire_title=one_line(q.title),
        questionnaire_hash=one_line(q.content_hash),
        answered=answered,
        visible=visible,
        completeness=completeness,
        distribution=distribution(ctx),
    )
    profile = Profile(name, scope(ctx, name, answered, visible), profile_facts(ctx))
    stage = ctx.flow.current_pass() if ctx.flow.has_essentials else DONE
    one_person = len({p.title for p in people.people}) == 1
    details: tuple[tuple[str, int], ...] = ()
    if stage != DONE and stage != ESSENTIALS:
        details = tuple((DOMAIN_TITLES.get(d, d), n) for d, n in ctx.flow.detail_counts().items())
    return Plan(
        metadata=metadata,
        profile=profile,
        objectives=objectives(ctx, name, actions, risks, domains, discovery),
        roles=role_entries(ctx, actions, discovery, one_person),
        risks=risks,
        domains=domains,
        roadmap=roadmap(ctx, actions),
        training=training(actions),
        incident_response=incident_response(actions),
        selection=selection(ctx, actions),
        implementation=implementation(),
        review=review(ctx, actions, one_person),
        discovery=discovery,
        answers=answers_appendix(ctx),
        references=references(actions),
        capacity=people,
        schedule=schedule,
        conditional=conditional,
        decisions=decisions,
        stage=stage,
        details_left=details,
        assumed=assumptions(ctx),
        one_person=one_person,
        director=ctx.title_of(ctx.director.id) if ctx.director is not None else "Director",
    )
