"""Frozen dataclasses for a questionnaire and its answers; no I/O and no behaviour beyond lookups."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from secplan_tui.core.conditions import Condition

DOMAINS: tuple[str, ...] = ("profile", "governance", "people", "information", "cyber", "physical")
"""The sections' domains, in plan order."""

DOMAIN_TITLES: Mapping[str, str] = {
    "profile": "Organisation profile",
    "governance": "Governance",
    "people": "People",
    "information": "Information",
    "cyber": "Cyber security",
    "physical": "Physical security",
}

PRIORITY_DAYS: Mapping[str, int] = {"P1": 30, "P2": 90, "P3": 365}
"""Days from the plan date to an action's due date, by priority."""

EFFORTS: tuple[str, ...] = ("S", "M", "L")
"""Legacy effort sizes, still loaded (with a warning asking for hours)."""

LEGACY_EFFORT_HOURS: Mapping[str, tuple[float, float]] = {"S": (1.0, 4.0), "M": (4.0, 16.0), "L": (16.0, 60.0)}
"""Person-hours a legacy size stands for, low and high."""

SKILLS: tuple[str, ...] = ("anyone", "technical", "specialist")
"""Who can do an action: anyone; someone technical; a specialist (an outside provider or expert)."""

DONT_KNOW = "dont_know"
NOT_APPLICABLE = "not_applicable"
SPECIAL_VALUES: tuple[str, ...] = (DONT_KNOW, NOT_APPLICABLE)
"""Keywords that stand for "don't know" and "not applicable" in answer files and conditions."""


class QuestionType(Enum):
    """The kinds of question, each mapped to a control by the front ends."""

    SINGLE = "single"
    MULTI = "multi"
    YESNO = "yesno"
    NUMBER = "number"
    TEXT = "text"
    LONGTEXT = "longtext"

    @property
    def has_choices(self) -> bool:
        """Whether answers are choice ids."""
        return self in (QuestionType.SINGLE, QuestionType.MULTI, QuestionType.YESNO)


class Status(Enum):
    """How far a control is in place, as a choice declares it; drives strengths and maturity."""

    IN_PLACE = "in_place"
    PARTIAL = "partial"
    NOT_IN_PLACE = "not_in_place"


@dataclass(frozen=True)
class Location:
    """Where a record was defined."""

    file: str
    """The file as the user named it."""
    line: int
    """1-based line."""

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Choice:
    """One option of a choice question."""

    id: str
    """Stable id, used in answers and conditions."""
    label: str
    """What the user sees."""
    status: Status | None = None
    """For control questions: how far this choice means the control is in place."""
    exclusive: bool = False
    """For multiple choice: this choice ("none of these") cannot be picked with another."""
    location: Location | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Discovery:
    """How to find out the answer when the user does not know."""

    ask: str
    """Role id of who to ask."""
    how: str
    """How to find out, in plain steps."""


@dataclass(frozen=True)
class Question:
    """One question, with its help text and branching condition."""

    id: str
    type: QuestionType
    text: str
    """The question as asked."""
    why: str
    """Why this matters, in plain words."""
    section: str
    """Id of the section it belongs to."""
    hint: str = ""
    """A hint for learners."""
    choices: tuple[Choice, ...] = ()
    when: Condition | None = None
    """Shown only when this holds (on top of the section's condition)."""
    dont_know: bool = True
    """Whether "don't know" is offered."""
    not_applicable: bool = False
    """Whether "not applicable" is offered."""
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = True
    """For numbers: whole numbers only."""
    unit: str = ""
    max_length: int | None = None
    """For text: the longest answer accepted, in characters."""
    strength: str = ""
    """For control questions: how the plan states the strength when the control is in place."""
    discover: Discovery | None = None
    """For "don't know": who to ask and how to find out."""
    essential: bool = False
    """Asked in the first pass (the essentials); the others are details, asked after a first plan."""
    location: Location | None = field(default=None, compare=False)

    @property
    def is_control(self) -> bool:
        """Whether any choice carries a status, so the question counts toward maturity."""
        return any(c.status is not None for c in self.choices)

    def choice(self, choice_id: str) -> Choice | None:
        """The choice with this id, or None."""
        for c in self.choices:
            if c.id == choice_id:
                return c
        return None

    def choice_ids(self) -> tuple[str, ...]:
        """The ids of the choices, in order."""
        return tuple(c.id for c in self.choices)


@dataclass(frozen=True)
class Section:
    """A group of questions in one domain."""

    id: str
    title: str
    domain: str
    """One of DOMAINS."""
    questions: tuple[Question, ...]
    intro: str = ""
    when: Condition | None = None
    location: Location | None = field(default=None, compare=False)


@dataclass(frozen=True)
class RoleCase:
    """A role title that applies when a condition on the profile holds."""

    when: Condition
    title: str


@dataclass(frozen=True)
class Role:
    """Who owns an action; the title may depend on the profile (a micro firm has no IT department)."""

    id: str
    title: str
    """The title when no case applies."""
    cases: tuple[RoleCase, ...] = ()
    """The first case whose condition holds gives the title."""
    location: Location | None = field(default=None, compare=False)


@dataclass(frozen=True)
class ActionVariant:
    """Texts of an action that fit some organisations better (a home worker, a leased floor, one person)."""

    when: Condition
    """The first variant whose condition holds replaces the texts it gives."""
    title: str = ""
    how: str = ""
    why: str = ""


@dataclass(frozen=True)
class Action:
    """One entry in the action library: what the plan asks someone to do, and when it applies."""

    id: str
    title: str
    """An imperative title."""
    how: str
    """Concrete steps a non-specialist can follow."""
    why: str
    domain: str
    priority: str
    """P1, P2 or P3."""
    owner: str
    """Role id."""
    effort: str
    """The effort as written: hours (``"2"``, ``"2-6"``) or a legacy size (``S``, ``M``, ``L``)."""
    when: Condition
    """The answers that trigger it."""
    references: tuple[str, ...] = ()
    """Control identifiers such as ``ISO27001:A.5.2``, ``CSF:GV.RR-02``, ``CIS:14.1``, ``CE:Firewalls``."""
    location: Location | None = field(default=None, compare=False)
    hours: tuple[float, float] = (0.0, 0.0)
    """Person-hours, low and high (equal when one number was given); (0, 0) means: from ``effort``."""
    skill: str = "anyone"
    """One of SKILLS."""
    after: tuple[str, ...] = ()
    """Ids of actions that must come first when they are in the plan."""
    variants: tuple[ActionVariant, ...] = ()
    """Texts that fit some profiles better; the first whose condition holds applies."""
    if_unknown: bool = False
    """Offered conditionally when an answer its condition depends on is "don't know"."""
    if_unknown_text: str = ""
    """How the plan words the condition ("laptops are not encrypted"); empty: from the question."""

    def __post_init__(self) -> None:
        if self.hours == (0.0, 0.0):
            object.__setattr__(self, "hours", _effort_hours(self.effort))

    @property
    def mean_hours(self) -> float:
        """The middle of the hours range, used for ranking and scheduling."""
        return (self.hours[0] + self.hours[1]) / 2


def _effort_hours(effort: str) -> tuple[float, float]:
    """Hours from an effort as written: a legacy size, "2" or "2-6"; a medium size when it cannot be read."""
    if effort in LEGACY_EFFORT_HOURS:
        return LEGACY_EFFORT_HOURS[effort]
    try:
        low, _, high = effort.partition("-")
        return (float(low), float(high or low))
    except ValueError:
        return LEGACY_EFFORT_HOURS["M"]


@dataclass(frozen=True)
class RiskAdjustment:
    """A change to a risk's likelihood or impact when a condition on the answers holds."""

    when: Condition
    likelihood: int = 0
    impact: int = 0


@dataclass(frozen=True)
class Risk:
    """A malicious act the plan's risk register rates for this organisation (ISO 22342 5.3)."""

    id: str
    title: str
    description: str
    likelihood: int
    """Base likelihood, 1 (rare) to 5 (almost certain)."""
    impact: int
    """Base impact, 1 (minor) to 5 (severe)."""
    adjustments: tuple[RiskAdjustment, ...] = ()
    """Applied in order; the results are clamped to 1..5."""
    treated_by: tuple[str, ...] = ()
    """Action ids that reduce this risk."""
    when: Condition | None = None
    """The risk is in the register only when this holds."""
    location: Location | None = field(default=None, compare=False)


@dataclass(frozen=True)
class HoursCase:
    """Hours a month that apply when a condition holds (no condition: always)."""

    hours: float
    when: Condition | None = None


@dataclass(frozen=True)
class Planning:
    """What the plan's scheduler needs to know about the questionnaire, without ids hard-coded in Python."""

    hours_question: str = ""
    """A number question: hours a month the organisation can give to security."""
    default_hours: tuple[HoursCase, ...] = ()
    """Hours a month when that question is unanswered or "don't know" (the plan says it was assumed)."""
    director_role: str = ""
    """The role that accepts risks."""
    lead_role: str = ""
    """The role that leads security."""
    lead_action: str = ""
    """The action that names the lead; scheduled before everything else."""
    technical_role: str = ""
    """The role that does technical work."""
    nobody_technical: Condition | None = None
    """Holds when nobody can do technical work now: the IT-help action comes first, technical work goes to the
    technical role and waits for it."""
    it_help_action: str = ""
    """The "get IT help" action."""
    role_hours: tuple[tuple[str, tuple[HoursCase, ...]], ...] = ()
    """Roles with hours of their own (an outside provider, in-house IT), by case; the others share the
    organisation's hours."""
    groups: tuple[str, ...] = ()
    """Roles that stand for many people (everyone, line managers): each has the organisation's hours of its
    own."""
    location: Location | None = field(default=None, compare=False)

    def hours_of(self, role_id: str) -> tuple[HoursCase, ...]:
        """The hours cases of a role, or () when it shares the organisation's hours."""
        for rid, cases in self.role_hours:
            if rid == role_id:
                return cases
        return ()


@dataclass(frozen=True)
class Questionnaire:
    """A whole questionnaire: sections of questions, roles and the action library."""

    id: str
    version: str
    title: str
    sections: tuple[Section, ...]
    actions: tuple[Action, ...]
    roles: tuple[Role, ...]
    risks: tuple[Risk, ...] = ()
    description: str = ""
    marking: str = "CONFIDENTIAL"
    """The confidentiality marking printed on plans."""
    content_hash: str = ""
    """sha256 of the source bytes, pinned in every session made from it."""
    location: Location | None = field(default=None, compare=False)
    planning: Planning = field(default_factory=Planning)
    """How the plan is scheduled (the top-level ``planning:`` block)."""

    def action(self, action_id: str) -> Action | None:
        """The action with this id, or None."""
        for a in self.actions:
            if a.id == action_id:
                return a
        return None

    def questions(self) -> tuple[Question, ...]:
        """Every question, in order."""
        return tuple(q for s in self.sections for q in s.questions)

    def question(self, question_id: str) -> Question | None:
        """The question with this id, or None."""
        return self._question_index().get(question_id)

    def section(self, section_id: str) -> Section | None:
        """The section with this id, or None."""
        for s in self.sections:
            if s.id == section_id:
                return s
        return None

    def role(self, role_id: str) -> Role | None:
        """The role with this id, or None."""
        for r in self.roles:
            if r.id == role_id:
                return r
        return None

    def _question_index(self) -> dict[str, Question]:
        index: dict[str, Question] | None = self.__dict__.get("_qindex")
        if index is None:
            index = {q.id: q for q in self.questions()}
            object.__setattr__(self, "_qindex", index)
        return index


AnswerValue: TypeAlias = str | int | float | list[str]
"""A stored answer: a choice id, a list of choice ids, a number, a text, or DONT_KNOW / NOT_APPLICABLE."""

Answers = Mapping[str, AnswerValue]
"""Answers by question id."""

ACTION_STATUSES: tuple[str, ...] = ("todo", "doing", "done", "deferred", "wont")
"""The states of an action in a living plan: to do, doing, done, deferred (with a new date), won't do (a reason)."""


@dataclass(frozen=True)
class ActionStatus:
    """Where one action of the plan stands, as last set by someone; the store keeps every change."""

    action_id: str
    """The action's id in the library."""
    status: str
    """One of ACTION_STATUSES."""
    due: str | None = None
    """A new due date (ISO ``YYYY-MM-DD``) for a deferred action, else None."""
    note: str = ""
    """Why, or what was done: the reason for "won't do", the evidence for "done"."""
    at: str = ""
    """When it was set (ISO timestamp, UTC)."""
    by: str = ""
    """Who set it (the OS user)."""
