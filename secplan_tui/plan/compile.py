"""Compile a questionnaire and its answers into a Plan: a pure function of (questionnaire, answers, date).

The Plan is a tree of frozen dataclasses holding everything the renderers need, already ordered and with every
string cleaned of control characters (escaping for Markdown is the renderer's job). Nothing here reads a file,
the clock or a random source, so the same inputs always give the same Plan.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta

from secplan_tui import __version__
from secplan_tui.core.engine import DONE, ESSENTIALS, Flow, possible_answers
from secplan_tui.core.model import (
    DOMAIN_TITLES,
    DOMAINS,
    DONT_KNOW,
    NOT_APPLICABLE,
    PRIORITY_DAYS,
    Action,
    ActionStatus,
    AnswerValue,
    HoursCase,
    Question,
    Questionnaire,
    QuestionType,
    Risk,
    Role,
    Status,
)
from secplan_tui.core.text import clean_text
from secplan_tui.plan.escape import one_line
from secplan_tui.plan.schedule import (
    MIN_CAPACITY,
    MONTH_DAYS,
    YEAR_MONTHS,
    Slot,
    Task,
    month_end,
    month_start,
    schedule,
    spread_due_dates,
)

PLAN_VERSION = "1"
"""The version number printed on a freshly compiled plan."""

CONTROL_DOMAINS: tuple[str, ...] = tuple(d for d in DOMAINS if d != "profile")
"""The five domains that carry controls and actions, in plan order."""

DOMAIN_CLAUSES: Mapping[str, str] = {
    "governance": "5.2, 5.4",
    "people": "5.4",
    "information": "5.4",
    "cyber": "5.4",
    "physical": "5.4",
}
"""The ISO 22342 clauses each domain section answers."""

PRIORITY_ORDER: Mapping[str, int] = {"P1": 0, "P2": 1, "P3": 2}
PRIORITY_LABELS: Mapping[str, str] = {"P1": "first 30 days", "P2": "within 90 days", "P3": "within 12 months"}
EFFORT_LABELS: Mapping[str, str] = {"S": "small (hours)", "M": "medium (days)", "L": "large (weeks)"}
SKILL_LABELS: Mapping[str, str] = {
    "anyone": "anyone can do it",
    "technical": "needs someone technical",
    "specialist": "needs a specialist or provider",
}

DEFAULT_HOURS = 8.0
"""Hours a month assumed when the questionnaire says nothing about the organisation's time."""
SMALL_SHARE = 2.0
"""Hours a month someone with little work in the plan gets at least (up to an equal share of the hours)."""
DISCOVERY_HOURS = 0.5
"""Hours a discovery task takes: asking someone, looking at a setting."""
AUTHOR_WEIGHT: Mapping[str, float] = {"P1": 6.0, "P2": 3.0, "P3": 1.0}
"""What an action treating no rated risk is worth, by the priority its author suggested (a risk scores 1-25)."""
HIGH_SCORE = 10
"""Scores from here up are High or Very high."""
TREAT_DAYS = 90
"""A High or Very high risk needs a treating action due within this many days, an acceptance, or a gap."""

RISK_BANDS: tuple[tuple[int, int, str], ...] = (
    (1, 4, "Low"),
    (5, 9, "Medium"),
    (10, 16, "High"),
    (17, 25, "Very high"),
)
"""Score ranges (likelihood x impact, inclusive) and their rating. Products 17-19 cannot occur."""

DISCOVERY_DAYS = 30
"""Days from the plan date to a discovery task's due date."""
REVIEW_DAYS = 365
"""Days from the plan date to the next scheduled review."""

ORG_NAME_IDS: tuple[str, ...] = (
    "profile.org_name",
    "profile.organisation_name",
    "profile.organization_name",
    "profile.organisation",
    "profile.organization",
    "profile.company",
    "profile.name",
)
"""Question ids that hold the organisation's name, in order of preference (else: first text question of the
profile)."""

DIRECTOR_ROLE_IDS: tuple[str, ...] = ("director", "owner", "ceo", "md", "management", "leadership")
SECURITY_OWNER_ROLE_IDS: tuple[str, ...] = (
    "security_owner",
    "so",
    "security",
    "security_lead",
    "ciso",
    "secowner",
)

ANSWER_LABELS: Mapping[str, str] = {DONT_KNOW: "Don't know", NOT_APPLICABLE: "Not applicable"}
NOT_ANSWERED = "not answered"
BLANK_ANSWER = "(blank)"

GENERIC_DISCOVERY_HOW = (
    "Ask the person who looks after this area, check the relevant contract, settings or records, "
    "then record the answer in secplan and compile the plan again."
)

REVIEW_TRIGGERS: tuple[str, ...] = (
    "a security incident or a near miss",
    "a new site, a move, or a change to how the premises are used",
    "a new IT system or cloud service, or a major change to an existing one",
    "a change of IT provider or of another key supplier",
    "a big change in headcount, ownership, services or customers",
    "new legal, regulatory, contractual or insurance obligations",
    "a warning about a new threat to organisations like this one",
)
"""Events that call for a review before the scheduled date (ISO 22342 5.2.10, 5.3.7)."""

# Reference prefixes that tie an action to a themed section; chosen from the control catalogues, never from
# the wording of a particular questionnaire.
TRAINING_REFS: tuple[str, ...] = ("CIS:14.", "CSF:PR.AT-", "ISO27001:A.6.3")
RESPONSE_REFS: tuple[str, ...] = (
    "CIS:17.",
    "CIS:11.",
    "CSF:RS.",
    "CSF:RC.",
    "CSF:PR.DS-11",
    "CSF:ID.IM-04",
    "CSF:PR.IR-03",
    "ISO27001:A.5.24",
    "ISO27001:A.5.25",
    "ISO27001:A.5.26",
    "ISO27001:A.5.27",
    "ISO27001:A.5.28",
    "ISO27001:A.5.29",
    "ISO27001:A.5.30",
    "ISO27001:A.8.13",
    "ISO27001:A.8.14",
)
MONITORING_REFS: tuple[str, ...] = (
    "CSF:GV.OV-",
    "CSF:ID.IM-01",
    "CSF:ID.IM-02",
    "CSF:ID.IM-03",
    "CSF:DE.AE-",
    "CSF:DE.CM-01",
    "CSF:DE.CM-03",
    "CSF:DE.CM-06",
    "CSF:DE.CM-09",
    "CSF:GV.RM-03",
    "CIS:8.",
    "ISO27001:A.5.35",
    "ISO27001:A.5.36",
    "ISO27001:A.8.15",
    "ISO27001:A.8.16",
)

CATALOGUES: tuple[tuple[str, str], ...] = (
    ("ISO27001", "ISO/IEC 27001:2022 Annex A"),
    ("CSF", "NIST CSF 2.0"),
    ("CIS", "CIS Controls v8.1"),
    ("CE", "Cyber Essentials"),
)
"""Reference prefixes and the catalogue each names, in the order the appendix lists them."""


# ------------------------------------------------------------------------------------------------------------
# The plan tree
# ------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DistributionEntry:
    """One row of the distribution list: a numbered copy and who holds it."""

    copy: int
    """Copy number, from 1."""
    recipient: str
    """The role that holds the copy; the name is written in by hand."""


@dataclass(frozen=True)
class Metadata:
    """Document control: marking, versions, dates and provenance."""

    title: str
    """The plan's title, with the organisation's name when known."""
    marking: str
    """The confidentiality marking from the questionnaire."""
    plan_version: str
    """The plan's own version number ("1" when freshly compiled)."""
    plan_date: date
    """The date the plan is dated; every due date counts from it."""
    next_review: date
    """Plan date + 365 days."""
    organisation: str
    """The organisation's name from the profile, or "" when not given."""
    session_name: str
    """The session the answers came from, or ""."""
    generated_by: str
    """The program that compiled the plan."""
    questionnaire_id: str
    """Id of the questionnaire the answers belong to."""
    questionnaire_version: str
    """Its version."""
    questionnaire_title: str
    """Its title."""
    questionnaire_hash: str
    """sha256 of the questionnaire file, or "" when built in memory."""
    answered: int
    """Visible questions with an answer ("don't know" included)."""
    visible: int
    """Questions shown given the answers."""
    completeness: float
    """answered / visible, 0 to 1."""
    distribution: tuple[DistributionEntry, ...]
    """Who holds a copy (need to know only)."""


@dataclass(frozen=True)
class Fact:
    """A question and its answer as shown to a reader (choice labels resolved)."""

    question_id: str
    """The question's id."""
    question: str
    """The question text."""
    answer: str
    """The answer for display: choice labels, number with unit, text on one line, "Don't know"..."""


@dataclass(frozen=True)
class Profile:
    """Organisation profile and scope (ISO 22342 5.2.3)."""

    organisation: str
    """The organisation's name, or ""."""
    scope: str
    """A paragraph saying what the plan covers."""
    facts: tuple[Fact, ...]
    """The answered profile questions, in questionnaire order."""


@dataclass(frozen=True)
class PlannedAction:
    """An action of the library that the answers trigger, with its owner, month and due date."""

    id: str
    """The action's id in the library."""
    title: str
    """What to do, in one line (the variant that fits the profile, if any)."""
    domain: str
    """One of CONTROL_DOMAINS."""
    priority: str
    """P1, P2 or P3: P1 for the lead's action, getting IT help, the cheapest treatment of each High or Very high
    risk, and anything due within 30 days; P2 within 90 days; P3 later."""
    owner: str
    """The owning role's id (the technical role's when nobody technical is available and the work is)."""
    owner_title: str
    """The owning role's title for this profile."""
    due: date
    """Spread over the month the schedule puts the action in; a deferred action's new date."""
    effort: str
    """Person-hours as written ("2", "2-6"), or a legacy size."""
    how: str
    """What to do; line breaks kept (numbered steps are common)."""
    why: str
    """Why it matters; line breaks kept."""
    references: tuple[str, ...]
    """Control identifiers such as ``ISO27001:A.8.5``."""
    triggers: tuple[Fact, ...]
    """The answers the action's condition depends on (visible, answered), in questionnaire order."""
    order: int
    """Position in the action library."""
    hours: tuple[float, float] = (0.0, 0.0)
    """Person-hours, low and high."""
    skill: str = "anyone"
    """anyone, technical or specialist."""
    rank: int = 0
    """Position in the plan: the lead first, prerequisites before what waits for them, then by risk reduced per
    hour."""
    month: int = 0
    """The scheduling month (1 = the first 30 days) it is due in; 0 when done or not to be done."""
    risks: tuple[str, ...] = ()
    """Ids of the register's risks it treats."""
    after: tuple[str, ...] = ()
    """Ids of the plan's actions it waits for."""
    status: str = "todo"
    """todo, doing, done, deferred or wont (model.ACTION_STATUSES)."""
    status_date: str = ""
    """When the status was set (YYYY-MM-DD), "" when never."""
    status_note: str = ""
    """The note given with the status (one line, cleaned)."""
    status_by: str = ""
    """Who set the status."""

    @property
    def mean_hours(self) -> float:
        """The middle of the hours range."""
        return (self.hours[0] + self.hours[1]) / 2

    @property
    def hours_text(self) -> str:
        """"2 h", "2-6 h"."""
        low, high = self.hours
        if low == high:
            return f"{_hours(low)} h"
        return f"{_hours(low)}–{_hours(high)} h"


@dataclass(frozen=True)
class RoleEntry:
    """A role, its title for this profile, and what it is accountable for (ISO 22342 5.2.6)."""

    id: str
    """The role's id."""
    title: str
    """The first role case that holds, else the role's own title."""
    accountability: str
    """A sentence on what the role answers for."""
    actions: tuple[str, ...]
    """Ids of the plan's actions it owns, in plan order."""
    discovery: tuple[str, ...]
    """Question ids of the discovery tasks it is asked about."""


@dataclass(frozen=True)
class RiskEntry:
    """A malicious act in the risk register (ISO 22342 5.3.3-5.3.5)."""

    id: str
    """The risk's id."""
    title: str
    """The malicious act, in a few words."""
    description: str
    """One line on how it happens."""
    base_likelihood: int
    """Likelihood from the questionnaire, 1 (rare) to 5 (almost certain)."""
    base_impact: int
    """Impact from the questionnaire, 1 (minor) to 5 (severe)."""
    likelihood: int
    """After the adjustments whose condition holds, clamped to 1..5 after each."""
    impact: int
    """After the adjustments whose condition holds, clamped to 1..5 after each."""
    score: int
    """likelihood x impact, 1 to 25."""
    rating: str
    """Low, Medium, High or Very high (RISK_BANDS)."""
    treated_by: tuple[str, ...]
    """Ids of the actions in this plan that treat the risk."""
    order: int
    """Position in the questionnaire's risk list; breaks ties after score."""
    conditional: tuple[str, ...] = ()
    """Ids of conditional actions that would treat it if an unknown answer turns out badly."""
    handling: str = ""
    """For High and Very high risks: ``treated`` (an action due within 90 days or done), ``accepted`` (by the
    director role) or ``gap``; "" for lower risks."""


@dataclass(frozen=True)
class Maturity:
    """How far a domain's controls are in place, from the visible control questions."""

    domain: str
    """One of CONTROL_DOMAINS."""
    title: str
    """The domain's title."""
    controls: int
    """Visible control questions in the domain."""
    in_place: int
    """Controls answered with an in-place choice (count 1)."""
    partial: int
    """Controls answered with a partial choice (count 1/2)."""
    not_in_place: int
    """Controls answered with a not-in-place choice (count 0)."""
    not_applicable: int
    """Left out of the score."""
    dont_know: int
    """Counted as not in place, reported apart."""
    unanswered: int
    """Counted as not in place, reported apart."""

    @property
    def applicable(self) -> int:
        """Controls that count (all but "not applicable")."""
        return self.controls - self.not_applicable

    @property
    def unknown(self) -> int:
        """Applicable controls whose state is not known: "don't know" or unanswered."""
        return self.dont_know + self.unanswered

    @property
    def known(self) -> int:
        """Applicable controls whose state is known."""
        return self.applicable - self.unknown

    @property
    def score(self) -> float | None:
        """(in place + partial / 2) / known, or None when no applicable control is known: what is known, never a
        0 that is really unknown."""
        if self.known <= 0:
            return None
        return (self.in_place + self.partial / 2) / self.known

    @property
    def unknown_share(self) -> float:
        """unknown / applicable, 0 to 1 (0 when no control applies)."""
        return 0.0 if self.applicable <= 0 else self.unknown / self.applicable

    @property
    def unknown_percent(self) -> int:
        """The unknown share as a whole percentage (half rounds up)."""
        return int(self.unknown_share * 100 + 0.5 + 1e-9)

    @property
    def is_unknown(self) -> bool:
        """Controls apply but none is known."""
        return self.applicable > 0 and self.known <= 0

    @property
    def percent(self) -> int | None:
        """The score as a whole percentage (half rounds up), or None."""
        score = self.score
        if score is None:
            return None
        return int(score * 100 + 0.5 + 1e-9)


@dataclass(frozen=True)
class DomainPlan:
    """One domain's part of the security controls (ISO 22342 5.4)."""

    domain: str
    """One of CONTROL_DOMAINS."""
    title: str
    """The domain's title (model.DOMAIN_TITLES)."""
    clause: str
    """ISO 22342 clause(s) the section answers."""
    maturity: Maturity
    """How far the domain's controls are in place."""
    strengths: tuple[Fact, ...]
    """Controls in place: ``question`` is the strength sentence (or the question), ``answer`` the answer."""
    partial: tuple[Fact, ...]
    """Controls partly in place: the question and the answer."""
    actions: tuple[PlannedAction, ...]
    """Triggered actions of the domain, by priority then library order."""


@dataclass(frozen=True)
class RoadmapPhase:
    """A time box of the roadmap (ISO 22342 5.4.6)."""

    key: str
    """``30_days``, ``90_days`` or ``12_months``."""
    title: str
    """"First 30 days", "Within 90 days" or "Within 12 months"."""
    priority: str
    """The priority whose actions fall in this phase."""
    due: date
    """The phase's deadline."""
    actions: tuple[str, ...]
    """Action ids, by due date then domain then library order."""


@dataclass(frozen=True)
class ThemedSection:
    """A short fixed section (training, incident response, process...) with the plan's related actions."""

    key: str
    """``training``, ``incident_response``, ``selection`` or ``implementation``."""
    title: str
    """The section's heading text."""
    clause: str
    """The ISO 22342 clause(s) it answers."""
    paragraphs: tuple[str, ...]
    """Generic guidance, the same for every organisation."""
    actions: tuple[str, ...]
    """Ids of related actions in the plan, chosen by their control references."""


@dataclass(frozen=True)
class Review:
    """Monitoring and review (ISO 22342 5.5.4, 5.2.10, 5.2.11)."""

    next_review: date
    """Plan date + 365 days."""
    triggers: tuple[str, ...]
    """Events that call for an earlier review."""
    paragraphs: tuple[str, ...]
    """How progress is reported and the plan reviewed."""
    actions: tuple[str, ...]
    """Ids of related actions in the plan (monitoring, logging, oversight)."""


@dataclass(frozen=True)
class DiscoveryTask:
    """A "don't know" answer turned into a task: find out, by asking someone, before the next compile."""

    question_id: str
    """The question answered "don't know"."""
    question: str
    """Its text."""
    section: str
    """The title of the question's section."""
    ask: str
    """The role id to ask, or "" when the questionnaire has no suitable role."""
    ask_title: str
    """Who to ask, as a title."""
    how: str
    """How to find out."""
    due: date
    """Spread over the month the schedule puts it in (the first 30 days when there is time)."""
    conditional: tuple[str, ...] = ()
    """Ids of the conditional actions that follow if the answer turns out badly."""
    month: int = 1
    """The scheduling month it is due in."""

    @property
    def title(self) -> str:
        """The task as a checklist line: "Find out: <question>"."""
        return f"Find out: {self.question}"


@dataclass(frozen=True)
class AnswerRow:
    """One visible question in the answers appendix."""

    question_id: str
    """The question's id."""
    question: str
    """Its text."""
    answer: str
    """The answer for display, or "not answered"."""
    value: str | int | float | tuple[str, ...] | None
    """The stored answer (cleaned), None when not answered."""
    note: str = ""
    """The note given with the answer (why, or a caveat), on one line; "" when none."""


@dataclass(frozen=True)
class AnswerSection:
    """The answers appendix for one section with visible questions."""

    section_id: str
    """The section's id."""
    title: str
    """The section's title."""
    rows: tuple[AnswerRow, ...]
    """Its visible questions, in order."""


@dataclass(frozen=True)
class ReferenceEntry:
    """A control reference used by the plan's actions."""

    reference: str
    """The identifier, e.g. ``CIS:6.3``."""
    catalogue: str
    """The catalogue's name, e.g. "CIS Controls v8.1"."""
    actions: tuple[str, ...]
    """Ids of the plan's actions that cite it, in plan order."""


@dataclass(frozen=True)
class ConditionalAction:
    """An action that applies if an unknown answer turns out badly: "If laptops are not encrypted: ..."."""

    id: str
    title: str
    condition: str
    """The condition in words, without "If" ("laptops are not encrypted")."""
    questions: tuple[str, ...]
    """Ids of the questions answered "don't know" it depends on (their discovery tasks)."""
    domain: str
    owner: str
    owner_title: str
    effort: str
    hours: tuple[float, float]
    how: str
    why: str
    risks: tuple[str, ...]
    """Ids of the register's risks it would treat."""
    references: tuple[str, ...] = ()


@dataclass(frozen=True)
class Person:
    """Someone who does the plan's work: the roles whose titles are the same for this profile, and their hours."""

    title: str
    roles: tuple[str, ...]
    """Role ids, in questionnaire order."""
    hours: float
    """Hours a month for security work."""
    source: str
    """``shared`` (a share of the organisation's hours), ``own`` (hours of the role, such as a provider's) or
    ``group`` (many people)."""


@dataclass(frozen=True)
class Capacity:
    """The hours the plan is fitted to."""

    hours: float
    """The organisation's hours a month for security work, answered or assumed."""
    assumed: bool
    """True when nobody answered, so the hours are a default for this size of organisation."""
    question_id: str
    """The question that asks for them, or ""."""
    people: tuple[Person, ...]
    """Everyone with work in the plan, in role order."""
    nobody_technical: bool
    """Nobody can do technical work now: getting IT help comes first and technical work waits for it."""


@dataclass(frozen=True)
class MonthLoad:
    """One month of the schedule: what falls due and the hours it asks of each person."""

    month: int
    """1 = the first 30 days after the plan date."""
    start: date
    end: date
    actions: tuple[str, ...]
    """Ids of the actions due in the month, by due date."""
    discovery: tuple[str, ...]
    """Question ids of the discovery tasks due in the month."""
    hours: tuple[tuple[str, float, float], ...]
    """(person's title, hours asked, hours available) for each person with work this month."""

    @property
    def year(self) -> int:
        """1 for the first 12 months, 2 after."""
        return 1 if self.month <= YEAR_MONTHS else 2


@dataclass(frozen=True)
class RiskDecision:
    """A High or Very high risk with no treating action due within 90 days: accepted or a gap, and why."""

    risk: str
    """The risk's id."""
    title: str
    rating: str
    kind: str
    """``accepted`` or ``gap``."""
    reason: str
    """Why, in a sentence."""
    by: str
    """Who accepts it or must decide: the director role's title."""


@dataclass(frozen=True)
class Assumption:
    """A "don't know" on a question that gates others, so the plan assumed some answer might apply."""

    question_id: str
    question: str
    shows: tuple[str, ...]
    """The texts of the questions shown because of it."""


@dataclass(frozen=True)
class Plan:
    """A compiled security plan: every part the renderers need, in order."""

    metadata: Metadata
    """Document control (marking, versions, dates, distribution)."""
    profile: Profile
    """Organisation profile and scope (ISO 22342 5.2.3)."""
    objectives: tuple[str, ...]
    """Objectives derived from the plan's content (5.2.2)."""
    roles: tuple[RoleEntry, ...]
    """Every role with its title for this profile, in questionnaire order (5.2.6)."""
    risks: tuple[RiskEntry, ...]
    """By score (highest first), then impact, then questionnaire order."""
    domains: tuple[DomainPlan, ...]
    """One per CONTROL_DOMAINS entry, always all five."""
    roadmap: tuple[RoadmapPhase, ...]
    """P1, P2 and P3 time boxes (5.4.6)."""
    training: ThemedSection
    """Training and awareness (5.4.3)."""
    incident_response: ThemedSection
    """Incident response and continuity (5.4.5)."""
    selection: ThemedSection
    """Selection of controls (5.5.2)."""
    implementation: ThemedSection
    """Implementation, testing and evaluation (5.5.3)."""
    review: Review
    """Monitoring and review (5.5.4, 5.2.10, 5.2.11)."""
    discovery: tuple[DiscoveryTask, ...]
    """In questionnaire order."""
    answers: tuple[AnswerSection, ...]
    """The answers appendix, by section; hidden questions left out."""
    references: tuple[ReferenceEntry, ...]
    """The control references appendix, by catalogue then number."""
    capacity: Capacity = Capacity(DEFAULT_HOURS, True, "", (), False)
    """The hours the schedule fits."""
    schedule: tuple[MonthLoad, ...] = ()
    """Months with work due, in order."""
    conditional: tuple[ConditionalAction, ...] = ()
    """Actions that apply if unknown answers turn out badly, in library order."""
    decisions: tuple[RiskDecision, ...] = ()
    """High and Very high risks accepted or left as gaps, highest first."""
    stage: str = DONE
    """The questionnaire pass the answers are in: ``essentials`` (essentials not all answered), ``details``
    (a first-pass plan: essentials answered, details to come) or ``done``."""
    details_left: tuple[tuple[str, int], ...] = ()
    """For a first-pass plan: (domain title, detail questions still to answer)."""
    assumed: tuple[Assumption, ...] = ()
    """"Don't know" answers on gating questions, and what they showed."""
    one_person: bool = False
    """Every role is one person (a business of one): the plan speaks to "you"."""
    director: str = "Director"
    """The title of the role that approves the plan and accepts residual risk."""

    @property
    def first_pass(self) -> bool:
        """The essentials are answered and details remain."""
        return self.stage == "details"

    def actions(self) -> tuple[PlannedAction, ...]:
        """Every action in the plan, in plan order (rank)."""
        found = [a for d in self.domains for a in d.actions]
        return tuple(sorted(found, key=_action_key))

    def open_actions(self) -> tuple[PlannedAction, ...]:
        """Actions still to do (not done, not "won't do"), in plan order."""
        return tuple(a for a in self.actions() if a.status not in ("done", "wont"))

    def conditional_action(self, action_id: str) -> ConditionalAction | None:
        """The conditional action with this id, or None."""
        for c in self.conditional:
            if c.id == action_id:
                return c
        return None

    def action(self, action_id: str) -> PlannedAction | None:
        """The planned action with this id, or None."""
        for d in self.domains:
            for a in d.actions:
                if a.id == action_id:
                    return a
        return None

    def counts(self) -> dict[str, int]:
        """Headline counts: actions (total and by priority), risks, high risks, discovery tasks, strengths."""
        actions = self.actions()
        return {
            "done": sum(1 for a in actions if a.status == "done"),
            "wont": sum(1 for a in actions if a.status == "wont"),
            "conditional": len(self.conditional),
            "gaps": sum(1 for d in self.decisions if d.kind == "gap"),
            "accepted": sum(1 for d in self.decisions if d.kind == "accepted"),
            "actions": len(actions),
            "p1": sum(1 for a in actions if a.priority == "P1"),
            "p2": sum(1 for a in actions if a.priority == "P2"),
            "p3": sum(1 for a in actions if a.priority == "P3"),
            "risks": len(self.risks),
            "high_risks": sum(1 for r in self.risks if r.score >= 10),
            "discovery": len(self.discovery),
            "strengths": sum(len(d.strengths) for d in self.domains),
            "partial": sum(len(d.partial) for d in self.domains),
        }


# ------------------------------------------------------------------------------------------------------------
# Compiling
# ------------------------------------------------------------------------------------------------------------


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
    compiler = _Compiler(questionnaire, answers, plan_date, statuses or {}, notes or {})
    return compiler.build(one_line(session_name), one_line(generated_by))


def risk_rating(score: int) -> str:
    """The rating of a risk score (likelihood x impact) by RISK_BANDS."""
    for low, high, name in RISK_BANDS:
        if low <= score <= high:
            return name
    return "Very high" if score > 25 else "Low"


def answer_text(question: Question, value: AnswerValue) -> str:
    """An answer for display: choice labels, a number with its unit, text on one line, or "Don't know".

    Args:
        question: The question answered.
        value: The stored answer.

    Returns:
        One line of clean text (not escaped).
    """
    if isinstance(value, str) and value in ANSWER_LABELS:
        return ANSWER_LABELS[value]
    if isinstance(value, list | tuple):
        labels = [_choice_label(question, str(v)) for v in value]
        return ", ".join(labels) if labels else "none selected"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int | float):
        number = _format_number(value)
        unit = one_line(question.unit)
        if unit and value == 1:
            unit = {"people": "person", "staff": "member of staff"}.get(unit, unit[:-1] if unit.endswith("s") else unit)
        return f"{number} {unit}" if unit else number
    if question.type.has_choices:
        return _choice_label(question, value)
    text = one_line(value)
    return text if text else BLANK_ANSWER


def _choice_label(question: Question, choice_id: str) -> str:
    choice = question.choice(choice_id)
    return one_line(choice.label if choice is not None and choice.label else choice_id)


def _format_number(value: float) -> str:
    if isinstance(value, int) or value.is_integer():
        return str(int(value))
    return repr(value)


def _action_key(action: PlannedAction) -> tuple[int, int]:
    return (action.rank, action.order)


def _hours(value: float) -> str:
    """Hours as a short number: 2, 2.5, 0.5."""
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}".rstrip("0").rstrip(".")


def _natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", text) if part)


def _clean_value(value: AnswerValue) -> str | int | float | tuple[str, ...]:
    if isinstance(value, list | tuple):
        return tuple(one_line(str(v)) for v in value)
    if isinstance(value, str):
        return clean_text(value, keep_newlines=True).strip()
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)  # JSON has no NaN or infinity; the engine refuses them, but be safe
    return value


def _refs_match(references: Iterable[str], prefixes: tuple[str, ...]) -> bool:
    for ref in references:
        for prefix in prefixes:
            # "ISO27001:A.5.2" must not match "ISO27001:A.5.24": a prefix ending in a digit matches whole ids.
            if ref == prefix or (ref.startswith(prefix) and not prefix[-1].isdigit()):
                return True
    return False


class _Compiler:
    """Holds the inputs and the derived lookups while one plan is built."""

    def __init__(
        self,
        questionnaire: Questionnaire,
        answers: Mapping[str, AnswerValue],
        plan_date: date,
        statuses: Mapping[str, ActionStatus],
        notes: Mapping[str, str] | None = None,
    ) -> None:
        self.q = questionnaire
        self.plan_date = plan_date
        self.statuses = statuses
        self.notes = notes or {}
        self.flow = Flow(questionnaire, answers)
        self.effective = self.flow.effective_answers()
        self.visible = self.flow.visible_questions()
        self.visible_ids = frozenset(q.id for q in self.visible)
        self.order = {q.id: i for i, q in enumerate(questionnaire.questions())}
        self.domain_of_section = {s.id: s.domain for s in questionnaire.sections}
        self.section_title = {s.id: one_line(s.title) for s in questionnaire.sections}
        self.role_titles = {r.id: self._role_title(r) for r in questionnaire.roles}
        planning = questionnaire.planning
        self.director = questionnaire.role(planning.director_role) if planning.director_role else None
        if self.director is None:
            self.director = self._find_role(DIRECTOR_ROLE_IDS, ("director", "chief executive", "managing"))
        self.security_owner = questionnaire.role(planning.lead_role) if planning.lead_role else None
        if self.security_owner is None:
            self.security_owner = self._find_role(SECURITY_OWNER_ROLE_IDS, ("security",))
        self.nobody_technical = bool(
            planning.nobody_technical is not None
            and planning.technical_role
            and questionnaire.role(planning.technical_role) is not None
            and planning.nobody_technical.evaluate(self.effective)
        )

    # -- lookups -------------------------------------------------------------------------------------------

    def _role_title(self, role: Role) -> str:
        for case in role.cases:
            if case.when.evaluate(self.effective):
                return one_line(case.title)
        return one_line(role.title)

    def _find_role(self, ids: tuple[str, ...], words: tuple[str, ...]) -> Role | None:
        for rid in ids:
            role = self.q.role(rid)
            if role is not None:
                return role
        for role in self.q.roles:
            if any(w in role.title.lower() for w in words):
                return role
        return None

    def title_of(self, role_id: str) -> str:
        """The title of a role for this profile; the id itself when the role is unknown."""
        return self.role_titles.get(role_id, one_line(role_id))

    def fact(self, question: Question) -> Fact:
        """The question and its effective answer for display."""
        value = self.effective.get(question.id)
        shown = NOT_ANSWERED if value is None else answer_text(question, value)
        return Fact(one_line(question.id), one_line(question.text), shown)

    def status(self, question: Question) -> Status | str | None:
        """The control status of a visible control question's answer: a Status, DONT_KNOW, NOT_APPLICABLE or
        None when unanswered."""
        value = self.effective.get(question.id)
        if value is None:
            return None
        if isinstance(value, str) and value in (DONT_KNOW, NOT_APPLICABLE):
            return value
        if isinstance(value, list):
            statuses = [c.status for c in (question.choice(v) for v in value) if c is not None]
            if statuses and all(s is Status.IN_PLACE for s in statuses):
                return Status.IN_PLACE
            if any(s in (Status.IN_PLACE, Status.PARTIAL) for s in statuses):
                return Status.PARTIAL
            return Status.NOT_IN_PLACE
        if isinstance(value, str):
            choice = question.choice(value)
            if choice is not None and choice.status is not None:
                return choice.status
        return Status.NOT_IN_PLACE

    def is_control(self, question: Question) -> bool:
        """Whether the question counts toward a domain's maturity."""
        return question.is_control and self.domain_of_section.get(question.section) in CONTROL_DOMAINS

    # -- parts ---------------------------------------------------------------------------------------------

    def build(self, session_name: str, generated_by: str) -> Plan:
        """Assemble every part of the plan."""
        organisation = self.organisation()
        chosen = self.triggered()
        owners = {a.id: self.owner_of(a) for _, a in chosen}
        risks = self.risks(frozenset(owners))
        conditional = self.conditional(frozenset(owners), risks)
        risks = tuple(
            replace(r, conditional=tuple(c.id for c in conditional if r.id in c.risks)) for r in risks
        )
        discovery = self.discovery(conditional)
        capacity = self.capacity(owners, discovery)
        actions, discovery, schedule = self.plan_work(chosen, owners, risks, discovery, capacity)
        risks, decisions = self.handle_risks(risks, actions)
        domains = tuple(self.domain(d, actions) for d in CONTROL_DOMAINS)
        answered, visible = self.flow.counts()
        completeness = self.flow.completeness()
        metadata = Metadata(
            title=f"Security plan: {organisation}" if organisation else "Security plan",
            marking=one_line(self.q.marking) or "CONFIDENTIAL",
            plan_version=PLAN_VERSION,
            plan_date=self.plan_date,
            next_review=self.plan_date + timedelta(days=REVIEW_DAYS),
            organisation=organisation,
            session_name=session_name,
            generated_by=generated_by,
            questionnaire_id=one_line(self.q.id),
            questionnaire_version=one_line(self.q.version),
            questionnaire_title=one_line(self.q.title),
            questionnaire_hash=one_line(self.q.content_hash),
            answered=answered,
            visible=visible,
            completeness=completeness,
            distribution=self.distribution(),
        )
        profile = Profile(organisation, self.scope(organisation, answered, visible), self.profile_facts())
        stage = self.flow.current_pass() if self.flow.has_essentials else DONE
        one_person = len({p.title for p in capacity.people}) == 1
        details: tuple[tuple[str, int], ...] = ()
        if stage != DONE and stage != ESSENTIALS:
            details = tuple((DOMAIN_TITLES.get(d, d), n) for d, n in self.flow.detail_counts().items())
        return Plan(
            metadata=metadata,
            profile=profile,
            objectives=self.objectives(organisation, actions, risks, domains, discovery),
            roles=self.roles(actions, discovery, one_person),
            risks=risks,
            domains=domains,
            roadmap=self.roadmap(actions),
            training=self.training(actions),
            incident_response=self.incident_response(actions),
            selection=self.selection(actions),
            implementation=self.implementation(),
            review=self.review(actions, one_person),
            discovery=discovery,
            answers=self.answers_appendix(),
            references=self.references(actions),
            capacity=capacity,
            schedule=schedule,
            conditional=conditional,
            decisions=decisions,
            stage=stage,
            details_left=details,
            assumed=tuple(
                Assumption(one_line(q.id), one_line(q.text),
                           tuple(one_line(x.text) for x in (self.q.question(i) for i in shown) if x is not None))
                for q, shown in self.flow.assumed()
            ),
            one_person=one_person,
            director=self.title_of(self.director.id) if self.director is not None else "Director",
        )

    # -- what is in the plan, who does it, and when ------------------------------------------------------------

    def triggered(self) -> list[tuple[int, Action]]:
        """The library's actions whose condition holds, in library order; with nobody technical, the IT-help
        action too when some technical work is triggered."""
        found = [(i, a) for i, a in enumerate(self.q.actions) if a.when.evaluate(self.effective)]
        help_id = self.q.planning.it_help_action
        needed = self.nobody_technical and help_id and any(a.skill != "anyone" for _, a in found)
        if needed and all(a.id != help_id for _, a in found):
            found += [(i, a) for i, a in enumerate(self.q.actions) if a.id == help_id]
            found.sort(key=lambda t: t[0])
        return found

    def owner_of(self, action: Action) -> str:
        """The role that does the action: technical work goes to the technical role when nobody technical is
        available now (it is the provider to find)."""
        planning = self.q.planning
        if self.nobody_technical and action.skill != "anyone" and action.id != planning.it_help_action:
            return planning.technical_role
        return action.owner

    def organisation_hours(self) -> tuple[float, bool, str]:
        """The hours a month the organisation can give, whether they were assumed, and the question asking."""
        planning = self.q.planning
        qid = planning.hours_question
        value = self.effective.get(qid) if qid else None
        if isinstance(value, int | float) and not isinstance(value, bool) and value >= MIN_CAPACITY:
            return float(value), False, qid
        for case in planning.default_hours:
            if case.when is None or case.when.evaluate(self.effective):
                return max(MIN_CAPACITY, case.hours), True, qid
        return DEFAULT_HOURS, True, qid

    def _case_hours(self, cases: tuple[HoursCase, ...]) -> float | None:
        for case in cases:
            if case.when is None or case.when.evaluate(self.effective):
                return case.hours
        return None

    def capacity(self, owners: Mapping[str, str], discovery: tuple[DiscoveryTask, ...]) -> Capacity:
        """Who does the work and the hours a month of each: roles of the same title are one person."""
        planning = self.q.planning
        hours, assumed, qid = self.organisation_hours()
        used = set(owners.values()) | {t.ask for t in discovery if t.ask}
        titles: dict[str, list[str]] = {}
        for role in self.q.roles:
            if role.id in used:
                titles.setdefault(self.title_of(role.id), []).append(role.id)
        for rid in sorted(used):
            if self.q.role(rid) is None:
                titles.setdefault(self.title_of(rid), []).append(rid)
        for task in discovery:
            if not task.ask:  # nobody to ask in the questionnaire: whoever the plan names does it
                titles.setdefault(task.ask_title, [])
        own: dict[str, float] = {}
        kinds: dict[str, str] = {}
        for title, rids in titles.items():
            found = [h for h in (self._case_hours(planning.hours_of(r)) for r in rids) if h is not None]
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
        for action in self.q.actions:
            if action.id in owners:
                title = self.title_of(owners[action.id])
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
        return Capacity(hours, assumed, one_line(qid), people, self.nobody_technical)

    def plan_work(
        self,
        chosen: list[tuple[int, Action]],
        owners: Mapping[str, str],
        risks: tuple[RiskEntry, ...],
        discovery: tuple[DiscoveryTask, ...],
        capacity: Capacity,
    ) -> tuple[tuple[PlannedAction, ...], tuple[DiscoveryTask, ...], tuple[MonthLoad, ...]]:
        """Rank the actions, schedule them and the discovery tasks month by month, and date them."""
        planning = self.q.planning
        in_plan = {a.id for _, a in chosen}
        # What each action is worth: for each risk it treats, how much the risk's score falls once the control it
        # asks for is in place (the risk's own adjustments say so); when they do not say, a share of the score.
        score_sum: dict[str, float] = {}
        treats: dict[str, list[str]] = {}
        models = {r.id: r for r in self.q.risks}
        by_action = {a.id: a for _, a in chosen}
        for r in risks:
            model = models.get(r.id)
            for aid in r.treated_by:
                treats.setdefault(aid, []).append(r.id)
                fallback = r.score / (2 * len(r.treated_by))
                reduction = self._reduction(by_action[aid], model, r.score) if model is not None else 0
                score_sum[aid] = score_sum.get(aid, 0.0) + (reduction if reduction > 0 else fallback)
        status_of = {a.id: self.statuses[a.id] for _, a in chosen if a.id in self.statuses}
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
            if self.nobody_technical and action.id == planning.it_help_action:
                return 1
            return 2 if action.id in forced else 4

        person_of: dict[str, str] = {}
        for person in capacity.people:
            for rid in person.roles:
                person_of[rid] = person.title
        cap = {p.title: p.hours for p in capacity.people}
        help_in = self.nobody_technical and planning.it_help_action in in_plan
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
            task = Task(action.id, person_of.get(owner, self.title_of(owner)), action.mean_hours,
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
        due = spread_due_dates(self.plan_date, slots, [t.id for t in order])
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
                days = (when - self.plan_date).days
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
                when = set_on or self.plan_date
                priority = action.priority if action.priority in PRIORITY_DAYS else "P3"
                month = 0
                position = -1 if status is not None and status.status == "done" else len(rank) + index
            planned.append(
                self.planned(action, index, owners[action.id], priority, when, month, position,
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
        return ranked, dated, self.months(ranked, dated, slots, cap)

    def _reduction(self, action: Action, risk: Risk, score: int) -> int:
        """How far the risk's score falls if the controls the action's condition asks about were in place."""
        hypothetical = dict(self.effective)
        changed = False
        for qid in action.when.question_ids():
            question = self.q.question(qid)
            if qid not in self.effective or question is None or question.type is QuestionType.MULTI:
                continue
            best = next((c.id for c in question.choices if c.status is Status.IN_PLACE), None)
            if best is not None and hypothetical[qid] != best:
                hypothetical[qid] = best
                changed = True
        if not changed:
            return 0
        likelihood, impact = _clamp(risk.likelihood), _clamp(risk.impact)
        for adj in risk.adjustments:
            if adj.when.evaluate(hypothetical):
                likelihood = _clamp(likelihood + adj.likelihood)
                impact = _clamp(impact + adj.impact)
        return score - likelihood * impact

    def months(
        self,
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
                    start=month_start(self.plan_date, month),
                    end=month_end(self.plan_date, month),
                    actions=tuple(a.id for a in sorted(due_in.get(month, []), key=lambda a: (a.due, a.rank))),
                    discovery=tuple(t.question_id for t in sorted(found_in.get(month, []), key=lambda t: t.due)),
                    hours=per_person,
                )
            )
        return tuple(result)

    def handle_risks(
        self, risks: tuple[RiskEntry, ...], actions: tuple[PlannedAction, ...]
    ) -> tuple[tuple[RiskEntry, ...], tuple[RiskDecision, ...]]:
        """Each High or Very high risk: treated (an action due within 90 days, or done), accepted (a treating
        action marked "won't do"), or a gap with the reason."""
        by_id = {a.id: a for a in actions}
        limit = self.plan_date + timedelta(days=TREAT_DAYS)
        director = self.title_of(self.director.id) if self.director else "Director"
        updated: list[RiskEntry] = []
        decisions: list[RiskDecision] = []
        for r in risks:
            if r.score < HIGH_SCORE:
                updated.append(r)
                continue
            treating = [by_id[a] for a in r.treated_by if a in by_id]
            open_ = [a for a in treating if a.status not in ("done", "wont")]
            if any(a.status == "done" for a in treating) or any(a.due <= limit for a in open_):
                handling = "treated"
            elif any(a.status == "wont" for a in treating) and not open_:
                handling = "accepted"
                notes = [a.status_note for a in treating if a.status == "wont" and a.status_note]
                reason = "; ".join(notes) if notes else "the treating action was marked \"won't do\""
                decisions.append(RiskDecision(r.id, r.title, r.rating, "accepted", one_line(reason), director))
            else:
                handling = "gap"
                if open_:
                    first = min(a.due for a in open_)
                    reason = (f"its first treating action is due on {first.isoformat()}, after 90 days, because "
                              "the hours before then are taken: find more hours, get help, or accept the risk "
                              "until then")
                elif r.conditional:
                    reason = ("unknown until the discovery tasks about it are done; if the answers turn out "
                              "badly, the conditional actions listed with them treat it")
                elif any(a.status == "wont" for a in treating):
                    reason = "its treating actions are marked \"won't do\" without a reason"
                else:
                    reason = ("no action in this plan treats it: the answers given leave nothing to do here that "
                              "the questionnaire knows of, so treat it another way or accept it")
                decisions.append(RiskDecision(r.id, r.title, r.rating, "gap", reason, director))
            updated.append(replace(r, handling=handling))
        return tuple(updated), tuple(decisions)

    def conditional(
        self, in_plan: frozenset[str], risks: tuple[RiskEntry, ...]
    ) -> tuple[ConditionalAction, ...]:
        """Actions not triggered only because an answer they depend on is "don't know", that treat a High or
        Very high risk or are marked ``if_unknown``: offered as "If ...: ..."."""
        high = {aid: [r.id for r in risks if r.score >= HIGH_SCORE and aid in r.treated_by] for aid in
                {a for r in risks for a in self._all_treating(r.id)}}
        found: list[ConditionalAction] = []
        for action in self.q.actions:
            if action.id in in_plan:
                continue
            treats = high.get(action.id, [])
            if not action.if_unknown and not treats:
                continue
            unsure = sorted(i for i in action.when.question_ids() if self.effective.get(i) == DONT_KNOW)
            if not unsure or len(unsure) > 3:
                continue
            literals = action.when.literals()
            possible: dict[str, list[AnswerValue]] = {}
            for qid in unsure:
                question = self.q.question(qid)
                possible[qid] = possible_answers(question, literals) if question else []
            picked = self._first_holding(action, unsure, possible)
            if picked is None:
                continue
            owner = self.owner_of(action)
            title, how, why = self._texts(action)
            found.append(
                ConditionalAction(
                    id=one_line(action.id),
                    title=title,
                    condition=one_line(action.if_unknown_text) or self._condition_words(picked),
                    questions=tuple(one_line(q) for q in unsure),
                    domain=action.domain if action.domain in CONTROL_DOMAINS else "governance",
                    owner=one_line(owner),
                    owner_title=self.title_of(owner),
                    effort=one_line(action.effort),
                    hours=action.hours,
                    how=how,
                    why=why,
                    risks=tuple(r.id for r in risks if action.id in self._all_treating(r.id)),
                    references=tuple(one_line(r) for r in action.references),
                )
            )
        return tuple(found)

    def _all_treating(self, risk_id: str) -> tuple[str, ...]:
        for r in self.q.risks:
            if r.id == risk_id:
                return r.treated_by
        return ()

    def _first_holding(
        self, action: Action, unsure: list[str], possible: Mapping[str, list[AnswerValue]]
    ) -> dict[str, AnswerValue] | None:
        """The first combination of answers to the unsure questions that makes the action's condition hold."""
        combos: list[dict[str, AnswerValue]] = [{}]
        for qid in unsure:
            combos = [{**c, qid: v} for c in combos for v in possible[qid]][:2000]
        for combo in combos:
            if action.when.evaluate({**self.effective, **combo}):
                return combo
        return None

    def _condition_words(self, picked: Mapping[str, AnswerValue]) -> str:
        """The answers that would make an action apply, quoted: the answer to "Are laptops encrypted?" is "No"."""
        parts = []
        for qid, value in picked.items():
            question = self.q.question(qid)
            if question is None:
                continue
            shown = answer_text(question, value)
            parts.append(f"the answer to \u201c{one_line(question.text)}\u201d is \u201c{shown}\u201d")
        return " and ".join(parts)

    def _texts(self, action: Action) -> tuple[str, str, str]:
        """Title, how and why, from the first variant that holds for this profile, else the action's own."""
        title, how, why = action.title, action.how, action.why
        for variant in action.variants:
            if variant.when.evaluate(self.effective):
                title = variant.title or title
                how = variant.how or how
                why = variant.why or why
                break
        return (one_line(title), clean_text(how, keep_newlines=True).strip(),
                clean_text(why, keep_newlines=True).strip())

    def organisation(self) -> str:
        """The organisation's name from the profile, or ""."""
        profile_qs = [q for q in self.visible if self.domain_of_section.get(q.section) == "profile"]
        by_id = {q.id: q for q in profile_qs}
        candidates = [by_id[i] for i in ORG_NAME_IDS if i in by_id]
        candidates += [q for q in profile_qs if q.id.endswith(".org_name") and q not in candidates]
        if not candidates:
            candidates = [q for q in profile_qs if q.type is QuestionType.TEXT][:1]
        for q in candidates:
            value = self.effective.get(q.id)
            if isinstance(value, str) and value not in ANSWER_LABELS:
                name = one_line(value)
                if name:
                    return name
        return ""

    def distribution(self) -> tuple[DistributionEntry, ...]:
        """Placeholder rows: the director, the security owner (if another title), then one more reader."""
        recipients = [
            self.title_of(self.director.id) if self.director else "Director",
            self.title_of(self.security_owner.id) if self.security_owner else "Security owner",
        ]
        if recipients[0] == recipients[1]:
            recipients.pop()
        recipients.append("Other reader (need to know only)")
        return tuple(DistributionEntry(i + 1, r) for i, r in enumerate(recipients))

    def profile_facts(self) -> tuple[Fact, ...]:
        """The answered questions of the profile sections."""
        return tuple(
            self.fact(q)
            for q in self.visible
            if self.domain_of_section.get(q.section) == "profile" and q.id in self.effective
        )

    def scope(self, organisation: str, answered: int, visible: int) -> str:
        """A paragraph on what the plan covers and what it rests on."""
        who = organisation or "the organisation"
        share = 100 if visible == 0 else int(answered * 100 / visible)
        return (
            f"This plan covers {who}: its people, information, IT and cyber systems, and physical premises "
            "and "
            f"assets, as described by the profile below, against malicious acts such as theft, fraud, "
            "intrusion, "
            f"cyber attack and insider abuse. It rests on the answers to the questionnaire "
            f'"{one_line(self.q.title)}" (version {one_line(self.q.version)}): {answered} of {visible} '
            f"questions answered ({share}%)."
        )

    def objectives(
        self,
        organisation: str,
        actions: tuple[PlannedAction, ...],
        risks: tuple[RiskEntry, ...],
        domains: tuple[DomainPlan, ...],
        discovery: tuple[DiscoveryTask, ...],
    ) -> tuple[str, ...]:
        """A few objectives derived from the plan's own content."""
        who = organisation or "the organisation"
        found = [
            f"Protect the people, information, IT systems and premises of {who} against malicious acts, in "
            f"proportion to the risks in this plan."
        ]
        open_ = [a for a in actions if a.status not in ("done", "wont")]
        first = [a for a in open_ if (a.due - self.plan_date).days <= PRIORITY_DAYS["P1"]]
        if first:
            found.append(
                f"Complete the {_plural(len(first), 'action')} due in the first 30 days by "
                f"{max(a.due for a in first).isoformat()}."
            )
        if open_:
            year_end = self.plan_date + timedelta(days=MONTH_DAYS * YEAR_MONTHS)
            later = [a for a in open_ if a.due > year_end]
            last = max(a.due for a in open_)
            if later:
                found.append(
                    f"Complete {_plural(len(open_) - len(later), 'action')} of this plan within a year, by "
                    f"{year_end.isoformat()}; the other {len(later)} move to year two (by {last.isoformat()}) "
                    "unless more hours are found."
                )
            else:
                every = "the one open action" if len(open_) == 1 else f"all {len(open_)} open actions"
                found.append(f"Complete {every} of this plan by {last.isoformat()}.")
        high = [r for r in risks if r.score >= 10]
        if high:
            found.append(
                f"Bring the {len(high)} high or very high risk{'s' if len(high) != 1 else ''} in the "
                "register "
                f"down to a level the {self.title_of(self.director.id) if self.director else 'director'} "
                f"accepts in writing."
            )
        scored = [(d.maturity.score, i, d) for i, d in enumerate(domains) if d.maturity.score is not None]
        if scored:
            score, _, weakest = min(scored, key=lambda t: (t[0] or 0.0, t[1]))
            m = weakest.maturity
            if score is not None and score < 1:
                unknown = f"; {m.unknown_percent}% of its controls are unknown" if m.unknown else ""
                found.append(
                    f"Raise the weakest domain, {weakest.title.lower()} ({m.percent}% of its known controls in "
                    f"place now{unknown}), to at least {max(50, min(100, (m.percent or 0) + 30))}% by the next "
                    "review."
                )
        if discovery:
            found.append(
                f"Answer the {len(discovery)} open question{'s' if len(discovery) != 1 else ''} (discovery "
                f"tasks) by {max(t.due for t in discovery).isoformat()}, each by its own date, and compile the "
                "plan again as the answers come in."
            )
        found.append(
            f"Review this plan by {(self.plan_date + timedelta(days=REVIEW_DAYS)).isoformat()}, or sooner "
            f"after any of the events listed under monitoring and review."
        )
        return tuple(found)

    def planned(
        self,
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
            (i for i in action.when.question_ids() if i in self.effective),
            key=lambda i: (self.order.get(i, len(self.order)), i),
        )
        # Show the answers that made the condition hold: those without which it would not. When no single
        # answer is decisive (two branches of an "or" both hold), show every answer it looked at.
        decisive = [i for i in qids if not action.when.evaluate({k: v for k, v in self.effective.items() if k != i})]
        if decisive:
            qids = decisive
        triggers = tuple(self.fact(q) for q in (self.q.question(i) for i in qids) if q is not None)
        domain = action.domain if action.domain in CONTROL_DOMAINS else "governance"
        title, how, why = self._texts(action)
        return PlannedAction(
            id=one_line(action.id),
            title=title,
            domain=domain,
            priority=priority,
            owner=one_line(owner),
            owner_title=self.title_of(owner),
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

    def roles(
        self, actions: tuple[PlannedAction, ...], discovery: tuple[DiscoveryTask, ...], one_person: bool = False
    ) -> tuple[RoleEntry, ...]:
        """Every role with its title for this profile, what it answers for, and what it owns."""
        entries = []
        for role in self.q.roles:
            if one_person:
                duty = ("Everything in this plan: approving it, finding the time it needs, doing its actions and "
                        "accepting the risk that remains.")
            elif self.director is not None and role.id == self.director.id:
                duty = "Approves this plan, provides the budget and time it needs, and accepts residual risk."
            elif self.security_owner is not None and role.id == self.security_owner.id:
                leader = self.title_of(self.director.id) if self.director is not None else ""
                duty = ("Keeps this plan up to date and tracks the actions and discovery tasks."
                        if leader == self.role_titles[role.id] else
                        "Keeps this plan up to date, tracks the actions and discovery tasks, and reports progress "
                        "to leadership.")
            elif leader_title := (self.title_of(self.director.id) if self.director is not None else ""):
                duty = ("Carries out the actions below." if leader_title == self.role_titles[role.id]
                        else "Carries out the actions below and reports when each is done.")
            else:
                duty = "Carries out the actions below and reports when each is done."
            entries.append(
                RoleEntry(
                    id=one_line(role.id),
                    title=self.role_titles[role.id],
                    accountability=duty,
                    actions=tuple(a.id for a in actions if a.owner == one_line(role.id)),
                    discovery=tuple(t.question_id for t in discovery if t.ask == one_line(role.id)),
                )
            )
        return tuple(entries)

    def risks(self, action_ids: frozenset[str]) -> tuple[RiskEntry, ...]:
        """The risk register: risks that apply, rated after adjustments, highest first."""
        entries = [
            self.risk(r, i, action_ids)
            for i, r in enumerate(self.q.risks)
            if r.when is None or r.when.evaluate(self.effective)
        ]
        return tuple(sorted(entries, key=lambda e: (-e.score, -e.impact, e.order)))

    def risk(self, risk: Risk, index: int, action_ids: frozenset[str]) -> RiskEntry:
        """One risk rated for this organisation."""
        likelihood = _clamp(risk.likelihood)
        impact = _clamp(risk.impact)
        for adj in risk.adjustments:
            if adj.when.evaluate(self.effective):
                likelihood = _clamp(likelihood + adj.likelihood)
                impact = _clamp(impact + adj.impact)
        score = likelihood * impact
        return RiskEntry(
            id=one_line(risk.id),
            title=one_line(risk.title),
            description=one_line(risk.description),
            base_likelihood=_clamp(risk.likelihood),
            base_impact=_clamp(risk.impact),
            likelihood=likelihood,
            impact=impact,
            score=score,
            rating=risk_rating(score),
            treated_by=tuple(a for a in risk.treated_by if a in action_ids),
            order=index,
        )

    def domain(self, domain: str, actions: tuple[PlannedAction, ...]) -> DomainPlan:
        """Strengths, partial controls, actions and maturity of one domain."""
        controls = [q for q in self.visible if self.is_control(q) and self.domain_of_section[q.section] == domain]
        counts = {"in": 0, "partial": 0, "not": 0, "na": 0, "dk": 0, "none": 0}
        strengths: list[Fact] = []
        partial: list[Fact] = []
        for q in controls:
            status = self.status(q)
            if status is None:
                counts["none"] += 1
            elif status == DONT_KNOW:
                counts["dk"] += 1
            elif status == NOT_APPLICABLE:
                counts["na"] += 1
            elif status is Status.IN_PLACE:
                counts["in"] += 1
                fact = self.fact(q)
                strengths.append(Fact(fact.question_id, one_line(q.strength) or fact.question, fact.answer))
            elif status is Status.PARTIAL:
                counts["partial"] += 1
                partial.append(self.fact(q))
            else:
                counts["not"] += 1
        title = DOMAIN_TITLES.get(domain, domain)
        maturity = Maturity(
            domain=domain,
            title=title,
            controls=len(controls),
            in_place=counts["in"],
            partial=counts["partial"],
            not_in_place=counts["not"],
            not_applicable=counts["na"],
            dont_know=counts["dk"],
            unanswered=counts["none"],
        )
        return DomainPlan(
            domain=domain,
            title=title,
            clause=DOMAIN_CLAUSES.get(domain, "5.4"),
            maturity=maturity,
            strengths=tuple(strengths),
            partial=tuple(partial),
            actions=tuple(a for a in actions if a.domain == domain),
        )

    def roadmap(self, actions: tuple[PlannedAction, ...]) -> tuple[RoadmapPhase, ...]:
        """Time boxes by due date: the first 30 days, within 90 days, within 12 months, and year two when the
        work does not fit in a year. Done and "won't do" actions are left out."""
        year = MONTH_DAYS * YEAR_MONTHS
        phases = (
            ("30_days", "First 30 days", "P1", PRIORITY_DAYS["P1"]),
            ("90_days", "Within 90 days", "P2", PRIORITY_DAYS["P2"]),
            ("12_months", "Within 12 months", "P3", year),
        )
        open_ = sorted((a for a in actions if a.status not in ("done", "wont")), key=lambda a: (a.due, a.rank))
        result = []
        low = -10**6
        for key, title, priority, days in phases:
            chosen = [a for a in open_ if low < (a.due - self.plan_date).days <= days]
            low = days
            result.append(RoadmapPhase(key, title, priority, self.plan_date + timedelta(days=days),
                                       tuple(a.id for a in chosen)))
        later = [a for a in open_ if (a.due - self.plan_date).days > year]
        if later:
            result.append(RoadmapPhase("year_two", "Year two", "P3", max(a.due for a in later),
                                       tuple(a.id for a in later)))
        return tuple(result)

    def training(self, actions: tuple[PlannedAction, ...]) -> ThemedSection:
        """Training and awareness (ISO 22342 5.4.3, 5.2.7)."""
        return ThemedSection(
            key="training",
            title="Training and awareness",
            clause="5.4.3, 5.2.7",
            paragraphs=(
                "Everyone gets a short security briefing when they join and a refresher every year: how to "
                "spot "
                "phishing and payment-diversion fraud, how and where to report anything odd without blame, "
                "and the "
                "rules of this plan that apply to them.",
                "People in higher-risk roles (finance, administrators, reception, anyone who handles cash or "
                "personal data) get a short session on the tricks aimed at their role.",
                "Keep a simple record of who was briefed, on what, and when.",
            ),
            actions=tuple(a.id for a in actions if _refs_match(a.references, TRAINING_REFS)),
        )

    def incident_response(self, actions: tuple[PlannedAction, ...]) -> ThemedSection:
        """Incident response and continuity (ISO 22342 5.4.5)."""
        return ThemedSection(
            key="incident_response",
            title="Incident response and continuity",
            clause="5.4.5",
            paragraphs=(
                "Keep a one-page incident plan within reach, on paper as well: who decides, who to call (IT "
                "support, insurer, bank, police, the data-protection regulator), how to cut an affected "
                "system off, "
                "how to restore from backups, and how to learn from what happened.",
                "A breach of personal data may have to be reported to the regulator within 72 hours of "
                "discovery; "
                "record the decision and the reasons either way.",
                "For each critical service, write down how work would go on without it for a week: "
                "workarounds, "
                "priorities, contacts, and who may spend money in a crisis.",
                "Rehearse once a year with a short table-top exercise, and after any real incident.",
            ),
            actions=tuple(a.id for a in actions if _refs_match(a.references, RESPONSE_REFS)),
        )

    def selection(self, actions: tuple[PlannedAction, ...]) -> ThemedSection:
        """Selection of controls (ISO 22342 5.5.2): how the actions came to be in the plan."""
        return ThemedSection(
            key="selection",
            title="Selection of controls",
            clause="5.5.2",
            paragraphs=(
                f"The {len(actions)} action{'s' if len(actions) != 1 else ''} of this plan were selected "
                "from the "
                f'action library of the questionnaire "{one_line(self.q.title)}" by the answers given: each '
                f"action lists the answers that triggered it, its priority, owner and due date, and the "
                "control "
                f"catalogues it maps to (appendix B).",
                "Where a control cannot be put in place, record the decision and the reason, and accept the "
                "residual risk in the risk register.",
            ),
            actions=(),
        )

    def implementation(self) -> ThemedSection:
        """Implementation, testing and evaluation (ISO 22342 5.5.3)."""
        return ThemedSection(
            key="implementation",
            title="Implementation, testing and evaluation",
            clause="5.5.3",
            paragraphs=(
                "When an action is done, record the date, who did it and the evidence: a screenshot, a "
                "contract "
                "clause, a log entry, a signed form.",
                "Test each control after it is put in place: restore a file from backup, try to sign in "
                "without "
                "the second step, walk the premises after hours, check that a leaver's account no longer "
                "works.",
            ),
            actions=(),
        )

    def review(self, actions: tuple[PlannedAction, ...], one_person: bool = False) -> Review:
        """Monitoring and review (ISO 22342 5.5.4, 5.2.10, 5.2.11, 5.3.7)."""
        owner = self.title_of(self.security_owner.id) if self.security_owner else "The security lead"
        if one_person:
            progress = ("Every quarter, set aside an hour to look at this plan: actions done, late and blocked, "
                        "open discovery tasks, and any incident or near miss.")
        else:
            progress = (f"{owner} reports progress to the people who run the organisation at least every quarter "
                        "(at management meetings where there are any): actions done, late and blocked, open "
                        "discovery tasks, and any incident or near miss.")
        return Review(
            next_review=self.plan_date + timedelta(days=REVIEW_DAYS),
            triggers=REVIEW_TRIGGERS,
            paragraphs=(
                progress,
                "At each review, answer the questionnaire again, compile a new version of this plan, and "
                "compare "
                "the maturity of each domain with the last version.",
            ),
            actions=tuple(a.id for a in actions if _refs_match(a.references, MONITORING_REFS)),
        )

    def discovery(self, conditional: tuple[ConditionalAction, ...] = ()) -> tuple[DiscoveryTask, ...]:
        """A task for every visible question answered "don't know", with the conditional actions it decides."""
        tasks = []
        fallback = self.security_owner or self.director
        for q in self.visible:
            if self.effective.get(q.id) != DONT_KNOW:
                continue
            ask = ""
            if q.discover is not None and q.discover.ask and self.q.role(q.discover.ask) is not None:
                ask = q.discover.ask
            elif fallback is not None:
                ask = fallback.id
            ask_title = self.title_of(ask) if ask else "Security owner"
            how = clean_text(q.discover.how, keep_newlines=True).strip() if q.discover is not None else ""
            tasks.append(
                DiscoveryTask(
                    question_id=one_line(q.id),
                    question=one_line(q.text),
                    section=self.section_title.get(q.section, q.section),
                    ask=one_line(ask),
                    ask_title=ask_title,
                    how=one_line(how) or GENERIC_DISCOVERY_HOW,
                    due=self.plan_date + timedelta(days=DISCOVERY_DAYS),
                    conditional=tuple(c.id for c in conditional if q.id in c.questions),
                )
            )
        return tuple(tasks)

    def answers_appendix(self) -> tuple[AnswerSection, ...]:
        """Every visible question with its answer, by section; hidden questions are left out."""
        result = []
        for section in self.q.sections:
            rows = []
            for q in section.questions:
                if q.id not in self.visible_ids:
                    continue
                value = self.effective.get(q.id)
                rows.append(
                    AnswerRow(
                        question_id=one_line(q.id),
                        question=one_line(q.text),
                        answer=NOT_ANSWERED if value is None else answer_text(q, value),
                        value=None if value is None else _clean_value(value),
                        note=one_line(self.notes.get(q.id, "")) if value is not None else "",
                    )
                )
            if rows:
                result.append(AnswerSection(one_line(section.id), one_line(section.title), tuple(rows)))
        return tuple(result)

    def references(self, actions: tuple[PlannedAction, ...]) -> tuple[ReferenceEntry, ...]:
        """Every control reference the plan's actions cite, by catalogue then number."""
        users: dict[str, list[str]] = {}
        for action in actions:
            for ref in action.references:
                users.setdefault(ref, [])
                if action.id not in users[ref]:
                    users[ref].append(action.id)
        rank = {prefix: i for i, (prefix, _) in enumerate(CATALOGUES)}
        names = dict(CATALOGUES)

        def key(ref: str) -> tuple[int, str, tuple[tuple[int, int | str], ...]]:
            prefix = ref.split(":", 1)[0]
            return (rank.get(prefix, len(rank)), prefix, _natural_key(ref))

        return tuple(
            ReferenceEntry(ref, names.get(ref.split(":", 1)[0], "Other"), tuple(users[ref]))
            for ref in sorted(users, key=key)
        )


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _clamp(value: int) -> int:
    return max(1, min(5, value))




def _parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None
