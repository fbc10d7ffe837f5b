"""Messages widgets post to say what the user meant; screens react to them by asking the engine and the store."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class AnswerGiven(Message):
    """The user confirmed a value for the question on screen (as chosen or typed; the engine checks it)."""

    question_id: str
    value: object
    """A choice id, a list of choice ids, typed text, or ``dont_know`` / ``not_applicable``."""


@dataclass
class SectionChosen(Message):
    """The user picked a section to jump to."""

    section_id: str
