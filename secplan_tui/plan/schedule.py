"""Month-by-month scheduling of a plan's work so that no month asks more hours of a person than they have.

Pure and deterministic: the same tasks, order and capacities give the same schedule. A "month" here is a window
of :data:`MONTH_DAYS` days from the plan date, so that "the first 30 days" is exactly month 1.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

MONTH_DAYS = 30
"""Days in one scheduling window."""
YEAR_MONTHS = 12
"""Windows in the plan's first year; later ones are year two."""
MIN_CAPACITY = 0.5
"""The least hours a month a person is given, so that every task is scheduled some day."""


@dataclass(frozen=True)
class Task:
    """One piece of work to schedule."""

    id: str
    person: str
    """Whose hours it takes (people are keys of the capacity mapping)."""
    hours: float
    after: tuple[str, ...] = ()
    """Tasks that must finish first (ids of other tasks; unknown ids are ignored)."""


@dataclass(frozen=True)
class Slot:
    """Where a task landed."""

    start: int
    """First month it takes hours from (1-based)."""
    finish: int
    """Month it is due in."""
    hours: Mapping[int, float]
    """Hours taken, by month."""


def ordered(tasks: Sequence[Task]) -> list[Task]:
    """The tasks in the given order of importance, each pulled after the tasks it waits for (depth first)."""
    by_id = {t.id: t for t in tasks}
    done: set[str] = set()
    visiting: set[str] = set()
    result: list[Task] = []

    def visit(task: Task) -> None:
        if task.id in done or task.id in visiting:
            return  # a cycle (refused by validate) is broken where it is found
        visiting.add(task.id)
        for dep in task.after:
            if dep in by_id:
                visit(by_id[dep])
        visiting.discard(task.id)
        done.add(task.id)
        result.append(task)

    for task in tasks:
        visit(task)
    return result


def schedule(tasks: Sequence[Task], capacity: Mapping[str, float]) -> tuple[dict[str, Slot], list[Task]]:
    """Give each task the earliest hours its person has free, after the tasks it waits for.

    Args:
        tasks: In order of importance; :func:`ordered` is applied first.
        capacity: Hours a month of each person; a person missing or below :data:`MIN_CAPACITY` gets that.

    Returns:
        Each task's slot by id, and the tasks in the order they were scheduled.
    """
    order = ordered(tasks)
    free: dict[tuple[str, int], float] = {}
    slots: dict[str, Slot] = {}
    for task in order:
        cap = max(MIN_CAPACITY, capacity.get(task.person, 0.0))
        earliest = 1
        for dep in task.after:
            if dep in slots:
                earliest = max(earliest, slots[dep].finish)
        left = task.hours
        month = earliest
        taken: dict[int, float] = {}
        # Every person has at least MIN_CAPACITY a month, so the months past everyone else's work always have
        # room: this ends.
        while True:
            room = free.get((task.person, month), cap)
            take = min(left, room) if room > 1e-9 else 0.0
            if take > 0:
                taken[month] = taken.get(month, 0.0) + take
                free[(task.person, month)] = room - take
                left -= take
            if left <= 1e-9:
                break
            month += 1
        slots[task.id] = Slot(min(taken) if taken else month, month, taken or {month: 0.0})
    return slots, order


def month_start(plan_date: date, month: int) -> date:
    """The first day of a window (month 1 starts the day after the plan date)."""
    return plan_date + timedelta(days=(month - 1) * MONTH_DAYS + 1)


def month_end(plan_date: date, month: int) -> date:
    """The last day of a window."""
    return plan_date + timedelta(days=month * MONTH_DAYS)


def spread_due_dates(plan_date: date, slots: Mapping[str, Slot], order: Sequence[str]) -> dict[str, date]:
    """Due dates spread over each task's month, in scheduling order, on working days: weekends and the days from
    Christmas Eve to New Year's Day are left out (unless a window has no other day).

    Tasks due in one month get working days evenly apart (the last on the window's last working day), so no date
    holds many, and a task never falls due before one scheduled ahead of it.
    """
    by_month: dict[int, list[str]] = {}
    for task_id in order:
        if task_id in slots:
            by_month.setdefault(slots[task_id].finish, []).append(task_id)
    due: dict[str, date] = {}
    for month, ids in by_month.items():
        first, last = month_start(plan_date, month), month_end(plan_date, month)
        window = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        days = [d for d in window if not _closed(d)] or window
        count = len(ids)
        for i, task_id in enumerate(ids):
            due[task_id] = days[max(0, ((i + 1) * len(days)) // count - 1)]
    return due


def _closed(day: date) -> bool:
    """A weekend, or a day from Christmas Eve to New Year's Day."""
    return day.weekday() >= 5 or (day.month == 12 and day.day >= 24) or (day.month == 1 and day.day == 1)
