"""The workspace of sessions: one TinyDB file per session, saved atomically and durably under a lock.

This is the only module in secplan that imports TinyDB. Everything above it talks to the small
:class:`SessionStore` interface, implemented twice with identical behaviour: :class:`Workspace` (a
directory on disk) and :class:`MemoryWorkspace` (the in-memory twin used by the tests of everything above
the store).

A session is three kinds of file in the workspace directory, so that what changes stays small and what only
grows is never rewritten:

``<id>.json``
    A TinyDB database holding what changes: ``actions`` (the current status of each action), ``answers``,
    ``journal`` (how many bytes of the history file are committed), ``meta`` and ``snapshots`` (the index: label
    and time of each). One table per line, keys sorted::

        {"actions":{"1":{"action":"act.gov.name_lead","at":"...","by":"sam","due":null,"note":"","status":"done"}},
        "answers":{"1":{"question":"cyber.mfa","value":"partly"}},
        "journal":{"1":{"bytes":812}},
        "meta":{"1":{"created":"...","format":2,"id":"3f9a0c1e","name":"Acme Ltd",
                     "progress":{"answered":1,"total":40},"questionnaire_hash":"...","questionnaire_id":"sme",
                     "questionnaire_version":"1.0","scenario":null,"status":"in_progress","updated":"..."}},
        "snapshots":{"1":{"at":"...","label":"before review"}}}

    (The meta line is shown wrapped here; in the file every table is one line, so the session list reads the
    ``meta`` line without parsing the rest.)
``<id>.history.jsonl``
    The history: one JSON line per change, oldest first, appended and never rewritten:
    ``{"at","kind":"answer","question","user","value"}`` (value null: cleared) or
    ``{"action","at","by","due","kind":"action","note","status"}``. Only its first ``journal.bytes`` bytes count:
    what a writer killed before its commit appended after them (a torn line included) is ignored, and cut by the
    next append.
``<id>.snap-0001.json`` ...
    One file per snapshot, ``{"at","label","plan"}``, written once.

How a change works: take the session's lock (``<id>.json.lock``, filelock), read ``<id>.json`` once, let TinyDB
change the tables in memory; append the new history lines to the journal and fsync it, write new snapshot files
(atomically, as below); then commit by saving ``<id>.json`` with the journal's new length: write a temporary file
``.<id>.json.tmp-<pid>-<random>`` in the same directory, fsync it, ``os.replace`` it over the session file and
fsync the directory; only then release the lock and return. A kill at any moment leaves either the old or the new
session file, never a torn one, and the journal bytes it does not count are ignored; a failed write leaves the
session file byte-identical. A save reads neither the journal nor the snapshots, so its cost does not grow with
the session's age. When a save is told how to count progress (:data:`Progress`), it counts it there, inside the
lock, from every answer the session holds, and sets the status with it: one write, never stale.

Format 1 (before the journal) kept the history and the snapshots inside ``<id>.json``. Such files are read as they
are; the first change upgrades them in place (:meth:`_StoreBase._upgrade`, with ``<id>.json.format1-backup``
kept until the new file reads back).

A workspace directory holding the marker ``.secplan-classroom`` is a classroom (:func:`init_classroom`,
docs/classroom.md): each user's sessions go in ``<dir>/<user>/`` (mode 2750, the trainers' group, set-group-id)
as files 0640, so the learner writes them, the trainers' group reads them and other learners cannot open them.
A learner lists only their own folder; a trainer (group member or root) lists every folder; only a folder's
owner changes its sessions. A trainer's (and root's) own sessions live in ``<dir>/.trainers/<user>/``, where no
learner can make anything; each listed session is attributed to its folder's owner, and a file that is not what it
claims (a copy under another's id, a folder named after someone else) is flagged in ``SessionMeta.suspect`` and
never hides or replaces the genuine one. Without the marker nothing differs from the single-user rules above,
except that a workspace belonging to another user is refused.

Everything read from disk is read bounded (:data:`MAX_SESSION_BYTES` and friends; the size is checked before a
byte is read) and non-blocking (a FIFO or a device is refused at once), and every message and notice the store
makes quotes file names, folder names and file contents through :func:`~secplan_tui.core.text.terminal_safe`, so
nothing a learner writes reaches a terminal raw.
"""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import errno
import getpass
import json
import math
import os
import re
import secrets
import stat
import sys
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal, Protocol, TypeAlias, TypeGuard, cast

from tinydb import TinyDB
from tinydb.storages import Storage

from secplan_tui.core.errors import InvalidInput, SecplanError
from secplan_tui.core.files import AtomicWriteError, fsync_dir, write_atomic
from secplan_tui.core.model import ACTION_STATUSES, ActionStatus, AnswerValue
from secplan_tui.core.text import clean_text, is_terminal_safe, terminal_safe

if TYPE_CHECKING:
    from filelock import BaseFileLock

if sys.platform != "win32":  # classrooms need POSIX users and groups
    import grp
    import pwd

__all__ = [
    "CLASSROOM_MARKER",
    "COMPLETE",
    "DEFAULT_LOCK_TIMEOUT",
    "FORMAT_VERSION",
    "IN_PROGRESS",
    "AtomicJSONStorage",
    "Classroom",
    "HistoryEntry",
    "MemoryWorkspace",
    "SessionMeta",
    "SessionStatus",
    "SessionStore",
    "Snapshot",
    "UNSET",
    "Workspace",
    "default_data_dir",
    "init_classroom",
    "read_classroom",
]

FORMAT_VERSION: Final = 2
"""The session file format this code writes; files with a higher ``format`` are refused, never rewritten.

Format 1 kept the answer history and the snapshots inside the session file; it is read as it is and upgraded to
format 2 by the first change made to the session (see :meth:`_StoreBase._upgrade`)."""

DEFAULT_LOCK_TIMEOUT: Final = 10.0
"""Seconds a save waits for another process holding the same session before giving up."""

STALE_TEMP_AGE: Final = 60.0
"""A temporary file older than this (seconds) is left over from a crash and is swept on start."""

DEAD_WRITER_GRACE: Final = 2.0
"""A temporary file whose writer pid is gone is swept once it is this old (seconds). A live write keeps its
temporary file for milliseconds; the grace protects a writer whose pid we cannot see (another pid namespace
sharing the directory)."""

LOCK_POLL_INTERVAL: Final = 0.005
"""Seconds between attempts to take a busy lock (filelock's default 50 ms would dominate a contended save)."""

DIR_MODE: Final = 0o700
FILE_MODE: Final = 0o600
MAX_NAME_LENGTH: Final = 80
MAX_NOTE_LENGTH: Final = 1000
"""Characters in a note on an action's status, after cleaning; a longer note is refused, not cut."""

_SECPLAN_NAME: Final = re.compile(r"[0-9a-f]{8}(\.[A-Za-z0-9._-]+)?|\.[A-Za-z0-9._-]+|exports")
"""A name secplan keeps in a workspace: a session's files (``<id>.json``, ``<id>.snap-0001.json``,
``<id>.history.jsonl``, locks), a hidden file of its own (``.workspace.lock``, temporary files), the exports."""

CLASSROOM_MARKER: Final = ".secplan-classroom"
"""The file that makes a directory a classroom workspace: ``{"format": 1, "gid": N, "group": "NAME"}``."""
CLASSROOM_MARKER_MODE: Final = 0o644
CLASSROOM_ROOT_MODE: Final = 0o3773
"""The classroom folder: set-group-id (sub-folders inherit the trainers' group), sticky (only an entry's owner
removes or renames it), rwx for the owner and the trainers, write and search but no listing for the others."""
CLASSROOM_FOLDER_MODE: Final = 0o2750
"""A learner's folder ``<root>/<user>/``: the learner writes, the trainers read, nobody else gets in."""
CLASSROOM_FILE_MODE: Final = 0o640
"""A session file in a classroom: the learner writes, the trainers read."""
CLASSROOM_IDS: Final = ".ids"
"""The classroom's id register: one empty file per session id ever used, so ids stay unique in the class."""
CLASSROOM_IDS_MODE: Final = 0o1733
CLASSROOM_TRAINERS: Final = ".trainers"
"""The trainers' own area: ``<root>/.trainers/<login>/`` holds each trainer's (and root's) own sessions, where no
learner can make anything (root:trainers, 3770), so nothing a learner makes in the classroom folder can stop a
trainer or root from working."""
CLASSROOM_TRAINERS_MODE: Final = 0o3770
_MARKER_LIMIT: Final = 4096

MAX_SESSION_BYTES: Final = 32 * 1024 * 1024
"""The largest session file secplan reads (its size is checked before a byte is read, so a huge or sparse file
planted in a classroom costs nothing); a full questionnaire with long answers and notes is well under 1 MiB."""
MAX_HISTORY_BYTES: Final = 512 * 1024 * 1024
"""The largest committed history journal secplan reads (millions of changes)."""
MAX_SNAPSHOT_BYTES: Final = 32 * 1024 * 1024
"""The largest snapshot file secplan reads."""
MAX_SAFE_INTEGER: Final = 2**53 - 1
"""The largest integer an answer may be (and its negative the smallest): what JSON readers everywhere keep exact."""

SessionStatus: TypeAlias = Literal["in_progress", "complete"]
IN_PROGRESS: Final = "in_progress"
COMPLETE: Final = "complete"
_STATUSES: Final = (IN_PROGRESS, COMPLETE)

Tables: TypeAlias = dict[str, dict[str, Any]]
"""A whole TinyDB database: table name -> {doc id (a decimal string) -> document}."""

_TABLES: Final = ("answers", "history", "meta", "snapshots")
_ID_RE: Final = re.compile(r"[0-9a-f]{8}")
_ACTION_ID_RE: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,119}")
_DATE_RE: Final = re.compile(r"\d{4}-\d{2}-\d{2}")
_CATALOGUE_ID_RE: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*")
"""A questionnaire or scenario id as a session keeps it: never a path (no '/', no '..', no file suffix), so a
hand-edited session file cannot make a trainer's secplan load a questionnaire from a file the learner chose."""
_MAX_META_TEXT: Final = 200
"""Characters of a meta text field kept on reading (a hand-edited file may hold megabytes in a name)."""
_SESSION_FILE_RE: Final = re.compile(r"([0-9a-f]{8})\.json")
_SIDE_FILE_RE: Final = re.compile(r"([0-9a-f]{8})\.(?:history\.jsonl|snap-\d{4,}\.json|json\.format1-backup)")
"""The other files of a session: its history journal, its snapshots and (briefly) the backup of an upgrade."""
_BACKUP_FILE_RE: Final = re.compile(r"([0-9a-f]{8})\.json\.format1-backup")
_TEMP_FILE_RE: Final = re.compile(
    r"\.([0-9a-f]{8})\.(?:json|snap-\d{4,}\.json|json\.format1-backup)\.tmp-(\d+)-([0-9a-f]+)"
)
_CONTROL_RE: Final = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_WORKSPACE_LOCK: Final = ".workspace.lock"


# ----------------------------------------------------------------------------------------------------------
# Plain objects handed to callers
# ----------------------------------------------------------------------------------------------------------


def _journal_name(session_id: str) -> str:
    """The session's history journal: one JSON line per change of an answer or of an action's status."""
    return f"{session_id}.history.jsonl"


def _snapshot_name(session_id: str, snapshot_id: int) -> str:
    """The file of one snapshot, written once."""
    return f"{session_id}.snap-{snapshot_id:04d}.json"


def _backup_name(session_id: str) -> str:
    """The copy of a format-1 session file kept while it is upgraded."""
    return f"{session_id}.json.format1-backup"


def _progress(answered: int = 0, total: int = 0) -> dict[str, int]:
    # A plain dict, fresh for each meta (so SessionMeta pickles and deep-copies); typed Mapping: read-only.
    return {"answered": answered, "total": total}


@dataclass(frozen=True)
class SessionMeta:
    """What the session list shows about one session; a copy of the session file's ``meta`` document."""

    id: str
    """Short id, 8 lowercase hex characters; also the file name ``<id>.json``."""
    name: str
    """The name the user gave; unique in the workspace, compared without regard to case."""
    questionnaire_id: str
    questionnaire_version: str
    """The questionnaire version the session started with (changed only by an explicit upgrade)."""
    questionnaire_hash: str
    """sha256 of the questionnaire source the session was made from."""
    created: str
    """When the session was created, ISO-8601 UTC (``2025-01-31T09:15:02.123456Z``)."""
    updated: str
    """When anything in the session last changed, ISO-8601 UTC."""
    status: SessionStatus = IN_PROGRESS
    """``in_progress`` or ``complete``."""
    progress: Mapping[str, int] = field(default_factory=_progress, hash=False)
    """``{"answered": int, "total": int}`` as the caller last supplied it (a copy: changes go nowhere)."""
    scenario: str | None = None
    """The training scenario id, for learner sessions."""
    owner: str | None = field(default=None, compare=False)
    """In a classroom, the login of the user whose folder holds the session (None in an ordinary workspace)."""
    suspect: str | None = field(default=None, compare=False)
    """In a classroom, why this session's file is not to be trusted as its owner's work, in words naming whose
    file it is (e.g. "its id 3f9a0c1e was taken by alice; this copy is in bob's folder"); None when it is sound.
    Front ends show it beside the session; the store never lets a suspect file hide a genuine session."""

    @property
    def answered(self) -> int:
        """How many questions were answered, as last reported by the caller."""
        return self.progress.get("answered", 0)

    @property
    def total(self) -> int:
        """How many questions were visible, as last reported by the caller."""
        return self.progress.get("total", 0)

    @property
    def label(self) -> str:
        """The session as messages name it: ``'Acme Ltd' (3f9a0c1e)``."""
        return f"{_show(self.name)} ({self.id})"


@dataclass(frozen=True)
class HistoryEntry:
    """One change of one answer."""

    question: str
    value: AnswerValue | None
    """The new value; None when the answer was cleared."""
    at: str
    """When, ISO-8601 UTC."""
    user: str
    """Who: the OS user of the process that saved it."""
    note: str = ""
    """The answer's note after this change ("" when it has none): where the answer came from, who to ask."""


@dataclass(frozen=True)
class Snapshot:
    """A plan kept in the session, e.g. before a review."""

    id: int
    """Sequence number within the session, from 1."""
    label: str
    at: str
    """When it was taken, ISO-8601 UTC."""
    plan: dict[str, Any] = field(hash=False)
    """The plan as the caller gave it (opaque JSON object); a fresh copy on every read."""


Progress: TypeAlias = Mapping[str, int] | Callable[[Mapping[str, AnswerValue]], Mapping[str, int]] | None
"""What a save is told about progress: nothing (kept as it is), the counts ``{"answered", "total"}``, or a function
that counts them from the session's answers. The function is called inside the session's lock with every answer
the session holds after the change (another process's too), and the session's status follows: complete when
every visible question is answered. So a long-running front end never writes stale progress."""


class _Unset(Enum):
    UNSET = "unset"


UNSET: Final = _Unset.UNSET
"""Marks an :meth:`SessionStore.update_meta` argument that is left as it is."""


class SessionStore(Protocol):
    """The sessions of one workspace: what the front ends and the CLI need from the store."""

    notices: list[str]
    """What the user should be told (a file moved aside, a loose directory mode); callers show, clear it."""

    @property
    def location(self) -> str:
        """Where the sessions live, for messages."""
        ...

    def create(
        self,
        name: str,
        questionnaire_id: str,
        questionnaire_version: str,
        questionnaire_hash: str,
        scenario: str | None = None,
    ) -> SessionMeta:
        """Create an empty session; a name already used (ignoring case) is refused with InvalidInput."""
        ...

    def sessions(self) -> list[SessionMeta]:
        """Every readable session, the most recently updated first."""
        ...

    def resolve(self, ref: str) -> SessionMeta:
        """The session with this id, or else this name (ignoring case); InvalidInput if none or several."""
        ...

    def meta(self, session_id: str) -> SessionMeta:
        """The session's metadata, read fresh."""
        ...

    def answers(self, session_id: str) -> dict[str, AnswerValue]:
        """The current answers by question id, in the order first answered."""
        ...

    def history(self, session_id: str) -> list[HistoryEntry]:
        """Every change of every answer, oldest first."""
        ...

    def answer_notes(self, session_id: str) -> dict[str, str]:
        """The notes of the answers that have one, by question id."""
        ...

    def save_answer(
        self,
        session_id: str,
        question_id: str,
        value: AnswerValue,
        progress: Progress = None,
        *,
        note: str | None = None,
    ) -> SessionMeta:
        """Save one answer (and its note: None keeps it, "" removes it), its history entry and the meta update
        in one durable write; return the meta."""
        ...

    def clear_answer(self, session_id: str, question_id: str, progress: Progress = None) -> SessionMeta:
        """Remove one answer (history records None) in one durable write; returns the new meta."""
        ...

    def save_answers(
        self,
        session_id: str,
        answers: Mapping[str, AnswerValue],
        progress: Progress = None,
        *,
        notes: Mapping[str, str] | None = None,
    ) -> SessionMeta:
        """Save many answers (and notes for some of them) in one durable write, all or nothing."""
        ...

    def update_meta(
        self,
        session_id: str,
        *,
        name: str | _Unset = UNSET,
        status: SessionStatus | _Unset = UNSET,
        questionnaire_version: str | _Unset = UNSET,
        questionnaire_hash: str | _Unset = UNSET,
        scenario: str | None | _Unset = UNSET,
        progress: Mapping[str, int] | _Unset = UNSET,
    ) -> SessionMeta:
        """Change metadata fields (status, rename, questionnaire upgrade...); returns the new meta."""
        ...

    def rename(self, session_id: str, name: str) -> SessionMeta:
        """Give the session a new, unused name."""
        ...

    def add_snapshot(self, session_id: str, label: str, plan: Mapping[str, Any]) -> Snapshot:
        """Keep a copy of a plan (any JSON object) in the session."""
        ...

    def snapshots(self, session_id: str) -> list[Snapshot]:
        """The kept plans, oldest first."""
        ...

    def delete(self, session_id: str) -> SessionMeta:
        """Delete the session and everything in it; returns what it was."""
        ...

    def action_statuses(self, session_id: str) -> dict[str, ActionStatus]:
        """The current status of every action that was ever given one, by action id (in the order first set)."""
        ...

    def set_action_status(
        self, session_id: str, action_id: str, status: str, *, due: str | None = None, note: str = ""
    ) -> ActionStatus:
        """Set one action's status (with its date and note) in one durable write; returns what was stored."""
        ...

    def action_history(self, session_id: str) -> list[ActionStatus]:
        """Every status change of every action, oldest first (kept when an action leaves the plan)."""
        ...


# ----------------------------------------------------------------------------------------------------------
# Small helpers: time, user, validation, text
# ----------------------------------------------------------------------------------------------------------


def default_data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The workspace directory: ``--data-dir`` if given, else ``$SECPLAN_DATA_DIR``, else the user data dir.

    Args:
        explicit: The ``--data-dir`` value, or None when the option was not given.

    Returns:
        An absolute path (not created here; :class:`Workspace` creates it).

    Raises:
        InvalidInput: ``--data-dir`` was given an empty string.
    """
    if explicit is not None:
        if not os.fspath(explicit):
            raise _invalid("Bad data directory", "--data-dir was given an empty path; name a directory.")
        return Path(explicit).expanduser().absolute()
    env = os.environ.get("SECPLAN_DATA_DIR", "")
    if env:
        return Path(env).expanduser().absolute()
    import platformdirs  # lazy: only needed when neither the option nor the variable is set

    return Path(platformdirs.user_data_dir("secplan", appauthor=False)).absolute()


def _new_session_id() -> str:
    """A short random id, 8 lowercase hex characters: easy to type, and 4 billion of them."""
    return secrets.token_hex(4)


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _os_user() -> str:
    """The OS user name for history entries, or the numeric uid when the system cannot name it."""
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):
        getuid = getattr(os, "getuid", None)
        return str(getuid()) if getuid is not None else "unknown"


def _error(title: str, message: str) -> SecplanError:
    """A runtime error whose title and message are safe for a terminal, whatever file or folder name they quote:
    every error the store raises is made here (or by :func:`_invalid`)."""
    return SecplanError(terminal_safe(title), terminal_safe(message))


def _invalid(title: str, message: str) -> InvalidInput:
    """Bad input (exit code 2), safe for a terminal like :func:`_error`."""
    return InvalidInput(terminal_safe(title), terminal_safe(message))


def _show(text: str, limit: int = 80) -> str:
    """Quote user text for a message, with control, bidirectional and zero-width characters made visible (see
    :func:`~secplan_tui.core.text.terminal_safe`) and long text cut."""
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return "'" + terminal_safe(text) + "'"


def _p(path: str | os.PathLike[str]) -> str:
    """A path for a message, safe for a terminal: a folder name made by a learner may hold anything."""
    return terminal_safe(os.fspath(path))


def _count(number: int, noun: str, plural: str | None = None) -> str:
    """``1 answer``, ``113 answers``."""
    return f"{number:,} {noun if number == 1 else plural or noun + 's'}"


def _was(what: str) -> str:
    """The verb after a subject such as ``The 113 answers`` (were) or ``The answer to 'x'`` (was)."""
    return "were" if re.match(r"The [\d,]+ \w+s\b", what) and not what.startswith("The 1 ") else "was"


def _check_name(name: object) -> str:
    if not isinstance(name, str):
        raise _invalid("Bad session name", f"a session name must be text, not {type(name).__name__}.")
    cleaned = name.strip()
    if not cleaned:
        raise _invalid("Bad session name", "the session name is empty; give the session a name.")
    if not is_terminal_safe(cleaned):
        raise _invalid(
            "Bad session name",
            f"the session name {_show(cleaned)} contains control, bidirectional or invisible characters; use "
            "plain text.",
        )
    if len(cleaned) > MAX_NAME_LENGTH:
        raise _invalid(
            "Bad session name",
            f"the session name is {len(cleaned)} characters long; keep it to {MAX_NAME_LENGTH} or fewer.",
        )
    return cleaned


def _check_text(what: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip() or not is_terminal_safe(value):
        raise ValueError(f"{what} must be a non-empty string of printable text, not {value!r}")
    return value


def _check_question_id(question_id: object) -> str:
    if not isinstance(question_id, str) or not question_id.strip() or not is_terminal_safe(question_id):
        shown = _show(question_id) if isinstance(question_id, str) else terminal_safe(repr(question_id))
        raise _invalid("Bad question id", f"{shown} is not a question id.")
    return question_id


def _valid_value(value: object, *, bounded: bool = True) -> TypeGuard[AnswerValue]:
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


def _check_value(question_id: str, value: object) -> AnswerValue:
    if isinstance(value, int) and not isinstance(value, bool) and not _valid_value(value):
        raise _invalid(
            "Bad answer",
            f"the answer to {_show(question_id)} is a number of {_digits(value)} digits; numbers must lie between "
            f"-{MAX_SAFE_INTEGER:,} and {MAX_SAFE_INTEGER:,}.",
        )
    if not _valid_value(value):
        raise _invalid(
            "Bad answer",
            f"the answer to {_show(question_id)} is {_show(_short_repr(value))}; an answer is a choice id, a list "
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


def _is_catalogue_id(value: str) -> bool:
    """Whether a questionnaire or scenario id is an id and not a path (see :data:`_CATALOGUE_ID_RE`)."""
    return _CATALOGUE_ID_RE.fullmatch(value) is not None and not value.lower().endswith((".yaml", ".yml", ".json"))


def _check_progress(progress: Mapping[str, int] | None) -> Mapping[str, int] | None:
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
    return _progress(answered, total)


_STATUS_NAMES: Final = ", ".join(ACTION_STATUSES[:-1]) + " or " + ACTION_STATUSES[-1]


def _check_action_id(action_id: object) -> str:
    """An action id of the right shape (whether the plan has it is the caller's check)."""
    if not isinstance(action_id, str) or not _ACTION_ID_RE.fullmatch(action_id):
        shown = _show(action_id) if isinstance(action_id, str) else repr(action_id)
        raise _invalid(
            "Bad action id",
            f"{shown} is not an action id: use letters, digits, '.', '_', ':' or '-' (e.g. act.gov.name_lead).",
        )
    return action_id


def _check_status(status: object) -> str:
    if not isinstance(status, str) or status not in ACTION_STATUSES:
        shown = _show(status) if isinstance(status, str) else repr(status)
        raise _invalid("Bad action status", f"{shown} is not an action status; use {_STATUS_NAMES}.")
    return status


def _check_due(status: str, due: object) -> str | None:
    """The new due date of a deferred action as ``YYYY-MM-DD``: required for ``deferred``, refused otherwise."""
    if due is None or due == "":
        if status == "deferred":
            raise _invalid(
                "Due date needed",
                "a deferred action needs its new due date as YYYY-MM-DD (e.g. --due 2027-03-31).",
            )
        return None
    if isinstance(due, date) and not isinstance(due, datetime):
        due = due.isoformat()
    if not isinstance(due, str) or not _DATE_RE.fullmatch(due):
        shown = _show(due) if isinstance(due, str) else repr(due)
        raise _invalid("Bad due date", f"the due date {shown} is not a date; write it as YYYY-MM-DD.")
    try:
        date.fromisoformat(due)
    except ValueError:
        raise _invalid("Bad due date", f"{_show(due)} is not a day of the calendar; check the date.") from None
    if status != "deferred":
        raise _invalid(
            "Due date not used",
            f"only a deferred action takes a new due date, and the status given is {status}; drop the date or "
            "use the status deferred.",
        )
    return due


def _check_note(note: object) -> str:
    """A note cleaned of escape sequences and control characters, on one line, at most MAX_NOTE_LENGTH long."""
    if not isinstance(note, str):
        raise _invalid("Bad note", f"a note must be text, not {type(note).__name__}.")
    cleaned = clean_text(note).strip()
    if len(cleaned) > MAX_NOTE_LENGTH:
        raise _invalid(
            "Note too long",
            f"the note is {len(cleaned)} characters long; keep it to {MAX_NOTE_LENGTH} or fewer (say where the "
            "details are kept instead).",
        )
    return cleaned


def _status_doc(action_id: str, status: str, due: str | None, note: str, at: str, by: str) -> dict[str, Any]:
    return {"action": action_id, "status": status, "due": due, "note": note, "at": at, "by": by}


def _action_status(doc: Mapping[str, Any]) -> ActionStatus:
    """Check one stored status document (current or history) and turn it into an ActionStatus."""
    action, status, due, note = doc.get("action"), doc.get("status"), doc.get("due"), doc.get("note")
    at, by = doc.get("at"), doc.get("by")
    if (
        not isinstance(action, str)
        or status not in ACTION_STATUSES
        or not (due is None or isinstance(due, str))
        or not isinstance(note, str)
        or not isinstance(at, str)
        or not isinstance(by, str)
    ):
        raise _Unreadable(f"an action status in it is malformed: {_show(repr(dict(doc)))}")
    return ActionStatus(action_id=action, status=cast(str, status), due=due, note=note, at=at, by=by)


def _checked_progress(progress: Progress) -> Progress:
    """A progress argument checked now when it is counts; a function is checked when it is called."""
    return progress if callable(progress) else _check_progress(progress)


def _same(a: object, b: object) -> bool:
    return type(a) is type(b) and a == b


# ----------------------------------------------------------------------------------------------------------
# The file format: serialising, parsing and checking a session database
# ----------------------------------------------------------------------------------------------------------


class _Unreadable(Exception):
    """The session file cannot be used: not JSON, not a TinyDB database, or no valid meta."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _TooNew(Exception):
    """The session file was written by a newer secplan."""

    def __init__(self, found: int) -> None:
        super().__init__(found)
        self.found = found


class _Missing(Exception):
    """The session file does not exist."""


_WriteFailed = AtomicWriteError
"""An OSError during a durable write, with the step and the file it concerned."""


def _dumps(tables: Tables) -> bytes:
    """Serialise a database: keys sorted, ASCII only, one table per line, so the layout is stable."""
    lines = [
        json.dumps(name)
        + ":"
        + json.dumps(tables[name], sort_keys=True, separators=(",", ":"), allow_nan=False)
        for name in sorted(tables)
    ]
    return ("{" + ",\n".join(lines) + "}\n").encode("ascii")


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number")


def _meta_from_doc(doc: object, session_id: str) -> SessionMeta:
    """Check a ``meta`` document and turn it into a SessionMeta."""
    if not isinstance(doc, dict):
        raise _Unreadable("its meta document is not an object")
    fmt = doc.get("format", 1)
    if not isinstance(fmt, int) or isinstance(fmt, bool) or fmt < 1:
        raise _Unreadable(f"its format {fmt!r} is not a version number")
    if fmt > FORMAT_VERSION:
        raise _TooNew(fmt)
    texts = (
        "id",
        "name",
        "questionnaire_id",
        "questionnaire_version",
        "questionnaire_hash",
        "created",
        "updated",
    )
    for key in texts:
        if not isinstance(doc.get(key), str):
            raise _Unreadable(f"its meta field '{key}' is missing or not text")
    if doc["id"] != session_id:
        raise _Unreadable(f"its meta id {_show(doc['id'])} does not match its file name {session_id}.json")
    status = doc.get("status")
    if status not in _STATUSES:
        raise _Unreadable(f"its status {status!r} is not one of {', '.join(_STATUSES)}")
    progress = doc.get("progress", {"answered": 0, "total": 0})
    try:
        checked = _check_progress(progress)
    except ValueError:
        raise _Unreadable(f"its progress {progress!r} is not {{answered, total}}") from None
    scenario = doc.get("scenario")
    if scenario is not None and not isinstance(scenario, str):
        raise _Unreadable("its meta field 'scenario' is not text")
    for key, value in (("questionnaire_id", doc["questionnaire_id"]), ("scenario", scenario)):
        if value is not None and not _is_catalogue_id(value):
            raise _Unreadable(f"its meta field '{key}' is {_show(value, 60)}, which is not an id")
    # secplan never writes an escape sequence, a bidirectional control or an invisible character in these fields,
    # but a hand-edited file may hold anything: it is made visible here, so no front end can print it raw.
    return SessionMeta(
        id=doc["id"],
        name=_safe_field(doc["name"]),
        questionnaire_id=doc["questionnaire_id"],
        questionnaire_version=_safe_field(doc["questionnaire_version"]),
        questionnaire_hash=_safe_field(doc["questionnaire_hash"]),
        created=_safe_field(doc["created"]),
        updated=_safe_field(doc["updated"]),
        status=cast(SessionStatus, status),  # checked against _STATUSES above
        progress=checked or _progress(),
        scenario=scenario,
    )


def _safe_field(text: str) -> str:
    """A meta text as read: unsafe characters made visible (see terminal_safe), cut if a hand edit made it huge."""
    if len(text) > _MAX_META_TEXT:
        text = text[: _MAX_META_TEXT - 1] + "…"
    return terminal_safe(text)


def _meta_doc(meta: SessionMeta) -> dict[str, Any]:
    return {
        "format": FORMAT_VERSION,
        "id": meta.id,
        "name": meta.name,
        "questionnaire_id": meta.questionnaire_id,
        "questionnaire_version": meta.questionnaire_version,
        "questionnaire_hash": meta.questionnaire_hash,
        "created": meta.created,
        "updated": meta.updated,
        "status": meta.status,
        "progress": dict(meta.progress),
        "scenario": meta.scenario,
    }


def _check_tables(data: object, session_id: str) -> Tables:
    """Check that parsed JSON is a usable session database; raise _Unreadable saying why not.

    Checks the shape of every table, the meta document and the answers: what every load needs. History and
    snapshot documents are checked where they are read (:func:`_history_entry`, :func:`_snapshot`), so a save
    does not pay for re-checking a long history it only appends to.
    """
    if not isinstance(data, dict):
        raise _Unreadable(f"its top level is {_json_type(data)}, not an object")
    for name, table in data.items():
        if (
            not isinstance(table, dict)
            or not _doc_ids_ok(table)
            or not set(map(type, table.values())) <= {dict}
        ):
            raise _Unreadable(f"its table {_show(name)} is not a TinyDB table (numbered documents)")
    tables: Tables = data
    meta = tables.get("meta")
    if not meta:
        raise _Unreadable("it has no session metadata (table 'meta')")
    if len(meta) != 1:
        raise _Unreadable(f"its table 'meta' holds {len(meta)} documents instead of one")
    _meta_from_doc(next(iter(meta.values())), session_id)
    answered: set[str] = set()
    for doc in tables.get("answers", {}).values():
        question = doc.get("question")
        if (
            not isinstance(question, str)
            or not _valid_value(doc.get("value"), bounded=False)
            or not isinstance(doc.get("note", ""), str)
        ):
            raise _Unreadable(f"an answer in it is malformed: {_show(repr(doc))}")
        if question in answered:
            raise _Unreadable(f"question {_show(question)} is answered twice in it")
        answered.add(question)
    journal = tables.get("journal")
    if journal is not None:
        doc = journal.get("1")
        committed = doc.get("bytes") if doc is not None else None
        if len(journal) != 1 or not isinstance(committed, int) or isinstance(committed, bool) or committed < 0:
            raise _Unreadable("its table 'journal' does not hold the length of its history file")
    actions: set[str] = set()
    for doc in tables.get("actions", {}).values():
        action_id = _action_status(doc).action_id
        if action_id in actions:
            raise _Unreadable(f"action {_show(action_id)} has two current statuses in it")
        actions.add(action_id)
    return tables


def _doc_ids_ok(table: dict[str, Any]) -> bool:
    """Whether every key is a decimal doc id (checked on the joined keys: a long history stays cheap)."""
    joined = "".join(table)
    return not table or (joined.isascii() and joined.isdigit() and all(table))


def _history_entry(doc: dict[str, Any]) -> HistoryEntry:
    value = doc.get("value")
    question, at, user = doc.get("question"), doc.get("at"), doc.get("user")
    if (
        not isinstance(question, str)
        or not (value is None or _valid_value(value, bounded=False))
        or not isinstance(at, str)
        or not isinstance(user, str)
    ):
        raise _Unreadable(f"a history entry in it is malformed: {_show(repr(doc))}")
    note = doc.get("note", "")
    if not isinstance(note, str):
        raise _Unreadable(f"a history entry in it has a note that is not text: {_show(repr(doc))}")
    return HistoryEntry(question=question, value=value, at=at, user=user, note=note)


def _is_format1(tables: Tables) -> bool:
    """Whether the database keeps history and snapshots inline (format 1): format 2 always has a journal table."""
    return "journal" not in tables


def _committed(tables: Tables) -> int:
    """How many bytes of the history journal the session file has committed (format 2)."""
    committed: int = tables["journal"]["1"]["bytes"]
    return committed


def _journal_line(entry: Mapping[str, Any]) -> bytes:
    """One journal line: a JSON object, keys sorted, ASCII only, ended by a line break."""
    return (json.dumps(entry, sort_keys=True, separators=(",", ":"), allow_nan=False) + "\n").encode("ascii")


def _parse_journal(raw: bytes, name: str) -> list[dict[str, Any]]:
    """The committed entries of a journal: ``raw`` is exactly the committed bytes, so every line is whole."""
    if not raw:
        return []
    if not raw.endswith(b"\n"):
        raise _Unreadable(f"the last recorded line of its history file {name} is cut short")
    entries: list[dict[str, Any]] = []
    for number, line in enumerate(raw.split(b"\n")[:-1], start=1):
        try:
            entry = json.loads(line)
        except (ValueError, RecursionError):
            raise _Unreadable(f"line {number} of its history file {name} is not JSON") from None
        if not isinstance(entry, dict) or entry.get("kind") not in ("answer", "action"):
            raise _Unreadable(f"line {number} of its history file {name} is not a change of an answer or action")
        try:
            _history_entry(entry) if entry["kind"] == "answer" else _action_status(entry)
        except _Unreadable as exc:
            raise _Unreadable(f"line {number} of its history file {name}: {exc.reason}") from None
        entries.append(entry)
    return entries


def _answer_change(
    question_id: str, value: AnswerValue | None, at: str, user: str, note: str = ""
) -> dict[str, Any]:
    """A journal entry for one change of one answer (None: cleared), with the answer's note if it has one."""
    entry = {"kind": "answer", "question": question_id, "value": value, "at": at, "user": user}
    if note:
        entry["note"] = note
    return entry


def _set_answer(value: AnswerValue, note: str) -> Callable[[MutableMapping[Any, Any]], None]:
    """A TinyDB update that sets an answer's value and note (no ``note`` key when it has none)."""

    def update(doc: MutableMapping[Any, Any]) -> None:
        doc["value"] = value
        if note:
            doc["note"] = note
        else:
            doc.pop("note", None)

    return update


def _snapshot_payload(label: str, at: str, plan: Mapping[str, Any]) -> bytes:
    """A snapshot file's content: ``{"at", "label", "plan"}``, keys sorted, ASCII only."""
    data = {"at": at, "label": label, "plan": plan}
    return (json.dumps(data, sort_keys=True, separators=(",", ":"), allow_nan=False) + "\n").encode("ascii")


def _snapshot(doc_id: int, doc: dict[str, Any]) -> Snapshot:
    label, at, plan = doc.get("label"), doc.get("at"), doc.get("plan")
    if not isinstance(label, str) or not isinstance(at, str) or not isinstance(plan, dict):
        raise _Unreadable(f"a snapshot in it is malformed: {_show(repr(doc))}")
    return Snapshot(id=doc_id, label=label, at=at, plan=plan)


def _parse_session(raw: bytes, session_id: str, *, deep: bool = False) -> Tables:
    """Parse and check a session file; ``deep`` also checks every history entry and snapshot."""
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise _Unreadable(f"it is not valid JSON ({exc})") from None
    tables = _check_tables(data, session_id)
    if deep:
        for _, doc in _table_docs(tables, "history"):
            _history_entry(doc)
        for doc_id, doc in _table_docs(tables, "snapshots"):
            _snapshot(doc_id, doc)
        for _, doc in _table_docs(tables, "action_history"):
            _action_status(doc)
    return tables


_DECODER: Final = json.JSONDecoder()


def _quick_meta(raw: bytes, session_id: str) -> SessionMeta | None:
    """Read the ``meta`` line of a file in our layout without parsing the rest; None if the layout differs.

    JSON strings cannot hold a raw newline, so in our one-table-per-line layout ``\\n"meta":`` can only start
    the meta table. A file in any other layout falls back to a full parse.
    """
    if not raw.endswith(b"}\n"):
        return None
    if raw.startswith(b'{"meta":'):
        start = 8
    else:
        found = raw.find(b'\n"meta":')
        if found < 0:
            return None
        start = found + 8
    end = raw.find(b"\n", start)
    if end < 0:
        return None
    try:
        table, _ = _DECODER.raw_decode(raw[start:end].decode("ascii"))
    except (ValueError, RecursionError):
        return None
    if not isinstance(table, dict) or len(table) != 1:
        return None
    try:
        return _meta_from_doc(next(iter(table.values())), session_id)
    except _Unreadable:
        return None


def _table_docs(tables: Tables, name: str) -> list[tuple[int, dict[str, Any]]]:
    """A table's documents in doc-id order (JSON sorts the ids as text: "10" before "2")."""
    return sorted(((int(key), doc) for key, doc in tables.get(name, {}).items()), key=lambda item: item[0])


def _meta_of(tables: Tables, session_id: str) -> SessionMeta:
    return _meta_from_doc(next(iter(tables["meta"].values())), session_id)


# ----------------------------------------------------------------------------------------------------------
# Storages: TinyDB's three-method interface, with a transaction that reads once and writes once
# ----------------------------------------------------------------------------------------------------------


class _TransactionalStorage(Storage):
    """A TinyDB storage that, inside :meth:`transaction`, serves TinyDB from memory and saves once at the end.

    Outside a transaction every ``read`` loads and every ``write`` saves, as TinyDB expects.
    """

    def __init__(self) -> None:
        super().__init__()
        self._pending: Tables | None = None
        self._dirty = False
        self.loaded_meta: dict[str, Any] | None = None
        """A copy of the meta document as the last transaction loaded it, before any change (for messages)."""
        self.before_save: Callable[[Tables], None] | None = None
        """Called, inside a transaction that changed something, with the database just before it is saved: the
        store writes the history journal and snapshot files there, so the session file commits them."""

    @abstractmethod
    def load(self) -> Tables:
        """The whole database, checked; raises _Missing, _Unreadable, _TooNew or OSError."""

    @abstractmethod
    def save(self, tables: Tables) -> None:
        """Replace the whole database durably; raises _WriteFailed."""

    def read(self) -> Tables | None:
        """TinyDB's read: the in-transaction state, or the stored database (None if there is none yet)."""
        if self._pending is not None:
            return self._pending
        try:
            return self.load()
        except _Missing:
            return None

    def write(self, data: Tables) -> None:
        """TinyDB's write: kept in memory inside a transaction, saved durably outside one."""
        if self._pending is not None:
            self._pending = data
            self._dirty = True
        else:
            self.save(data)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Tables]:
        """Load once, let TinyDB work in memory, save once if anything was written (not on an exception)."""
        if self._pending is not None:
            raise RuntimeError("transactions on one storage do not nest")
        self._pending = self.load()
        self.loaded_meta = dict(next(iter(self._pending["meta"].values())))
        self._dirty = False
        try:
            yield self._pending
            if self._dirty:
                if self.before_save is not None:
                    self.before_save(self._pending)
                self.save(self._pending)
        finally:
            self._pending = None
            self._dirty = False


class AtomicJSONStorage(_TransactionalStorage):
    """A TinyDB storage for one session file, with atomic, durable whole-file saves.

    ``save`` writes ``.<name>.tmp-<pid>-<random>`` in the same directory (mode 0600 whatever the umask),
    fsyncs it, ``os.replace``-s it over the file and fsyncs the directory. On an OSError the temporary file
    is removed, the old file is left byte-identical, and :class:`_WriteFailed` says which step failed. It
    takes no lock itself: :class:`Workspace` holds the session's lock around each transaction.

    Args:
        path: The session file.
        classroom_gid: In a classroom workspace, the trainers' group: saved files are made 0640 when they
            carry that group (0600 otherwise), and reads refuse symbolic links and anything but regular files.
    """

    def __init__(self, path: Path, *, classroom_gid: int | None = None) -> None:
        super().__init__()
        self.path = path
        self.classroom_gid = classroom_gid

    def load(self) -> Tables:
        """Read and check the whole file."""
        try:
            raw = _read_bounded(self.path, MAX_SESSION_BYTES, follow=self.classroom_gid is None)[0]
        except FileNotFoundError:
            raise _Missing() from None
        return _parse_session(raw, self.path.name.removesuffix(".json"))

    def save(self, tables: Tables) -> None:
        """Replace the file atomically and durably."""
        _write_atomic(self.path, _dumps(tables), classroom_gid=self.classroom_gid)


class _TooLarge(_Unreadable):
    """A file larger than secplan ever writes: refused before it is read."""

    def __init__(self, size: int, limit: int, what: str) -> None:
        super().__init__(
            f"it is {size:,} bytes long, more than {what} can be ({limit:,} bytes), so it was not read"
        )


def _read_bounded(
    path: Path | str, limit: int, *, follow: bool = True, what: str = "a session file", prefix: bool = False
) -> tuple[bytes, os.stat_result]:
    """Read a file that must be a regular file of at most ``limit`` bytes; its bytes and its fstat.

    Opened with O_NONBLOCK (a FIFO or a device is refused at once, never waited on) and, unless ``follow``, with
    O_NOFOLLOW (in a classroom a learner's link could point the trainer's secplan at a file of the trainer's
    own). The size is checked on the open file before a byte is read, and the read stops at ``limit + 1`` bytes
    whatever the file does meanwhile, so a huge or sparse file costs nothing.

    Args:
        path: The file.
        limit: The most bytes to read.
        follow: Follow a symbolic link (an ordinary workspace, which is all its owner's).
        what: The kind of file, for the too-large message.
        prefix: Read only the first ``limit`` bytes of a longer file instead of refusing it (a journal).

    Raises:
        _Unreadable: a symbolic link (with follow=False), not a regular file, or too large.
        OSError: it cannot be opened or read (FileNotFoundError when it is gone).
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    if not follow:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP and not follow:
            raise _Unreadable(f"it is a symbolic link, not {what}") from None
        raise
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise _Unreadable("it is not a regular file")
        if st.st_size > limit and not prefix:
            raise _TooLarge(st.st_size, limit, what)
        chunks: list[bytes] = []
        wanted = limit if prefix else limit + 1
        while wanted > 0:
            chunk = os.read(fd, min(wanted, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            wanted -= len(chunk)
        if not prefix and wanted <= 0:
            raise _TooLarge(limit + 1, limit, what)  # it grew while we read
        return b"".join(chunks), st
    finally:
        os.close(fd)


def _read_regular(path: Path | str, limit: int = MAX_SESSION_BYTES) -> bytes:
    """Read a classroom file: a regular file reached without a symbolic link (see :func:`_read_bounded`)."""
    return _read_bounded(path, limit, follow=False)[0]


def _read_owned(path: Path | str, limit: int = MAX_SESSION_BYTES) -> tuple[bytes, int]:
    """Read a classroom file as :func:`_read_regular` does; its bytes and its owner's uid."""
    raw, st = _read_bounded(path, limit, follow=False, what="a classroom marker")
    return raw, st.st_uid


_fsync_dir = fsync_dir


def _write_atomic(
    path: Path, payload: bytes, *, classroom_gid: int | None = None, mode: int = FILE_MODE
) -> None:
    """Write ``payload`` to ``path`` with the one atomic writer (:func:`secplan_tui.core.files.write_atomic`).

    In a classroom (``classroom_gid`` set) the file is 0640 if it carries the trainers' group, else 0600.
    """
    if classroom_gid is None:
        write_atomic(path, payload, mode=mode)
    else:
        gid = classroom_gid
        write_atomic(path, payload, choose_mode=lambda fd: _classroom_file_mode(fd, gid))


class _JournalShort(Exception):
    """The journal holds fewer bytes than the session file committed: it was cut or replaced behind our back."""


def _append_at(path: Path, offset: int, payload: bytes, classroom_gid: int | None) -> int:
    """Write ``payload`` into the journal at ``offset`` (dropping any bytes after it) and sync; return offset.

    Bytes after ``offset`` are what a writer killed before its commit left: the session file never counted
    them, so they are cut before the append. The cost does not depend on how long the journal already is.

    Raises:
        _JournalShort: the file is shorter than ``offset``.
        _WriteFailed: an OSError, with the step; the session file is not touched here.
    """
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags, FILE_MODE)
    except OSError as exc:
        raise _WriteFailed("opening", path, exc) from exc
    step = "writing"
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        if st.st_size < offset:
            raise _JournalShort()
        mode = FILE_MODE
        if classroom_gid is not None:
            mode = _classroom_file_mode(fd, classroom_gid)
        if stat.S_IMODE(st.st_mode) != mode:
            os.fchmod(fd, mode)
        if st.st_size > offset:
            os.ftruncate(fd, offset)
        view, at = memoryview(payload), offset
        while view:
            written = os.pwrite(fd, view, at)
            view, at = view[written:], at + written
        step = "syncing"
        os.fsync(fd)
    except OSError as exc:
        raise _WriteFailed(step, path, exc) from exc
    finally:
        os.close(fd)
    return offset


def _classroom_file_mode(fd: int, gid: int) -> int:
    """The mode for a new classroom session file: 0640 if it carries the trainers' group, else 0600.

    The learner's folder is set-group-id, so new files inherit the trainers' group; a member of the group
    (a trainer) can also set it. When neither worked the file stays private rather than readable by whatever
    group it has (perhaps every learner's).
    """
    if os.fstat(fd).st_gid != gid:
        with contextlib.suppress(OSError):
            os.fchown(fd, -1, gid)
    return CLASSROOM_FILE_MODE if os.fstat(fd).st_gid == gid else FILE_MODE


class _MemoryFileStorage(_TransactionalStorage):
    """The in-memory twin of AtomicJSONStorage: the 'file' is the serialised bytes in a dict."""

    def __init__(self, files: dict[str, bytes], session_id: str) -> None:
        super().__init__()
        self._files = files
        self._session_id = session_id

    def load(self) -> Tables:
        """Parse and check the stored bytes, exactly as from disk."""
        raw = self._files.get(f"{self._session_id}.json")
        if raw is None:
            raise _Missing()
        return _parse_session(raw, self._session_id)

    def save(self, tables: Tables) -> None:
        """Serialise exactly as to disk, so both twins accept and refuse the same data."""
        self._files[f"{self._session_id}.json"] = _dumps(tables)


def _database(storage: _TransactionalStorage) -> TinyDB:
    """A fresh TinyDB over the storage: fresh so that no table caches ids or queries across processes."""
    return TinyDB(storage=lambda: storage)


# ----------------------------------------------------------------------------------------------------------
# The shared behaviour of both workspaces
# ----------------------------------------------------------------------------------------------------------


@dataclass
class _Changes:
    """What one change adds to the files that only grow, written just before the session file commits it."""

    journal: list[dict[str, Any]] = field(default_factory=list)
    """History entries to append: ``{"kind": "answer", ...}`` or ``{"kind": "action", ...}``."""
    snapshots: list[tuple[int, bytes]] = field(default_factory=list)
    """New snapshot files: (snapshot id, content)."""
    upgraded: bool = False
    """The session file was in format 1 and this change upgrades it."""


class _StoreBase(ABC):
    """Everything both workspaces do alike; subclasses supply storage, locking and listing."""

    def __init__(self, clock: Callable[[], datetime] | None, user: Callable[[], str] | None) -> None:
        self.notices: list[str] = []
        self._clock = clock or _utcnow
        self._user_source = user or _os_user
        self._user_name: str | None = None

    # -- what subclasses provide ---------------------------------------------------------------------------

    @property
    @abstractmethod
    def location(self) -> str:
        """Where the sessions live, for messages."""

    @abstractmethod
    def _storage(self, session_id: str) -> _TransactionalStorage:
        """The storage of one session."""

    @abstractmethod
    def _exists(self, session_id: str) -> bool:
        """Whether a session with this id is stored (readable or not)."""

    @abstractmethod
    def _list(self) -> list[SessionMeta]:
        """Every readable session, unsorted; unreadable ones are reported in ``notices``."""

    @abstractmethod
    def _session_locked(self, session_id: str, what: str) -> contextlib.AbstractContextManager[None]:
        """Hold the session against other writers (other processes too)."""

    @abstractmethod
    def _names_locked(self) -> contextlib.AbstractContextManager[None]:
        """Hold the workspace while a name is checked and taken."""

    @abstractmethod
    def _remove(self, session_id: str) -> None:
        """Delete the stored session (its lock is held); raises OSError."""

    @abstractmethod
    def _unreadable(self, session_id: str, reason: str) -> SecplanError:
        """Deal with an unreadable session (move it aside) and return the error to raise."""

    @abstractmethod
    def _side_read(self, session_id: str, name: str, limit: int, *, prefix: bool = False) -> bytes:
        """The bytes of another file of the session (journal, snapshot), at most ``limit`` of them (with
        ``prefix``, the first ``limit`` bytes of a longer file; else a longer file is refused); raises
        FileNotFoundError, OSError or _Unreadable (not a regular file, too large)."""

    @abstractmethod
    def _side_write(self, session_id: str, name: str, payload: bytes) -> None:
        """Write another file of the session atomically and durably; raises _WriteFailed."""

    @abstractmethod
    def _journal_append(self, session_id: str, committed: int, payload: bytes) -> int:
        """Append ``payload`` durably to the journal after its first ``committed`` bytes (dropping any bytes a
        crashed writer left after them); return the offset it was written at: ``committed``, or 0 when the
        journal was shorter than that (it was set aside, with a notice). Raises _WriteFailed."""

    @abstractmethod
    def _side_remove(self, session_id: str, name: str) -> None:
        """Remove another file of the session if it is there; raises OSError."""

    @abstractmethod
    def _set_aside(self, session_id: str, name: str) -> str | None:
        """Move another file of the session aside (never overwriting); where it went, None if it was not there."""

    @abstractmethod
    def _main_bytes(self, session_id: str) -> bytes:
        """The session file's bytes as stored (for the backup of an upgrade); raises OSError."""

    def _side_where(self, session_id: str, name: str) -> str:
        return name

    def _forget(self, session_id: str) -> None:  # noqa: B027 - an optional hook, empty by default
        """Drop anything kept about a deleted session."""

    def _check_writable(self, session_id: str, what: str) -> None:  # noqa: B027 - an optional hook
        """Refuse, before any lock or write, a change the caller may not make (a classroom: not their session).

        Raises:
            InvalidInput: unknown session (when the hook needs to find it).
            SecplanError: the change is not the caller's to make.
        """

    def _claim_id(self, session_id: str) -> bool:
        """Reserve a new session id beyond what this store can list; False if it is taken elsewhere."""
        return True

    def _file_of(self, session_id: str) -> str:
        return f"session {session_id}"

    # -- helpers ------------------------------------------------------------------------------------------

    def _now(self) -> datetime:
        return self._clock()

    def _timestamp(self) -> str:
        return _iso(self._now())

    def _user(self) -> str:
        if self._user_name is None:
            self._user_name = self._user_source()
        return self._user_name

    def _notice(self, message: str) -> None:
        message = terminal_safe(message)  # a notice quotes file and folder names: nothing reaches a terminal raw
        if message not in self.notices:
            self.notices.append(message)

    def _known_id(self, session_id: str) -> str:
        if (
            not isinstance(session_id, str)
            or not _ID_RE.fullmatch(session_id)
            or not self._exists(session_id)
        ):
            raise self._unknown_id(session_id)
        return session_id

    def _unknown_id(self, session_id: object) -> InvalidInput:
        shown = _show(session_id) if isinstance(session_id, str) else repr(session_id)
        return _invalid(
            "Unknown session",
            f"there is no session with id {shown} in {self.location}. "
            "Run `secplan list` to see the sessions.",
        )

    def _too_new(self, session_id: str, found: int) -> SecplanError:
        return _error(
            "Session from a newer secplan",
            f"{self._file_of(session_id)} uses session format {found}, but this secplan reads format "
            f"{FORMAT_VERSION} at most. Upgrade secplan to open it; the file was left untouched.",
        )

    def _read_failed(self, session_id: str, error: OSError) -> SecplanError:
        return _error(
            "Cannot read session",
            f"cannot read {self._file_of(session_id)}: {_reason(error)}. Check that the file belongs to you "
            "and that the disk is healthy, then try again.",
        )

    def _not_saved(
        self,
        session_id: str,
        meta_doc: dict[str, Any] | None,
        what: str,
        failure: _WriteFailed,
        *,
        new: bool = False,
    ) -> SecplanError:
        label = session_id
        if meta_doc is not None:
            with contextlib.suppress(_Unreadable, _TooNew):
                label = _meta_from_doc(meta_doc, session_id).label
        where = self._file_of(session_id)
        if failure.committed:
            return _error(
                "Save not confirmed",
                f"{what} {_was(what)} written to {where} in session {label}, but the directory {failure.path} "
                f"could not be synced ({_reason(failure.error)}), so it may be lost if the machine crashes "
                f"now. {_advice(failure.error)}",
            )
        outcome = "Nothing was created." if new else f"The session file {where} is unchanged."
        leftover = (
            f" The temporary file {failure.leftover} could not be removed; it is swept on the next start."
            if failure.leftover
            else ""
        )
        return _error(
            "Not saved",
            f"{what} {_was(what)} NOT saved in session {label}: {_reason(failure.error)} while {failure.step} "
            f"{failure.path}. {outcome}{leftover} {_advice(failure.error)}",
        )

    def _read(self, session_id: str) -> Tables:
        """Load one session, checked, without the lock (saves replace the file atomically)."""
        sid = self._known_id(session_id)
        try:
            return self._storage(sid).load()
        except _Missing:
            raise self._unknown_id(sid) from None
        except _Unreadable as exc:
            raise self._unreadable(sid, exc.reason) from None
        except _TooNew as exc:
            raise self._too_new(sid, exc.found) from None
        except OSError as exc:
            raise self._read_failed(sid, exc) from exc

    @contextlib.contextmanager
    def _edit(self, session_id: str, what: str) -> Iterator[tuple[TinyDB, _Changes]]:
        """Lock the session, read it fresh, yield a TinyDB over it in memory and a list of what only grows, then
        append the history and write new snapshot files, commit them with one durable save of the session file,
        and unlock. A format-1 file is upgraded on the way (see :meth:`_upgrade`)."""
        sid = self._known_id(session_id)
        self._check_writable(sid, what)
        with self._session_locked(sid, what):
            storage = self._storage(sid)
            changes = _Changes()
            storage.before_save = lambda tables: self._write_side_files(sid, tables, changes)
            try:
                with storage.transaction():
                    yield _database(storage), changes
                if changes.upgraded:
                    self._confirm_upgrade(sid)
            except _Missing:
                raise self._unknown_id(sid) from None
            except _Unreadable as exc:
                raise self._unreadable(sid, exc.reason) from None
            except _TooNew as exc:
                raise self._too_new(sid, exc.found) from None
            except _WriteFailed as exc:
                raise self._not_saved(sid, storage.loaded_meta, what, exc) from exc
            except OSError as exc:
                raise self._read_failed(sid, exc) from exc

    # -- the files that only grow: history journal, snapshots; the upgrade from format 1 ------------------------

    def _write_side_files(self, session_id: str, tables: Tables, changes: _Changes) -> None:
        """Upgrade a format-1 database, append the new history and write new snapshots; record the journal's
        new length in ``tables``, which the caller then saves (the commit). Runs under the session's lock."""
        if _is_format1(tables):
            self._upgrade(session_id, tables, changes)
        if changes.journal:
            payload = b"".join(_journal_line(entry) for entry in changes.journal)
            start = self._journal_append(session_id, _committed(tables), payload)
            tables["journal"] = {"1": {"bytes": start + len(payload)}}
        for snapshot_id, content in changes.snapshots:
            self._side_write(session_id, _snapshot_name(session_id, snapshot_id), content)

    def _upgrade(self, session_id: str, tables: Tables, changes: _Changes) -> None:
        """Turn a format-1 database (history and snapshots inside) into format 2, in ``tables``.

        In order: keep a copy of the old file (``<id>.json.format1-backup``), write each snapshot to its own file
        and the whole history to a fresh journal, then let the caller save the new session file; the backup is
        removed once the new file reads back (:meth:`_confirm_upgrade`). A kill at any point leaves the old file
        in place (the next change upgrades again, rewriting the same files) or the new one, complete.
        """
        entries: list[dict[str, Any]] = []
        for _, doc in _table_docs(tables, "history"):
            _history_entry(doc)
            entries.append({"kind": "answer", **doc})
        for _, doc in _table_docs(tables, "action_history"):  # written for a short while before format 2
            _action_status(doc)
            entries.append({"kind": "action", **doc})
        self._side_write(session_id, _backup_name(session_id), self._main_bytes(session_id))
        index: dict[str, Any] = {}
        for doc_id, doc in _table_docs(tables, "snapshots"):
            if "plan" not in doc:
                index[str(doc_id)] = doc  # added by this very change, already in the new form
                continue
            old = _snapshot(doc_id, doc)
            payload = _snapshot_payload(old.label, old.at, old.plan)
            self._side_write(session_id, _snapshot_name(session_id, doc_id), payload)
            index[str(doc_id)] = {"label": old.label, "at": old.at}
        payload = b"".join(_journal_line(entry) for entry in entries)
        start = self._journal_append(session_id, 0, payload)
        tables.pop("history", None)
        tables.pop("action_history", None)
        tables["snapshots"] = index
        tables.setdefault("actions", {})
        tables.setdefault("answers", {})
        tables["journal"] = {"1": {"bytes": start + len(payload)}}
        for doc in tables["meta"].values():
            doc["format"] = FORMAT_VERSION
        changes.upgraded = True

    def _confirm_upgrade(self, session_id: str) -> None:
        """Remove the backup of a format-1 file once the new session file reads back as format 2."""
        try:
            if not _is_format1(self._storage(session_id).load()):
                self._side_remove(session_id, _backup_name(session_id))
        except (OSError, _Missing, _Unreadable, _TooNew):
            pass  # the backup stays; the next start removes it once the session file reads

    def _journal_entries(self, session_id: str, tables: Tables) -> list[dict[str, Any]]:
        """The committed history entries of a format-2 session; raises _Unreadable."""
        committed = _committed(tables)
        if committed == 0:
            return []
        name = _journal_name(session_id)
        if committed > MAX_HISTORY_BYTES:
            raise _Unreadable(
                f"its history file {name} is recorded as {committed:,} bytes long, more than secplan reads "
                f"({MAX_HISTORY_BYTES:,})"
            )
        try:
            raw = self._side_read(session_id, name, committed, prefix=True)
        except FileNotFoundError:
            raw = b""
        except OSError as exc:
            raise self._read_failed(session_id, exc) from exc
        if len(raw) < committed:
            raise _Unreadable(
                f"its history file {name} holds {len(raw)} bytes, fewer than the {committed} the session recorded"
            )
        return _parse_journal(raw[:committed], name)

    def _history_entries(self, session_id: str, kind: str, table: str) -> list[dict[str, Any]]:
        """Every change of this kind, oldest first, from either format."""
        tables = self._read(session_id)
        if _is_format1(tables):
            return [doc for _, doc in _table_docs(tables, table)]
        try:
            return [entry for entry in self._journal_entries(session_id, tables) if entry["kind"] == kind]
        except _Unreadable as exc:
            raise self._journal_unreadable(session_id, exc.reason) from None

    def _journal_unreadable(self, session_id: str, reason: str) -> SecplanError:
        """Set an unreadable history journal aside and start a new one; the answers and statuses stay."""
        name = _journal_name(session_id)
        where = self._side_where(session_id, name)
        what = "Setting the unreadable history aside"
        try:
            self._check_writable(session_id, what)
        except SecplanError:
            return _error(
                "Session history unreadable",
                f"the history {where} of session {session_id} cannot be read: {reason}. It was left as it is; "
                "its owner's secplan sets it aside the next time they read it.",
            )
        try:
            with self._session_locked(session_id, what):
                tables = self._read(session_id)
                try:
                    self._journal_entries(session_id, tables)
                except _Unreadable as exc:
                    reason = exc.reason
                else:
                    return _error(
                        "Session changed", f"{where} could not be read a moment ago but reads now; try again."
                    )
                aside = self._set_aside(session_id, name)
                tables["journal"] = {"1": {"bytes": 0}}
                self._storage(session_id).save(tables)
        except _WriteFailed as exc:
            return self._not_saved(session_id, None, what, exc)
        moved = f"It was moved aside to {aside}" if aside else "Nothing of it was left"
        error = _error(
            "Session history unreadable",
            f"the history {where} of session {session_id} could not be read: {reason}. {moved}; the answers, "
            "action statuses and snapshots are intact, and a new history starts now. Nothing was deleted.",
        )
        self._notice(error.message)
        return error

    @staticmethod
    def _current_meta(db: TinyDB) -> SessionMeta:
        docs = db.table("meta").all()
        return _meta_from_doc(dict(docs[0]), docs[0]["id"])

    @staticmethod
    def _write_meta(db: TinyDB, meta: SessionMeta) -> None:
        db.table("meta").update(_meta_doc(meta))

    def _refuse_taken_name(self, name: str, sessions: list[SessionMeta], except_id: str | None) -> None:
        folded = name.casefold()
        for other in sessions:
            if other.id == except_id:
                continue
            if other.name.casefold() == folded:
                raise _invalid(
                    "Name already used",
                    f"a session named {_show(other.name)} already exists (id {other.id}) in {self.location}. "
                    f"Choose another name, or open that one with `secplan open {other.id}`.",
                )
            if other.id == folded:
                raise _invalid(
                    "Name already used",
                    f"{_show(name)} is the id of another session; choose a name that is not a session id.",
                )

    # -- the public interface (see SessionStore) -------------------------------------------------------------

    def create(
        self,
        name: str,
        questionnaire_id: str,
        questionnaire_version: str,
        questionnaire_hash: str,
        scenario: str | None = None,
    ) -> SessionMeta:
        """Create an empty session and return its metadata.

        Raises:
            InvalidInput: the name is empty, has control characters, is too long, or is already used
                (ignoring case) by another session.
            SecplanError: the session file could not be written (nothing is left behind).
        """
        name = _check_name(name)
        if not _is_catalogue_id(_check_text("questionnaire_id", questionnaire_id)):
            raise ValueError(f"questionnaire_id must be an id, not a path: {questionnaire_id!r}")
        _check_text("questionnaire_version", questionnaire_version)
        if not isinstance(questionnaire_hash, str):
            raise ValueError(f"questionnaire_hash must be a string, not {questionnaire_hash!r}")
        if scenario is not None and not _is_catalogue_id(_check_text("scenario", scenario)):
            raise ValueError(f"scenario must be an id, not a path: {scenario!r}")
        with self._names_locked():
            existing = self._list()
            self._refuse_taken_name(name, existing, except_id=None)
            taken = {m.id for m in existing} | {m.name.casefold() for m in existing}
            session_id = _new_session_id()
            while session_id in taken or self._exists(session_id) or not self._claim_id(session_id):
                session_id = _new_session_id()
            now = self._timestamp()
            meta = SessionMeta(
                id=session_id,
                name=name,
                questionnaire_id=questionnaire_id,
                questionnaire_version=questionnaire_version,
                questionnaire_hash=questionnaire_hash,
                created=now,
                updated=now,
                status=IN_PROGRESS,
                progress=_progress(),
                scenario=scenario,
            )
            tables: Tables = {
                "actions": {},
                "answers": {},
                "journal": {"1": {"bytes": 0}},
                "meta": {"1": _meta_doc(meta)},
                "snapshots": {},
            }
            try:
                self._storage(session_id).save(tables)
            except _WriteFailed as exc:
                raise self._not_saved(session_id, _meta_doc(meta), "The new session", exc, new=True) from exc
        return meta

    def sessions(self) -> list[SessionMeta]:
        """Every readable session, the most recently updated first (ties: newest created, then id)."""
        return sorted(self._list(), key=lambda m: (m.updated, m.created, m.id), reverse=True)

    def resolve(self, ref: str) -> SessionMeta:
        """Find a session by id (any case) or else by name (ignoring case and surrounding spaces).

        Raises:
            InvalidInput: no session matches (with a did-you-mean), or several sessions have that name
                (listing their ids).
        """
        key = ref.strip() if isinstance(ref, str) else ""
        if not key:
            raise _invalid(
                "No session given", "name a session by its id or its name; see `secplan list`."
            )
        metas = self.sessions()
        for meta in metas:
            if meta.id == key.lower():
                return meta
        folded = key.casefold()
        named = [meta for meta in metas if meta.name.casefold() == folded]
        if len(named) == 1:
            return named[0]
        if named:
            ids = "; ".join(f"{m.id} (updated {m.updated})" for m in named)
            raise _invalid(
                "Ambiguous session",
                f"{len(named)} sessions are named {_show(key)}: {ids}. Use the id instead, "
                f"e.g. `secplan open {named[0].id}`, or rename one of them.",
            )
        candidates: dict[str, SessionMeta] = {}
        for meta in metas:
            candidates.setdefault(meta.name.casefold(), meta)
            candidates.setdefault(meta.id, meta)
        close = difflib.get_close_matches(folded, list(candidates), n=3, cutoff=0.6)
        suggestion = ""
        if close:
            shown = ", ".join(dict.fromkeys(candidates[c].label for c in close))
            suggestion = f" Did you mean {shown}?"
        raise _invalid(
            "Unknown session",
            f"there is no session with id or name {_show(key)} in {self.location}.{suggestion} "
            "Run `secplan list` to see the sessions.",
        )

    def meta(self, session_id: str) -> SessionMeta:
        """The session's metadata, read fresh from the store."""
        return _meta_of(self._read(session_id), session_id)

    def answers(self, session_id: str) -> dict[str, AnswerValue]:
        """The current answers by question id, in the order the questions were first answered."""
        tables = self._read(session_id)
        return {doc["question"]: doc["value"] for _, doc in _table_docs(tables, "answers")}

    def answer_notes(self, session_id: str) -> dict[str, str]:
        """The notes of the current answers that have one, by question id, in the order first answered."""
        tables = self._read(session_id)
        return {doc["question"]: doc["note"] for _, doc in _table_docs(tables, "answers") if doc.get("note")}

    def history(self, session_id: str) -> list[HistoryEntry]:
        """Every change of every answer, oldest first.

        Raises:
            SecplanError: the history cannot be read (in format 2 its journal is then set aside, see
                :meth:`_journal_unreadable`; in format 1 the session file is moved aside).
        """
        try:
            return [_history_entry(doc) for doc in self._history_entries(session_id, "answer", "history")]
        except _Unreadable as exc:
            if _is_format1(self._read(session_id)):
                raise self._unreadable(session_id, exc.reason) from None
            raise self._journal_unreadable(session_id, exc.reason) from None

    def _change_answers(
        self,
        session_id: str,
        values: Mapping[str, AnswerValue],
        clear: tuple[str, ...],
        progress: Progress,
        what: str,
        notes: Mapping[str, str] | None = None,
    ) -> SessionMeta:
        """Apply answer changes, their history entries and the meta update in one locked, durable write.

        ``notes`` gives a new note for some of ``values`` ("" removes it); the others keep theirs.
        """
        notes = notes or {}
        with self._edit(session_id, what) as (db, changes):
            answers = db.table("answers")
            current = {doc["question"]: doc for doc in answers.all()}
            now, user = self._timestamp(), self._user()
            new_answers: list[dict[str, Any]] = []
            for question_id, value in values.items():
                doc = current.get(question_id)
                old_note = doc.get("note", "") if doc is not None else ""
                note = notes.get(question_id, old_note)
                if doc is not None and _same(doc["value"], value) and note == old_note:
                    continue
                if doc is None:
                    new_answers.append({"question": question_id, "value": value, **({"note": note} if note else {})})
                else:
                    answers.update(_set_answer(value, note), doc_ids=[doc.doc_id])
                changes.journal.append(_answer_change(question_id, value, now, user, note))
            for question_id in clear:
                doc = current.get(question_id)
                if doc is not None:
                    answers.remove(doc_ids=[doc.doc_id])
                    changes.journal.append(_answer_change(question_id, None, now, user))
            meta = self._current_meta(db)
            counts, status = dict(meta.progress), meta.status
            if callable(progress):
                # Counted here, inside the lock, from every answer the session now holds: another process's
                # import since the caller last looked is counted too, so progress is never written stale.
                final = {q: doc["value"] for q, doc in current.items() if q not in clear}
                final.update(values)
                checked = _check_progress(progress(final))
                assert checked is not None  # noqa: S101 - a mapping in, a mapping out
                counts = dict(checked)
                status = COMPLETE if counts["answered"] >= counts["total"] > 0 else IN_PROGRESS
            elif progress is not None:
                counts = dict(progress)
            if not changes.journal and counts == dict(meta.progress) and status == meta.status:
                return meta  # nothing changed: no write at all
            if new_answers:
                answers.insert_multiple(new_answers)
            meta = dataclasses.replace(meta, updated=now, progress=counts, status=status)
            self._write_meta(db, meta)
        return meta

    def save_answer(
        self,
        session_id: str,
        question_id: str,
        value: AnswerValue,
        progress: Progress = None,
        *,
        note: str | None = None,
    ) -> SessionMeta:
        """Save one answer, its history entry and the meta update in one durable write.

        ``note`` (optional) says where the answer came from or who to ask: None keeps the answer's note, ""
        removes it, text replaces it (cleaned of escape sequences and control characters, on one line, at most
        :data:`MAX_NOTE_LENGTH` characters). A new note on the same value is a change, with its history entry.

        Saving the value the question already has writes nothing. Returns only once the save is on disk.
        ``progress`` (see :data:`Progress`) may be a function counting progress from the session's answers: it
        is then called inside the lock, and the session's status follows it, all in this one write.

        Raises:
            InvalidInput: unknown session, or a value that is not an answer.
            SecplanError: the session is busy in another process, or the write failed (the file is unchanged).
        """
        question_id = _check_question_id(question_id)
        checked = _check_value(question_id, value)
        return self._change_answers(
            session_id,
            {question_id: checked},
            (),
            _checked_progress(progress),
            f"The answer to {_show(question_id)}",
            None if note is None else {question_id: _check_note(note)},
        )

    def clear_answer(self, session_id: str, question_id: str, progress: Progress = None) -> SessionMeta:
        """Remove one answer, recording None in the history, in one durable write (no-op if unanswered)."""
        question_id = _check_question_id(question_id)
        return self._change_answers(
            session_id,
            {},
            (question_id,),
            _checked_progress(progress),
            f"Clearing the answer to {_show(question_id)}",
        )

    def save_answers(
        self,
        session_id: str,
        answers: Mapping[str, AnswerValue],
        progress: Progress = None,
        *,
        notes: Mapping[str, str] | None = None,
    ) -> SessionMeta:
        """Save many answers in one durable write: all values are checked first, then all saved or none.

        ``notes`` gives notes for some of these answers (as :meth:`save_answer`'s ``note``); the others keep theirs.

        Raises:
            InvalidInput: a bad question id, value or note, or a note for a question not among ``answers``.
        """
        checked = {_check_question_id(q): _check_value(q, v) for q, v in answers.items()}
        checked_notes = {q: _check_note(n) for q, n in (notes or {}).items()}
        stray = sorted(set(checked_notes) - set(checked))
        if stray:
            raise _invalid(
                "Note without an answer",
                f"a note is given for {', '.join(map(_show, stray))} but no answer; give the answer with its note.",
            )
        count = f"{len(checked)} answer{'s' if len(checked) != 1 else ''}"
        return self._change_answers(
            session_id, checked, (), _checked_progress(progress), f"The {count}", checked_notes
        )

    def update_meta(
        self,
        session_id: str,
        *,
        name: str | _Unset = UNSET,
        status: SessionStatus | _Unset = UNSET,
        questionnaire_version: str | _Unset = UNSET,
        questionnaire_hash: str | _Unset = UNSET,
        scenario: str | None | _Unset = UNSET,
        progress: Mapping[str, int] | _Unset = UNSET,
    ) -> SessionMeta:
        """Change metadata fields given as keywords; ``updated`` is set to now. Returns the new meta.

        Raises:
            InvalidInput: a new name that is invalid or already used.
            ValueError: a status other than ``in_progress``/``complete`` or malformed progress (a caller bug).
        """
        changes: dict[str, Any] = {}
        if not isinstance(name, _Unset):
            changes["name"] = _check_name(name)
        if not isinstance(status, _Unset):
            if status not in _STATUSES:
                raise ValueError(f"status must be one of {_STATUSES}, not {status!r}")
            changes["status"] = status
        if not isinstance(questionnaire_version, _Unset):
            changes["questionnaire_version"] = _check_text("questionnaire_version", questionnaire_version)
        if not isinstance(questionnaire_hash, _Unset):
            if not isinstance(questionnaire_hash, str):
                raise ValueError(f"questionnaire_hash must be a string, not {questionnaire_hash!r}")
            changes["questionnaire_hash"] = questionnaire_hash
        if not isinstance(scenario, _Unset):
            if scenario is not None and not _is_catalogue_id(_check_text("scenario", scenario)):
                raise ValueError(f"scenario must be an id, not a path: {scenario!r}")
            changes["scenario"] = scenario
        if not isinstance(progress, _Unset):
            changes["progress"] = _check_progress(progress)
        if "name" not in changes:
            return self._update_meta(session_id, changes)
        self._check_writable(session_id, "The new name")
        with self._names_locked():
            self._refuse_taken_name(changes["name"], self._list(), except_id=session_id)
            return self._update_meta(session_id, changes)

    def _update_meta(self, session_id: str, changes: dict[str, Any]) -> SessionMeta:
        with self._edit(session_id, "The change to the session's details") as (db, _):
            meta = self._current_meta(db)
            if all(getattr(meta, key) == value for key, value in changes.items()):
                return meta
            meta = dataclasses.replace(meta, updated=self._timestamp(), **changes)
            self._write_meta(db, meta)
        return meta

    def rename(self, session_id: str, name: str) -> SessionMeta:
        """Give the session a new name, refused if another session uses it (ignoring case)."""
        return self.update_meta(session_id, name=name)

    def add_snapshot(self, session_id: str, label: str, plan: Mapping[str, Any]) -> Snapshot:
        """Keep a copy of a plan in the session, in one durable write.

        Raises:
            ValueError: the plan is not a JSON object of JSON values (a caller bug).
        """
        label = _check_text("snapshot label", label)
        try:
            copy = json.loads(json.dumps(dict(plan), allow_nan=False))
        except (TypeError, ValueError) as exc:
            raise ValueError(f"a snapshot plan must be a JSON object: {exc}") from None
        with self._edit(session_id, f"The snapshot {_show(label)}") as (db, changes):
            now = self._timestamp()
            snapshot_id = db.table("snapshots").insert({"label": label, "at": now})
            changes.snapshots.append((snapshot_id, _snapshot_payload(label, now, copy)))
            self._write_meta(db, dataclasses.replace(self._current_meta(db), updated=now))
        return Snapshot(id=snapshot_id, label=label, at=now, plan=json.loads(json.dumps(copy)))

    def snapshots(self, session_id: str) -> list[Snapshot]:
        """The kept plans, oldest first.

        In format 2 each plan is its own file; one that cannot be read is left out and reported in
        :attr:`notices` (it is left as it is), so the others stay usable.
        """
        tables = self._read(session_id)
        if _is_format1(tables):
            try:
                return [_snapshot(doc_id, doc) for doc_id, doc in _table_docs(tables, "snapshots")]
            except _Unreadable as exc:
                raise self._unreadable(session_id, exc.reason) from None
        found: list[Snapshot] = []
        for doc_id, doc in _table_docs(tables, "snapshots"):
            name = _snapshot_name(session_id, doc_id)
            try:
                data = json.loads(self._side_read(session_id, name, MAX_SNAPSHOT_BYTES))
                if not isinstance(data, dict) or any(data.get(k) != doc.get(k) for k in ("label", "at")):
                    raise _Unreadable("it does not hold the snapshot the session lists")
                found.append(_snapshot(doc_id, data))
            except (OSError, ValueError, RecursionError, _Unreadable) as exc:
                if isinstance(exc, _Unreadable):
                    why = exc.reason
                else:
                    why = _reason(exc) if isinstance(exc, OSError) else "it is not JSON"
                self._notice(
                    f"Snapshot {doc_id} of session {session_id} cannot be read from "
                    f"{self._side_where(session_id, name)}: {why}. It is left out; restore the file from a backup."
                )
        return found

    def action_statuses(self, session_id: str) -> dict[str, ActionStatus]:
        """The current status of every action ever given one, by action id, in the order first set.

        Actions that have left the plan keep theirs; which of them the plan still has is the caller's concern.
        """
        tables = self._read(session_id)
        return {doc["action"]: _action_status(doc) for _, doc in _table_docs(tables, "actions")}

    def set_action_status(
        self, session_id: str, action_id: str, status: str, *, due: str | None = None, note: str = ""
    ) -> ActionStatus:
        """Set one action's status, with its history entry and the meta update, in one durable write.

        Args:
            session_id: The session.
            action_id: The action's id; only its shape is checked here (the caller checks it is in the plan).
            status: One of ``model.ACTION_STATUSES``: todo, doing, done, deferred, wont.
            due: The new due date ``YYYY-MM-DD`` (or a ``date``): required for ``deferred``, refused otherwise.
            note: Why, or what was done; cleaned of escape sequences and control characters, put on one line,
                at most :data:`MAX_NOTE_LENGTH` characters.

        Returns:
            The status as stored, with when (UTC) and by whom (the OS user). Setting exactly the status, date
            and note the action already has writes nothing and returns the stored one.

        Raises:
            InvalidInput: unknown session, a malformed action id, an unknown status, a bad or missing date, a
                note that is not text or too long (nothing is saved).
            SecplanError: the session is busy in another process, or the write failed (the file is unchanged).
        """
        action_id = _check_action_id(action_id)
        status = _check_status(status)
        checked_due = _check_due(status, due)
        checked_note = _check_note(note)
        with self._edit(session_id, f"The status of action {_show(action_id)}") as (db, changes):
            table = db.table("actions")
            current = next((doc for doc in table.all() if doc.get("action") == action_id), None)
            if current is not None and (current["status"], current["due"], current["note"]) == (
                status,
                checked_due,
                checked_note,
            ):
                return _action_status(current)
            now = self._timestamp()
            doc = _status_doc(action_id, status, checked_due, checked_note, now, self._user())
            if current is None:
                table.insert(doc)
            else:
                table.update(doc, doc_ids=[current.doc_id])
            changes.journal.append({"kind": "action", **doc})
            self._write_meta(db, dataclasses.replace(self._current_meta(db), updated=now))
        return _action_status(doc)

    def action_history(self, session_id: str) -> list[ActionStatus]:
        """Every status change of every action, oldest first, including actions no longer in the plan."""
        try:
            return [_action_status(doc) for doc in self._history_entries(session_id, "action", "action_history")]
        except _Unreadable as exc:
            if _is_format1(self._read(session_id)):
                raise self._unreadable(session_id, exc.reason) from None
            raise self._journal_unreadable(session_id, exc.reason) from None

    def delete(self, session_id: str) -> SessionMeta:
        """Delete the session file and everything in it (answers, history, snapshots); returns what it was.

        Raises:
            InvalidInput: unknown session.
            SecplanError: busy in another process, or the file could not be removed (it is unchanged).
        """
        sid = self._known_id(session_id)
        self._check_writable(sid, "The deletion")
        with self._session_locked(sid, "The deletion"):
            meta = _meta_of(self._read(sid), sid)
            try:
                self._remove(sid)
            except OSError as exc:
                raise _error(
                    "Not deleted",
                    f"session {meta.label} was NOT deleted: {_reason(exc)} while removing "
                    f"{self._file_of(sid)}. {_advice(exc)}",
                ) from exc
        self._forget(sid)
        return meta


def _reason(error: OSError) -> str:
    name = errno.errorcode.get(error.errno or 0, "")
    text = error.strerror or str(error) or type(error).__name__
    return f"{text.rstrip('.').lower()} ({name})" if name else text


def _advice(error: OSError) -> str:
    code = error.errno
    if code in (errno.ENOSPC, errno.EDQUOT):
        return (
            "Free some disk space (or ask for a larger quota), then try again; your other answers are safe."
        )
    if code == errno.EROFS:
        return "The file system is read-only; remount it read-write or use --data-dir to pick another place."
    if code in (errno.EACCES, errno.EPERM):
        return "Check that the workspace directory and its files belong to you (directory 0700, files 0600)."
    if code == errno.EIO:
        return "The disk reported an input/output error: check it (e.g. `dmesg`) and back up the workspace."
    return "Check the disk and the workspace directory, then try again."


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists but is not ours (EPERM), or we cannot tell: keep its file
    return True


def _lock_holder(lock_path: Path) -> int | None:
    """The pid holding a flock on the file, from Linux's /proc/locks; None when it cannot be told."""
    try:
        st = os.stat(lock_path)
        lines = Path("/proc/locks").read_text().splitlines()
    except OSError:
        return None
    exact = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    by_inode: list[int] = []
    for line in lines:
        parts = line.split()
        if len(parts) < 6 or "->" in parts or parts[1] != "FLOCK":
            continue  # "->" marks a waiter, not the holder
        try:
            pid = int(parts[4])
        except ValueError:
            continue
        if parts[5] == exact:
            return pid if pid > 0 else None
        if parts[5].endswith(f":{st.st_ino}"):
            by_inode.append(pid)
    return by_inode[0] if len(by_inode) == 1 and by_inode[0] > 0 else None


# ----------------------------------------------------------------------------------------------------------
# Classrooms: one workspace per class, one folder per learner
# ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Classroom:
    """The set-up of a classroom workspace, as its marker file ``.secplan-classroom`` records it."""

    root: Path
    """The classroom folder: the workspace directory that learners and trainers give to --data-dir."""
    group: str
    """The trainers' group name, for messages."""
    gid: int
    """The trainers' group id: every learner's folder and session file carries it."""

    def folder_of(self, uid: int) -> Path:
        """The folder that holds the sessions of the user with this uid: ``<root>/<user name>``."""
        return self.root / _account_name(uid)


def _account_name(uid: int) -> str:
    """The user name of a uid, or the number itself when the system has no name for it.

    A numeric folder name cannot clash with a real user's: useradd refuses all-digit names.
    """
    if sys.platform != "win32":
        with contextlib.suppress(KeyError):
            return pwd.getpwuid(uid).pw_name
    return str(uid)


def _group_name(gid: int) -> str:
    """The name of a group id, or the number itself when the system has no name for it."""
    if sys.platform != "win32":
        with contextlib.suppress(KeyError):
            return grp.getgrgid(gid).gr_name
    return str(gid)


def _find_group(group: str) -> tuple[int, str]:
    """The gid and name of a group given by name or number; InvalidInput if the system does not know it."""
    if sys.platform != "win32":
        try:
            entry = grp.getgrnam(group)
        except KeyError:
            if group.isdigit():
                return int(group), _group_name(int(group))
        else:
            return entry.gr_gid, entry.gr_name
    raise _invalid(
        "Unknown group",
        f"there is no group {_show(group)} on this system. Create it first (e.g. `groupadd {group}` as "
        "root) and add the trainers to it (`usermod -aG GROUP USER`).",
    )


def _find_user(user: str) -> int:
    """The uid of a user given by name or number; InvalidInput if the system does not know it."""
    if sys.platform != "win32":
        try:
            return pwd.getpwnam(user).pw_uid
        except KeyError:
            if user.isdigit():
                return int(user)
    raise _invalid("Unknown user", f"there is no user {_show(user)} on this system; check the spelling.")


def _trusted_area(st: os.stat_result, gid: int) -> bool:
    """Whether the trainers' area is as classroom init makes it: root's folder of the trainers' group that no
    one else may write to (so no learner can have made anything in it)."""
    return (
        stat.S_ISDIR(st.st_mode) and st.st_uid == 0 and st.st_gid == gid and not st.st_mode & (stat.S_IWOTH | 0o005)
    )


def _broken_marker(marker: Path, why: str) -> SecplanError:
    return _error(
        "Classroom set-up broken",
        f"the classroom marker {_p(marker)} cannot be used: {why}. Ask the trainer to run "
        f"`secplan classroom init {_p(marker.parent)} --group GROUP` again: it repairs the set-up and keeps "
        "every session.",
    )


def read_classroom(path: str | os.PathLike[str]) -> Classroom | None:
    """The classroom set-up of a workspace directory, or None when it is an ordinary workspace.

    A classroom is trusted only when its folder and its marker belong to root (or to the user running secplan):
    otherwise anyone could make a folder where a victim will save (say under /tmp), mark it as a classroom of
    their own group, and read the victim's sessions.

    Args:
        path: The workspace directory.

    Raises:
        SecplanError: the marker exists but cannot be read, makes no sense, or is not to be trusted.
    """
    root = Path(path).expanduser().absolute()
    marker = root / CLASSROOM_MARKER
    try:
        raw, marker_owner = _read_owned(marker, _MARKER_LIMIT)
        root_owner = os.stat(root).st_uid
    except (FileNotFoundError, NotADirectoryError):
        return None
    except _Unreadable as exc:
        raise _broken_marker(marker, exc.reason) from None
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EPERM) and not os.access(root, os.X_OK):
            # A folder you cannot enter is no classroom of yours (a classroom lets everyone in: mode 3773); what
            # is wrong with it as a workspace is told by the workspace (whose it is, its mode).
            return None
        raise _broken_marker(marker, _reason(exc)) from exc
    trusted = (0, os.geteuid())
    if marker_owner not in trusted or root_owner not in trusted:
        raise _error(
            "Untrusted classroom",
            f"{_p(root)} is marked as a classroom, but it was set up by {_p(_account_name(root_owner))} (marker "
            f"by {_p(_account_name(marker_owner))}), not by root, so secplan will not share your sessions there. "
            "Nothing was saved. Use another folder, or ask an administrator to run "
            f"`sudo secplan classroom init {_p(root)} --group GROUP`.",
        )
    if len(raw) > _MARKER_LIMIT:
        raise _broken_marker(marker, f"it is {len(raw)} bytes long, more than a marker ever is")
    try:
        data = json.loads(raw)
    except ValueError:
        raise _broken_marker(marker, "it is not JSON") from None
    if not isinstance(data, dict):
        raise _broken_marker(marker, "it is not a JSON object")
    fmt, group, gid = data.get("format", 1), data.get("group"), data.get("gid")
    if not isinstance(fmt, int) or isinstance(fmt, bool) or fmt < 1:
        raise _broken_marker(marker, f"its format {fmt!r} is not a version number")
    if fmt > 1:
        raise _broken_marker(marker, f"it was written by a newer secplan (format {fmt}); upgrade secplan")
    if not isinstance(group, str) or not isinstance(gid, int) or isinstance(gid, bool) or gid < 0:
        raise _broken_marker(marker, "it must name the trainers' group ('group') and its number ('gid')")
    return Classroom(root=root, group=group, gid=gid)


def _classroom_failure(path: Path, doing: str, error: OSError) -> SecplanError:
    advice = (
        "Even root may be refused on some file systems (NFS with root_squash): set up the classroom on a local "
        "disk."
        if error.errno in (errno.EPERM, errno.EACCES)
        else _advice(error)
    )
    return _error("Classroom not set up", f"cannot {doing} {path}: {_reason(error)}. {advice}")


def _open_folder(path: Path | str, what: str, dir_fd: int | None = None) -> int:
    """Open a directory of the set-up without following a symbolic link (a learner may swap their folder for
    a link to somewhere root should not touch); InvalidInput if it is not a folder."""
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        return os.open(path, flags, dir_fd=dir_fd)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR):
            raise _invalid(
                "Classroom not set up",
                f"{path} should be {what} but is not a folder (a file or a symbolic link); move it away first.",
            ) from None
        raise _classroom_failure(Path(path), f"open {what}", exc) from exc


def _set_owner_and_mode(fd: int, path: Path, uid: int, gid: int, mode: int, what: str) -> None:
    """fchown and fchmod an open file or folder of the set-up."""
    try:
        st = os.fstat(fd)
        if st.st_uid != uid or st.st_gid != gid:
            os.fchown(fd, uid, gid)
        os.fchmod(fd, mode)  # after fchown, which clears the set-group-id bit
    except OSError as exc:
        raise _classroom_failure(path, f"set the owner and mode {mode:04o} of {what}", exc) from exc


def _mkdir(path: Path, mode: int) -> bool:
    """Make a directory (mode filtered by the umask); False if something is there already."""
    try:
        os.mkdir(path, mode)
    except FileExistsError:
        return False
    except OSError as exc:
        raise _classroom_failure(path, "create the folder", exc) from exc
    return True


def init_classroom(
    path: str | os.PathLike[str], group: str, learners: Sequence[str] = ()
) -> list[str]:
    """Set up a classroom workspace, or repair one; run by root.

    Makes the classroom folder (mode 3773, group ``group``), its marker ``.secplan-classroom`` (0644), its id
    register ``.ids`` (1733) and, for each learner named, their folder (2750, owned by them, group ``group``).
    On an existing classroom it also puts every learner's folder and session file back to the trainers' group
    with modes 2750 and 0640. Sessions are never removed. Root is required: learners trust only a classroom
    whose folder and marker belong to root (see :func:`read_classroom`).

    Args:
        path: The classroom folder (created if missing).
        group: The trainers' group, by name or number.
        learners: User names (or uids) whose folders to make now, so nobody else can take their name.

    Returns:
        What was done, one line each, for the CLI to print.

    Raises:
        InvalidInput: an unknown group or learner, a folder that holds ordinary sessions, a folder inside a
            classroom, or a learner's folder that belongs to someone else.
        SecplanError: not root, or a permission or disk problem, naming the path and what to do.
    """
    if sys.platform == "win32" or os.geteuid() != 0:
        raise _error(
            "Classroom not set up",
            "setting up a classroom needs root (e.g. `sudo secplan classroom init DIR --group GROUP`): learners' "
            "secplan trusts a classroom only when root set it up, so nobody can mark a folder as a classroom of "
            "their own group to read others' sessions.",
        )
    gid, group_name = _find_group(group)
    uids = {_account_name(uid): uid for uid in map(_find_user, learners)}
    root = Path(path).expanduser().absolute()
    inside = False
    with contextlib.suppress(SecplanError):
        inside = read_classroom(root.parent) is not None
    if inside:
        raise _invalid(
            "Classroom not set up",
            f"{root} is a learner's folder inside the classroom {root.parent}; set up a classroom in a folder "
            "of its own.",
        )
    try:
        existing = read_classroom(root)
    except SecplanError:
        existing = None  # a broken marker: rewritten below
    else:
        if existing is None and root.is_dir():
            try:
                sessions = [n for n in os.listdir(root) if _SESSION_FILE_RE.fullmatch(n)]
            except OSError as exc:
                raise _classroom_failure(root, "read the folder", exc) from exc
            if sessions:
                raise _invalid(
                    "Classroom not set up",
                    f"{root} already holds {len(sessions)} ordinary session(s) (e.g. {sessions[0]}); a "
                    "classroom keeps each learner's sessions in their own sub-folder. Pick an empty folder.",
                )
    try:
        root.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _classroom_failure(root.parent, "create the folder", exc) from exc
    created = _mkdir(root, DIR_MODE)
    done = [
        f"{'Created' if created else 'Set up'} the classroom folder {root}: group {group_name} (gid {gid}), "
        f"mode {CLASSROOM_ROOT_MODE:04o}."
    ]
    root_fd = _open_folder(root, "the classroom folder")
    try:
        # Root owns the folder, the marker and the register: learners trust nothing else (read_classroom).
        _set_owner_and_mode(root_fd, root, 0, gid, CLASSROOM_ROOT_MODE, "the classroom folder")
        done.extend(_finish_classroom(root, root_fd, gid, group_name, uids, existing is not None))
    finally:
        os.close(root_fd)
    return done


def _finish_classroom(
    root: Path, root_fd: int, gid: int, group_name: str, uids: dict[str, int], existed: bool
) -> list[str]:
    """The marker, the id register, the learners' folders named, and (as root) repairs; see init_classroom."""
    done: list[str] = []
    payload = (json.dumps({"format": 1, "gid": gid, "group": group_name}, sort_keys=True) + "\n").encode()
    try:
        _write_atomic(root / CLASSROOM_MARKER, payload, mode=CLASSROOM_MARKER_MODE)
    except _WriteFailed as exc:
        raise _classroom_failure(exc.path, f"write the classroom marker ({exc.step})", exc.error) from exc
    for name, mode, what in (
        (CLASSROOM_IDS, CLASSROOM_IDS_MODE, "the id register"),
        (CLASSROOM_TRAINERS, CLASSROOM_TRAINERS_MODE, "the trainers' area"),
    ):
        done.extend(_root_folder(root, root_fd, name, gid, mode, what))
    for name, uid in uids.items():
        folder = root / name
        made = _mkdir(folder, DIR_MODE)
        fd = _open_folder(name, f"the folder of learner {name}", dir_fd=root_fd)
        try:
            found = os.fstat(fd).st_uid
            if found not in (uid, 0):
                raise _invalid(
                    "Classroom not set up",
                    f"the folder {folder} belongs to {_account_name(found)}, not to the learner {name}: someone "
                    f"took the name first. Look inside, then remove it (`rm -r {folder}`) and run this again.",
                )
            _set_owner_and_mode(fd, folder, uid, gid, CLASSROOM_FOLDER_MODE, f"the folder of learner {name}")
        finally:
            os.close(fd)
        done.append(f"{'Made' if made else 'Checked'} the folder of learner {name}: {folder}.")
    if existed:
        folders, files = _repair_learner_folders(root, root_fd, gid, set(uids))
        area_fd = _open_folder(CLASSROOM_TRAINERS, "the trainers' area", dir_fd=root_fd)
        try:
            more_folders, more_files = _repair_learner_folders(root / CLASSROOM_TRAINERS, area_fd, gid, set())
        finally:
            os.close(area_fd)
        folders, files = folders + more_folders, files + more_files
        if folders or files:
            done.append(
                f"Repaired {folders} learner folder(s) and {files} session file(s): group {group_name}, "
                f"modes {CLASSROOM_FOLDER_MODE:04o} and {CLASSROOM_FILE_MODE:04o}."
            )
    _fsync_dir(root)
    return done


def _root_folder(root: Path, root_fd: int, name: str, gid: int, mode: int, what: str) -> list[str]:
    """Make (or repair) a folder of the set-up that root owns: the id register, the trainers' area.

    Anything else at that name (made by a learner before a classroom set up by an older secplan is set up again:
    a folder of theirs, a file, a symbolic link) is moved aside, never followed and never removed.
    """
    done: list[str] = []
    path = root / name
    try:
        st: os.stat_result | None = os.lstat(path)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise _classroom_failure(path, f"look at {what}", exc) from exc
    if st is not None and (not stat.S_ISDIR(st.st_mode) or st.st_uid != 0):
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        aside = root / f"{name}.moved-aside-{stamp}"
        try:
            os.rename(name, aside.name, src_dir_fd=root_fd, dst_dir_fd=root_fd)
        except OSError as exc:
            raise _classroom_failure(path, f"move aside what was made at the place of {what} in", exc) from exc
        done.append(
            f"Moved aside {_p(path)}, made by {_p(_account_name(st.st_uid))} and not by root, to {_p(aside)}; look "
            "inside, then remove it."
        )
    _mkdir(path, DIR_MODE)
    fd = _open_folder(name, what, dir_fd=root_fd)
    try:
        _set_owner_and_mode(fd, path, 0, gid, mode, what)
    finally:
        os.close(fd)
    return done


def _repair_learner_folders(root: Path, root_fd: int, gid: int, skip: set[str]) -> tuple[int, int]:
    """As root: give every learner folder and session file the trainers' group and the classroom modes.

    Works through file descriptors opened without following links, so a learner who swaps a folder or a
    file for a symbolic link cannot make root change anything outside the classroom.
    """
    folders = files = 0
    for name in sorted(os.listdir(root_fd)):
        if name.startswith(".") or name in skip:
            continue
        try:
            fd = _open_folder(name, "a learner's folder", dir_fd=root_fd)
        except InvalidInput:
            continue  # a file or a link, not a learner's folder
        try:
            st = os.fstat(fd)
            if st.st_gid != gid or stat.S_IMODE(st.st_mode) != CLASSROOM_FOLDER_MODE:
                _set_owner_and_mode(fd, root / name, st.st_uid, gid, CLASSROOM_FOLDER_MODE, "a learner's folder")
                folders += 1
            for item in os.listdir(fd):
                if (
                    _SESSION_FILE_RE.fullmatch(item) or _SIDE_FILE_RE.fullmatch(item)
                ) and _repair_session_file(fd, root / name / item, gid):
                    files += 1
        finally:
            os.close(fd)
    return folders, files


def _repair_session_file(folder_fd: int, path: Path, gid: int) -> bool:
    """Give one session file the trainers' group and mode 0640 (a regular file only); True if changed."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path.name, flags, dir_fd=folder_fd)
    except OSError:
        return False  # a link, or gone: nothing of ours to repair
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or (
            st.st_gid == gid and stat.S_IMODE(st.st_mode) == CLASSROOM_FILE_MODE
        ):
            return False
        _set_owner_and_mode(fd, path, st.st_uid, gid, CLASSROOM_FILE_MODE, "a session file")
        return True
    finally:
        os.close(fd)


# ----------------------------------------------------------------------------------------------------------
# The workspace on disk
# ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Place:
    """A folder whose sessions a classroom user sees."""

    folder: Path
    uid: int
    """Its owner: the sessions in it are this user's."""
    misnamed: bool = False
    """Its name is not its owner's login (someone made a folder at another's name)."""


@dataclass(frozen=True)
class _Candidate:
    """A session file found while listing a classroom."""

    place: _Place
    path: Path
    file_uid: int


class Workspace(_StoreBase):
    """Sessions stored as ``<id>.json`` files in one directory (mode 0700; files 0600).

    Opening a workspace creates the directory if needed, sweeps temporary files left by crashed writers and
    moves unreadable session files aside to ``<id>.json.corrupt-<YYYYMMDDTHHMMSS>`` (never overwritten, never
    deleted), telling the user through :attr:`notices`.

    A directory holding the marker ``.secplan-classroom`` is a classroom workspace (docs/classroom.md): each
    user's sessions live in ``<dir>/<user>/`` (mode 2750, the trainers' group; files 0640). A learner sees
    and changes only their own; a trainer (a member of the group, or root) sees and reads everyone's but
    changes only their own.

    Args:
        path: The workspace directory (see :func:`default_data_dir`).
        lock_timeout: Seconds a change waits for another process working on the same session.
        clock: Returns the current time (timezone-aware); for tests.
        user: Returns the user name recorded in history; defaults to the OS user (in a classroom, the name
            of the process's uid, which a learner cannot change by setting $USER).

    Raises:
        SecplanError: the directory cannot be created or read, or its classroom set-up is broken.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
        clock: Callable[[], datetime] | None = None,
        user: Callable[[], str] | None = None,
    ) -> None:
        super().__init__(clock=clock, user=user)
        self.path = Path(path).expanduser().absolute()
        """The workspace directory (in a classroom, the classroom folder)."""
        self.lock_timeout = lock_timeout
        self.classroom: Classroom | None = None
        """The classroom set-up when the directory is a classroom workspace, else None."""
        self._home = self.path
        """Where this user's sessions are written: the directory, or in a classroom ``<dir>/<user>`` for a learner
        and ``<dir>/.trainers/<user>`` for a trainer or root."""
        self._legacy_home = self.path
        """Classroom only: ``<dir>/<user>``, where a trainer's sessions went before the trainers' area."""
        self._area_trusted = False
        """Classroom only: the trainers' area exists as ``classroom init`` makes it (root's, the trainers' group,
        nobody else may write)."""
        self._home_checked = False
        self._trainer = False
        self._where: dict[str, Path] = {}
        """Classroom only: the folder of each session listed, by id."""
        self._flags: dict[str, tuple[str, str | None]] = {}
        """Classroom only: the owner and the suspicion (or None) of each session listed, by id."""
        self._locks: dict[str, BaseFileLock] = {}
        self._locks_guard = threading.Lock()
        self._meta_cache: dict[str, tuple[tuple[int, int, int], SessionMeta]] = {}
        self._open_directory()
        if self.classroom is not None and user is None:
            self._user_source = lambda: _account_name(os.geteuid())
        self._sweep_temp_files()
        self._list()

    @property
    def location(self) -> str:
        """The workspace directory, for messages (safe for a terminal)."""
        return _p(self.path)

    def session_path(self, session_id: str) -> Path:
        """The file of a session (whether or not it exists; in a classroom, a new one goes in your folder)."""
        if not _ID_RE.fullmatch(session_id):
            raise self._unknown_id(session_id)
        if self.classroom is not None:
            self._exists(session_id)  # finds its folder
        return self._folder(session_id) / f"{session_id}.json"

    def owner_of(self, session_id: str) -> str | None:
        """In a classroom, the user whose folder holds the session (None in an ordinary workspace)."""
        if self.classroom is None:
            return None
        sid = self._known_id(session_id)
        flags = self._flags.get(sid)
        return flags[0] if flags is not None else self._owner_name(self._folder(sid))

    def suspect(self, session_id: str) -> str | None:
        """In a classroom, why this session's file is suspect (whose it is), or None; see SessionMeta.suspect."""
        if self.classroom is None:
            return None
        flags = self._flags.get(self._known_id(session_id))
        return flags[1] if flags is not None else None

    def meta(self, session_id: str) -> SessionMeta:
        """The session's metadata, read fresh; in a classroom with its owner and suspicion (see SessionMeta)."""
        meta = super().meta(session_id)
        flags = self._flags.get(meta.id) if self.classroom is not None else None
        return meta if flags is None else dataclasses.replace(meta, owner=flags[0], suspect=flags[1])

    def _folder(self, session_id: str) -> Path:
        return self._where.get(session_id, self._home)

    def _file_of(self, session_id: str) -> str:
        return str(self._folder(session_id) / f"{session_id}.json")

    def _lock_path(self, session_id: str) -> Path:
        return self._folder(session_id) / f"{session_id}.json.lock"

    # -- opening -------------------------------------------------------------------------------------------

    def _open_directory(self) -> None:
        classroom_above: Path | None = None
        above = [self.path.parent]
        if self.path.parent.name == CLASSROOM_TRAINERS:
            above.append(self.path.parent.parent)  # a trainer's folder in the trainers' area
        for candidate in above:
            with contextlib.suppress(SecplanError):  # a broken or untrusted marker there is no reason to refuse
                if read_classroom(candidate) is not None:
                    classroom_above = candidate
        if classroom_above is not None:
            raise _invalid(
                "Wrong workspace",
                f"{self.location} is a folder inside the classroom {_p(classroom_above)}. Give the classroom "
                f"itself: --data-dir {_p(classroom_above)}",
            )
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.mkdir(self.path, DIR_MODE)
            except FileExistsError:
                pass
            else:
                os.chmod(self.path, DIR_MODE)  # mkdir's mode is filtered by the umask
            st = os.stat(self.path)
        except OSError as exc:
            raise _error(
                "Cannot open workspace",
                f"cannot create or open the workspace directory {self.location}: {_reason(exc)}. "
                "Pick another with --data-dir DIR or SECPLAN_DATA_DIR, or fix its permissions.",
            ) from exc
        if not stat.S_ISDIR(st.st_mode):
            raise _error(
                "Cannot open workspace",
                f"{self.location} is not a directory. Pick another with --data-dir DIR or SECPLAN_DATA_DIR.",
            )
        self.classroom = read_classroom(self.path)
        if self.classroom is not None:
            self._open_classroom(self.classroom, st)
            return
        euid = os.geteuid() if hasattr(os, "geteuid") else st.st_uid
        if st.st_uid != euid:
            owner, you = _account_name(st.st_uid), _account_name(euid)
            raise _error(
                "Not your workspace",
                f"the workspace {self.location} belongs to {owner}, not to you ({you}). A workspace keeps one "
                f"person's sessions private, so secplan does not work in another's: use a folder of your own "
                f"(--data-dir DIR or SECPLAN_DATA_DIR), or run secplan as {owner} (e.g. `sudo -u {owner} secplan "
                "...`). To share sessions with a class, set up a classroom (`secplan classroom init DIR --group "
                "GROUP`). Nothing was read or changed.",
            )
        if st.st_mode & 0o077:
            was = stat.S_IMODE(st.st_mode)
            if self._only_secplan_files():
                # Your own ordinary workspace (never a classroom, never another's: both were dealt with above),
                # holding nothing but secplan's files: make it private, as the README promises, and say so once.
                try:
                    os.chmod(self.path, DIR_MODE)
                except OSError:
                    pass
                else:
                    self._notice(
                        f"The workspace {self.location} could be read by other users (mode {was:04o}); it is now "
                        "private (0700)."
                    )
                    return
            self._notice(
                f"The workspace {self.location} can be read by other users "
                f"(mode {was:04o}). Run `chmod 700 {self.location}` to keep the sessions "
                "private."
            )

    def _only_secplan_files(self) -> bool:
        """Whether the workspace folder holds nothing but what secplan keeps there (sessions, their snapshots,
        histories and locks, the exports folder), so that making it private changes nothing else: a folder such
        as your home folder, given with --data-dir, is only warned about."""
        if self.path == Path.home():
            return False
        try:
            names = os.listdir(self.path)
        except OSError:
            return False
        return all(_SECPLAN_NAME.fullmatch(name) for name in names)

    def _open_classroom(self, classroom: Classroom, st: os.stat_result) -> None:
        euid = os.geteuid()
        self._home = self._legacy_home = classroom.folder_of(euid)
        self._trainer = euid == 0 or classroom.gid == os.getegid() or classroom.gid in os.getgroups()
        if self._trainer:
            # A trainer's (and root's) own sessions live in the trainers' area, where no learner can make anything:
            # a learner's folder or link named after a trainer's login cannot stop the trainer from working.
            area = self.path / CLASSROOM_TRAINERS
            try:
                area_st: os.stat_result | None = os.lstat(area)
            except OSError:
                area_st = None
            self._area_trusted = area_st is not None and _trusted_area(area_st, classroom.gid)
            if self._area_trusted or (area_st is None and euid == 0):
                self._home = area / _account_name(euid)  # root makes the area on its first save if it is missing
            elif area_st is None:
                self._notice(
                    f"The classroom {self.location} has no trainers' area ({CLASSROOM_TRAINERS}), so your own "
                    f"sessions go in {_p(self._home)}, where a learner could take the name first. Ask root to run "
                    f"`{self._init_command()}` again: it makes the area and keeps every session."
                )
            else:
                self._notice(
                    f"The trainers' area {_p(area)} of the classroom is not as `classroom init` makes it (it belongs "
                    f"to {_account_name(area_st.st_uid)}, mode {stat.S_IMODE(area_st.st_mode):04o}), so it is not "
                    f"used: your own sessions go in {_p(self._home)}. Ask root to run `{self._init_command()}` "
                    "again: it moves the impostor aside and makes the area."
                )
        problems = []
        if st.st_gid != classroom.gid:
            problems.append(f"its group is {_group_name(st.st_gid)}, not {classroom.group}")
        if not st.st_mode & stat.S_ISGID:
            problems.append("it is not set-group-id, so learners' folders would not get the trainers' group")
        if st.st_mode & stat.S_IROTH:
            problems.append("anyone can list it")
        if problems:
            self._notice(
                f"The classroom {self.location} is not set up as it should be: {'; '.join(problems)}. Ask the "
                f"trainer to run `{self._init_command()}` again."
            )
        if os.path.lexists(self._home):
            try:
                self._ensure_home()  # now, so that what is wrong with it is told when the workspace opens
            except SecplanError as exc:
                if not self._trainer:
                    raise
                self._notice(exc.message)  # a trainer still reads every learner's work; their own saves are refused

    def _ensure_home(self) -> None:
        """In a classroom, make sure this user's folder exists, is theirs and carries the trainers' group."""
        if self.classroom is None or self._home_checked:
            return
        classroom, home = self.classroom, self._home
        try:
            try:
                st = os.lstat(home)
            except FileNotFoundError:
                if home.parent != self.path and not os.path.lexists(home.parent) and os.geteuid() == 0:
                    self._make_trainers_area(classroom)
                self._make_home(classroom)
                st = os.lstat(home)
        except OSError as exc:
            raise _error(
                "Cannot open workspace",
                f"cannot create or open your folder {_p(home)} in the classroom {self.location}: {_reason(exc)}. "
                f"Ask the trainer to run `{self._init_command()}` again.",
            ) from exc
        if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.geteuid():
            owner = _account_name(st.st_uid)
            what = "is not a folder" if not stat.S_ISDIR(st.st_mode) else f"belongs to {owner}"
            raise _error(
                "Not your folder",
                f"your folder {_p(home)} in the classroom {self.location} {what}, not to you "
                f"({_account_name(os.geteuid())}): someone made it before you. Nothing was saved. Ask the "
                "trainer to look inside and remove it; your secplan makes a new one.",
            )
        if st.st_gid != classroom.gid or not st.st_mode & stat.S_ISGID:
            self._notice(
                f"Your folder {_p(home)} does not carry the trainers' group {classroom.group} (group "
                f"{_group_name(st.st_gid)}, mode {stat.S_IMODE(st.st_mode):04o}), so your sessions are "
                f"saved private (0600) and the trainers cannot read them. Ask the trainer to run "
                f"`{self._init_command()}` again as root."
            )
        self._home_checked = True

    def _make_home(self, classroom: Classroom) -> None:
        # The folder gets the trainers' group and the set-group-id bit from the classroom folder (itself
        # set-group-id). A learner outside that group cannot chmod it afterwards without the kernel clearing
        # the set-group-id bit, so the mode is given at mkdir time, under a umask that keeps it (umask is
        # per process: this is the one place secplan changes it, for one system call).
        old = os.umask(0o027)
        try:
            os.mkdir(self._home, CLASSROOM_FOLDER_MODE)
        except FileExistsError:
            return  # made a moment ago by our other process; checked by the caller
        finally:
            os.umask(old)
        st = os.stat(self._home)
        if st.st_gid != classroom.gid or stat.S_IMODE(st.st_mode) != CLASSROOM_FOLDER_MODE:
            # The classroom folder was not set-group-id: a trainer (member of the group) or root can mend it.
            with contextlib.suppress(OSError):
                os.chown(self._home, -1, classroom.gid)
                os.chmod(self._home, CLASSROOM_FOLDER_MODE)
        try:
            _fsync_dir(self._home.parent)
        except PermissionError:
            os.sync()  # a learner may not read the classroom folder, so cannot sync it; this happens once

    def _make_trainers_area(self, classroom: Classroom) -> None:
        """As root, make the trainers' area of a classroom set up before it existed (classroom init makes it)."""
        area = self.path / CLASSROOM_TRAINERS
        with contextlib.suppress(FileExistsError):
            os.mkdir(area, DIR_MODE)
        fd = _open_folder(area, "the trainers' area")
        try:
            if os.fstat(fd).st_uid != 0:
                raise _error(
                    "Not your folder",
                    f"the trainers' area {_p(area)} was made by {_account_name(os.fstat(fd).st_uid)}, not by root. "
                    f"Nothing was saved. Run `{self._init_command()}` again: it moves it aside and makes the area.",
                )
            _set_owner_and_mode(fd, area, 0, classroom.gid, CLASSROOM_TRAINERS_MODE, "the trainers' area")
        finally:
            os.close(fd)
        self._area_trusted = True

    def _sweep_temp_files(self) -> None:
        """Remove temporary files of writes that can no longer finish (crashed writer or too old)."""
        if self.classroom is not None and not self._owns(self._home):
            return  # no folder of ours yet; other users' folders are theirs to sweep
        now = time.time()
        try:
            entries = list(os.scandir(self._home))
        except OSError as exc:
            raise self._cannot_list(exc) from exc
        for entry in entries:
            backup = _BACKUP_FILE_RE.fullmatch(entry.name)
            if backup is not None:
                self._sweep_backup(backup[1], entry.path)
                continue
            match = _TEMP_FILE_RE.fullmatch(entry.name)
            if match is None:
                continue
            try:
                age = now - entry.stat(follow_symlinks=False).st_mtime
                if age > STALE_TEMP_AGE or (age > DEAD_WRITER_GRACE and not _pid_alive(int(match[2]))):
                    os.unlink(entry.path)
            except FileNotFoundError:
                continue
            except OSError as exc:
                self._notice(f"Could not remove the leftover temporary file {entry.path}: {_reason(exc)}.")

    def _sweep_backup(self, session_id: str, path: str) -> None:
        """Remove the backup of a format-1 file whose upgrade was confirmed (the session file reads as format 2)."""
        try:
            tables = _parse_session(self._storage_bytes(self._home / f"{session_id}.json"), session_id)
        except (OSError, _Unreadable, _TooNew):
            return  # the upgrade did not finish (or the file is gone): keep the backup
        if not _is_format1(tables):
            with contextlib.suppress(OSError):
                os.unlink(path)

    def _cannot_list(self, error: OSError, folder: Path | None = None) -> SecplanError:
        return _error(
            "Cannot read workspace",
            f"cannot list the workspace directory {folder or self.path}: {_reason(error)}. {_advice(error)}",
        )

    # -- classroom helpers ---------------------------------------------------------------------------------

    @staticmethod
    def _owns(folder: Path) -> bool:
        try:
            st = os.lstat(folder)
        except OSError:
            return False
        return stat.S_ISDIR(st.st_mode) and st.st_uid == os.geteuid()

    @staticmethod
    def _owner_name(folder: Path) -> str:
        """The login of a folder's owner, for messages."""
        try:
            return terminal_safe(_account_name(os.lstat(folder).st_uid))
        except OSError:
            return _p(folder.name)

    def _classroom_folders(self) -> list[_Place]:
        """The folders whose sessions this user sees: their own, and for a trainer every learner's and trainer's.

        Entries of the classroom folder that are not folders (a file, a symbolic link named after a trainer), or
        whose names are not printable, are ignored and told in one notice; a folder not named after its owner
        is listed as that owner's, its sessions flagged (see :meth:`_suspicion`). Nothing there can stop a
        trainer or root: their own sessions live in the trainers' area, where learners cannot write.
        """
        euid = os.geteuid()
        places = [_Place(self._home, euid)] if self._owns(self._home) else []
        if not self._trainer:
            return places
        known = {self._home}
        if self._legacy_home != self._home and self._owns(self._legacy_home):
            places.append(_Place(self._legacy_home, euid))  # a trainer's sessions from before the trainers' area
            known.add(self._legacy_home)
        ignored: list[str] = []
        folders: list[tuple[str, Path]] = []
        area = self.path / CLASSROOM_TRAINERS
        if self._area_trusted:
            with contextlib.suppress(OSError):
                folders.extend((entry.name, Path(entry.path)) for entry in os.scandir(area))
        try:
            folders.extend((e.name, Path(e.path)) for e in os.scandir(self.path) if not e.name.startswith("."))
        except OSError as exc:
            self._notice(
                f"As a trainer you should be able to list the classroom {self.location}, but: {_reason(exc)}. "
                "Only your own sessions are shown."
            )
        for name, folder in sorted(folders, key=lambda item: str(item[1])):
            if folder in known:
                continue
            try:
                st = os.lstat(folder)
            except OSError:
                continue  # gone while we listed
            owner = _account_name(st.st_uid)
            if stat.S_ISLNK(st.st_mode) or not stat.S_ISDIR(st.st_mode) or not is_terminal_safe(name):
                kind = (
                    "a symbolic link" if stat.S_ISLNK(st.st_mode)
                    else "a folder whose name is not printable" if stat.S_ISDIR(st.st_mode)
                    else "not a folder"
                )
                ignored.append(f"{_show(name, 40)} ({kind}, {owner}'s)")
                continue
            places.append(_Place(folder, st.st_uid, misnamed=name != owner))
        if ignored:
            what = "is not a learner's folder" if len(ignored) == 1 else "are not learners' folders"
            more = f" and {len(ignored) - 5} more" if len(ignored) > 5 else ""
            self._notice(
                f"Ignored in the classroom {self.location}: {_count(len(ignored), 'entry', 'entries')} that {what}: "
                f"{', '.join(ignored[:5])}{more}. They change nothing; root may remove them."
            )
        return places

    def _check_writable(self, session_id: str, what: str) -> None:
        """In a classroom, only the owner of a session's folder changes it; refuse anyone else (root too)."""
        if self.classroom is None:
            return
        session_id = self._known_id(session_id)
        folder = self._folder(session_id)
        if folder == self._home:
            self._ensure_home()
            return
        if folder == self._legacy_home and self._trainer and self._owns(folder):
            return  # a trainer's own sessions from before the trainers' area
        owner = self._owner_name(folder)
        denied = _reason(PermissionError(errno.EACCES, os.strerror(errno.EACCES)))
        raise _error(
            "Not yours to change",
            f"session {self._label(session_id)} belongs to {owner}, and in a classroom only {owner} can change "
            f"it ({denied}). Refused: {what[:1].lower()}{what[1:]}; nothing was changed. You can still read it "
            "(e.g. `secplan plan` or `secplan exercise check`).",
        )

    def _claim_id(self, session_id: str) -> bool:
        """In a classroom, take the id in the id register, so no two learners ever get the same id."""
        if self.classroom is None:
            return True
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
        try:
            os.close(os.open(self.path / CLASSROOM_IDS / session_id, flags, FILE_MODE))
        except FileExistsError:
            return False
        except OSError:
            pass  # no register (a hand-made classroom): 8 random hex digits are unique enough in one class
        return True

    # -- listing -------------------------------------------------------------------------------------------

    def _list(self) -> list[SessionMeta]:
        if self.classroom is None:
            return self._list_folder(self.path)
        return self._list_classroom()

    def _list_folder(self, folder: Path) -> list[SessionMeta]:
        """The sessions of an ordinary workspace."""
        try:
            entries = list(os.scandir(folder))
        except OSError as exc:
            raise self._cannot_list(exc, folder) from exc
        metas: list[SessionMeta] = []
        seen: set[str] = set()
        for entry in entries:
            match = _SESSION_FILE_RE.fullmatch(entry.name)
            if match is None:
                continue
            session_id = match[1]
            seen.add(session_id)
            meta = self._listed_or_reported(session_id, entry.path)
            if meta is not None:
                metas.append(meta)
        for session_id in set(self._meta_cache) - seen:
            del self._meta_cache[session_id]
        return metas

    def _listed_or_reported(self, session_id: str, path: str) -> SessionMeta | None:
        """A listed session's meta, or None after telling in ``notices`` why it cannot be listed."""
        try:
            return self._listed_meta(session_id, path)
        except FileNotFoundError:
            return None  # deleted while we listed
        except _Unreadable as exc:
            self._notice(self._unreadable(session_id, exc.reason).message)
        except _TooNew as exc:
            self._notice(self._too_new(session_id, exc.found).message)
        except OSError as exc:
            self._notice(self._read_failed(session_id, exc).message)
        return None

    def _list_classroom(self) -> list[SessionMeta]:
        """The sessions this user sees in a classroom, each attributed to the owner of its folder and file.

        A file is suspect when its file and folder have different owners, when its folder is not named after
        its owner, or when the class's id register says another user took its id; a suspect file never hides
        or replaces a genuine session of the same id (see :meth:`_attribute`).
        """
        where: dict[str, Path] = {}
        self._where = where  # filled as we go: an unreadable file is reported against its own folder
        self._flags = {}
        found: dict[str, list[_Candidate]] = {}
        for place in self._classroom_folders():
            try:
                entries = list(os.scandir(place.folder))
            except OSError as exc:
                if place.folder == self._home:
                    raise self._cannot_list(exc, place.folder) from exc
                self._notice(
                    f"Cannot list the folder {_p(place.folder)} of {self._owner_name(place.folder)}: "
                    f"{_reason(exc)}; its sessions are not shown. It should be mode 2750 with the trainers' group: "
                    f"run `{self._init_command()}` again as root to repair it."
                )
                continue
            for entry in entries:
                match = _SESSION_FILE_RE.fullmatch(entry.name)
                if match is None:
                    continue
                try:
                    file_uid = entry.stat(follow_symlinks=False).st_uid
                except OSError:
                    continue  # gone while we listed
                found.setdefault(match[1], []).append(_Candidate(place, Path(entry.path), file_uid))
        metas: list[SessionMeta] = []
        for session_id, candidates in found.items():
            chosen, suspect = self._attribute(session_id, candidates)
            where[session_id] = chosen.place.folder
            owner = _account_name(chosen.place.uid)
            self._flags[session_id] = (owner, suspect)
            meta = self._listed_or_reported(session_id, str(chosen.path))
            if meta is not None:
                metas.append(dataclasses.replace(meta, owner=owner, suspect=suspect))
        for session_id in set(self._meta_cache) - set(where):
            del self._meta_cache[session_id]
        return metas

    def _registered_owner(self, session_id: str) -> int | None:
        """The uid that took this id in the class's id register (``.ids/<id>``), None if it cannot be told."""
        try:
            return os.lstat(self.path / CLASSROOM_IDS / session_id).st_uid
        except OSError:
            return None

    def _suspicion(self, candidate: _Candidate, registered: int | None) -> str | None:
        """Why a session file is not to be trusted as the work of its folder's owner, or None."""
        place, reasons = candidate.place, []
        folder_owner = _account_name(place.uid)
        if place.misnamed:
            reasons.append(
                f"it is in a folder named {_show(place.folder.name)} that belongs to {folder_owner}, so it is "
                f"{folder_owner}'s, not {_show(place.folder.name)}'s"
            )
        if candidate.file_uid != place.uid:
            reasons.append(
                f"the file belongs to {_account_name(candidate.file_uid)}, not to {folder_owner} whose folder holds it"
            )
        if registered is not None and registered != place.uid:
            reasons.append(
                f"its id {candidate.path.stem} was taken by {_account_name(registered)} (the class's id register), "
                f"but this file is in {folder_owner}'s folder"
            )
        return "; ".join(reasons) or None

    def _attribute(self, session_id: str, candidates: list[_Candidate]) -> tuple[_Candidate, str | None]:
        """Which file holds the session of this id, and why it is suspect (None if it is not).

        The genuine file is the one with nothing suspect about it; it is listed and used, whatever the order of
        the folders. Every other file with the same id is left out of the list and named in one notice each,
        saying whose it is and why it is suspect. When no file, or more than one, is beyond suspicion, the first
        (your own, then by folder name) is listed, flagged, and the others are reported.
        """
        registered = self._registered_owner(session_id)
        judged = [(candidate, self._suspicion(candidate, registered)) for candidate in candidates]
        judged.sort(key=lambda item: (item[0].place.folder != self._home, str(item[0].path)))
        clean = [candidate for candidate, why in judged if why is None]
        if len(clean) == 1:
            chosen, suspect = clean[0], None
        else:
            chosen, suspect = judged[0]
            if len(judged) > 1:
                others = ", ".join(f"{_account_name(c.place.uid)}'s" for c, _ in judged[1:])
                ambiguity = (
                    f"{len(judged)} files carry the id {session_id} (this one and {others}) and nothing tells which "
                    "is genuine"
                )
                suspect = f"{suspect}; {ambiguity}" if suspect else ambiguity
        owner = _account_name(chosen.place.uid)
        for candidate, why in judged:
            if candidate is chosen:
                continue
            whose = _account_name(candidate.place.uid)
            self._notice(
                f"Suspect session file {_p(candidate.path)} ({whose}'s): it carries the id {session_id} of the "
                f"session in {owner}'s folder ({_p(chosen.path)}), which is the one shown"
                + (f"; {why}" if why else "")
                + f". The suspect file is not listed and changes nothing; ask {whose} (or root) to remove it."
            )
        return chosen, suspect

    def _listed_meta(self, session_id: str, path: str) -> SessionMeta:
        """A session's meta for the list: from the cache if the file did not change, else its meta line."""
        cached = self._meta_cache.get(session_id)
        follow = self.classroom is None
        st = os.stat(path) if follow else os.lstat(path)
        key = (st.st_ino, st.st_size, st.st_mtime_ns)
        if cached is not None and cached[0] == key:
            return cached[1]
        # Bounded, non-blocking, and refused before reading when too large: a sparse 3 GB file costs one fstat.
        raw, st = _read_bounded(path, MAX_SESSION_BYTES, follow=follow)
        meta = _quick_meta(raw, session_id) or _meta_of(_parse_session(raw, session_id), session_id)
        self._meta_cache[session_id] = ((st.st_ino, st.st_size, st.st_mtime_ns), meta)
        return meta

    def _exists(self, session_id: str) -> bool:
        if self.classroom is None:
            return os.path.isfile(self.path / f"{session_id}.json")
        name = f"{session_id}.json"
        if session_id not in self._where and os.path.isfile(self._home / name):
            self._where[session_id] = self._home
        folder = self._where.get(session_id)
        if folder is not None and os.path.isfile(folder / name):
            return True
        if self._trainer:
            self._list()  # a learner's session made since we last looked
            folder = self._where.get(session_id)
            return folder is not None and os.path.isfile(folder / name)
        return False

    def _storage(self, session_id: str) -> AtomicJSONStorage:
        gid = None if self.classroom is None else self.classroom.gid
        return AtomicJSONStorage(self._folder(session_id) / f"{session_id}.json", classroom_gid=gid)

    # -- the other files of a session: history journal, snapshots, upgrade backup ------------------------------

    def _side_where(self, session_id: str, name: str) -> str:
        return str(self._folder(session_id) / name)

    def _side_read(self, session_id: str, name: str, limit: int, *, prefix: bool = False) -> bytes:
        path = self._folder(session_id) / name
        what = "a history file" if prefix else "a snapshot file"
        return _read_bounded(path, limit, follow=self.classroom is None, what=what, prefix=prefix)[0]

    def _side_write(self, session_id: str, name: str, payload: bytes) -> None:
        gid = None if self.classroom is None else self.classroom.gid
        _write_atomic(self._folder(session_id) / name, payload, classroom_gid=gid)

    def _main_bytes(self, session_id: str) -> bytes:
        return self._storage_bytes(self._folder(session_id) / f"{session_id}.json")

    def _journal_append(self, session_id: str, committed: int, payload: bytes) -> int:
        path = self._folder(session_id) / _journal_name(session_id)
        gid = None if self.classroom is None else self.classroom.gid
        try:
            return _append_at(path, committed, payload, gid)
        except _JournalShort:
            with contextlib.suppress(OSError):
                if path.stat().st_size == 0:
                    path.unlink()  # missing, and just created empty by the attempt: nothing to keep
            aside = self._set_aside(session_id, path.name)
            self._notice(
                f"The history {path} of session {session_id} was shorter than the session recorded"
                + (f"; it was moved aside to {aside}" if aside else "")
                + " and a new history starts now. The answers, action statuses and snapshots are intact."
            )
            return _append_at(path, 0, payload, gid)

    def _side_remove(self, session_id: str, name: str) -> None:
        folder = self._folder(session_id)
        try:
            os.unlink(folder / name)
        except FileNotFoundError:
            return
        _fsync_dir(folder)

    def _set_aside(self, session_id: str, name: str) -> str | None:
        path = self._folder(session_id) / name
        if not os.path.lexists(path):
            return None
        return str(_move_aside(path, self._now()))

    # -- locking -------------------------------------------------------------------------------------------

    def _lock_for(self, session_id: str) -> BaseFileLock:
        with self._locks_guard:
            lock = self._locks.get(session_id)
            if lock is None:
                lock = _file_lock(self._lock_path(session_id), self.lock_timeout)
                self._locks[session_id] = lock
            return lock

    @contextlib.contextmanager
    def _session_locked(self, session_id: str, what: str) -> Iterator[None]:
        with self._held(self._lock_for(session_id), self._lock_path(session_id), session_id, what):
            yield

    @contextlib.contextmanager
    def _names_locked(self) -> Iterator[None]:
        self._ensure_home()
        path = self._home / _WORKSPACE_LOCK
        with self._locks_guard:
            lock = self._locks.get(_WORKSPACE_LOCK)
            if lock is None:
                lock = self._locks[_WORKSPACE_LOCK] = _file_lock(path, self.lock_timeout)
        with self._held(lock, path, None, "The change"):
            yield

    @contextlib.contextmanager
    def _held(
        self, lock: BaseFileLock, path: Path, session_id: str | None, what: str, timeout: float | None = None
    ) -> Iterator[None]:
        from filelock import Timeout

        wait = self.lock_timeout if timeout is None else timeout
        try:
            lock.acquire(timeout=wait, poll_interval=LOCK_POLL_INTERVAL)
        except Timeout:  # a TimeoutError, hence an OSError: catch it first
            raise self._busy(path, session_id, what, wait) from None
        except OSError as exc:
            subject = "the workspace" if session_id is None else f"session {self._label(session_id)}"
            raise _error(
                "Not saved",
                f"{what} {_was(what)} NOT saved in {subject}: cannot take the lock {path}: {_reason(exc)}. "
                f"Nothing was changed. {_advice(exc)}",
            ) from exc
        try:
            yield
        finally:
            lock.release()

    def _label(self, session_id: str) -> str:
        """The session as messages name it, best effort: just the id if its file cannot be read now."""
        try:
            return self._listed_meta(session_id, self._file_of(session_id)).label
        except (OSError, _Unreadable, _TooNew):
            return session_id

    def _busy(self, lock_path: Path, session_id: str | None, what: str, waited: float) -> SecplanError:
        holder = _lock_holder(lock_path)
        pid = f" (pid {holder})" if holder is not None else ""
        if session_id is None:
            subject = f"the workspace {self.path} is busy in another process{pid}"
        else:
            subject = f"session {self._label(session_id)} is busy in another process{pid}"
        return _error(
            "Session busy",
            f"{subject}: it kept the lock {lock_path} for more than {waited:g} s. {what} {_was(what)} NOT saved. "
            "Try again in a moment, or close the other secplan using it.",
        )

    # -- unreadable files, deletion --------------------------------------------------------------------------

    def _read_failed(self, session_id: str, error: OSError) -> SecplanError:
        folder = self._folder(session_id)
        if self.classroom is None or folder == self._home:
            return super()._read_failed(session_id, error)
        return _error(
            "Cannot read session",
            f"cannot read {self._file_of(session_id)} of {self._owner_name(folder)}: {_reason(error)}. In a "
            "classroom its file should be mode 0640 with the trainers' group; it becomes so the next time its "
            f"owner saves, or at once when root runs `{self._init_command()}` again.",
        )

    def _init_command(self) -> str:
        group = self.classroom.group if self.classroom is not None else "GROUP"
        return f"secplan classroom init {self.path} --group {group}"

    def _unreadable(self, session_id: str, reason: str) -> SecplanError:
        """Move an unreadable session file aside (under its lock, after checking again) and say so."""
        folder = self._folder(session_id)
        path = folder / f"{session_id}.json"
        if self.classroom is not None and folder != self._home:
            error = _error(
                "Session file unreadable",
                f"{path} of {self._owner_name(folder)} cannot be read: {reason}. It was left as it is; its "
                "owner's secplan moves it aside the next time they list their sessions.",
            )
            self._notice(error.message)
            return error
        try:
            with self._held(
                self._lock_for(session_id),
                self._lock_path(session_id),
                session_id,
                "Moving the unreadable file aside",
                timeout=min(self.lock_timeout, 2.0),
            ):
                try:
                    _parse_session(self._storage_bytes(path), session_id, deep=True)
                except FileNotFoundError:
                    return self._unknown_id(session_id)
                except _Unreadable as exc:
                    reason = exc.reason
                else:
                    return _error(
                        "Session changed",
                        f"{path} could not be read a moment ago but reads now; try again.",
                    )
                aside = _move_aside(path, self._now())
        except (OSError, SecplanError) as exc:
            why = _reason(exc) if isinstance(exc, OSError) else exc.message
            return _error(
                "Session file unreadable",
                f"{path} cannot be read: {reason}. It could not be moved aside ({why}); move it out of "
                f"{folder} yourself (nothing was deleted).",
            )
        self._meta_cache.pop(session_id, None)
        error = _error(
            "Session file unreadable",
            f"{path} could not be read: {reason}. It was moved aside to {aside} and is no longer listed; "
            f"nothing was deleted. Restore it from a backup, or repair the moved file and rename it back "
            f"to {path.name}.",
        )
        self._notice(error.message)
        return error

    def _storage_bytes(self, path: Path) -> bytes:
        return _read_bounded(path, MAX_SESSION_BYTES, follow=self.classroom is None)[0]

    def _remove(self, session_id: str) -> None:
        folder = self._folder(session_id)
        os.unlink(folder / f"{session_id}.json")  # the commit: the session is gone
        _fsync_dir(folder)
        with contextlib.suppress(OSError):  # what is left is swept by the next start if this fails
            for entry in os.scandir(folder):
                match = _SIDE_FILE_RE.fullmatch(entry.name)
                if match is not None and match[1] == session_id:
                    os.unlink(entry.path)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self._lock_path(session_id))

    def _forget(self, session_id: str) -> None:
        self._meta_cache.pop(session_id, None)
        self._where.pop(session_id, None)
        with self._locks_guard:
            self._locks.pop(session_id, None)


def _file_lock(path: Path, timeout: float) -> BaseFileLock:
    # filelock is imported here, not at the top: it costs ~40 ms, and listing sessions needs no lock.
    from filelock import FileLock

    return FileLock(path, timeout=timeout, mode=FILE_MODE)


def _move_aside(path: Path, now: datetime) -> Path:
    """Rename ``path`` to ``<name>.corrupt-<YYYYMMDDTHHMMSS>[-N]`` without ever replacing an existing file."""
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%S")
    for attempt in range(1000):
        aside = path.with_name(f"{path.name}.corrupt-{stamp}" + (f"-{attempt}" if attempt else ""))
        try:
            os.link(path, aside)  # fails if `aside` exists, unlike rename
        except FileExistsError:
            continue
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EMLINK, errno.EXDEV):
                raise
            if os.path.lexists(aside):  # no hard links here: check, then rename (we hold the session lock)
                continue
            os.rename(path, aside)
        else:
            os.unlink(path)
        _fsync_dir(path.parent)
        return aside
    raise FileExistsError(errno.EEXIST, "too many files already moved aside", str(path))


# ----------------------------------------------------------------------------------------------------------
# The in-memory twin
# ----------------------------------------------------------------------------------------------------------


class MemoryWorkspace(_StoreBase):
    """The in-memory twin of :class:`Workspace`: the same behaviour and errors, no disk.

    Sessions are kept serialised exactly as on disk and parsed on every read, so both twins accept, refuse and
    return the same data. For tests of everything above the store.

    Args:
        clock: Returns the current time (timezone-aware); for tests.
        user: Returns the user name recorded in history; defaults to the OS user.
    """

    def __init__(
        self, *, clock: Callable[[], datetime] | None = None, user: Callable[[], str] | None = None
    ) -> None:
        super().__init__(clock=clock, user=user)
        self.files: dict[str, bytes] = {}
        """Every file by the name the disk twin gives it: ``<id>.json``, ``<id>.history.jsonl``,
        ``<id>.snap-0001.json``..."""
        self._lock = threading.RLock()

    @property
    def location(self) -> str:
        """A label for messages."""
        return "the in-memory workspace"

    def _storage(self, session_id: str) -> _MemoryFileStorage:
        return _MemoryFileStorage(self.files, session_id)

    def _exists(self, session_id: str) -> bool:
        return f"{session_id}.json" in self.files

    def _list(self) -> list[SessionMeta]:
        metas = []
        for name, raw in list(self.files.items()):
            match = _SESSION_FILE_RE.fullmatch(name)
            if match is None:
                continue
            session_id = match[1]
            try:
                metas.append(_meta_of(_parse_session(raw, session_id), session_id))
            except _Unreadable as exc:
                self._notice(self._unreadable(session_id, exc.reason).message)
            except _TooNew as exc:
                self._notice(self._too_new(session_id, exc.found).message)
        return metas

    @contextlib.contextmanager
    def _session_locked(self, session_id: str, what: str) -> Iterator[None]:
        with self._lock:
            yield

    def _names_locked(self) -> contextlib.AbstractContextManager[None]:
        return self._session_locked("", "")

    def _remove(self, session_id: str) -> None:
        del self.files[f"{session_id}.json"]
        for name in list(self.files):
            match = _SIDE_FILE_RE.fullmatch(name)
            if match is not None and match[1] == session_id:
                del self.files[name]

    def _unreadable(self, session_id: str, reason: str) -> SecplanError:
        return _error("Session unreadable", f"session {session_id} cannot be read: {reason}.")

    def _side_read(self, session_id: str, name: str, limit: int, *, prefix: bool = False) -> bytes:
        try:
            raw = self.files[name]
        except KeyError:
            raise FileNotFoundError(errno.ENOENT, "no such file", name) from None
        if prefix:
            return raw[:limit]
        if len(raw) > limit:
            raise _TooLarge(len(raw), limit, "a snapshot file")
        return raw

    def _side_write(self, session_id: str, name: str, payload: bytes) -> None:
        self.files[name] = bytes(payload)

    def _main_bytes(self, session_id: str) -> bytes:
        return self.files[f"{session_id}.json"]

    def _journal_append(self, session_id: str, committed: int, payload: bytes) -> int:
        name = _journal_name(session_id)
        current = self.files.get(name, b"")
        if len(current) < committed:
            aside = self._set_aside(session_id, name)
            self._notice(
                f"The history {name} of session {session_id} was shorter than the session recorded"
                + (f"; it was moved aside to {aside}" if aside else "")
                + " and a new history starts now. The answers, action statuses and snapshots are intact."
            )
            current, committed = b"", 0
        self.files[name] = current[:committed] + payload
        return committed

    def _side_remove(self, session_id: str, name: str) -> None:
        self.files.pop(name, None)

    def _set_aside(self, session_id: str, name: str) -> str | None:
        if name not in self.files:
            return None
        stamp = self._now().astimezone(UTC).strftime("%Y%m%dT%H%M%S")
        aside, attempt = f"{name}.corrupt-{stamp}", 0
        while aside in self.files:
            attempt += 1
            aside = f"{name}.corrupt-{stamp}-{attempt}"
        self.files[aside] = self.files.pop(name)
        return aside
