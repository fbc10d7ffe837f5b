"""The questionnaire flow: which questions are visible given the answers, where to go next, progress, and
checking each value a user gives."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from secplan_tui.errors import InvalidInput
from secplan_tui.model import (
    DONT_KNOW,
    NOT_APPLICABLE,
    SPECIAL_VALUES,
    AnswerValue,
    Question,
    Questionnaire,
    QuestionType,
    Section,
)
from secplan_tui.sanitize import clean_text

if TYPE_CHECKING:
    from secplan_tui.conditions import Condition

DEFAULT_TEXT_LENGTH = 200
DEFAULT_LONGTEXT_LENGTH = 4000


@dataclass(frozen=True)
class SectionProgress:
    """How far a section is answered."""

    section: Section
    visible: int
    """Questions shown given the answers so far."""
    answered: int
    """Visible questions with any answer, "don't know" included."""
    dont_know: int
    """Visible questions answered "don't know"."""

    @property
    def complete(self) -> bool:
        """Whether every visible question has an answer."""
        return self.answered >= self.visible

    @property
    def skipped(self) -> bool:
        """Whether the whole section is hidden by the answers."""
        return self.visible == 0


class Flow:
    """The flow through one questionnaire for one set of answers.

    Answers to hidden questions may be present (they are kept in the store); they take no part in conditions,
    progress or the plan.

    Args:
        questionnaire: The questionnaire.
        answers: Every stored answer, by question id.
    """

    def __init__(self, questionnaire: Questionnaire, answers: Mapping[str, AnswerValue]) -> None:
        self.questionnaire = questionnaire
        self.answers = dict(answers)
        self._visible: dict[str, bool] = {}
        self._section_on: dict[str, bool] = {}
        self._effective: dict[str, AnswerValue] = {}
        # Conditions refer only to earlier questions (the validator checks), so one pass in order settles all.
        for section in questionnaire.sections:
            section_on = section.when is None or section.when.evaluate(self._effective)
            self._section_on[section.id] = section_on
            for q in section.questions:
                shown = section_on and (q.when is None or q.when.evaluate(self._effective))
                self._visible[q.id] = shown
                if shown and q.id in self.answers:
                    self._effective[q.id] = self.answers[q.id]

    def is_visible(self, question_id: str) -> bool:
        """Whether the question is shown given the answers."""
        return self._visible.get(question_id, False)

    def visible_questions(self) -> list[Question]:
        """The questions shown given the answers, in order."""
        return [q for q in self.questionnaire.questions() if self._visible.get(q.id, False)]

    def effective_answers(self) -> dict[str, AnswerValue]:
        """The answers of visible questions: what conditions and the plan see."""
        return dict(self._effective)

    def hidden_answers(self) -> dict[str, AnswerValue]:
        """Stored answers of questions that are hidden now, or no longer in the questionnaire."""
        return {k: v for k, v in self.answers.items() if k not in self._effective}

    def removed_answers(self) -> dict[str, AnswerValue]:
        """Stored answers to questions this questionnaire version no longer has."""
        return {k: v for k, v in self.answers.items() if k not in self._visible}

    def next_question(self, current: str | None) -> Question | None:
        """The visible question after ``current`` (the first one when None), or None at the end."""
        visible = self.visible_questions()
        if current is None:
            return visible[0] if visible else None
        order = [q.id for q in self.questionnaire.questions()]
        if current not in order:
            return visible[0] if visible else None
        pos = order.index(current)
        for q in visible:
            if order.index(q.id) > pos:
                return q
        return None

    def previous_question(self, current: str | None) -> Question | None:
        """The visible question before ``current`` (the last one when None), or None at the start."""
        visible = self.visible_questions()
        if current is None:
            return visible[-1] if visible else None
        order = [q.id for q in self.questionnaire.questions()]
        if current not in order:
            return None
        pos = order.index(current)
        before = [q for q in visible if order.index(q.id) < pos]
        return before[-1] if before else None

    def first_unanswered(self) -> Question | None:
        """The first visible question with no answer: where to resume."""
        for q in self.visible_questions():
            if q.id not in self._effective:
                return q
        return None

    def first_in_section(self, section_id: str) -> Question | None:
        """The first visible question of a section (for jumping), or None if the section is hidden."""
        for q in self.visible_questions():
            if q.section == section_id:
                return q
        return None

    def unanswered(self) -> list[Question]:
        """Visible questions with no answer yet."""
        return [q for q in self.visible_questions() if q.id not in self._effective]

    def dont_know(self) -> list[Question]:
        """Visible questions answered "don't know"."""
        return [q for q in self.visible_questions() if self._effective.get(q.id) == DONT_KNOW]

    def progress(self) -> list[SectionProgress]:
        """Progress of each section, in order."""
        result = []
        for section in self.questionnaire.sections:
            shown = [q for q in section.questions if self._visible[q.id]]
            answered = [q for q in shown if q.id in self._effective]
            unknown = [q for q in answered if self._effective[q.id] == DONT_KNOW]
            result.append(SectionProgress(section, len(shown), len(answered), len(unknown)))
        return result

    def counts(self) -> tuple[int, int]:
        """(answered, visible) over the whole questionnaire."""
        visible = sum(1 for v in self._visible.values() if v)
        return len(self._effective), visible

    def position(self, question_id: str) -> tuple[int, int, bool]:
        """Where a question stands, as "question N of about T": (N, T, whether T is final).

        T counts the questions shown now, plus hidden ones that may still appear: each condition that hides them
        now (the section's, the question's) waits on a question not answered yet. So the total starts near the
        most that can be asked and settles as the answers come in, instead of growing under the user's feet; it
        is final when no hidden question may still appear. Both front ends show this.
        """
        answered = self._effective
        open_ids: set[str] = set()
        """Questions shown but unanswered, or not known to be hidden yet."""

        def may_open(condition: Condition | None, holds: bool) -> bool:
            return holds or (condition is not None and not condition.question_ids().isdisjoint(open_ids))

        count = number = shown = 0
        for section in self.questionnaire.sections:
            section_on = self._section_on[section.id]
            for question in section.questions:
                if self._visible[question.id]:
                    counted = True
                    shown += 1
                    if question.id not in answered:
                        open_ids.add(question.id)
                else:
                    question_on = question.when is None or question.when.evaluate(answered)
                    counted = may_open(section.when, section_on) and may_open(question.when, question_on)
                    if counted:
                        open_ids.add(question.id)
                count += counted
                if question.id == question_id:
                    number = max(count, 1)
        return number, count, count == shown

    def completeness(self) -> float:
        """The share of visible questions answered, 0 to 1."""
        answered, visible = self.counts()
        return 1.0 if visible == 0 else answered / visible

    def is_complete(self) -> bool:
        """Whether every visible question has an answer."""
        answered, visible = self.counts()
        return answered >= visible


def check_answer(question: Question, value: object) -> AnswerValue:
    """Check a value given for a question and return it in stored form.

    Accepts a choice id, a list of choice ids, a number, a text, or "dont_know" / "not_applicable" where the
    question offers them. Text is cleaned of control characters.

    Raises:
        InvalidInput: the value does not fit the question; the message names the question and what is allowed.
    """
    qid = question.id
    if isinstance(value, str) and value.strip() in SPECIAL_VALUES:
        special = value.strip()
        if special == DONT_KNOW and not question.dont_know:
            raise InvalidInput("Invalid answer", f"question '{qid}' does not offer \"don't know\"")
        if special == NOT_APPLICABLE and not question.not_applicable:
            raise InvalidInput("Invalid answer", f"question '{qid}' does not offer \"not applicable\"")
        return special
    kind = question.type
    if kind in (QuestionType.SINGLE, QuestionType.YESNO):
        if isinstance(value, bool) and kind is QuestionType.YESNO:
            value = "yes" if value else "no"
        if not isinstance(value, str):
            raise InvalidInput(
                "Invalid answer", f"question '{qid}' expects one choice id; {_choices(question)}"
            )
        choice = value.strip()
        if question.choice(choice) is None:
            raise InvalidInput(
                "Invalid answer",
                f"'{clean_text(choice)}' is not a choice of question '{qid}'; {_choices(question)}",
            )
        return choice
    if kind is QuestionType.MULTI:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise InvalidInput(
                "Invalid answer", f"question '{qid}' expects a list of choice ids; {_choices(question)}"
            )
        picked: list[str] = []
        for v in value:
            c = v.strip()
            if question.choice(c) is None:
                raise InvalidInput(
                    "Invalid answer",
                    f"'{clean_text(c)}' is not a choice of question '{qid}'; {_choices(question)}",
                )
            if c not in picked:
                picked.append(c)
        if not picked:
            raise InvalidInput("Invalid answer", f"question '{qid}': pick at least one choice; {_choices(question)}")
        alone = [c for c in picked if (ch := question.choice(c)) is not None and ch.exclusive]
        if alone and len(picked) > 1:
            raise InvalidInput("Invalid answer", f"question '{qid}': '{alone[0]}' cannot be picked with other choices")
        order = question.choice_ids()
        return sorted(picked, key=order.index)
    if kind is QuestionType.NUMBER:
        number = _number(question, value)
        if question.minimum is not None and number < question.minimum:
            raise InvalidInput("Invalid answer", f"question '{qid}' needs at least {_fmt(question.minimum)}")
        if question.maximum is not None and number > question.maximum:
            raise InvalidInput("Invalid answer", f"question '{qid}' allows at most {_fmt(question.maximum)}")
        return number
    # text and long text
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise InvalidInput("Invalid answer", f"question '{qid}' expects text")
    text = clean_text(value, keep_newlines=kind is QuestionType.LONGTEXT).strip()
    default_limit = DEFAULT_LONGTEXT_LENGTH if kind is QuestionType.LONGTEXT else DEFAULT_TEXT_LENGTH
    limit = question.max_length or default_limit
    if len(text) > limit:
        raise InvalidInput(
            "Invalid answer", f"question '{qid}' allows at most {limit} characters ({len(text)} given)"
        )
    if not text:
        raise InvalidInput(
            "Invalid answer", f"question '{qid}': the answer is empty; skip the question instead"
        )
    return text


def _number(question: Question, value: object) -> int | float:
    qid = question.id
    if isinstance(value, bool):
        raise InvalidInput("Invalid answer", f"question '{qid}' expects a number")
    if isinstance(value, str):
        typed = value
        text = typed.strip().replace(",", "").replace("_", "")
        try:
            value = int(text) if text.lstrip("+-").isdigit() else float(text)
        except ValueError:
            raise InvalidInput(
                "Invalid answer", f"question '{qid}' expects a number, not '{clean_text(typed)}'"
            ) from None
    if not isinstance(value, int | float):
        raise InvalidInput("Invalid answer", f"question '{qid}' expects a number")
    if isinstance(value, float) and not math.isfinite(value):
        raise InvalidInput("Invalid answer", f"question '{qid}' expects a finite number")
    if question.integer:
        if isinstance(value, float):
            if not value.is_integer():
                raise InvalidInput("Invalid answer", f"question '{qid}' expects a whole number")
            value = int(value)
        return value
    return value


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _choices(question: Question) -> str:
    ids = ", ".join(question.choice_ids())
    extra = []
    if question.dont_know:
        extra.append(DONT_KNOW)
    if question.not_applicable:
        extra.append(NOT_APPLICABLE)
    more = f" (or {', '.join(extra)})" if extra else ""
    return f"the choices are {ids}{more}"
