"""The questionnaire flow: which questions are visible given the answers, where to go next, progress, and
checking each value a user gives."""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from secplan_tui.core.errors import InvalidInput
from secplan_tui.core.model import (
    DOMAINS,
    DONT_KNOW,
    NOT_APPLICABLE,
    SPECIAL_VALUES,
    AnswerValue,
    Question,
    Questionnaire,
    QuestionType,
    Section,
)
from secplan_tui.core.text import clean_text

if TYPE_CHECKING:
    from secplan_tui.core.conditions import Condition

DEFAULT_TEXT_LENGTH = 200
DEFAULT_LONGTEXT_LENGTH = 4000


ESSENTIALS = "essentials"
DETAILS = "details"
DONE = "done"
PASSES: tuple[str, ...] = (ESSENTIALS, DETAILS)
"""The two passes through a questionnaire: the essentials of every domain first, then the details."""

WORDS_PER_MINUTE = 150
"""Reading speed assumed for the time left: careful reading of unfamiliar text while deciding on an answer
(adults read plain prose at 200-250 words a minute; questions make them stop and think). Over the ISO 22342
questionnaire's 10,000 words this gives about 65 minutes, as new users took 60-90."""


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
    waiting: bool = False
    """Some hidden question of the section may still appear: a condition hiding it waits on an open answer."""
    elsewhere: int = 0
    """For the progress of one pass: visible questions of the section asked in the other pass."""

    @property
    def complete(self) -> bool:
        """Whether every visible question has an answer."""
        return self.answered >= self.visible

    @property
    def skipped(self) -> bool:
        """Whether the whole section is hidden by the answers (it may still appear while ``waiting``)."""
        return self.visible == 0 and self.elsewhere == 0

    @property
    def ruled_out(self) -> bool:
        """Whether the section does not apply, decided by answers given: hidden, and nothing in it waits."""
        return self.skipped and not self.waiting


def question_words(question: Question) -> int:
    """The words a user reads for one question: the question, why it matters, the hint and the choices."""
    texts = [question.text, question.why, question.hint, *(c.label for c in question.choices)]
    return sum(len(t.split()) for t in texts)


def minutes_for(words: int) -> int:
    """Minutes to read ``words`` at :data:`WORDS_PER_MINUTE`, rounded up (0 only for no words)."""
    return math.ceil(words / WORDS_PER_MINUTE)


class Flow:
    """The flow through one questionnaire for one set of answers.

    Answers to hidden questions may be present (they are kept in the store); they take no part in conditions,
    progress or the plan.

    Questions are asked in two passes: the essential ones of every domain first, then the details, each pass
    in questionnaire order. A questionnaire with no essential question has one pass, the details.

    A "don't know" on a question that gates others does not hide them: a condition that refers to a "don't
    know" answer holds when some answer the user might have given would make it hold (see
    :meth:`Condition.holds_for_some`), and :meth:`assumed` lists what was shown on that assumption.

    Args:
        questionnaire: The questionnaire.
        answers: Every stored answer, by question id.
    """

    def __init__(self, questionnaire: Questionnaire, answers: Mapping[str, AnswerValue]) -> None:
        self.questionnaire = questionnaire
        self.answers = dict(answers)
        self._all = questionnaire.questions()
        self._order = {q.id: i for i, q in enumerate(self._all)}
        self._visible: dict[str, bool] = {}
        self._section_on: dict[str, bool] = {}
        self._effective: dict[str, AnswerValue] = {}
        self._assumed: dict[str, list[str]] = {}
        # Conditions refer only to earlier questions (the validator checks), so one pass in order settles all.
        for section in questionnaire.sections:
            section_on, section_because = self._holds(section.when)
            self._section_on[section.id] = section_on
            for q in section.questions:
                question_on, question_because = self._holds(q.when) if section_on else (False, ())
                shown = section_on and question_on
                self._visible[q.id] = shown
                if shown:
                    for gate in dict.fromkeys((*section_because, *question_because)):
                        self._assumed.setdefault(gate, []).append(q.id)
                    if q.id in self.answers:
                        self._effective[q.id] = self.answers[q.id]
        self._asking = sorted(
            (q for q in self._all if self._visible[q.id]), key=lambda q: (not q.essential, self._order[q.id])
        )
        self._has_essentials = any(q.essential for q in self._all)

    def _holds(self, condition: Condition | None) -> tuple[bool, tuple[str, ...]]:
        """Whether a condition holds, and the "don't know" answers it holds only by assuming."""
        if condition is None or condition.evaluate(self._effective):
            return True, ()
        unsure = sorted(i for i in condition.question_ids() if self._effective.get(i) == DONT_KNOW)
        if not unsure:
            return False, ()
        literals = condition.literals()
        possible: dict[str, list[AnswerValue]] = {}
        for qid in unsure:
            question = self.questionnaire.question(qid)
            possible[qid] = [DONT_KNOW, *(possible_answers(question, literals) if question else [])]
        if condition.holds_for_some(self._effective, possible):
            return True, tuple(unsure)
        return False, ()

    # -- visibility -------------------------------------------------------------------------------------------

    def is_visible(self, question_id: str) -> bool:
        """Whether the question is shown given the answers."""
        return self._visible.get(question_id, False)

    def visible_questions(self) -> list[Question]:
        """The questions shown given the answers, in questionnaire order."""
        return [q for q in self._all if self._visible.get(q.id, False)]

    def asking_order(self) -> list[Question]:
        """The questions shown given the answers, in the order they are asked: essentials, then details."""
        return list(self._asking)

    def effective_answers(self) -> dict[str, AnswerValue]:
        """The answers of visible questions: what conditions and the plan see."""
        return dict(self._effective)

    def hidden_answers(self) -> dict[str, AnswerValue]:
        """Stored answers of questions that are hidden now, or no longer in the questionnaire."""
        return {k: v for k, v in self.answers.items() if k not in self._effective}

    def assumed(self) -> list[tuple[Question, tuple[str, ...]]]:
        """Questions answered "don't know" that gate others, each with the ids of the questions shown only
        because some answer to it would show them, in questionnaire order."""
        found = []
        for q in self._all:
            if q.id in self._assumed and self._visible[q.id]:
                found.append((q, tuple(self._assumed[q.id])))
        return found

    # -- navigation ---------------------------------------------------------------------------------------------

    def _key(self, question_id: str) -> tuple[bool, int] | None:
        q = self.questionnaire.question(question_id)
        if q is None or question_id not in self._order:
            return None
        return (not q.essential, self._order[question_id])

    def next_question(self, current: str | None) -> Question | None:
        """The visible question asked after ``current`` (the first one when None), or None at the end."""
        key = None if current is None else self._key(current)
        if key is None:
            return self._asking[0] if self._asking else None
        for q in self._asking:
            if (not q.essential, self._order[q.id]) > key:
                return q
        return None

    def previous_question(self, current: str | None) -> Question | None:
        """The visible question asked before ``current`` (the last one when None), or None at the start."""
        if current is None:
            return self._asking[-1] if self._asking else None
        key = self._key(current)
        if key is None:
            return None
        before = [q for q in self._asking if (not q.essential, self._order[q.id]) < key]
        return before[-1] if before else None

    def first_unanswered(self) -> Question | None:
        """The first visible question with no answer, in asking order: where to resume."""
        for q in self._asking:
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
        """Visible questions with no answer yet, in questionnaire order."""
        return [q for q in self.visible_questions() if q.id not in self._effective]

    def dont_know(self) -> list[Question]:
        """Visible questions answered "don't know"."""
        return [q for q in self.visible_questions() if self._effective.get(q.id) == DONT_KNOW]

    # -- passes -------------------------------------------------------------------------------------------------

    @property
    def has_essentials(self) -> bool:
        """Whether the questionnaire marks essential questions, so that it is asked in two passes."""
        return self._has_essentials

    @staticmethod
    def pass_of(question: Question) -> str:
        """The pass a question is asked in: ESSENTIALS or DETAILS."""
        return ESSENTIALS if question.essential else DETAILS

    def pass_questions(self, pass_: str) -> list[Question]:
        """The visible questions of a pass, in asking order."""
        return [q for q in self._asking if self.pass_of(q) == pass_]

    def essential_pass_questions(self) -> list[Question]:
        """The visible essential questions, in order."""
        return self.pass_questions(ESSENTIALS)

    def current_pass(self) -> str:
        """ESSENTIALS while a visible essential question is unanswered, DETAILS while a visible detail question is
        unanswered, DONE otherwise."""
        first = self.first_unanswered()
        return DONE if first is None else self.pass_of(first)

    def pass_position(self, question_id: str) -> tuple[int, int]:
        """(number of this question within its pass, questions of that pass that currently apply).

        The number is 0 for a question that is hidden now (or unknown); the count then is of its pass.
        """
        q = self.questionnaire.question(question_id)
        in_pass = self.pass_questions(self.pass_of(q) if q else DETAILS)
        ids = [x.id for x in in_pass]
        return (ids.index(question_id) + 1 if question_id in ids else 0), len(ids)

    def pass_counts(self, pass_: str | None = None) -> tuple[int, int]:
        """(answered, visible) in a pass, or over the whole questionnaire for None."""
        shown = self._asking if pass_ is None else self.pass_questions(pass_)
        return sum(1 for q in shown if q.id in self._effective), len(shown)

    def minutes_left(self, pass_: str | None = None) -> int:
        """Estimated minutes to finish a pass (every pass for None): the words of the questions that apply and
        are unanswered, read at :data:`WORDS_PER_MINUTE`."""
        shown = self._asking if pass_ is None else self.pass_questions(pass_)
        return minutes_for(sum(question_words(q) for q in shown if q.id not in self._effective))

    def detail_counts(self) -> dict[str, int]:
        """Per domain, in plan order, how many detail questions still apply and are unanswered (domains with
        none are left out): what the details would add to a first-pass plan."""
        counts: dict[str, int] = {}
        for q in self.pass_questions(DETAILS):
            if q.id not in self._effective:
                section = self.questionnaire.section(q.section)
                domain = section.domain if section else q.section
                counts[domain] = counts.get(domain, 0) + 1
        order = {d: i for i, d in enumerate(DOMAINS)}
        return dict(sorted(counts.items(), key=lambda kv: order.get(kv[0], len(order))))

    # -- progress -----------------------------------------------------------------------------------------------

    def may_appear(self) -> set[str]:
        """Hidden questions that may still appear: every condition hiding them (the section's, the question's)
        waits on a question that is shown and unanswered, or that may itself appear."""
        open_ids: set[str] = set()
        waiting: set[str] = set()

        def may_open(condition: Condition | None, holds: bool) -> bool:
            return holds or (condition is not None and not condition.question_ids().isdisjoint(open_ids))

        for section in self.questionnaire.sections:
            section_on = self._section_on[section.id]
            for question in section.questions:
                if self._visible[question.id]:
                    if question.id not in self._effective:
                        open_ids.add(question.id)
                    continue
                question_on = question.when is None or question.when.evaluate(self._effective)
                if may_open(section.when, section_on) and may_open(question.when, question_on):
                    open_ids.add(question.id)
                    waiting.add(question.id)
        return waiting

    def progress(self, pass_: str | None = None) -> list[SectionProgress]:
        """Progress of each section, in order: over every question, or over the questions of one pass (then
        ``elsewhere`` counts the section's visible questions of the other pass)."""
        waiting = self.may_appear()
        result = []
        for section in self.questionnaire.sections:
            every = [q for q in section.questions if self._visible[q.id]]
            shown = every if pass_ is None else [q for q in every if self.pass_of(q) == pass_]
            answered = [q for q in shown if q.id in self._effective]
            unknown = [q for q in answered if self._effective[q.id] == DONT_KNOW]
            pending = any(q.id in waiting for q in section.questions)
            result.append(SectionProgress(section, len(shown), len(answered), len(unknown), pending,
                                          len(every) - len(shown)))
        return result

    def counts(self) -> tuple[int, int]:
        """(answered, visible) over the whole questionnaire."""
        visible = sum(1 for v in self._visible.values() if v)
        return len(self._effective), visible

    def completeness(self) -> float:
        """The share of visible questions answered, 0 to 1."""
        answered, visible = self.counts()
        return 1.0 if visible == 0 else answered / visible

    def is_complete(self) -> bool:
        """Whether every visible question has an answer."""
        answered, visible = self.counts()
        return answered >= visible


def possible_answers(question: Question, literals: tuple[str | int | float, ...] = ()) -> list[AnswerValue]:
    """Answers a user might give to a question, enough to decide any condition whose literals are ``literals``.

    Choice questions give every choice (a multiple choice: every combination of the choices named in the
    condition, each with 0, 1, 2... of the other choices, and each exclusive choice alone); a number question
    gives its bounds and each number in the condition with its neighbours, within the bounds; a text gives each
    text in the condition and one other. "Not applicable" is included where offered; "don't know" is not.
    """
    found: list[AnswerValue] = []
    kind = question.type
    if kind in (QuestionType.SINGLE, QuestionType.YESNO):
        found.extend(question.choice_ids())
    elif kind is QuestionType.MULTI:
        named = [c.id for c in question.choices if c.id in literals and not c.exclusive]
        others = [c.id for c in question.choices if c.id not in named and not c.exclusive]
        order = question.choice_ids()
        for size in range(len(named) + 1):
            for subset in itertools.combinations(named, size):
                for extra in range(len(others) + 1):
                    picked = [*subset, *others[:extra]]
                    if picked:
                        found.append(sorted(picked, key=order.index))
        found.extend([c.id] for c in question.choices if c.exclusive)
    elif kind is QuestionType.NUMBER:
        numbers: set[float] = set()
        for bound in (question.minimum, question.maximum):
            if bound is not None:
                numbers.add(bound)
        for lit in literals:
            if isinstance(lit, int | float) and not isinstance(lit, bool):
                numbers.update((lit - 1, lit - 0.5, lit, lit + 0.5, lit + 1))
        if not numbers:
            numbers.add(0 if question.minimum is None else question.minimum)
        for n in sorted(numbers):
            if question.minimum is not None and n < question.minimum:
                continue
            if question.maximum is not None and n > question.maximum:
                continue
            if question.integer:
                if float(n).is_integer():
                    found.append(int(n))
            else:
                found.append(n)
    else:
        texts = [lit for lit in literals if isinstance(lit, str)]
        found.extend(dict.fromkeys(texts))
        found.append(" ".join(texts) + " (some other text)")
    if question.not_applicable:
        found.append(NOT_APPLICABLE)
    return found


class AnswerRejected(InvalidInput):
    """An answer that does not fit its question.

    ``message`` names the question by id, for answers files and scenarios (with their file:line); ``reason``
    says the same in the owner's words, for the app and plain mode, where the question is on screen.
    """

    def __init__(self, question: Question, message: str, reason: str) -> None:
        super().__init__("Invalid answer", message)
        self.question = question
        self.reason = reason


def question_reference(questionnaire: Questionnaire, question: Question, width: int = 50) -> str:
    """A question as the owner knows it: its number in the questionnaire and its short text.

    ``question 12 ("How many people work here?")``; the text is cut at ``width`` characters with an ellipsis.
    """
    ids = [q.id for q in questionnaire.questions()]
    number = ids.index(question.id) + 1 if question.id in ids else 0
    text = " ".join(clean_text(question.text).split())
    if len(text) > width:
        text = text[: width - 1].rstrip() + "\u2026"
    return f'question {number} ("{text}")' if number else f'the question "{text}"'


def check_answer(question: Question, value: object) -> AnswerValue:
    """Check a value given for a question and return it in stored form.

    Accepts a choice id, a list of choice ids, a number, a text, or "dont_know" / "not_applicable" where the
    question offers them. Text is cleaned of control characters.

    Raises:
        AnswerRejected: the value does not fit the question; the message names the question and what is
            allowed, the reason says it in the owner's words.
    """
    qid = question.id

    def reject(message: str, reason: str) -> AnswerRejected:
        return AnswerRejected(question, message, reason)

    if isinstance(value, str) and value.strip() in SPECIAL_VALUES:
        special = value.strip()
        if special == DONT_KNOW and not question.dont_know:
            raise reject(f"question '{qid}' does not offer \"don't know\"",
                         "This question has no \"don't know\" answer: it asks for a plain fact.")
        if special == NOT_APPLICABLE and not question.not_applicable:
            raise reject(f"question '{qid}' does not offer \"not applicable\"",
                         "This question has no \"not applicable\" answer; skip it if it does not fit.")
        return special
    kind = question.type
    if kind in (QuestionType.SINGLE, QuestionType.YESNO):
        if isinstance(value, bool) and kind is QuestionType.YESNO:
            value = "yes" if value else "no"
        if not isinstance(value, str):
            raise reject(f"question '{qid}' expects one choice id; {_choices(question)}",
                         f"Pick one answer: {_labels(question)}.")
        choice = value.strip()
        if question.choice(choice) is None:
            raise reject(f"'{clean_text(choice)}' is not a choice of question '{qid}'; {_choices(question)}",
                         f"\"{_short(choice)}\" is not one of the answers: {_labels(question)}.")
        return choice
    if kind is QuestionType.MULTI:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise reject(f"question '{qid}' expects a list of choice ids; {_choices(question)}",
                         f"Pick one or more answers: {_labels(question)}.")
        picked: list[str] = []
        for v in value:
            c = v.strip()
            if question.choice(c) is None:
                raise reject(f"'{clean_text(c)}' is not a choice of question '{qid}'; {_choices(question)}",
                             f"\"{_short(c)}\" is not one of the answers: {_labels(question)}.")
            if c not in picked:
                picked.append(c)
        if not picked:
            raise reject(f"question '{qid}': pick at least one choice; {_choices(question)}",
                         "Pick at least one answer, or skip the question for now.")
        alone = [ch for c in picked if (ch := question.choice(c)) is not None and ch.exclusive]
        if alone and len(picked) > 1:
            raise reject(f"question '{qid}': '{alone[0].id}' cannot be picked with other choices",
                         f"\"{_short(alone[0].label)}\" goes alone: untick it or the other answers.")
        order = question.choice_ids()
        return sorted(picked, key=order.index)
    if kind is QuestionType.NUMBER:
        number = _number(question, value)
        unit = f" {clean_text(question.unit)}" if question.unit else ""
        if question.minimum is not None and number < question.minimum:
            raise reject(f"question '{qid}' needs at least {_fmt(question.minimum)}",
                         f"The answer must be at least {_fmt(question.minimum)}{unit}.")
        if question.maximum is not None and number > question.maximum:
            raise reject(f"question '{qid}' allows at most {_fmt(question.maximum)}",
                         f"The answer can be at most {_fmt(question.maximum)}{unit}.")
        return number
    # text and long text
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise reject(f"question '{qid}' expects text", "Type the answer as text.")
    text = clean_text(value, keep_newlines=kind is QuestionType.LONGTEXT).strip()
    default_limit = DEFAULT_LONGTEXT_LENGTH if kind is QuestionType.LONGTEXT else DEFAULT_TEXT_LENGTH
    limit = question.max_length or default_limit
    if len(text) > limit:
        raise reject(f"question '{qid}' allows at most {limit} characters ({len(text)} given)",
                     f"The answer can be at most {limit} characters long; this one has {len(text)}.")
    if not text:
        raise reject(f"question '{qid}': the answer is empty; skip the question instead",
                     "The answer is empty: type something, or skip the question for now.")
    return text


def _number(question: Question, value: object) -> int | float:
    qid = question.id
    what = "a whole number" if question.integer else "a number"

    def reject(message: str, reason: str) -> AnswerRejected:
        return AnswerRejected(question, message, reason)

    if isinstance(value, bool):
        raise reject(f"question '{qid}' expects a number", f"Type {what}, such as 12.")
    if isinstance(value, str):
        typed = value
        text = typed.strip().replace(",", "").replace("_", "")
        try:
            value = int(text) if text.lstrip("+-").isdigit() else float(text)
        except ValueError:
            if not typed.strip():
                raise reject(f"question '{qid}' expects a number, not ''",
                             f"Type {what}, such as 12, or skip the question for now.") from None
            raise reject(f"question '{qid}' expects a number, not '{clean_text(typed)}'",
                         f"Type {what}, such as 12 (\"{_short(typed)}\" is not one).") from None
    if not isinstance(value, int | float):
        raise reject(f"question '{qid}' expects a number", f"Type {what}, such as 12.")
    if isinstance(value, float) and not math.isfinite(value):
        raise reject(f"question '{qid}' expects a finite number", f"Type {what}, such as 12.")
    if question.integer:
        if isinstance(value, float):
            if not value.is_integer():
                raise reject(f"question '{qid}' expects a whole number", "Type a whole number, without decimals.")
            value = int(value)
        return value
    return value


def _short(text: str, width: int = 30) -> str:
    text = " ".join(clean_text(text).split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "\u2026"


def _labels(question: Question) -> str:
    labels = [f"\"{_short(c.label, 24)}\"" for c in question.choices]
    if len(labels) > 6:
        labels = [*labels[:5], "..."]
    return ", ".join(labels)


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
