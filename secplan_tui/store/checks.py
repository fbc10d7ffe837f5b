"""Checking what callers give the store before anything is written: session names, question and action ids,
answer values, action statuses and their dates, notes and progress counts.

Bad input is an :class:`~secplan_tui.core.errors.InvalidInput` in the user's words; a value only a caller's bug
could give (a malformed progress mapping, a label that is not text) is a ValueError.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Final, TypeGuard

from secplan_tui.core.errors import InvalidInput
from secplan_tui.core.model import ACTION_STATUSES, AnswerValue
from secplan_tui.core.text import clean_text, is_terminal_safe, terminal_safe
from secplan_tui.store.messages import safe_error, show
from secplan_tui.store.records import Progress, progress_counts

MAX_NAME_LENGTH: Final = 80
MAX_NOTE_LENGTH: Final = 1000
"""Characters in a note on an action's status, after cleaning; a longer note is refused, not cut."""
MAX_SAFE_INTEGER: Final = 2**53 - 1
"""The largest integer an answer may be (and its negative the smallest): what JSON readers everywhere keep exact."""

_ACTION_ID_RE: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,119}")
_DATE_RE: Final = re.compile(r"\d{4}-\d{2}-\d{2}")
_CATALOGUE_ID_RE: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*")
"""A questionnaire or scenario id as a session keeps it: never a path (no '/', no '..', no file suffix), so a
hand-edited session file cannot make a trainer's secplan load a questionnaire from a file the learner chose."""


def check_name(name: object) -> str:
    if not isinstance(name, str):
        raise safe_error(InvalidInput, "Bad session name", f"a session name must be text, not {type(name).__name__}.")
    cleaned = name.strip()
    if not cleaned:
        raise safe_error(InvalidInput, "Bad session name", "the session name is empty; give the session a name.")
    if not is_terminal_safe(cleaned):
        raise safe_error(
            InvalidInput,
            "Bad session name",
            f"the session name {show(cleaned)} contains control, bidirectional or invisible characters; use "
            "plain text.",
        )
    if len(cleaned) > MAX_NAME_LENGTH:
        raise safe_error(
            InvalidInput,
            "Bad session name",
            f"the session name is {len(cleaned)} characters long; keep it to {MAX_NAME_LENGTH} or fewer.",
        )
    return cleaned


def check_text(what: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip() or not is_terminal_safe(value):
        raise ValueError(f"{what} must be a non-empty string of printable text, not {value!r}")
    return value


def check_question_id(question_id: object) -> str:
    if not isinstance(question_id, str) or not question_id.strip() or not is_terminal_safe(question_id):
        shown = show(question_id) if isinstance(question_id, str) else terminal_safe(repr(question_id))
        raise safe_error(InvalidInput, "Bad question id", f"{shown} is not a question id.")
    return question_id


def valid_value(value: object, *, bounded: bool = True) -> TypeGuard[AnswerValue]:
    """Whether a value can be stored as an answer: text, a finite number (not a bool; an integer within
    :data:`MAX_SAFE_INTEGER`), or a list of texts. With ``bounded=False`` (reading a file: one saved before the
    bound existed stays readable) any integer JSON could hold is accepted."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return not bounded or -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER
    if isinstance(value, str):
        return True
    if isinstance(value, float):
        return value == value and value not in (float("inf"), float("-inf"))
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def check_value(question_id: str, value: object) -> AnswerValue:
    if isinstance(value, int) and not isinstance(value, bool) and not valid_value(value):
        raise safe_error(
            InvalidInput,
            "Bad answer",
            f"the answer to {show(question_id)} is a number of {_digits(value)} digits; numbers must lie between "
            f"-{MAX_SAFE_INTEGER:,} and {MAX_SAFE_INTEGER:,}.",
        )
    if not valid_value(value):
        raise safe_error(
            InvalidInput,
            "Bad answer",
            f"the answer to {show(question_id)} is {show(_short_repr(value))}; an answer is a choice id, a list "
            "of choice ids, a finite number or a text.",
        )
    return list(value) if isinstance(value, list) else value


def _digits(number: int) -> str:
    """How many decimal digits an integer has, without converting it to text (Python refuses beyond 4,300)."""
    if abs(number).bit_length() <= 10_000:
        return f"{len(str(abs(number))):,}"
    return f"about {int(math.log10(abs(number))) + 1:,}"  # math.log10 takes an integer of any size


def _short_repr(value: object) -> str:
    """repr() of a value that may be huge (a list of a million items, an integer of 5,000 digits), cut short."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value).bit_length() > 200:
        return f"a number of {_digits(value)} digits"
    try:
        text = repr(value)
    except ValueError:  # an integer too long to convert, deep inside
        return type(value).__name__
    return text if len(text) <= 200 else text[:199] + "…"


def is_catalogue_id(value: str) -> bool:
    """Whether a questionnaire or scenario id is an id and not a path (see :data:`_CATALOGUE_ID_RE`)."""
    return _CATALOGUE_ID_RE.fullmatch(value) is not None and not value.lower().endswith((".yaml", ".yml", ".json"))


def check_progress(progress: Mapping[str, int] | None) -> Mapping[str, int] | None:
    if progress is None:
        return None
    try:
        answered, total = progress["answered"], progress["total"]
    except (KeyError, TypeError):
        raise ValueError(
            f"progress must be a mapping with 'answered' and 'total', not {progress!r}"
        ) from None
    for number in (answered, total):
        if not isinstance(number, int) or isinstance(number, bool) or not 0 <= number <= MAX_SAFE_INTEGER:
            raise ValueError(f"progress counts must be non-negative integers, not {progress!r}")
    return progress_counts(answered, total)


_STATUS_NAMES: Final = ", ".join(ACTION_STATUSES[:-1]) + " or " + ACTION_STATUSES[-1]


def check_action_id(action_id: object) -> str:
    """An action id of the right shape (whether the plan has it is the caller's check)."""
    if not isinstance(action_id, str) or not _ACTION_ID_RE.fullmatch(action_id):
        shown = show(action_id) if isinstance(action_id, str) else repr(action_id)
        raise safe_error(
            InvalidInput,
            "Bad action id",
            f"{shown} is not an action id: use letters, digits, '.', '_', ':' or '-' (e.g. act.gov.name_lead).",
        )
    return action_id


def check_status(status: object) -> str:
    if not isinstance(status, str) or status not in ACTION_STATUSES:
        shown = show(status) if isinstance(status, str) else repr(status)
        raise safe_error(InvalidInput, "Bad action status", f"{shown} is not an action status; use {_STATUS_NAMES}.")
    return status


def check_due(status: str, due: object) -> str | None:
    """The new due date of a deferred action as ``YYYY-MM-DD``: required for ``deferred``, refused otherwise."""
    if due is None or due == "":
        if status == "deferred":
            raise safe_error(
                InvalidInput,
                "Due date needed",
                "a deferred action needs its new due date as YYYY-MM-DD (e.g. --due 2027-03-31).",
            )
        return None
    if isinstance(due, date) and not isinstance(due, datetime):
        due = due.isoformat()
    if not isinstance(due, str) or not _DATE_RE.fullmatch(due):
        shown = show(due) if isinstance(due, str) else repr(due)
        raise safe_error(InvalidInput, "Bad due date", f"the due date {shown} is not a date; write it as YYYY-MM-DD.")
    try:
        date.fromisoformat(due)
    except ValueError:
        raise safe_error(
            InvalidInput, "Bad due date", f"{show(due)} is not a day of the calendar; check the date."
        ) from None
    if status != "deferred":
        raise safe_error(
            InvalidInput,
            "Due date not used",
            f"only a deferred action takes a new due date, and the status given is {status}; drop the date or "
            "use the status deferred.",
        )
    return due


def check_note(note: object) -> str:
    """A note cleaned of escape sequences and control characters, on one line, at most MAX_NOTE_LENGTH long."""
    if not isinstance(note, str):
        raise safe_error(InvalidInput, "Bad note", f"a note must be text, not {type(note).__name__}.")
    cleaned = clean_text(note).strip()
    if len(cleaned) > MAX_NOTE_LENGTH:
        raise safe_error(
            InvalidInput,
            "Note too long",
            f"the note is {len(cleaned)} characters long; keep it to {MAX_NOTE_LENGTH} or fewer (say where the "
            "details are kept instead).",
        )
    return cleaned


def checked_progress(progress: Progress) -> Progress:
    """A progress argument checked now when it is counts; a function is checked when it is called."""
    return progress if callable(progress) else check_progress(progress)


def same_value(a: object, b: object) -> bool:
    return type(a) is type(b) and a == b

