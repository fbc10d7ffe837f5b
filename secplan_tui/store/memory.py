"""The in-memory twin of the disk workspace: the same behaviour and errors, no disk.

Sessions are kept serialised exactly as on disk (the same file names, the same bytes) and parsed on every read,
so both twins accept, refuse and return the same data; the tests of everything above the store use it.
"""

from __future__ import annotations

import contextlib
import errno
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

from secplan_tui.core.errors import SecplanError, SessionUnreadable
from secplan_tui.store.files import TooLarge
from secplan_tui.store.format import (
    SESSION_FILE_RE,
    SIDE_FILE_RE,
    TooNew,
    Unreadable,
    journal_name,
    meta_of,
    parse_session,
)
from secplan_tui.store.messages import safe_error
from secplan_tui.store.operations import StoreOperations
from secplan_tui.store.records import SessionMeta
from secplan_tui.store.storage import MemoryFileStorage


class MemoryWorkspace(StoreOperations):
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

    def _storage(self, session_id: str) -> MemoryFileStorage:
        return MemoryFileStorage(self.files, session_id)

    def _exists(self, session_id: str) -> bool:
        return f"{session_id}.json" in self.files

    def _list(self) -> list[SessionMeta]:
        metas = []
        for name, raw in list(self.files.items()):
            match = SESSION_FILE_RE.fullmatch(name)
            if match is None:
                continue
            session_id = match[1]
            try:
                metas.append(meta_of(parse_session(raw, session_id), session_id))
            except Unreadable as exc:
                self._notice(self._unreadable(session_id, exc.reason).message)
            except TooNew as exc:
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
            match = SIDE_FILE_RE.fullmatch(name)
            if match is not None and match[1] == session_id:
                del self.files[name]

    def _unreadable(self, session_id: str, reason: str) -> SecplanError:
        return safe_error(SessionUnreadable, "Session unreadable", f"session {session_id} cannot be read: {reason}.")

    def _side_read(self, session_id: str, name: str, limit: int, *, prefix: bool = False) -> bytes:
        try:
            raw = self.files[name]
        except KeyError:
            raise FileNotFoundError(errno.ENOENT, "no such file", name) from None
        if prefix:
            return raw[:limit]
        if len(raw) > limit:
            raise TooLarge(len(raw), limit, "a snapshot file")
        return raw

    def _side_write(self, session_id: str, name: str, payload: bytes) -> None:
        self.files[name] = bytes(payload)

    def _main_bytes(self, session_id: str) -> bytes:
        return self.files[f"{session_id}.json"]

    def _journal_append(self, session_id: str, committed: int, payload: bytes) -> int:
        name = journal_name(session_id)
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
