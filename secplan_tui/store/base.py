"""The store's base class: what both workspaces do alike below the public interface. A change is one transaction
(:meth:`StoreBase._edit`): take the session's lock, read the session file once, let TinyDB change it in memory,
append the history and write new snapshots, then commit with one durable write of the session file. Reading,
upgrading a format-1 file, and turning what went wrong into the user's error live here too.

Subclasses (:class:`~secplan_tui.store.workspace.Workspace`, :class:`~secplan_tui.store.memory.MemoryWorkspace`)
supply the storage, the locks, the listing and the other files of a session.
"""

from __future__ import annotations

import contextlib
import getpass
import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tinydb import TinyDB

from secplan_tui.core.errors import NotFound, SecplanError, SessionTooNew, SessionUnreadable, WriteFailed
from secplan_tui.core.files import AtomicWriteError
from secplan_tui.core.text import terminal_safe
from secplan_tui.store.files import MAX_HISTORY_BYTES
from secplan_tui.store.format import (
    FORMAT_VERSION,
    SESSION_ID_RE,
    Missing,
    Tables,
    TooNew,
    Unreadable,
    as_format2,
    backup_name,
    committed_bytes,
    format1_journal,
    format1_snapshots,
    is_format1,
    journal_line,
    journal_name,
    meta_from_doc,
    parse_journal,
    snapshot_name,
    table_docs,
)
from secplan_tui.store.messages import os_advice, os_reason, safe_error, show, were_or_was
from secplan_tui.store.records import SessionMeta
from secplan_tui.store.storage import TransactionalStorage, database


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


@dataclass
class Changes:
    """What one change adds to the files that only grow, written just before the session file commits it."""

    journal: list[dict[str, Any]] = field(default_factory=list)
    """History entries to append: ``{"kind": "answer", ...}`` or ``{"kind": "action", ...}``."""
    snapshots: list[tuple[int, bytes]] = field(default_factory=list)
    """New snapshot files: (snapshot id, content)."""
    upgraded: bool = False
    """The session file was in format 1 and this change upgrades it."""


class StoreBase(ABC):
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
    def _storage(self, session_id: str) -> TransactionalStorage:
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
        """Deal with an unreadable session (move it aside) and return the error to raise: SessionUnreadable
        (NotFound if the file went meanwhile)."""

    @abstractmethod
    def _side_read(self, session_id: str, name: str, limit: int, *, prefix: bool = False) -> bytes:
        """The bytes of another file of the session (journal, snapshot), at most ``limit`` of them (with
        ``prefix``, the first ``limit`` bytes of a longer file; else a longer file is refused); raises
        FileNotFoundError, OSError or Unreadable (not a regular file, too large)."""

    @abstractmethod
    def _side_write(self, session_id: str, name: str, payload: bytes) -> None:
        """Write another file of the session atomically and durably; raises AtomicWriteError."""

    @abstractmethod
    def _journal_append(self, session_id: str, committed: int, payload: bytes) -> int:
        """Append ``payload`` durably to the journal after its first ``committed`` bytes (dropping any bytes a
        crashed writer left after them); return the offset it was written at: ``committed``, or 0 when the
        journal was shorter than that (it was set aside, with a notice). Raises AtomicWriteError."""

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
            NotFound: unknown session (when the hook needs to find it).
            NotPermitted: the change is not the caller's to make.
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
            or not SESSION_ID_RE.fullmatch(session_id)
            or not self._exists(session_id)
        ):
            raise self._unknown_id(session_id)
        return session_id

    def _unknown_id(self, session_id: object) -> NotFound:
        shown = show(session_id) if isinstance(session_id, str) else repr(session_id)
        return safe_error(
            NotFound,
            "Unknown session",
            f"there is no session with id {shown} in {self.location}. "
            "Run `secplan list` to see the sessions.",
        )

    def _too_new(self, session_id: str, found: int) -> SessionTooNew:
        return safe_error(
            SessionTooNew,
            "Session from a newer secplan",
            f"{self._file_of(session_id)} uses session format {found}, but this secplan reads format "
            f"{FORMAT_VERSION} at most. Upgrade secplan to open it; the file was left untouched.",
        )

    def _read_failed(self, session_id: str, error: OSError) -> SessionUnreadable:
        return safe_error(
            SessionUnreadable,
            "Cannot read session",
            f"cannot read {self._file_of(session_id)}: {os_reason(error)}. Check that the file belongs to you "
            "and that the disk is healthy, then try again.",
        )

    def _not_saved(
        self,
        session_id: str,
        meta_doc: dict[str, Any] | None,
        what: str,
        failure: AtomicWriteError,
        *,
        new: bool = False,
    ) -> WriteFailed:
        label = session_id
        if meta_doc is not None:
            with contextlib.suppress(Unreadable, TooNew):
                label = meta_from_doc(meta_doc, session_id).label
        where = self._file_of(session_id)
        if failure.committed:
            return safe_error(
                WriteFailed,
                "Save not confirmed",
                f"{what} {were_or_was(what)} written to {where} in session {label}, but the directory "
                f"{failure.path} could not be synced ({os_reason(failure.error)}), so it may be lost if the machine "
                f"crashes now. {os_advice(failure.error)}",
            )
        outcome = "Nothing was created." if new else f"The session file {where} is unchanged."
        leftover = (
            f" The temporary file {failure.leftover} could not be removed; it is swept on the next start."
            if failure.leftover
            else ""
        )
        return safe_error(
            WriteFailed,
            "Not saved",
            f"{what} {were_or_was(what)} NOT saved in session {label}: {os_reason(failure.error)} while "
            f"{failure.step} {failure.path}. {outcome}{leftover} {os_advice(failure.error)}",
        )

    def _read(self, session_id: str) -> Tables:
        """Load one session, checked, without the lock (saves replace the file atomically)."""
        sid = self._known_id(session_id)
        try:
            return self._storage(sid).load()
        except Missing:
            raise self._unknown_id(sid) from None
        except Unreadable as exc:
            raise self._unreadable(sid, exc.reason) from None
        except TooNew as exc:
            raise self._too_new(sid, exc.found) from None
        except OSError as exc:
            raise self._read_failed(sid, exc) from exc

    @contextlib.contextmanager
    def _edit(self, session_id: str, what: str) -> Iterator[tuple[TinyDB, Changes]]:
        """Lock the session, read it fresh, yield a TinyDB over it in memory and a list of what only grows, then
        append the history and write new snapshot files, commit them with one durable save of the session file,
        and unlock. A format-1 file is upgraded on the way (see :meth:`_upgrade`)."""
        sid = self._known_id(session_id)
        self._check_writable(sid, what)
        with self._session_locked(sid, what):
            storage = self._storage(sid)
            changes = Changes()
            storage.before_save = lambda tables: self._write_side_files(sid, tables, changes)
            try:
                with storage.transaction():
                    yield database(storage), changes
                if changes.upgraded:
                    self._confirm_upgrade(sid)
            except Missing:
                raise self._unknown_id(sid) from None
            except Unreadable as exc:
                raise self._unreadable(sid, exc.reason) from None
            except TooNew as exc:
                raise self._too_new(sid, exc.found) from None
            except AtomicWriteError as exc:
                raise self._not_saved(sid, storage.loaded_meta, what, exc) from exc
            except OSError as exc:
                raise self._read_failed(sid, exc) from exc

    # -- the files that only grow: history journal, snapshots; the upgrade from format 1 ------------------------

    def _write_side_files(self, session_id: str, tables: Tables, changes: Changes) -> None:
        """Upgrade a format-1 database, append the new history and write new snapshots; record the journal's
        new length in ``tables``, which the caller then saves (the commit). Runs under the session's lock."""
        if is_format1(tables):
            self._upgrade(session_id, tables, changes)
        if changes.journal:
            payload = b"".join(journal_line(entry) for entry in changes.journal)
            start = self._journal_append(session_id, committed_bytes(tables), payload)
            tables["journal"] = {"1": {"bytes": start + len(payload)}}
        for snapshot_id, content in changes.snapshots:
            self._side_write(session_id, snapshot_name(session_id, snapshot_id), content)

    def _upgrade(self, session_id: str, tables: Tables, changes: Changes) -> None:
        """Turn a format-1 database (history and snapshots inside) into format 2, in ``tables``.

        In order: keep a copy of the old file (``<id>.json.format1-backup``), write each snapshot to its own file
        and the whole history to a fresh journal, then let the caller save the new session file; the backup is
        removed once the new file reads back (:meth:`_confirm_upgrade`). A kill at any point leaves the old file
        in place (the next change upgrades again, rewriting the same files) or the new one, complete.
        """
        entries = format1_journal(tables)
        self._side_write(session_id, backup_name(session_id), self._main_bytes(session_id))
        index: dict[str, Any] = {}
        for doc_id, content, doc in format1_snapshots(tables):
            if content is not None:  # None: added by this very change, already in the new form
                self._side_write(session_id, snapshot_name(session_id, doc_id), content)
            index[str(doc_id)] = doc
        payload = b"".join(journal_line(entry) for entry in entries)
        start = self._journal_append(session_id, 0, payload)
        as_format2(tables, index, start + len(payload))
        changes.upgraded = True

    def _confirm_upgrade(self, session_id: str) -> None:
        """Remove the backup of a format-1 file once the new session file reads back as format 2."""
        try:
            if not is_format1(self._storage(session_id).load()):
                self._side_remove(session_id, backup_name(session_id))
        except (OSError, Missing, Unreadable, TooNew):
            pass  # the backup stays; the next start removes it once the session file reads

    def _journal_entries(self, session_id: str, tables: Tables) -> list[dict[str, Any]]:
        """The committed history entries of a format-2 session; raises Unreadable."""
        committed = committed_bytes(tables)
        if committed == 0:
            return []
        name = journal_name(session_id)
        if committed > MAX_HISTORY_BYTES:
            raise Unreadable(
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
            raise Unreadable(
                f"its history file {name} holds {len(raw)} bytes, fewer than the {committed} the session recorded"
            )
        return parse_journal(raw[:committed], name)

    def _history_entries(self, session_id: str, kind: str, table: str) -> list[dict[str, Any]]:
        """Every change of this kind, oldest first, from either format."""
        tables = self._read(session_id)
        if is_format1(tables):
            return [doc for _, doc in table_docs(tables, table)]
        try:
            return [entry for entry in self._journal_entries(session_id, tables) if entry["kind"] == kind]
        except Unreadable as exc:
            raise self._journal_unreadable(session_id, exc.reason) from None

    def _journal_unreadable(self, session_id: str, reason: str) -> SecplanError:
        """Set an unreadable history journal aside and start a new one; the answers and statuses stay."""
        name = journal_name(session_id)
        where = self._side_where(session_id, name)
        what = "Setting the unreadable history aside"
        try:
            self._check_writable(session_id, what)
        except SecplanError:
            return safe_error(
                SessionUnreadable,
                "Session history unreadable",
                f"the history {where} of session {session_id} cannot be read: {reason}. It was left as it is; "
                "its owner's secplan sets it aside the next time they read it.",
            )
        try:
            with self._session_locked(session_id, what):
                tables = self._read(session_id)
                try:
                    self._journal_entries(session_id, tables)
                except Unreadable as exc:
                    reason = exc.reason
                else:
                    return safe_error(
                        SessionUnreadable,
                        "Session changed",
                        f"{where} could not be read a moment ago but reads now; try again.",
                    )
                aside = self._set_aside(session_id, name)
                tables["journal"] = {"1": {"bytes": 0}}
                self._storage(session_id).save(tables)
        except AtomicWriteError as exc:
            return self._not_saved(session_id, None, what, exc)
        moved = f"It was moved aside to {aside}" if aside else "Nothing of it was left"
        error = safe_error(
            SessionUnreadable,
            "Session history unreadable",
            f"the history {where} of session {session_id} could not be read: {reason}. {moved}; the answers, "
            "action statuses and snapshots are intact, and a new history starts now. Nothing was deleted.",
        )
        self._notice(error.message)
        return error

