"""What the store hands its callers and what it promises them: the plain records (:class:`SessionMeta`,
:class:`HistoryEntry`, :class:`Snapshot`) and the :class:`SessionStore` interface both workspaces implement."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Final, Literal, Protocol, TypeAlias

from secplan_tui.core.model import ActionStatus, AnswerValue
from secplan_tui.store.messages import show

SessionStatus: TypeAlias = Literal["in_progress", "complete"]
IN_PROGRESS: Final = "in_progress"
COMPLETE: Final = "complete"
STATUSES: Final = (IN_PROGRESS, COMPLETE)


def progress_counts(answered: int = 0, total: int = 0) -> dict[str, int]:
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
    progress: Mapping[str, int] = field(default_factory=progress_counts, hash=False)
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
        return f"{show(self.name)} ({self.id})"


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


class Unset(Enum):
    UNSET = "unset"


UNSET: Final = Unset.UNSET
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
        """Create an empty session; a name already used (ignoring case) is refused with AlreadyExists."""
        ...

    def sessions(self) -> list[SessionMeta]:
        """Every readable session, the most recently updated first."""
        ...

    def resolve(self, ref: str) -> SessionMeta:
        """The session with this id, or else this name (ignoring case); NotFound if none, Ambiguous if several."""
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
        name: str | Unset = UNSET,
        status: SessionStatus | Unset = UNSET,
        questionnaire_version: str | Unset = UNSET,
        questionnaire_hash: str | Unset = UNSET,
        scenario: str | None | Unset = UNSET,
        progress: Mapping[str, int] | Unset = UNSET,
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

