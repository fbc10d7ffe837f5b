"""Who does the work and when: the hours a month each person can give, the actions ranked by risk reduced per
hour, the actions and discovery tasks scheduled month by month within those hours (:mod:`.schedule`), their
priorities and due dates, and the load each month asks of each person.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date

from secplan_tui.core.model import PRIORITY_DAYS, Action, HoursCase
from secplan_tui.plan.actions import planned_action
from secplan_tui.plan.context import Context
from secplan_tui.plan.discovery import DISCOVERY_HOURS
from secplan_tui.plan.escape import one_line
from secplan_tui.plan.records import Capacity, DiscoveryTask, MonthLoad, Person, PlannedAction, RiskEntry
from secplan_tui.plan.risks import score_reduction
from secplan_tui.plan.schedule import (
    MIN_CAPACITY,
    Slot,
    Task,
    month_end,
    month_start,
    schedule,
    spread_due_dates,
)
from secplan_tui.plan.vocabulary import DEFAULT_HOURS, HIGH_SCORE

SMALL_SHARE = 2.0
"""Hours a month someone with little work in the plan gets at least (up to an equal share of the hours)."""
AUTHOR_WEIGHT: Mapping[str, float] = {"P1": 6.0, "P2": 3.0, "P3": 1.0}
"""What an action treating no rated risk is worth, by the priority its author suggested (a risk scores 1-25)."""


def organisation_hours(ctx: Context) -> tuple[float, bool, str]:
    """The hours a month the organisation can give, whether they were assumed, and the question asking."""
    planning = ctx.q.planning
    qid = planning.hours_question
    value = ctx.effective.get(qid) if qid else None
    if isinstance(value, int | float) and not isinstance(value, bool) and value >= MIN_CAPACITY:
        return float(value), False, qid
    for case in planning.default_hours:
        if case.when is None or case.when.evaluate(ctx.effective):
            return max(MIN_CAPACITY, case.hours), True, qid
    return DEFAULT_HOURS, True, qid


def _case_hours(ctx: Context, cases: tuple[HoursCase, ...]) -> float | None:
    for case in cases:
        if case.when is None or case.when.evaluate(ctx.effective):
            return case.hours
    return None


def capacity(ctx: Context, owners: Mapping[str, str], discovery: tuple[DiscoveryTask, ...]) -> Capacity:
    """Who does the work and the hours a month of each: roles of the same title are one person."""
    planning = ctx.q.planning
    hours, assumed, qid = organisation_hours(ctx)
    used = set(owners.values()) | {t.ask for t in discovery if t.ask}
    titles: dict[str, list[str]] = {}
    for role in ctx.q.roles:
        if role.id in used:
            titles.setdefault(ctx.title_of(role.id), []).append(role.id)
    for rid in sorted(used):
        if ctx.q.role(rid) is None:
            titles.setdefault(ctx.title_of(rid), []).append(rid)
    for task in discovery:
        if not task.ask:  # nobody to ask in the questionnaire: whoever the plan names does it
            titles.setdefault(task.ask_title, [])
    own: dict[str, float] = {}
    kinds: dict[str, str] = {}
    for title, rids in titles.items():
        found = [h for h in (_case_hours(ctx, planning.hours_of(r)) for r in rids) if h is not None]
        if found:
            own[title] = max(found)
            kinds[title] = "own"
        elif all(r in planning.groups for r in rids):
            own[title] = hours
            kinds[title] = "group"
        else:
            kinds[title] = "shared"
    # The organisation's hours are shared between its people in proportion to the work each has in the plan,
    # so that they finish together rather than one waiting on another's share.
    work: dict[str, float] = {}
    for action in ctx.q.actions:
        if action.id in owners:
            title = ctx.title_of(owners[action.id])
            work[title] = work.get(title, 0.0) + action.mean_hours
    for task in discovery:
        work[task.ask_title] = work.get(task.ask_title, 0.0) + DISCOVERY_HOURS
    shared = [t for t in titles if kinds[t] == "shared"]
    total = sum(work.get(t, 0.0) for t in shared)
    for t in shared:
        part = work.get(t, 0.0) / total if total > 0 else 1 / len(shared)
        # Someone with little to do still gets the time to do it soon: up to an equal share, at most 2 hours.
        floor = min(work.get(t, 0.0), SMALL_SHARE, hours / len(shared))
        own[t] = max(MIN_CAPACITY, floor, hours * part)
    people = tuple(
        Person(title, tuple(one_line(r) for r in rids), round(own[title], 2), kinds[title])
        for title, rids in titles.items()
    )
    return Capacity(hours, assumed, one_line(qid), people, ctx.nobody_technical)


def plan_work(
    ctx: Context,
    chosen: list[tuple[int, Action]],
    owners: Mapping[str, str],
    risks: tuple[RiskEntry, ...],
    discovery: tuple[DiscoveryTask, ...],
    capacity: Capacity,
) -> tuple[tuple[PlannedAction, ...], tuple[DiscoveryTask, ...], tuple[MonthLoad, ...]]:
    """Rank the actions, schedule them and the discovery tasks month by month, and date them."""
    planning = ctx.q.planning
    in_plan = {a.id for _, a in chosen}
    # What each action is worth: for each risk it treats, how much the risk's score falls once the control it
    # asks for is in place (the risk's own adjustments say so); when they do not say, a share of the score.
    score_sum: dict[str, float] = {}
    treats: dict[str, list[str]] = {}
    models = {r.id: r for r in ctx.q.risks}
    by_action = {a.id: a for _, a in chosen}
    for r in risks:
        model = models.get(r.id)
        for aid in r.treated_by:
            treats.setdefault(aid, []).append(r.id)
            fallback = r.score / (2 * len(r.treated_by))
            reduction = score_reduction(ctx, by_action[aid], model, r.score) if model is not None else 0
            score_sum[aid] = score_sum.get(aid, 0.0) + (reduction if reduction > 0 else fallback)
    status_of = {a.id: ctx.statuses[a.id] for _, a in chosen if a.id in ctx.statuses}
    # The schedule is made from the answers alone: ticking an action off, deferring it or dropping it never
    # moves the due date of another (people are told their dates once, at the review); a deferred action
    # shows its own new date, and done or dropped ones leave the roadmap.
    open_ids = {a.id for _, a in chosen}
    # The cheapest treatment of each High or Very high risk is P1.
    forced: set[str] = set()
    by_id = {a.id: (i, a) for i, a in chosen}
    for r in risks:
        if r.score < HIGH_SCORE:
            continue
        options = [by_id[aid] for aid in r.treated_by if aid in open_ids]
        if options:
            _, cheapest = min(options, key=lambda t: ((t[1].hours[0] + t[1].hours[1]) / 2, t[0]))
            forced.add(cheapest.id)

    def value(action: Action) -> float:
        worth = score_sum.get(action.id, 0) + AUTHOR_WEIGHT.get(action.priority, 1.0)
        return worth / max(MIN_CAPACITY, action.mean_hours)

    def tier(action: Action) -> int:
        if action.id == planning.lead_action:
            return 0
        if ctx.nobody_technical and action.id == planning.it_help_action:
            return 1
        return 2 if action.id in forced else 4

    person_of: dict[str, str] = {}
    for person in capacity.people:
        for rid in person.roles:
            person_of[rid] = person.title
    cap = {p.title: p.hours for p in capacity.people}
    help_in = ctx.nobody_technical and planning.it_help_action in in_plan
    tasks: list[tuple[tuple[int, float, int], Task]] = []
    for index, action in chosen:
        if action.id not in open_ids:
            continue
        owner = owners[action.id]
        after = [d for d in action.after if d in open_ids]
        if help_in and owner == planning.technical_role and action.id != planning.it_help_action:
            after.append(planning.it_help_action)
        if planning.lead_action in open_ids and action.id != planning.lead_action:
            after.append(planning.lead_action)
        task = Task(action.id, person_of.get(owner, ctx.title_of(owner)), action.mean_hours,
                    tuple(dict.fromkeys(after)))
        tasks.append(((tier(action), -value(action), index), task))
    for i, t in enumerate(discovery):
        after_ids: list[str] = []
        if help_in and t.ask == planning.technical_role:
            after_ids.append(planning.it_help_action)
        # Finding out is quick and may change the plan: a task that decides a treatment of a serious risk
        # comes before the other treatments, the rest right after them.
        key = (1 if t.conditional else 3, 0.0, i)
        tasks.append((key, Task(f"discover:{t.question_id}", person_of.get(t.ask, t.ask_title), DISCOVERY_HOURS,
                                tuple(after_ids))))
    tasks.sort(key=lambda kt: kt[0])
    slots, order = schedule([t for _, t in tasks], cap)
    due = spread_due_dates(ctx.plan_date, slots, [t.id for t in order])
    for task in order:
        status = status_of.get(task.id)
        if status is not None and status.status == "deferred" and status.due:
            new_due = _parse_date(status.due)
            if new_due is not None:
                due[task.id] = new_due
    rank = {t.id: i for i, t in enumerate(order)}
    planned: list[PlannedAction] = []
    for index, action in chosen:
        status = status_of.get(action.id)
        slot = slots.get(action.id)
        if slot is not None:
            when = due[action.id]
            days = (when - ctx.plan_date).days
            if action.id in forced or tier(action) < 2 or days <= PRIORITY_DAYS["P1"]:
                priority = "P1"
            elif days <= PRIORITY_DAYS["P2"]:
                priority = "P2"
            else:
                priority = "P3"
            month = slot.finish
            position = rank[action.id]
        else:
            set_on = _parse_date(status.at[:10]) if status is not None and status.at else None
            when = set_on or ctx.plan_date
            priority = action.priority if action.priority in PRIORITY_DAYS else "P3"
            month = 0
            position = -1 if status is not None and status.status == "done" else len(rank) + index
        planned.append(
            planned_action(ctx, action, index, owners[action.id], priority, when, month, position,
                           tuple(treats.get(action.id, ())),
                           tuple(d for d in action.after if d in in_plan), status)
        )
    # A prerequisite of a P1 action is P1 too (and of a P2, at least P2): it has to be done first.
    level = {a.id: a.priority for a in planned}
    changed = True
    while changed:
        changed = False
        for a in planned:
            for dep in a.after:
                if dep in level and level[dep] > level[a.id]:
                    level[dep] = level[a.id]
                    changed = True
    planned = [replace(a, priority=level[a.id]) if a.status not in ("done", "wont") else a for a in planned]
    # Done actions first (the plan's progress), then by schedule; their rank is their place in that order.
    planned.sort(key=lambda a: (a.rank, a.order))
    ranked = tuple(replace(a, rank=i) for i, a in enumerate(planned))
    dated = tuple(
        replace(t, due=due[f"discover:{t.question_id}"], month=slots[f"discover:{t.question_id}"].finish)
        if f"discover:{t.question_id}" in slots else t
        for t in discovery
    )
    return ranked, dated, _months(ctx, ranked, dated, slots, cap)


def _months(
    ctx: Context,
    actions: tuple[PlannedAction, ...],
    discovery: tuple[DiscoveryTask, ...],
    slots: Mapping[str, Slot],
    cap: Mapping[str, float],
) -> tuple[MonthLoad, ...]:
    """The months with work due or hours asked, each with the load per person."""
    person_of_task: dict[str, str] = {}
    people_order = list(cap)
    load: dict[int, dict[str, float]] = {}
    for a in actions:
        if a.id in slots:
            person_of_task[a.id] = next(
                (p for p in people_order if a.owner_title == p), a.owner_title
            )
    for t in discovery:
        person_of_task[f"discover:{t.question_id}"] = t.ask_title
    for task_id, slot in slots.items():
        person = person_of_task.get(task_id, "")
        for month, hours in slot.hours.items():
            row = load.setdefault(month, {})
            row[person] = row.get(person, 0.0) + hours
    due_in: dict[int, list[PlannedAction]] = {}
    for a in actions:
        if a.month > 0:
            due_in.setdefault(a.month, []).append(a)
    found_in: dict[int, list[DiscoveryTask]] = {}
    for t in discovery:
        found_in.setdefault(t.month, []).append(t)
    result = []
    for month in sorted(set(load) | set(due_in) | set(found_in)):
        rows = load.get(month, {})
        per_person = tuple(
            (p, round(rows[p], 2), round(max(MIN_CAPACITY, cap.get(p, 0.0)), 2))
            for p in sorted(rows, key=lambda p: people_order.index(p) if p in people_order else len(cap))
        )
        result.append(
            MonthLoad(
                month=month,
                start=month_start(ctx.plan_date, month),
                end=month_end(ctx.plan_date, month),
                actions=tuple(a.id for a in sorted(due_in.get(month, []), key=lambda a: (a.due, a.rank))),
                discovery=tuple(t.question_id for t in sorted(found_in.get(month, []), key=lambda t: t.due)),
                hours=per_person,
            )
        )
    return tuple(result)


def _parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None
