"""The living plan's arithmetic: each action's status and due date, what is overdue, progress counts, filters,
actions ticked off while the answers still say the control is missing, and what changed between two reviews.

Pure: it takes the compiled plan's actions, the stored statuses (``model.ActionStatus``) and a date, and imports
no store and no user interface.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from secplan_tui.core.model import ACTION_STATUSES, ActionStatus, Answers, Questionnaire
from secplan_tui.plan.compile import compile_plan
from secplan_tui.plan.records import Plan, PlannedAction
from secplan_tui.plan.vocabulary import CONTROL_DOMAINS

STATUS_WORDS: dict[str, str] = {
    "todo": "to do",
    "doing": "doing",
    "done": "done",
    "deferred": "deferred",
    "wont": "won't do",
}
"""How each status reads to a person."""

CLOSED = ("done", "wont")
"""Statuses that end an action: never overdue, out of what is left to do."""


@dataclass(frozen=True)
class ActionProgress:
    """One action of the plan with where it stands on a given day."""

    action: PlannedAction
    """The action as the plan compiled it."""
    status: str
    """One of ACTION_STATUSES; "todo" when it was never given one."""
    due: dt.date
    """When it is due: a deferred action's new date, else the plan's."""
    overdue: bool
    """Not done nor "won't do", and due before the day."""
    note: str = ""
    """The note given with the status."""
    set_on: str = ""
    """When the status was set (YYYY-MM-DD), "" when never."""
    by: str = ""
    """Who set it."""
    still_missing: tuple[str, ...] = ()
    """For a done action the current answers still trigger: the question ids to update (its triggers)."""

    @property
    def id(self) -> str:
        """The action's id."""
        return self.action.id

    @property
    def closed(self) -> bool:
        """Done or "won't do"."""
        return self.status in CLOSED


@dataclass(frozen=True)
class Counts:
    """Done n of m, k overdue."""

    done: int
    total: int
    overdue: int
    wont: int = 0

    def text(self) -> str:
        """``done 3 of 12 · 2 overdue`` (the overdue part only when there is any)."""
        words = f"done {self.done} of {self.total}"
        return f"{words} · {self.overdue} overdue" if self.overdue else words


@dataclass(frozen=True)
class StatusChanges:
    """What changed in the actions' statuses between two reviews (for the yearly review)."""

    done: tuple[str, ...]
    """Action ids done now and not before."""
    deferred: tuple[str, ...]
    """Action ids deferred now, newly or to another date."""
    dropped: tuple[str, ...]
    """Action ids marked "won't do" now and not before."""

    @property
    def is_empty(self) -> bool:
        """Nothing done, deferred or dropped."""
        return not (self.done or self.deferred or self.dropped)

    def text(self) -> str:
        """``2 done, 1 deferred, 1 dropped``, or "" when nothing changed."""
        parts = [(len(self.done), "done"), (len(self.deferred), "deferred"), (len(self.dropped), "dropped")]
        return ", ".join(f"{n} {word}" for n, word in parts if n)


def _date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def action_progress(
    actions: Iterable[PlannedAction], statuses: Mapping[str, ActionStatus], today: dt.date
) -> list[ActionProgress]:
    """Where each action of the plan stands on ``today``, in the plan's order.

    An action the answers trigger is in the plan; so an action marked done that is still in the plan is still
    triggered by the current answers, which still say its control is missing: it is flagged with its triggers.
    """
    found: list[ActionProgress] = []
    for action in actions:
        stored = statuses.get(action.id)
        status = stored.status if stored is not None and stored.status in ACTION_STATUSES else "todo"
        due = action.due
        if status == "deferred" and stored is not None:
            due = _date(stored.due) or due
        overdue = status not in CLOSED and due < today
        missing = tuple(f.question_id for f in action.triggers) if status == "done" else ()
        found.append(
            ActionProgress(
                action=action,
                status=status,
                due=due,
                overdue=overdue,
                note=stored.note if stored is not None else "",
                set_on=stored.at[:10] if stored is not None else "",
                by=stored.by if stored is not None else "",
                still_missing=missing,
            )
        )
    return found


def counts(items: Iterable[ActionProgress]) -> Counts:
    """Done n of m (won't-do actions left out of m), k overdue."""
    listed = list(items)
    wont = sum(1 for p in listed if p.status == "wont")
    return Counts(
        done=sum(1 for p in listed if p.status == "done"),
        total=len(listed) - wont,
        overdue=sum(1 for p in listed if p.overdue),
        wont=wont,
    )


def by_domain(items: Iterable[ActionProgress]) -> dict[str, Counts]:
    """Counts per domain, in CONTROL_DOMAINS order, every domain present."""
    listed = list(items)
    return {d: counts(p for p in listed if p.action.domain == d) for d in CONTROL_DOMAINS}


def by_due_date(items: Iterable[ActionProgress]) -> list[ActionProgress]:
    """Open actions first by due date, then the closed ones; the plan's order within a day."""
    return sorted(items, key=lambda p: (p.closed, p.due, p.action.rank))


def same_month(day: dt.date, today: dt.date) -> bool:
    """Whether ``day`` falls in the calendar month of ``today``."""
    return (day.year, day.month) == (today.year, today.month)


def filter_actions(
    items: Iterable[ActionProgress],
    today: dt.date,
    *,
    role: str | None = None,
    status: str | None = None,
    overdue: bool = False,
    this_month: bool = False,
    domain: str | None = None,
) -> list[ActionProgress]:
    """The actions that pass every filter given.

    Args:
        items: The actions with their progress.
        today: The day "this month" counts from.
        role: A role id or title (case ignored): the actions it owns.
        status: One of ACTION_STATUSES, or "open" (neither done nor "won't do").
        overdue: Only overdue actions.
        this_month: Only open actions due this month or overdue (what to do now).
        domain: One of CONTROL_DOMAINS.
    """
    wanted_role = role.strip().casefold() if role else None
    found: list[ActionProgress] = []
    for p in items:
        if wanted_role and wanted_role not in (p.action.owner.casefold(), p.action.owner_title.casefold()):
            continue
        if status == "open" and p.closed:
            continue
        if status not in (None, "open") and p.status != status:
            continue
        if overdue and not p.overdue:
            continue
        if this_month and (p.closed or not (p.overdue or same_month(p.due, today))):
            continue
        if domain and p.action.domain != domain:
            continue
        found.append(p)
    return found


def roles_of(actions: Iterable[PlannedAction]) -> list[tuple[str, str]]:
    """The (role id, title) pairs owning the actions, in order of first appearance."""
    seen: dict[str, str] = {}
    for a in actions:
        seen.setdefault(a.owner, a.owner_title)
    return list(seen.items())


def done_but_missing(items: Iterable[ActionProgress]) -> list[ActionProgress]:
    """Actions marked done whose triggering answers still say the control is missing."""
    return [p for p in items if p.still_missing]


def status_changes(
    old: Mapping[str, ActionStatus | str], new: Mapping[str, ActionStatus | str]
) -> StatusChanges:
    """What was done, deferred and dropped between two sets of statuses (e.g. a snapshot's and today's).

    Args:
        old: Statuses at the earlier point, by action id (ActionStatus, or just the status word as a plan's
            JSON carries it); an action missing counts as "todo".
        new: Statuses now, the same way.
    """

    def word(value: ActionStatus | str | None) -> tuple[str, str | None]:
        if value is None:
            return "todo", None
        if isinstance(value, str):
            return value, None
        return value.status, value.due

    done: list[str] = []
    deferred: list[str] = []
    dropped: list[str] = []
    for action_id, value in new.items():
        now, now_due = word(value)
        before, before_due = word(old.get(action_id))
        if now == "done" and before != "done":
            done.append(action_id)
        elif now == "deferred" and (before != "deferred" or now_due != before_due):
            deferred.append(action_id)
        elif now == "wont" and before != "wont":
            dropped.append(action_id)
    return StatusChanges(tuple(done), tuple(deferred), tuple(dropped))


def plan_statuses(plan: Mapping[str, object]) -> dict[str, str]:
    """Each action's status word in a plan's JSON document (docs/plan-json.md), by id; "todo" when it has none."""
    found: dict[str, str] = {}
    domains = plan.get("domains")
    for domain in domains if isinstance(domains, list) else ():
        actions = domain.get("actions") if isinstance(domain, dict) else None
        for action in actions if isinstance(actions, list) else ():
            if not isinstance(action, dict) or not isinstance(action.get("id"), str):
                continue
            raw = action.get("status")
            value = raw.get("status") if isinstance(raw, dict) else None
            found[action["id"]] = value if isinstance(value, str) and value in ACTION_STATUSES else "todo"
    return found


def suggest_ids(wrong: str, known: Sequence[str]) -> list[str]:
    """Action ids close to a misspelt one (for "did you mean")."""
    import difflib

    return difflib.get_close_matches(wrong, list(known), n=3, cutoff=0.6)


def plan_start(
    snapshots: Sequence[Mapping[str, object]] = (),
    history: Sequence[ActionStatus] = (),
    today: dt.date | None = None,
) -> dt.date:
    """The date a living plan's due dates count from (its plan date): the plan date of the latest snapshot (the
    last review), else the day of the first action-status change (the plan started living when its first action
    was ticked), else today (a fresh plan, not yet living).

    A plan compiled for today would move every due date forward each day and nothing would ever be overdue; the
    living plan keeps the dates it was made with until the next review.

    Args:
        snapshots: The session's snapshots' plan documents, oldest first.
        history: The session's action-status changes (``store.action_history``), oldest first.
        today: The day for a fresh plan (default: the system's today).
    """
    for plan in reversed(snapshots):
        metadata = plan.get("metadata")
        day = _date(metadata.get("plan_date")) if isinstance(metadata, dict) else None
        if day is not None:
            return day
    first = min((d for d in (_date(h.at) for h in history) if d is not None), default=None)
    if first is not None:
        return first
    return today or dt.date.today()


def living_plan(
    questionnaire: Questionnaire,
    answers: Answers,
    snapshots: Sequence[Mapping[str, object]] = (),
    history: Sequence[ActionStatus] = (),
    *,
    session_name: str = "",
    today: dt.date | None = None,
) -> Plan:
    """The plan whose actions the living plan tracks: compiled from its plan date (:func:`plan_start`)
    and without the statuses, so that each action keeps the due date it was given at the review however many
    others are ticked off meanwhile (a deferred action's new date comes from its status, in
    :func:`action_progress`). Statuses never change which actions the answers call for.
    """
    return compile_plan(questionnaire, answers, plan_start(snapshots, history, today), session_name=session_name)
