"""Compile a questionnaire and its answers into a Plan: a pure function of (questionnaire, answers, date).

The Plan is a tree of frozen dataclasses holding everything the renderers need, already ordered and with every
string cleaned of control characters (escaping for Markdown is the renderer's job). Nothing here reads a file,
the clock or a random source, so the same inputs always give the same Plan.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from secplan_tui import __version__
from secplan_tui.engine import Flow
from secplan_tui.model import (
    DOMAIN_TITLES,
    DOMAINS,
    DONT_KNOW,
    NOT_APPLICABLE,
    PRIORITY_DAYS,
    Action,
    AnswerValue,
    Question,
    Questionnaire,
    QuestionType,
    Risk,
    Role,
    Status,
)
from secplan_tui.plan.sanitize import clean_text, one_line

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
    """An action of the library that the answers trigger, with its owner and due date."""

    id: str
    """The action's id in the library."""
    title: str
    """What to do, in one line."""
    domain: str
    """One of CONTROL_DOMAINS."""
    priority: str
    """P1, P2 or P3."""
    owner: str
    """The owning role's id."""
    owner_title: str
    """The owning role's title for this profile."""
    due: date
    """Plan date + PRIORITY_DAYS[priority]."""
    effort: str
    """S, M or L."""
    how: str
    """What to do; line breaks kept (numbered steps are common)."""
    why: str
    """Why it matters; line breaks kept."""
    references: tuple[str, ...]
    """Control identifiers such as ``ISO27001:A.8.5``."""
    triggers: tuple[Fact, ...]
    """The answers the action's condition depends on (visible, answered), in questionnaire order."""
    order: int
    """Position in the action library; breaks ties after priority."""


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
        """Controls that count toward the score (all but "not applicable")."""
        return self.controls - self.not_applicable

    @property
    def score(self) -> float | None:
        """(in place + partial / 2) / applicable, or None when no control applies."""
        if self.applicable <= 0:
            return None
        return (self.in_place + self.partial / 2) / self.applicable

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
    """Plan date + 30 days."""

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

    def actions(self) -> tuple[PlannedAction, ...]:
        """Every action in the plan, by priority then library order."""
        found = [a for d in self.domains for a in d.actions]
        return tuple(sorted(found, key=_action_key))

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

    Returns:
        The plan.
    """
    return _Compiler(questionnaire, answers, plan_date).build(one_line(session_name), one_line(generated_by))


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
    return (PRIORITY_ORDER.get(action.priority, 9), action.order)


def _natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", text) if part)


def _clean_value(value: AnswerValue) -> str | int | float | tuple[str, ...]:
    if isinstance(value, list | tuple):
        return tuple(one_line(str(v)) for v in value)
    if isinstance(value, str):
        return clean_text(value).strip()
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

    def __init__(self, questionnaire: Questionnaire, answers: Mapping[str, AnswerValue], plan_date: date) -> None:
        self.q = questionnaire
        self.plan_date = plan_date
        self.flow = Flow(questionnaire, answers)
        self.effective = self.flow.effective_answers()
        self.visible = self.flow.visible_questions()
        self.visible_ids = frozenset(q.id for q in self.visible)
        self.order = {q.id: i for i, q in enumerate(questionnaire.questions())}
        self.domain_of_section = {s.id: s.domain for s in questionnaire.sections}
        self.section_title = {s.id: one_line(s.title) for s in questionnaire.sections}
        self.role_titles = {r.id: self._role_title(r) for r in questionnaire.roles}
        self.director = self._find_role(DIRECTOR_ROLE_IDS, ("director", "chief executive", "managing"))
        self.security_owner = self._find_role(SECURITY_OWNER_ROLE_IDS, ("security",))

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
        actions = self.actions()
        action_ids = frozenset(a.id for a in actions)
        discovery = self.discovery()
        domains = tuple(self.domain(d, actions) for d in CONTROL_DOMAINS)
        risks = self.risks(action_ids)
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
        return Plan(
            metadata=metadata,
            profile=profile,
            objectives=self.objectives(organisation, actions, risks, domains, discovery),
            roles=self.roles(actions, discovery),
            risks=risks,
            domains=domains,
            roadmap=self.roadmap(actions),
            training=self.training(actions),
            incident_response=self.incident_response(actions),
            selection=self.selection(actions),
            implementation=self.implementation(),
            review=self.review(actions),
            discovery=discovery,
            answers=self.answers_appendix(),
            references=self.references(actions),
        )

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
        p1 = [a for a in actions if a.priority == "P1"]
        if p1:
            found.append(
                f"Complete the {len(p1)} first-priority (P1) action{'s' if len(p1) != 1 else ''} by "
                f"{(self.plan_date + timedelta(days=PRIORITY_DAYS['P1'])).isoformat()}."
            )
        if actions:
            last = max(a.due for a in actions)
            found.append(f"Complete all {len(actions)} actions of this plan by {last.isoformat()}.")
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
            if score is not None and score < 1:
                found.append(
                    f"Raise the weakest domain, {weakest.title.lower()} (scoring {weakest.maturity.percent}% "
                    f"now), to at least {max(50, min(100, (weakest.maturity.percent or 0) + 30))}% by the next "
                    "review."
                )
        if discovery:
            found.append(
                f"Answer the {len(discovery)} open question{'s' if len(discovery) != 1 else ''} (discovery "
                "tasks) "
                f"by {(self.plan_date + timedelta(days=DISCOVERY_DAYS)).isoformat()} and compile the plan "
                "again."
            )
        found.append(
            f"Review this plan by {(self.plan_date + timedelta(days=REVIEW_DAYS)).isoformat()}, or sooner "
            f"after any of the events listed under monitoring and review."
        )
        return tuple(found)

    def actions(self) -> tuple[PlannedAction, ...]:
        """The triggered actions, by priority then library order."""
        found: list[PlannedAction] = []
        for index, action in enumerate(self.q.actions):
            if action.when.evaluate(self.effective):
                found.append(self.planned(action, index))
        return tuple(sorted(found, key=_action_key))

    def planned(self, action: Action, index: int) -> PlannedAction:
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
        # The loader only lets P1-P3 through; an action built in code with anything else is planned as P3.
        priority = action.priority if action.priority in PRIORITY_DAYS else "P3"
        return PlannedAction(
            id=one_line(action.id),
            title=one_line(action.title),
            domain=domain,
            priority=priority,
            owner=one_line(action.owner),
            owner_title=self.title_of(action.owner),
            due=self.plan_date + timedelta(days=PRIORITY_DAYS[priority]),
            effort=one_line(action.effort),
            how=clean_text(action.how).strip(),
            why=clean_text(action.why).strip(),
            references=tuple(one_line(r) for r in action.references),
            triggers=triggers,
            order=index,
        )

    def roles(self, actions: tuple[PlannedAction, ...], discovery: tuple[DiscoveryTask, ...]) -> tuple[RoleEntry, ...]:
        """Every role with its title for this profile, what it answers for, and what it owns."""
        entries = []
        for role in self.q.roles:
            if self.director is not None and role.id == self.director.id:
                duty = "Approves this plan, provides the budget and time it needs, and accepts residual risk."
            elif self.security_owner is not None and role.id == self.security_owner.id:
                duty = (
                    "Keeps this plan up to date, tracks the actions and discovery tasks, and reports "
                    "progress "
                    "to leadership."
                )
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
        """Three time boxes: P1 in the first 30 days, P2 within 90 days, P3 within 12 months."""
        domain_rank = {d: i for i, d in enumerate(CONTROL_DOMAINS)}
        phases = (
            ("30_days", "First 30 days", "P1"),
            ("90_days", "Within 90 days", "P2"),
            ("12_months", "Within 12 months", "P3"),
        )
        result = []
        for key, title, priority in phases:
            chosen = sorted(
                (a for a in actions if a.priority == priority),
                key=lambda a: (a.due, domain_rank.get(a.domain, 9), a.order),
            )
            result.append(
                RoadmapPhase(
                    key,
                    title,
                    priority,
                    self.plan_date + timedelta(days=PRIORITY_DAYS[priority]),
                    tuple(a.id for a in chosen),
                )
            )
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

    def review(self, actions: tuple[PlannedAction, ...]) -> Review:
        """Monitoring and review (ISO 22342 5.5.4, 5.2.10, 5.2.11, 5.3.7)."""
        owner = self.title_of(self.security_owner.id) if self.security_owner else "The security owner"
        return Review(
            next_review=self.plan_date + timedelta(days=REVIEW_DAYS),
            triggers=REVIEW_TRIGGERS,
            paragraphs=(
                f"{owner} reports progress at management meetings, at least every quarter: actions done, "
                "late "
                f"and blocked, open discovery tasks, and any incident or near miss.",
                "At each review, answer the questionnaire again, compile a new version of this plan, and "
                "compare "
                "the maturity of each domain with the last version.",
            ),
            actions=tuple(a.id for a in actions if _refs_match(a.references, MONITORING_REFS)),
        )

    def discovery(self) -> tuple[DiscoveryTask, ...]:
        """A task for every visible question answered "don't know"."""
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
            how = clean_text(q.discover.how).strip() if q.discover is not None else ""
            tasks.append(
                DiscoveryTask(
                    question_id=one_line(q.id),
                    question=one_line(q.text),
                    section=self.section_title.get(q.section, q.section),
                    ask=one_line(ask),
                    ask_title=ask_title,
                    how=one_line(how) or GENERIC_DISCOVERY_HOW,
                    due=self.plan_date + timedelta(days=DISCOVERY_DAYS),
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


def _clamp(value: int) -> int:
    return max(1, min(5, value))
