"""The yearly review: compare two compiled plans (as ``secplan-plan`` JSON dicts) and describe what changed.

Plans are compared as the documented JSON (docs/plan-json.md), never as live ``Plan`` objects, so a snapshot
kept in a session a year ago can still be compared after the questionnaire has changed. The package, one job a
module:

- ``compare``: :func:`diff_plans` takes two plan dicts and returns a :class:`PlanDiff` (pure); what counts as a
  change is described there and in docs/review.md. The plans are read by
  :mod:`secplan_tui.plan.plan_json`, which writes them too (:func:`check_plan`, the records).
- ``render``: the diff as a Markdown changelog, a JSON document, or one line of summary.
- ``snapshots``: for the front ends, :func:`take_snapshot` keeps a plan in its session and
  :func:`changes_since_last_snapshot` compares the latest one with the current answers; the only functions that
  touch a store.

Import from the package: ``from secplan_tui.review import diff_plans, render_diff_markdown``.
"""

from __future__ import annotations

from secplan_tui.plan.plan_json import FORMAT as PLAN_FORMAT
from secplan_tui.plan.plan_json import FORMAT_VERSION as PLAN_FORMAT_VERSION
from secplan_tui.plan.plan_json import ActionInfo, PlanInfo, RiskInfo, check_plan
from secplan_tui.review.compare import (
    ANSWERED,
    HIDDEN,
    UNANSWERED,
    ActionChange,
    AnswerChange,
    AnswerState,
    Basis,
    FieldChange,
    MaturityChange,
    Outcome,
    PlanDiff,
    RemovedAction,
    RiskChange,
    diff_plans,
)
from secplan_tui.review.render import (
    DIFF_FORMAT,
    DIFF_FORMAT_VERSION,
    diff_to_dict,
    render_diff_json,
    render_diff_markdown,
    summarise_diff,
)
from secplan_tui.review.snapshots import (
    MAX_LABEL_LENGTH,
    SnapshotTaken,
    changes_since_last_snapshot,
    check_snapshot_label,
    snapshot_label,
    take_snapshot,
)

__all__ = [
    "ANSWERED",
    "DIFF_FORMAT",
    "DIFF_FORMAT_VERSION",
    "HIDDEN",
    "MAX_LABEL_LENGTH",
    "PLAN_FORMAT",
    "PLAN_FORMAT_VERSION",
    "UNANSWERED",
    "ActionChange",
    "ActionInfo",
    "AnswerChange",
    "AnswerState",
    "Basis",
    "FieldChange",
    "MaturityChange",
    "Outcome",
    "PlanDiff",
    "PlanInfo",
    "RemovedAction",
    "RiskChange",
    "RiskInfo",
    "SnapshotTaken",
    "changes_since_last_snapshot",
    "check_plan",
    "check_snapshot_label",
    "diff_plans",
    "diff_to_dict",
    "render_diff_json",
    "render_diff_markdown",
    "snapshot_label",
    "summarise_diff",
    "take_snapshot",
]
