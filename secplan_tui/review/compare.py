"""Compare two plans, given as ``secplan-plan`` JSON dicts, and say what changed: :func:`diff_plans` and the
records of a :class:`PlanDiff`.

The plans are read with :func:`secplan_tui.plan.plan_json.read_plan`, tolerantly. What counts as a change
(see docs/review.md):

- an answer whose state (answered, not answered, not asked) or stored value differs;
- an action present in one plan only (added; or no longer needed: "done" when a question that triggered it now
  shows the control in place or improved, else "dropped"), or in both with another priority, owner, due date
  or status (a due date counts only when it moved relative to its plan's date, so a later plan date alone is
  no change);
- a domain whose maturity percentage or counts differ;
- a risk present in one register only, or rated with another likelihood, impact, score or rating.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Final, Literal

from secplan_tui.plan.escape import one_line
from secplan_tui.plan.plan_json import (
    ActionInfo,
    AnswerInfo,
    DomainInfo,
    PlanInfo,
    PlanRecords,
    RiskInfo,
    read_plan,
)

AnswerState = Literal["answered", "unanswered", "hidden"]
"""``hidden``: the question is not in that plan (hidden by other answers, or not in that questionnaire)."""
Outcome = Literal["done", "dropped"]
Basis = Literal["in_place", "improved", "not_applicable", "not_asked", "changed", "unknown"]
"""Why a removed action is judged done or dropped (see :class:`RemovedAction`)."""

ANSWERED: Final = "answered"
UNANSWERED: Final = "unanswered"
HIDDEN: Final = "hidden"

STATE_TEXT: Final[Mapping[str, str]] = {UNANSWERED: "not answered", HIDDEN: "not asked"}
"""How a question without an answer reads in a changelog, by its state."""
STATUS_WORDS: Final[Mapping[str, str]] = {
    "todo": "to do",
    "doing": "doing",
    "done": "done",
    "deferred": "deferred",
    "wont": "won't do",
}
"""How an action's living-plan status reads in a changelog."""
_NOT_APPLICABLE: Final = "not_applicable"


# ------------------------------------------------------------------------------------------------------------
# The diff
# ------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerChange:
    """A question whose answer differs between the two plans."""

    question_id: str
    question: str
    """The question text (from the newer plan when it has the question)."""
    section: str
    """The section title."""
    old_state: AnswerState
    new_state: AnswerState
    old_answer: str
    """The answer as shown ("" unless answered)."""
    new_answer: str
    old_value: Any
    """The stored value (choice id, list of ids, number, text, ``dont_know``...) or None."""
    new_value: Any

    @property
    def old_text(self) -> str:
        """The old answer for reading: the answer, "not answered" or "not asked"."""
        return self.old_answer if self.old_state == ANSWERED else STATE_TEXT[self.old_state]

    @property
    def new_text(self) -> str:
        """The new answer for reading: the answer, "not answered" or "not asked"."""
        return self.new_answer if self.new_state == ANSWERED else STATE_TEXT[self.new_state]


@dataclass(frozen=True)
class RemovedAction:
    """An action of the old plan that the new plan no longer needs."""

    action: ActionInfo
    """As the old plan had it."""
    outcome: Outcome
    """``done`` when a question that triggered it now shows the control in place (or better than before);
    ``dropped`` otherwise (the question is now "not applicable" or no longer asked, or the action simply no
    longer follows from the answers)."""
    basis: Basis
    """What the outcome rests on: ``in_place``, ``improved``, ``not_applicable``, ``not_asked``, ``changed``
    (another answer to the triggering question) or ``unknown`` (no triggering answer changed)."""
    question_id: str
    """The triggering question the outcome rests on ("" when ``unknown``)."""
    question: str
    old_answer: str
    """Its old answer for reading."""
    new_answer: str
    """Its new answer for reading ("not asked" when hidden)."""


@dataclass(frozen=True)
class FieldChange:
    """One field of an action that differs."""

    field: Literal["priority", "owner", "due", "status"]
    old: str
    new: str


@dataclass(frozen=True)
class ActionChange:
    """An action in both plans whose priority, owner, due date or status changed."""

    old: ActionInfo
    new: ActionInfo
    changes: tuple[FieldChange, ...]


@dataclass(frozen=True)
class MaturityChange:
    """A domain whose maturity differs."""

    domain: str
    title: str
    old_percent: int | None
    """None when nothing applied (or the domain is missing from that plan)."""
    new_percent: int | None
    old_counts: Mapping[str, int]
    """controls, applicable, in_place, partial, not_in_place, not_applicable, dont_know, unanswered."""
    new_counts: Mapping[str, int]

    @property
    def delta(self) -> int | None:
        """Percentage points gained (negative: lost), or None when either side has no score."""
        if self.old_percent is None or self.new_percent is None:
            return None
        return self.new_percent - self.old_percent


@dataclass(frozen=True)
class RiskChange:
    """A risk in both registers, rated differently."""

    old: RiskInfo
    new: RiskInfo

    @property
    def delta(self) -> int:
        """Score change (negative: lower risk)."""
        return self.new.score - self.old.score


@dataclass(frozen=True)
class PlanDiff:
    """Everything that changed from one plan to another, each part in plan order."""

    old: PlanInfo
    new: PlanInfo
    answers: tuple[AnswerChange, ...]
    """Questions whose answer changed, in questionnaire order."""
    actions_added: tuple[ActionInfo, ...]
    """In the new plan only, in the new plan's order."""
    actions_removed: tuple[RemovedAction, ...]
    """In the old plan only ("done or dropped"), in the old plan's order."""
    actions_changed: tuple[ActionChange, ...]
    """In both, with another priority, owner, due date or status."""
    maturity: tuple[MaturityChange, ...]
    """Domains whose maturity changed, in domain order."""
    risks_added: tuple[RiskInfo, ...]
    risks_removed: tuple[RiskInfo, ...]
    risks_changed: tuple[RiskChange, ...]

    @property
    def is_empty(self) -> bool:
        """Whether nothing changed (the plans may still differ in date or metadata)."""
        return not (
            self.answers
            or self.actions_added
            or self.actions_removed
            or self.actions_changed
            or self.maturity
            or self.risks_added
            or self.risks_removed
            or self.risks_changed
        )

    @property
    def questionnaire_changed(self) -> bool:
        """Whether the plans come from different questionnaires or questionnaire versions."""
        a, b = self.old, self.new
        if (a.questionnaire_id, a.questionnaire_version) != (b.questionnaire_id, b.questionnaire_version):
            return True
        return bool(a.questionnaire_hash and b.questionnaire_hash and a.questionnaire_hash != b.questionnaire_hash)


# ------------------------------------------------------------------------------------------------------------
# Comparing
# ------------------------------------------------------------------------------------------------------------


def diff_plans(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    *,
    old_label: str = "before",
    new_label: str = "after",
) -> PlanDiff:
    """Compare two plans given as ``secplan-plan`` JSON dicts.

    Pure and tolerant: parts a plan lacks count as empty (check files first with
    :func:`~secplan_tui.plan.plan_json.check_plan`).

    Args:
        old: The earlier plan (a snapshot, an exported file...).
        new: The later plan.
        old_label: How to name the earlier plan in a changelog.
        new_label: How to name the later plan.

    Returns:
        What changed, part by part.
    """
    a, b = read_plan(old), read_plan(new)
    old_info, new_info = replace(a.info, label=one_line(old_label)), replace(b.info, label=one_line(new_label))
    changed = (
        _action_change(a.actions[aid], action, old_info.plan_date, new_info.plan_date)
        for aid, action in b.actions.items()
        if aid in a.actions
    )
    return PlanDiff(
        old=old_info,
        new=new_info,
        answers=_answer_changes(a.answers, b.answers),
        actions_added=tuple(action for aid, action in b.actions.items() if aid not in a.actions),
        actions_removed=tuple(
            _removed(action, a.triggers[aid], a, b) for aid, action in a.actions.items() if aid not in b.actions
        ),
        actions_changed=tuple(c for c in changed if c is not None),
        maturity=_maturity_changes(a.domains, b.domains),
        risks_added=tuple(r for rid, r in b.risks.items() if rid not in a.risks),
        risks_removed=tuple(r for rid, r in a.risks.items() if rid not in b.risks),
        risks_changed=tuple(
            RiskChange(a.risks[rid], r)
            for rid, r in b.risks.items()
            if rid in a.risks and _rated(a.risks[rid]) != _rated(r)
        ),
    )


def _merge_order(old: Sequence[str], new: Sequence[str]) -> list[str]:
    """Every id of both sequences: the new order, with ids only in the old one placed after their old
    predecessor (so a question that became hidden stays beside its neighbours)."""
    result = list(new)
    placed = set(result)
    for i, key in enumerate(old):
        if key in placed:
            continue
        anchor = next((old[j] for j in range(i - 1, -1, -1) if old[j] in placed), None)
        result.insert(0 if anchor is None else result.index(anchor) + 1, key)
        placed.add(key)
    return result


def _days_after(day: str, start: str) -> int | str:
    """Days from the plan date to a due date; the raw date when either does not parse."""
    try:
        return (date.fromisoformat(day) - date.fromisoformat(start)).days
    except ValueError:
        return day


def _rated(risk: RiskInfo) -> tuple[int, int, int, str]:
    return (risk.likelihood, risk.impact, risk.score, risk.rating)


def _state(answer: AnswerInfo | None) -> AnswerState:
    if answer is None:
        return "hidden"
    return "answered" if answer.answered else "unanswered"


def _answer_changes(old: Mapping[str, AnswerInfo], new: Mapping[str, AnswerInfo]) -> tuple[AnswerChange, ...]:
    changes = []
    for qid in _merge_order(list(old), list(new)):
        a, b = old.get(qid), new.get(qid)
        sa, sb = _state(a), _state(b)
        if sa == sb and (sa != ANSWERED or (a is not None and b is not None and a.key == b.key)):
            continue
        shown = b if b is not None else a
        if shown is None:  # cannot happen: every id comes from one of the two plans
            continue
        changes.append(
            AnswerChange(
                question_id=qid,
                question=shown.question,
                section=shown.section,
                old_state=sa,
                new_state=sb,
                old_answer=a.answer if a is not None and sa == ANSWERED else "",
                new_answer=b.answer if b is not None and sb == ANSWERED else "",
                old_value=a.value if a is not None and sa == ANSWERED else None,
                new_value=b.value if b is not None and sb == ANSWERED else None,
            )
        )
    return tuple(changes)


def _shown(answer: AnswerInfo | None) -> str:
    state = _state(answer)
    return answer.answer if answer is not None and state == ANSWERED else STATE_TEXT[state]


def _removed(action: ActionInfo, triggers: Sequence[str], old: PlanRecords, new: PlanRecords) -> RemovedAction:
    """Judge whether an action the new plan lacks was done or dropped, from the answers that triggered it."""
    verdicts: list[tuple[int, Outcome, Basis, str]] = []
    for qid in triggers:
        before, after = old.answers.get(qid), new.answers.get(qid)
        new_rank, old_rank = new.control_ranks.get(qid, 0), old.control_ranks.get(qid, 0)
        if new_rank == 2:
            verdicts.append((0, "done", "in_place", qid))
        elif new_rank > old_rank:
            verdicts.append((1, "done", "improved", qid))
        elif after is None:
            verdicts.append((3, "dropped", "not_asked", qid))
        elif after.answered and after.value == _NOT_APPLICABLE:
            verdicts.append((2, "dropped", "not_applicable", qid))
        elif before is None or _state(before) != _state(after) or before.key != after.key:
            verdicts.append((4, "dropped", "changed", qid))
    if not verdicts:
        return RemovedAction(action, "dropped", "unknown", "", "", "", "")
    _, outcome, basis, qid = min(verdicts, key=lambda v: v[0])
    before, after = old.answers.get(qid), new.answers.get(qid)
    known = after if after is not None else before
    question = known.question if known is not None else qid
    return RemovedAction(action, outcome, basis, qid, question, _shown(before), _shown(after))


def _action_change(a: ActionInfo, b: ActionInfo, old_date: str, new_date: str) -> ActionChange | None:
    changes: list[FieldChange] = []
    if a.priority != b.priority:
        changes.append(FieldChange("priority", a.priority, b.priority))
    if a.owner != b.owner or a.owner_title != b.owner_title:
        changes.append(FieldChange("owner", a.owner_title, b.owner_title))
    # Due dates count from each plan's date: a plan dated a year later moves every due date by a year, which
    # is not a change of the action. Report the due date only when it moved relative to its plan date.
    # Version 2 plans spread due dates over a month and keep them off weekends, so the same place in the schedule
    # falls on other days in another year: there, the due date changed when the month did.
    if a.month > 0 and b.month > 0:
        moved = a.month != b.month
    else:
        moved = a.due != b.due and _days_after(a.due, old_date) != _days_after(b.due, new_date)
    if moved:
        changes.append(FieldChange("due", a.due, b.due))
    if a.status != b.status:
        changes.append(
            FieldChange("status", STATUS_WORDS.get(a.status, a.status), STATUS_WORDS.get(b.status, b.status))
        )
    return ActionChange(a, b, tuple(changes)) if changes else None


def _maturity_of(domain: DomainInfo | None) -> tuple[int | None, dict[str, int]]:
    return (None, {}) if domain is None else (domain.percent, dict(domain.counts))


def _maturity_changes(old: Mapping[str, DomainInfo], new: Mapping[str, DomainInfo]) -> tuple[MaturityChange, ...]:
    changes = []
    for key in _merge_order(list(old), list(new)):
        a, b = old.get(key), new.get(key)
        old_percent, old_counts = _maturity_of(a)
        new_percent, new_counts = _maturity_of(b)
        if (old_percent, old_counts) == (new_percent, new_counts):
            continue
        shown = b if b is not None else a
        title = shown.title if shown is not None else key
        changes.append(MaturityChange(key, title, old_percent, new_percent, old_counts, new_counts))
    return tuple(changes)
