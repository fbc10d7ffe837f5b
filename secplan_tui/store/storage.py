"""TinyDB's storage interface (three methods: read, write, close) over one session file, on disk and in memory,
with a transaction that reads the file once and writes it once.

TinyDB is used here and by the transactions over it (:mod:`~secplan_tui.store.base`,
:mod:`~secplan_tui.store.operations`); nothing above the store imports it.
"""

from __future__ import annotations

import contextlib
from abc import abstractmethod
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage

from secplan_tui.store.files import MAX_SESSION_BYTES, read_bounded, write_file
from secplan_tui.store.format import Missing, Tables, dump_tables, parse_session


class TransactionalStorage(Storage):
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
        """The whole database, checked; raises Missing, Unreadable, TooNew or OSError."""

    @abstractmethod
    def save(self, tables: Tables) -> None:
        """Replace the whole database durably; raises AtomicWriteError."""

    def read(self) -> Tables | None:
        """TinyDB's read: the in-transaction state, or the stored database (None if there is none yet)."""
        if self._pending is not None:
            return self._pending
        try:
            return self.load()
        except Missing:
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


class AtomicJSONStorage(TransactionalStorage):
    """A TinyDB storage for one session file, with atomic, durable whole-file saves.

    ``save`` writes ``.<name>.tmp-<pid>-<random>`` in the same directory (mode 0600 whatever the umask),
    fsyncs it, ``os.replace``-s it over the file and fsyncs the directory. On an OSError the temporary file
    is removed, the old file is left byte-identical, and :class:`AtomicWriteError` says which step failed. It
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
            raw = read_bounded(self.path, MAX_SESSION_BYTES, follow=self.classroom_gid is None)[0]
        except FileNotFoundError:
            raise Missing() from None
        return parse_session(raw, self.path.name.removesuffix(".json"))

    def save(self, tables: Tables) -> None:
        """Replace the file atomically and durably."""
        write_file(self.path, dump_tables(tables), classroom_gid=self.classroom_gid)


class MemoryFileStorage(TransactionalStorage):
    """The in-memory twin of AtomicJSONStorage: the 'file' is the serialised bytes in a dict."""

    def __init__(self, files: dict[str, bytes], session_id: str) -> None:
        super().__init__()
        self._files = files
        self._session_id = session_id

    def load(self) -> Tables:
        """Parse and check the stored bytes, exactly as from disk."""
        raw = self._files.get(f"{self._session_id}.json")
        if raw is None:
            raise Missing()
        return parse_session(raw, self._session_id)

    def save(self, tables: Tables) -> None:
        """Serialise exactly as to disk, so both twins accept and refuse the same data."""
        self._files[f"{self._session_id}.json"] = dump_tables(tables)


def database(storage: TransactionalStorage) -> TinyDB:
    """A fresh TinyDB over the storage: fresh so that no table caches ids or queries across processes."""
    return TinyDB(storage=lambda: storage)
