"""Snapshots of a session's plan, for the front ends: take one (:func:`take_snapshot`), name it in a changelog
(:func:`snapshot_label`), and see what changed since the latest one (:func:`changes_since_last_snapshot`).

A snapshot holds the plan's JSON document (docs/plan-json.md), never a live ``Plan``, so it can be compared a
year later even after the questionnaire has changed. These are the only functions of the review that touch a
store.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Final

from secplan_tui.core.errors import InvalidInput
from secplan_tui.plan import compile_plan
from secplan_tui.plan.escape import one_line
from secplan_tui.plan.plan_json import check_plan, plan_to_dict
from secplan_tui.review.compare import PlanDiff, diff_plans

if TYPE_CHECKING:
    from secplan_tui.core.model import Questionnaire
    from secplan_tui.plan import Plan
    from secplan_tui.store import SessionStore, Snapshot

MAX_LABEL_LENGTH: Final = 80
"""Longest snapshot label accepted, in characters."""


def snapshot_label(session_name: str, snapshot: Snapshot) -> str:
    """How a snapshot is named in a changelog: ``Acme, snapshot 2 "before review" (taken 2025-01-15)``."""
    return f'{one_line(session_name)}, snapshot {snapshot.id} "{one_line(snapshot.label)}" (taken {snapshot.at[:10]})'


def check_snapshot_label(text: str) -> str:
    """A snapshot label, cleaned: control characters removed, every run of whitespace folded into one space.

    Raises:
        InvalidInput: the label is empty once cleaned, or longer than :data:`MAX_LABEL_LENGTH`.
    """
    label = one_line(text)
    if not label:
        raise InvalidInput("Invalid label", "the snapshot label is empty; give one such as 'review 2026'")
    if len(label) > MAX_LABEL_LENGTH:
        raise InvalidInput(
            "Invalid label",
            f"the snapshot label is {len(label)} characters long; keep it to {MAX_LABEL_LENGTH} or fewer",
        )
    return label


@dataclass(frozen=True)
class SnapshotTaken:
    """A snapshot just kept in a session, and what the front end should say about it."""

    snapshot: Snapshot
    same_label: tuple[int, ...]
    """Earlier snapshots of the session with the same label (case ignored): ``SESSION@LABEL`` names the latest."""


def take_snapshot(store: SessionStore, session_id: str, plan: Plan, label: str | None = None) -> SnapshotTaken:
    """Keep a compiled plan in its session as a snapshot: the plan's JSON document (docs/plan-json.md), so it can
    be compared later even after the questionnaire changes. ``secplan plan --snapshot`` and the app both call this.

    Args:
        store: The workspace (or its memory twin).
        session_id: The session the plan was compiled from.
        plan: The plan as compiled now.
        label: The label as the user gave it; None labels the snapshot with the plan date (``2026-01-15``).

    Raises:
        InvalidInput: the label is empty or too long (nothing is saved).
        SecplanError: the session could not be written.
    """
    text = plan.metadata.plan_date.isoformat() if label is None else check_snapshot_label(label)
    earlier = tuple(s.id for s in store.snapshots(session_id) if s.label.casefold() == text.casefold())
    snapshot = store.add_snapshot(session_id, text, plan_to_dict(plan))
    return SnapshotTaken(snapshot, earlier)


def changes_since_last_snapshot(
    store: SessionStore, session_id: str, questionnaire: Questionnaire, plan_date: date
) -> PlanDiff | None:
    """What changed between the session's latest snapshot and the plan its current answers compile to.

    Args:
        store: The workspace (or its memory twin).
        session_id: The session.
        questionnaire: The questionnaire the session is answered with now.
        plan_date: The date the current plan carries (usually today).

    Returns:
        The diff (labelled for :func:`~secplan_tui.review.render.render_diff_markdown`), or None when the session
        has no snapshot.

    Raises:
        SecplanError: the session cannot be read, or its latest snapshot is not a usable plan (InvalidInput).
    """
    snapshots = store.snapshots(session_id)
    if not snapshots:
        return None
    meta = store.meta(session_id)
    last = snapshots[-1]
    old = check_plan(last.plan, f"snapshot {last.id} of session {meta.label}")
    plan = compile_plan(questionnaire, store.answers(session_id), plan_date, session_name=meta.name,
                        statuses=store.action_statuses(session_id))
    return diff_plans(
        old,
        plan_to_dict(plan),
        old_label=snapshot_label(meta.name, last),
        new_label=f"{one_line(meta.name)}, current answers",
    )
