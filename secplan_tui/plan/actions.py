"""The plan's actions: which of the library's actions the answers trigger, the planned action with its owner,
date and the answers behind it, the variant of its texts that fits the profile, and the conditional actions that
would apply if an unknown answer turns out badly.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from secplan_tui.core.engine import possible_answers
from secplan_tui.core.model import DONT_KNOW, Action, ActionStatus, AnswerValue
from secplan_tui.core.text import clean_text
from secplan_tui.plan.context import Context
from secplan_tui.plan.escape import one_line
from secplan_tui.plan.facts import answer_text
from secplan_tui.plan.records import ConditionalAction, PlannedAction, RiskEntry
from secplan_tui.plan.vocabulary import CONTROL_DOMAINS, HIGH_SCORE


def triggered(ctx: Context) -> list[tuple[int, Action]]:
    """The library's actions whose condition holds, in library order; with nobody technical, the IT-help
    action too when some technical work is triggered."""
    found = [(i, a) for i, a in enumerate(ctx.q.actions) if a.when.evaluate(ctx.effective)]
    help_id = ctx.q.planning.it_help_action
    needed = ctx.nobody_technical and help_id and any(a.skill != "anyone" for _, a in found)
    if needed and all(a.id != help_id for _, a in found):
        found += [(i, a) for i, a in enumerate(ctx.q.actions) if a.id == help_id]
        found.sort(key=lambda t: t[0])
    return found


def planned_action(
    ctx: Context,
    action: Action,
    index: int,
    owner: str,
    priority: str,
    due: date,
    month: int,
    rank: int,
    risks: tuple[str, ...],
    after: tuple[str, ...],
    status: ActionStatus | None,
) -> PlannedAction:
    """A triggered action with its owner, due date and the answers behind it."""
    qids = sorted(
        (i for i in action.when.question_ids() if i in ctx.effective),
        key=lambda i: (ctx.order.get(i, len(ctx.order)), i),
    )
    # Show the answers that made the condition hold: those without which it would not. When no single
    # answer is decisive (two branches of an "or" both hold), show every answer it looked at.
    decisive = [i for i in qids if not action.when.evaluate({k: v for k, v in ctx.effective.items() if k != i})]
    if decisive:
        qids = decisive
    triggers = tuple(ctx.fact(q) for q in (ctx.q.question(i) for i in qids) if q is not None)
    domain = action.domain if action.domain in CONTROL_DOMAINS else "governance"
    title, how, why = action_texts(ctx, action)
    return PlannedAction(
        id=one_line(action.id),
        title=title,
        domain=domain,
        priority=priority,
        owner=one_line(owner),
        owner_title=ctx.title_of(owner),
        due=due,
        effort=one_line(action.effort),
        how=how,
        why=why,
        references=tuple(one_line(r) for r in action.references),
        triggers=triggers,
        order=index,
        hours=action.hours,
        skill=action.skill,
        rank=rank,
        month=month,
        risks=risks,
        after=after,
        status=status.status if status is not None else "todo",
        status_date=one_line(status.at[:10]) if status is not None and status.at else "",
        status_note=one_line(status.note) if status is not None else "",
        status_by=one_line(status.by) if status is not None else "",
    )


def action_texts(ctx: Context, action: Action) -> tuple[str, str, str]:
    """Title, how and why, from the first variant that holds for this profile, else the action's own."""
    title, how, why = action.title, action.how, action.why
    for variant in action.variants:
        if variant.when.evaluate(ctx.effective):
            title = variant.title or title
            how = variant.how or how
            why = variant.why or why
            break
    return (one_line(title), clean_text(how, keep_newlines=True).strip(),
            clean_text(why, keep_newlines=True).strip())


def conditional_actions(
    ctx: Context, in_plan: frozenset[str], risks: tuple[RiskEntry, ...]
) -> tuple[ConditionalAction, ...]:
    """Actions not triggered only because an answer they depend on is "don't know", that treat a High or
    Very high risk or are marked ``if_unknown``: offered as "If ...: ..."."""
    high = {aid: [r.id for r in risks if r.score >= HIGH_SCORE and aid in r.treated_by] for aid in
            {a for r in risks for a in _all_treating(ctx, r.id)}}
    found: list[ConditionalAction] = []
    for action in ctx.q.actions:
        if action.id in in_plan:
            continue
        treats = high.get(action.id, [])
        if not action.if_unknown and not treats:
            continue
        unsure = sorted(i for i in action.when.question_ids() if ctx.effective.get(i) == DONT_KNOW)
        if not unsure or len(unsure) > 3:
            continue
        literals = action.when.literals()
        possible: dict[str, list[AnswerValue]] = {}
        for qid in unsure:
            question = ctx.q.question(qid)
            possible[qid] = possible_answers(question, literals) if question else []
        picked = _first_holding(ctx, action, unsure, possible)
        if picked is None:
            continue
        owner = ctx.owner_of(action)
        title, how, why = action_texts(ctx, action)
        found.append(
            ConditionalAction(
                id=one_line(action.id),
                title=title,
                condition=one_line(action.if_unknown_text) or _condition_words(ctx, picked),
                questions=tuple(one_line(q) for q in unsure),
                domain=action.domain if action.domain in CONTROL_DOMAINS else "governance",
                owner=one_line(owner),
                owner_title=ctx.title_of(owner),
                effort=one_line(action.effort),
                hours=action.hours,
                how=how,
                why=why,
                risks=tuple(r.id for r in risks if action.id in _all_treating(ctx, r.id)),
                references=tuple(one_line(r) for r in action.references),
            )
        )
    return tuple(found)


def _all_treating(ctx: Context, risk_id: str) -> tuple[str, ...]:
    for r in ctx.q.risks:
        if r.id == risk_id:
            return r.treated_by
    return ()


def _first_holding(
    ctx: Context, action: Action, unsure: list[str], possible: Mapping[str, list[AnswerValue]]
) -> dict[str, AnswerValue] | None:
    """The first combination of answers to the unsure questions that makes the action's condition hold."""
    combos: list[dict[str, AnswerValue]] = [{}]
    for qid in unsure:
        combos = [{**c, qid: v} for c in combos for v in possible[qid]][:2000]
    for combo in combos:
        if action.when.evaluate({**ctx.effective, **combo}):
            return combo
    return None


def _condition_words(ctx: Context, picked: Mapping[str, AnswerValue]) -> str:
    """The answers that would make an action apply, quoted: the answer to "Are laptops encrypted?" is "No"."""
    parts = []
    for qid, value in picked.items():
        question = ctx.q.question(qid)
        if question is None:
            continue
        shown = answer_text(question, value)
        parts.append(f"the answer to \u201c{one_line(question.text)}\u201d is \u201c{shown}\u201d")
    return " and ".join(parts)
