"""The inputs of one compile and the lookups every part of the plan uses.

A :class:`Context` holds the questionnaire, the answers in effect, the visible questions, each role's title for
this profile, the director and the security lead, and whether anybody can do technical work now. The modules
that build the plan's parts (actions, risks, maturity, discovery, roles, the schedule...) take it as their first
argument; nothing changes it once it is made.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from secplan_tui.core.engine import Flow
from secplan_tui.core.model import Action, ActionStatus, AnswerValue, Question, Questionnaire, Role
from secplan_tui.plan.escape import one_line
from secplan_tui.plan.facts import answer_text
from secplan_tui.plan.records import Fact
from secplan_tui.plan.vocabulary import NOT_ANSWERED

DIRECTOR_ROLE_IDS: tuple[str, ...] = ("director", "owner", "ceo", "md", "management", "leadership")
SECURITY_OWNER_ROLE_IDS: tuple[str, ...] = (
    "security_owner",
    "so",
    "security",
    "security_lead",
    "ciso",
    "secowner",
)
"""Role ids of the director and of the security lead, in order of preference, when the questionnaire's planning
section names neither (else: the first role whose title has a telling word)."""


class Context:
    """The inputs of one compile and the lookups derived from them, made once and read by every part."""

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

    def owner_of(self, action: Action) -> str:
        """The role that does the action: technical work goes to the technical role when nobody technical is
        available now (it is the provider to find)."""
        planning = self.q.planning
        if self.nobody_technical and action.skill != "anyone" and action.id != planning.it_help_action:
            return planning.technical_role
        return action.owner
