"""An answer as a reader sees it: choice labels, a number with its unit, text on one line, "Don't know"."""

from __future__ import annotations

from secplan_tui.core.model import AnswerValue, Question
from secplan_tui.plan.escape import one_line
from secplan_tui.plan.vocabulary import ANSWER_LABELS, BLANK_ANSWER


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
