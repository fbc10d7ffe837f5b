"""The plan tree: the frozen dataclasses a compiled Plan is made of, from the document control to the schedule.

Every string in them is already cleaned of control characters (escaping for Markdown is the renderer's job).
The compiler's modules build them; the renderers, the living plan and the services read them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from secplan_tui.core.engine import DONE
from secplan_tui.plan.schedule import YEAR_MONTHS
from secplan_tui.plan.vocabulary import DEFAULT_HOURS


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


def _action_key(action: PlannedAction) -> tuple[int, int]:
    return (action.rank, action.order)


def _hours(value: float) -> str:
    """Hours as a short number: 2, 2.5, 0.5."""
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}".rstrip("0").rstrip(".")
