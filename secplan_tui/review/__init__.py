"""The yearly review: compare two compiled plans (as ``secplan-plan`` JSON dicts) and describe what changed.

Plans are compared as the documented JSON (docs/plan-json.md), never as live ``Plan`` objects, so a snapshot
kept in a session a year ago can still be compared after the questionnaire has changed. Everything here is
pure: :func:`diff_plans` takes two dicts and returns a :class:`PlanDiff`; the renderers turn it into a
Markdown changelog or a JSON document. For the front ends, :func:`take_snapshot` keeps a plan in its session
and :func:`changes_since_last_snapshot` compares the latest one with the current answers; they are the only
functions that touch a store.

What counts as a change (see docs/review.md):

- an answer whose state (answered, not answered, not asked) or stored value differs;
- an action present in one plan only (added; or no longer needed: "done" when a question that triggered it now
  shows the control in place or improved, else "dropped"), or in both with another priority, owner or due date
  (a due date counts only when it moved relative to its plan's date, so a later plan date alone is no change);
- a domain whose maturity percentage or counts differ;
- a risk present in one register only, or rated with another likelihood, impact, score or rating.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Final, Literal

from secplan_tui.core.errors import InvalidInput
from secplan_tui.plan.escape import md_code, md_inline, one_line

if TYPE_CHECKING:
    from secplan_tui.core.model import Questionnaire
    from secplan_tui.plan import Plan
    from secplan_tui.store import SessionStore, Snapshot

PLAN_FORMAT: Final = "secplan-plan"
"""The ``format`` field of a plan document."""
PLAN_FORMAT_VERSION: Final = 2
"""The newest plan ``format_version`` this module reads (1 and 2: version 1 plans have no action statuses, and
their maturity percentages are recomputed from the counts as version 2 scores them)."""
DIFF_FORMAT: Final = "secplan-plan-diff"
"""The ``format`` field of a diff document (``secplan diff --json``)."""
DIFF_FORMAT_VERSION: Final = 1
MAX_LABEL_LENGTH: Final = 80
_STATUS_WORDS: Final = {"todo": "to do", "doing": "doing", "done": "done", "deferred": "deferred", "wont": "won't do"}
"""Longest snapshot label accepted, in characters."""

AnswerState = Literal["answered", "unanswered", "hidden"]
"""``hidden``: the question is not in that plan (hidden by other answers, or not in that questionnaire)."""
Outcome = Literal["done", "dropped"]
Basis = Literal["in_place", "improved", "not_applicable", "not_asked", "changed", "unknown"]
"""Why a removed action is judged done or dropped (see :class:`RemovedAction`)."""

ANSWERED: Final = "answered"
UNANSWERED: Final = "unanswered"
HIDDEN: Final = "hidden"

_STATE_TEXT: Final[Mapping[str, str]] = {UNANSWERED: "not answered", HIDDEN: "not asked"}
_NOT_APPLICABLE: Final = "not_applicable"
_MATURITY_COUNTS: Final = (
    "controls",
    "applicable",
    "in_place",
    "partial",
    "not_in_place",
    "not_applicable",
    "dont_know",
    "unanswered",
)


# ------------------------------------------------------------------------------------------------------------
# The diff
# ------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanInfo:
    """What identifies one side of a comparison."""

    label: str
    """How the plan was named (a session, a snapshot, a file), for headings."""
    organisation: str
    """The organisation's name in the plan, or ""."""
    plan_date: str
    """The plan's date, ``YYYY-MM-DD`` (or "" when missing)."""
    questionnaire_id: str
    questionnaire_version: str
    questionnaire_hash: str
    answered: int | None
    """Visible questions answered, when the plan says."""
    visible: int | None
    """Visible questions, when the plan says."""
    counts: Mapping[str, int]
    """The plan's headline counts (actions, p1, risks, high_risks, discovery...)."""


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
        return self.old_answer if self.old_state == ANSWERED else _STATE_TEXT[self.old_state]

    @property
    def new_text(self) -> str:
        """The new answer for reading: the answer, "not answered" or "not asked"."""
        return self.new_answer if self.new_state == ANSWERED else _STATE_TEXT[self.new_state]


@dataclass(frozen=True)
class ActionInfo:
    """An action as one plan has it."""

    id: str
    title: str
    domain: str
    priority: str
    owner: str
    """The owning role's id."""
    owner_title: str
    due: str
    """``YYYY-MM-DD``."""
    status: str = "todo"
    """Where it stood in the living plan: todo, doing, done, deferred or wont (version 1 plans: todo)."""
    month: int = 0
    """The schedule month it was due in (version 2; 0 in version 1 plans and for done actions)."""


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
    """An action in both plans whose priority, owner or due date changed."""

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
class RiskInfo:
    """A risk as one register rates it."""

    id: str
    title: str
    likelihood: int
    impact: int
    score: int
    rating: str


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
    """In both, with another priority, owner or due date."""
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
# Reading plan documents
# ------------------------------------------------------------------------------------------------------------


def check_plan(data: object, source: str) -> dict[str, Any]:
    """Check that a JSON value is a secplan plan this version can compare.

    Args:
        data: The parsed JSON (from a file, a snapshot or :func:`~secplan_tui.plan.plan_json.plan_to_dict`).
        source: What it is, for messages ("plan-2025.json", "snapshot 2 of session 'Acme' (3f9a0c1e)").

    Returns:
        The plan dict, unchanged.

    Raises:
        InvalidInput: not a plan, a plan of a newer format, or a plan whose parts have the wrong shape; the
            message names the source and the first problems found.
    """
    export = "export one with `secplan plan SESSION --format json -o FILE`"
    if not isinstance(data, dict):
        raise InvalidInput(
            "Not a secplan plan",
            f"{source} is not a secplan plan: it holds a JSON {_json_type(data)}, not an object; {export}",
        )
    if data.get("format") != PLAN_FORMAT:
        if "answers" in data and "questionnaire" in data:
            what = "it looks like an answers file (`secplan answers export`), not a plan"
        else:
            what = f'it has no "format": "{PLAN_FORMAT}"'
        raise InvalidInput("Not a secplan plan", f"{source} is not a secplan plan: {what}; {export}")
    version = data.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise InvalidInput(
            "Not a secplan plan", f'{source}: "format_version" must be a whole number from 1, not {_short(version)}'
        )
    if version > PLAN_FORMAT_VERSION:
        raise InvalidInput(
            "Plan too new",
            f"{source} is a plan of format_version {version}, written by a newer "
            f"secplan; this version reads format_version {PLAN_FORMAT_VERSION}. Upgrade secplan.",
        )
    problems: list[str] = []
    if not isinstance(data.get("metadata"), dict):
        problems.append("'metadata' must be an object")
    for part, key in (("answers", "questions"), ("domains", "actions"), ("risks", None)):
        items = data.get(part)
        if not isinstance(items, list):
            problems.append(f"'{part}' must be a list")
            continue
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                problems.append(f"'{part}[{i}]' must be an object")
            elif key is None:
                if not isinstance(item.get("id"), str):
                    problems.append(f"'{part}[{i}].id' must be a string")
            elif not isinstance(item.get(key), list) or not all(isinstance(x, dict) for x in item[key]):
                problems.append(f"'{part}[{i}].{key}' must be a list of objects")
            else:
                name = "question_id" if key == "questions" else "id"
                for j, sub in enumerate(item[key]):
                    if not isinstance(sub.get(name), str):
                        problems.append(f"'{part}[{i}].{key}[{j}].{name}' must be a string")
    if problems:
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise InvalidInput("Damaged plan", f"{source} is not a usable secplan plan: {'; '.join(problems[:5])}{more}")
    return data


def _json_type(value: object) -> str:
    if isinstance(value, list):
        return "list"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return "null" if value is None else type(value).__name__


def _short(value: object) -> str:
    text = one_line(json.dumps(value, ensure_ascii=False, default=str))
    return text if len(text) <= 40 else text[:39] + "…"


def _dicts(value: object) -> list[dict[str, Any]]:
    """The objects of a JSON list (anything else gives nothing): tolerant of hand-edited plans."""
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _text(value: object) -> str:
    """A JSON value as one clean line of text ("" for null)."""
    if value is None:
        return ""
    return one_line(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))


def _int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _plan_info(plan: Mapping[str, Any], label: str) -> PlanInfo:
    meta = plan.get("metadata")
    meta = meta if isinstance(meta, dict) else {}
    questionnaire = meta.get("questionnaire")
    questionnaire = questionnaire if isinstance(questionnaire, dict) else {}
    raw_counts = plan.get("counts")
    counts = {str(k): v for k, v in raw_counts.items() if _int(v) is not None} if isinstance(raw_counts, dict) else {}
    actions = [a for d in _dicts(plan.get("domains")) for a in _dicts(d.get("actions"))]
    risks = _dicts(plan.get("risks"))
    # A hand-edited plan may lack counts; the ones the summary shows are recomputed from the lists then.
    counts.setdefault("actions", len(actions))
    counts.setdefault("p1", sum(1 for a in actions if a.get("priority") == "P1"))
    counts.setdefault("risks", len(risks))
    counts.setdefault("high_risks", sum(1 for r in risks if (_int(r.get("score")) or 0) >= 10))
    counts.setdefault("discovery", len(_dicts(plan.get("discovery"))))
    return PlanInfo(
        label=one_line(label),
        organisation=_text(meta.get("organisation")),
        plan_date=_text(meta.get("plan_date")),
        questionnaire_id=_text(questionnaire.get("id")),
        questionnaire_version=_text(questionnaire.get("version")),
        questionnaire_hash=_text(questionnaire.get("hash")),
        answered=_int(meta.get("answered")),
        visible=_int(meta.get("visible")),
        counts={k: int(v) for k, v in counts.items()},
    )


@dataclass(frozen=True)
class _Answer:
    question: str
    section: str
    answered: bool
    answer: str
    value: Any
    key: str
    """What is compared: the stored value (or the shown answer when a plan has no value)."""


def _answers(plan: Mapping[str, Any]) -> dict[str, _Answer]:
    found: dict[str, _Answer] = {}
    for section in _dicts(plan.get("answers")):
        title = _text(section.get("title")) or _text(section.get("section_id"))
        for q in _dicts(section.get("questions")):
            qid = _text(q.get("question_id"))
            if not qid or qid in found:
                continue
            value = q.get("value")
            answered = q.get("answered")
            is_answered = bool(answered) if isinstance(answered, bool) else value is not None
            shown = _text(q.get("answer"))
            key = json.dumps(value, sort_keys=True, ensure_ascii=False) if "value" in q else shown
            found[qid] = _Answer(_text(q.get("question")) or qid, title, is_answered, shown, value, key)
    return found


def _actions(plan: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for domain in _dicts(plan.get("domains")):
        for action in _dicts(domain.get("actions")):
            aid = _text(action.get("id"))
            if aid and aid not in found:
                found[aid] = action
    return found


def _action_info(action: Mapping[str, Any]) -> ActionInfo:
    return ActionInfo(
        id=_text(action.get("id")),
        title=_text(action.get("title")) or _text(action.get("id")),
        domain=_text(action.get("domain")),
        priority=_text(action.get("priority")),
        owner=_text(action.get("owner")),
        owner_title=_text(action.get("owner_title")) or _text(action.get("owner")),
        due=_text(action.get("due")),
        status=_status_of(action),
        month=_int(action.get("month")) or 0,
    )


def _status_of(action: Mapping[str, Any]) -> str:
    """The action's status in a version 2 plan; "todo" when there is none (version 1)."""
    raw = action.get("status")
    value = raw.get("status") if isinstance(raw, dict) else None
    return value if isinstance(value, str) and value else "todo"


def _risks(plan: Mapping[str, Any]) -> dict[str, RiskInfo]:
    found: dict[str, RiskInfo] = {}
    for r in _dicts(plan.get("risks")):
        rid = _text(r.get("id"))
        if rid and rid not in found:
            found[rid] = RiskInfo(
                id=rid,
                title=_text(r.get("title")) or rid,
                likelihood=_int(r.get("likelihood")) or 0,
                impact=_int(r.get("impact")) or 0,
                score=_int(r.get("score")) or 0,
                rating=_text(r.get("rating")),
            )
    return found


def _domains(plan: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for d in _dicts(plan.get("domains")):
        key = _text(d.get("domain"))
        if key and key not in found:
            found[key] = d
    return found


def _control_ranks(plan: Mapping[str, Any]) -> dict[str, int]:
    """Question id -> 2 for a control in place, 1 for a partial one (others are absent)."""
    ranks: dict[str, int] = {}
    for d in _dicts(plan.get("domains")):
        for fact in _dicts(d.get("partial")):
            ranks[_text(fact.get("question_id"))] = 1
        for fact in _dicts(d.get("strengths")):
            ranks[_text(fact.get("question_id"))] = 2
    return ranks


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

    Pure and tolerant: parts a plan lacks count as empty (check files first with :func:`check_plan`).

    Args:
        old: The earlier plan (a snapshot, an exported file...).
        new: The later plan.
        old_label: How to name the earlier plan in a changelog.
        new_label: How to name the later plan.

    Returns:
        What changed, part by part.
    """
    old_info, new_info = _plan_info(old, old_label), _plan_info(new, new_label)
    old_answers, new_answers = _answers(old), _answers(new)
    answer_changes = _answer_changes(old_answers, new_answers)
    old_actions, new_actions = _actions(old), _actions(new)
    added = tuple(_action_info(a) for aid, a in new_actions.items() if aid not in old_actions)
    old_ranks, new_ranks = _control_ranks(old), _control_ranks(new)
    removed = tuple(
        _removed(a, old_answers, new_answers, old_ranks, new_ranks)
        for aid, a in old_actions.items()
        if aid not in new_actions
    )
    changed = tuple(
        c
        for c in (
            _action_change(old_actions[aid], a, old_info.plan_date, new_info.plan_date)
            for aid, a in new_actions.items()
            if aid in old_actions
        )
        if c is not None
    )
    old_risks, new_risks = _risks(old), _risks(new)
    return PlanDiff(
        old=old_info,
        new=new_info,
        answers=answer_changes,
        actions_added=added,
        actions_removed=removed,
        actions_changed=changed,
        maturity=_maturity_changes(_domains(old), _domains(new)),
        risks_added=tuple(r for rid, r in new_risks.items() if rid not in old_risks),
        risks_removed=tuple(r for rid, r in old_risks.items() if rid not in new_risks),
        risks_changed=tuple(
            RiskChange(old_risks[rid], r)
            for rid, r in new_risks.items()
            if rid in old_risks and _rated(old_risks[rid]) != _rated(r)
        ),
    )


def _rated(risk: RiskInfo) -> tuple[int, int, int, str]:
    return (risk.likelihood, risk.impact, risk.score, risk.rating)


def _state(answer: _Answer | None) -> AnswerState:
    if answer is None:
        return "hidden"
    return "answered" if answer.answered else "unanswered"


def _answer_changes(old: Mapping[str, _Answer], new: Mapping[str, _Answer]) -> tuple[AnswerChange, ...]:
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


def _shown(answer: _Answer | None) -> str:
    state = _state(answer)
    return answer.answer if answer is not None and state == ANSWERED else _STATE_TEXT[state]


def _removed(
    action: Mapping[str, Any],
    old_answers: Mapping[str, _Answer],
    new_answers: Mapping[str, _Answer],
    old_ranks: Mapping[str, int],
    new_ranks: Mapping[str, int],
) -> RemovedAction:
    """Judge whether an action the new plan lacks was done or dropped, from the answers that triggered it."""
    info = _action_info(action)
    triggers = [_text(t.get("question_id")) for t in _dicts(action.get("triggers"))]
    triggers = [t for t in dict.fromkeys(triggers) if t]
    verdicts: list[tuple[int, Outcome, Basis, str]] = []
    for qid in triggers:
        before, after = old_answers.get(qid), new_answers.get(qid)
        new_rank, old_rank = new_ranks.get(qid, 0), old_ranks.get(qid, 0)
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
        return RemovedAction(info, "dropped", "unknown", "", "", "", "")
    _, outcome, basis, qid = min(verdicts, key=lambda v: v[0])
    before, after = old_answers.get(qid), new_answers.get(qid)
    known = after if after is not None else before
    question = known.question if known is not None else qid
    return RemovedAction(info, outcome, basis, qid, question, _shown(before), _shown(after))


def _action_change(old: Mapping[str, Any], new: Mapping[str, Any], old_date: str, new_date: str) -> ActionChange | None:
    a, b = _action_info(old), _action_info(new)
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
        changes.append(FieldChange("status", _STATUS_WORDS.get(a.status, a.status),
                                   _STATUS_WORDS.get(b.status, b.status)))
    return ActionChange(a, b, tuple(changes)) if changes else None


def _maturity_of(domain: Mapping[str, Any] | None) -> tuple[int | None, dict[str, int]]:
    if domain is None:
        return None, {}
    m = domain.get("maturity")
    m = m if isinstance(m, dict) else {}
    counts = {k: v for k in _MATURITY_COUNTS if (v := _int(m.get(k))) is not None}
    if all(k in counts for k in ("in_place", "partial", "not_in_place")):
        # Score what is known, whatever version wrote the plan: version 1 counted unknown controls as missing.
        known = counts["in_place"] + counts["partial"] + counts["not_in_place"]
        if known <= 0:
            return None, counts
        return int((counts["in_place"] + counts["partial"] / 2) * 100 / known + 0.5 + 1e-9), counts
    return _int(m.get("percent")), counts


def _maturity_changes(
    old: Mapping[str, dict[str, Any]], new: Mapping[str, dict[str, Any]]
) -> tuple[MaturityChange, ...]:
    changes = []
    for key in _merge_order(list(old), list(new)):
        a, b = old.get(key), new.get(key)
        old_percent, old_counts = _maturity_of(a)
        new_percent, new_counts = _maturity_of(b)
        if (old_percent, old_counts) == (new_percent, new_counts):
            continue
        title = _text((b or a or {}).get("title")) or key
        changes.append(MaturityChange(key, title, old_percent, new_percent, old_counts, new_counts))
    return tuple(changes)


# ------------------------------------------------------------------------------------------------------------
# For the front ends
# ------------------------------------------------------------------------------------------------------------


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
    from secplan_tui.plan.plan_json import plan_to_dict

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
        The diff (labelled for :func:`render_diff_markdown`), or None when the session has no snapshot.

    Raises:
        SecplanError: the session cannot be read, or its latest snapshot is not a usable plan.
    """
    from secplan_tui.plan import compile_plan
    from secplan_tui.plan.plan_json import plan_to_dict

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


# ------------------------------------------------------------------------------------------------------------
# Rendering
# ------------------------------------------------------------------------------------------------------------


def summarise_diff(diff: PlanDiff) -> str:
    """What changed, in one plain line (not Markdown), e.g. ``answers: 2 changed · actions: 1 added, 1 done or
    dropped · maturity: 1 domain changed · risks: 2 rated differently``; ``No changes: ...`` when nothing did."""
    if diff.is_empty:
        return "No changes: the same answers, actions, maturity and risks."

    def part(name: str, *counts: tuple[int, str]) -> str:
        shown = [f"{n} {what}" for n, what in counts if n]
        return f"{name}: {', '.join(shown)}" if shown else ""

    parts = [
        part("answers", (len(diff.answers), "changed")),
        part("actions", (len(diff.actions_added), "added"), (len(diff.actions_removed), "done or dropped"),
             (len(diff.actions_changed), "changed")),
        part("maturity", (len(diff.maturity), f"{'domain' if len(diff.maturity) == 1 else 'domains'} changed")),
        part("risks", (len(diff.risks_added), "new"), (len(diff.risks_removed), "gone"),
             (len(diff.risks_changed), "rated differently")),
    ]
    return " · ".join(p for p in parts if p)


def _percent(value: int | None) -> str:
    return "n/a" if value is None else f"{value}%"


def _points(delta: int | None) -> str:
    if delta is None:
        return "n/a"
    if delta == 0:
        return "no change"
    return f"{delta:+d} point{'s' if abs(delta) != 1 else ''}"


def _answer_cell(text: str, state: str) -> str:
    return _cell(text) if state == ANSWERED else f"*{_STATE_TEXT[state]}*"


def _action_line(a: ActionInfo) -> str:
    return (
        f"**{md_inline(a.priority)}** {md_inline(a.title)} ({md_code(a.id)}): {md_inline(a.domain)}; "
        f"owner {md_inline(a.owner_title)}; due {md_inline(a.due)}"
    )


def _removed_line(r: RemovedAction) -> str:
    head = f"**{'Done' if r.outcome == 'done' else 'Dropped'}:** {md_inline(r.action.title)} ({md_code(r.action.id)})"
    q = f"“{md_inline(r.question)}”"
    old, new = md_inline(r.old_answer), md_inline(r.new_answer)
    reason = {
        "in_place": f"{q} is now answered “{new}” (was “{old}”): the control is in place.",
        "improved": f"{q} is now answered “{new}” (was “{old}”): better than before.",
        "not_applicable": f"{q} is now answered “{new}”: the action no longer applies.",
        "not_asked": f"{q} is no longer asked (was “{old}”), so the action no longer applies.",
        "changed": f"{q} is now answered “{new}” (was “{old}”), so the action no longer follows from the answers.",
        "unknown": "no answer that triggered it changed; the questionnaire itself may have changed.",
    }[r.basis]
    return f"{head}. {reason}"


def _change_line(c: ActionChange) -> str:
    parts = [f"{f.field} {md_inline(f.old)} → {md_inline(f.new)}" for f in c.changes]
    return f"{md_inline(c.new.title)} ({md_code(c.new.id)}): {'; '.join(parts)}"


def _risk_text(r: RiskInfo) -> str:
    rating = f" {md_inline(r.rating)}" if md_inline(r.rating) else ""
    return f"score {r.score}{rating} (likelihood {r.likelihood} × impact {r.impact})"


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _name(label: str, fallback: str) -> str:
    return md_inline(label) or fallback


def _cell(text: str) -> str:
    """User text for a table cell; a dash when empty, so every row keeps its cells."""
    return md_inline(text) or "—"


def render_diff_markdown(diff: PlanDiff, old_label: str | None = None, new_label: str | None = None) -> str:
    """A Markdown changelog of a diff: a summary, then answers, actions, maturity and risks.

    Every piece of user text (labels, questions, answers, titles) is escaped with ``md_inline``, so nothing in
    it can add a heading, list, table cell, link or HTML.

    Args:
        diff: The diff from :func:`diff_plans`.
        old_label: How to name the earlier plan (default: the label given to :func:`diff_plans`).
        new_label: How to name the later plan.

    Returns:
        Markdown text ending with one newline; it says "No changes" when nothing changed.
    """
    a_label = _name(old_label if old_label is not None else diff.old.label, "the earlier plan")
    b_label = _name(new_label if new_label is not None else diff.new.label, "the later plan")
    a, b = diff.old, diff.new
    out: list[str] = ["# Changes to the security plan", "", f"From **{a_label}** to **{b_label}**.", ""]
    if diff.questionnaire_changed:
        out += [
            f"> The plans come from different questionnaires: {md_inline(a.questionnaire_id)} version "
            f"{md_inline(a.questionnaire_version)}, then {md_inline(b.questionnaire_id)} version "
            f"{md_inline(b.questionnaire_version)}. Some changes below may come from the questionnaire rather "
            "than from the answers.",
            "",
        ]
    out += ["| | Before | After |", "|---|---|---|"]
    out.append(f"| Organisation | {_cell(a.organisation)} | {_cell(b.organisation)} |")
    out.append(f"| Plan date | {_cell(a.plan_date)} | {_cell(b.plan_date)} |")
    if a.answered is not None and b.answered is not None:
        out.append(f"| Questions answered | {a.answered} of {a.visible} | {b.answered} of {b.visible} |")
    for key, name in (
        ("actions", "Actions"),
        ("p1", "First-priority (P1) actions"),
        ("risks", "Risks in the register"),
        ("high_risks", "High or very high risks"),
        ("discovery", "Open questions (don't know)"),
    ):
        out.append(f"| {name} | {a.counts.get(key, 0)} | {b.counts.get(key, 0)} |")
    out.append("")
    if diff.is_empty:
        out += [
            "No changes: the same answers, actions, maturity and risks.",
            "",
        ]
        return "\n".join(out)

    out += [f"## Answers changed ({len(diff.answers)})", ""]
    if diff.answers:
        out += ["| Question | Before | After |", "|---|---|---|"]
        for c in diff.answers:
            out.append(
                f"| {md_inline(c.question)} ({md_code(c.question_id)}) | {_answer_cell(c.old_answer, c.old_state)} "
                f"| {_answer_cell(c.new_answer, c.new_state)} |"
            )
    else:
        out.append("No change.")
    out.append("")

    n_actions = len(diff.actions_added) + len(diff.actions_removed) + len(diff.actions_changed)
    out += [f"## Actions ({_count(n_actions, 'change')})", ""]
    if not n_actions:
        out += ["No change.", ""]
    if diff.actions_added:
        out += [f"### Added ({len(diff.actions_added)})", ""]
        out += [f"- {_action_line(x)}" for x in diff.actions_added]
        out.append("")
    if diff.actions_removed:
        out += [f"### No longer needed: done or dropped ({len(diff.actions_removed)})", ""]
        out += [f"- {_removed_line(x)}" for x in diff.actions_removed]
        out.append("")
    progress = _progress_words(diff)
    if progress:
        out += [f"Progress since then: {progress}.", ""]
    if diff.actions_changed:
        out += [f"### Changed ({len(diff.actions_changed)})", ""]
        out += [f"- {_change_line(x)}" for x in diff.actions_changed]
        out.append("")

    out += ["## Maturity by domain", ""]
    if diff.maturity:
        out += ["| Domain | Before | After | Change |", "|---|---|---|---|"]
        for m in diff.maturity:
            out.append(
                f"| {_cell(m.title)} | {_percent(m.old_percent)} | {_percent(m.new_percent)} | {_points(m.delta)} |"
            )
    else:
        out.append("No change.")
    out.append("")

    n_risks = len(diff.risks_added) + len(diff.risks_removed) + len(diff.risks_changed)
    out += [f"## Risks ({_count(n_risks, 'change')})", ""]
    if not n_risks:
        out += ["No change.", ""]
    if diff.risks_added:
        out += [f"### New in the register ({len(diff.risks_added)})", ""]
        out += [f"- {md_inline(r.title)} ({md_code(r.id)}): {_risk_text(r)}" for r in diff.risks_added]
        out.append("")
    if diff.risks_removed:
        out += [f"### No longer in the register ({len(diff.risks_removed)})", ""]
        out += [f"- {md_inline(r.title)} ({md_code(r.id)}): was {_risk_text(r)}" for r in diff.risks_removed]
        out.append("")
    if diff.risks_changed:
        out += [f"### Rated differently ({len(diff.risks_changed)})", ""]
        for rc in diff.risks_changed:
            word = "lower" if rc.delta < 0 else "higher" if rc.delta > 0 else "same score"
            out.append(
                f"- {md_inline(rc.new.title)} ({md_code(rc.new.id)}): {_risk_text(rc.old)} → {_risk_text(rc.new)} "
                f"({word}{'' if rc.delta == 0 else f', {rc.delta:+d}'})"
            )
        out.append("")
    return "\n".join(out)


def _progress_words(diff: PlanDiff) -> str:
    """The actions of both plans whose living-plan status changed, counted by their new status: "3 done, 1
    deferred", or "" when none did."""
    counts: dict[str, int] = {}
    for change in diff.actions_changed:
        if any(f.field == "status" for f in change.changes):
            word = _STATUS_WORDS.get(change.new.status, change.new.status)
            counts[word] = counts.get(word, 0) + 1
    order = [_STATUS_WORDS[k] for k in ("done", "doing", "deferred", "wont", "todo")]
    return ", ".join(f"{counts[w]} {w}" for w in order if w in counts)


def diff_to_dict(diff: PlanDiff, old_label: str | None = None, new_label: str | None = None) -> dict[str, Any]:
    """The diff as plain JSON-ready values (the ``secplan-plan-diff`` document, see docs/review.md)."""

    def side(info: PlanInfo, label: str | None) -> dict[str, Any]:
        d = asdict(info)
        d["label"] = one_line(label) if label is not None else info.label
        d["counts"] = dict(info.counts)
        return d

    return {
        "format": DIFF_FORMAT,
        "format_version": DIFF_FORMAT_VERSION,
        "old": side(diff.old, old_label),
        "new": side(diff.new, new_label),
        "changed": not diff.is_empty,
        "questionnaire_changed": diff.questionnaire_changed,
        "answers": [asdict(c) for c in diff.answers],
        "actions": {
            "added": [asdict(x) for x in diff.actions_added],
            "removed": [asdict(x) for x in diff.actions_removed],
            "changed": [asdict(x) for x in diff.actions_changed],
        },
        "maturity": [{**asdict(m), "delta": m.delta} for m in diff.maturity],
        "risks": {
            "added": [asdict(x) for x in diff.risks_added],
            "removed": [asdict(x) for x in diff.risks_removed],
            "changed": [{**asdict(x), "delta": x.delta} for x in diff.risks_changed],
        },
    }


def render_diff_json(diff: PlanDiff, old_label: str | None = None, new_label: str | None = None) -> str:
    """The diff as JSON text: keys sorted, two-space indent, one final newline (stable for scripts)."""
    return json.dumps(diff_to_dict(diff, old_label, new_label), sort_keys=True, indent=2, ensure_ascii=False) + "\n"
