"""The workspace of sessions: one small TinyDB file per session, saved atomically and durably under a lock.

What the store promises:

- **One interface, two twins.** Everything above the store talks to :class:`SessionStore`, implemented with
  identical behaviour by :class:`Workspace` (a directory on disk) and :class:`MemoryWorkspace` (in memory, the
  same bytes; for the tests of everything above the store). The store is the only package that imports TinyDB.
- **Atomic, durable, locked.** A change takes the session's lock (filelock), reads ``<id>.json`` once, changes it in
  memory, appends its history lines to ``<id>.history.jsonl`` and fsyncs them, writes new snapshot files, then
  commits with one write of ``<id>.json`` through the one atomic writer (:mod:`secplan_tui.core.files`: a
  temporary file, fsynced, ``os.replace``-d, the folder fsynced), and only then returns. A kill at any moment
  leaves the old or the new file, never a torn one; a failed write leaves it byte-identical. A save reads neither
  the journal nor the snapshots, so its cost does not grow with the session's age; progress counted by a
  :data:`Progress` function is counted inside the lock, so it is never stale.
- **Private.** The workspace is 0700 and its files 0600 (in a classroom, 2750 folders and 0640 files, readable by
  the trainers' group only).
- **Nothing lost.** A damaged session file is moved aside to ``<id>.json.corrupt-<time>``, never deleted or
  overwritten; a file of a newer format is refused and left untouched; a format-1 file is upgraded in place the
  first time it is changed, its backup kept until the new file reads back.
- **Bounded and terminal-safe.** Everything is read bounded and non-blocking, and every message quotes names,
  paths and contents through :func:`~secplan_tui.core.text.terminal_safe`.
- **Errors by class** (:mod:`secplan_tui.core.errors`): an unknown session is ``NotFound``, a name matching
  several ``Ambiguous``, a name already used ``AlreadyExists``, a damaged or unreadable session
  ``SessionUnreadable``, a newer format ``SessionTooNew``, a write that did not complete ``WriteFailed``, a lock
  not obtained in time ``StoreBusy``, another user's session (or workspace) ``NotPermitted``; a workspace or
  classroom that cannot be used as set up is a ``StoreError``; other bad values ``InvalidInput``.

Where each job lives (each module imports only those listed after it):

``workspace``       :class:`Workspace`: the directory on disk, its locks, listing, moving unreadable files aside
``memory``          :class:`MemoryWorkspace`: the twin in memory
``classroom_setup`` :func:`init_classroom`: setting a classroom up, or repairing it, as root
``operations``      the :class:`SessionStore` interface, implemented once for both twins
``base``            the base class: reading, the transaction of a change, the history journal, the format-1 upgrade
``storage``         TinyDB's storage interface over one session file (:class:`AtomicJSONStorage`), and its twin
``classroom``       the classroom's marker (:func:`read_classroom`) and its rules for one user (``Seat``)
``files``           bounded reads, writes through the atomic writer, the journal's append, modes, locks, sweeping
``format``          the session file format: serialising, parsing, checking; file names; the format-1 upgrade
``checks``          checking what callers give: names, ids, answers, statuses, dates, notes, progress
``records``         :class:`SessionMeta`, :class:`HistoryEntry`, :class:`Snapshot`, :class:`SessionStore`
``messages``        errors of the right class, made terminal-safe; OS errors in words with advice

docs/classroom.md describes classrooms; the names below are the store's public API.
"""

from __future__ import annotations

from secplan_tui.store.checks import MAX_NAME_LENGTH, MAX_NOTE_LENGTH, MAX_SAFE_INTEGER
from secplan_tui.store.classroom import CLASSROOM_MARKER, CLASSROOM_TRAINERS, Classroom, read_classroom
from secplan_tui.store.classroom_setup import init_classroom
from secplan_tui.store.files import (
    DEAD_WRITER_GRACE,
    DEFAULT_LOCK_TIMEOUT,
    MAX_HISTORY_BYTES,
    MAX_SESSION_BYTES,
    MAX_SNAPSHOT_BYTES,
    STALE_TEMP_AGE,
)
from secplan_tui.store.format import FORMAT_VERSION
from secplan_tui.store.memory import MemoryWorkspace
from secplan_tui.store.records import (
    COMPLETE,
    IN_PROGRESS,
    UNSET,
    HistoryEntry,
    Progress,
    SessionMeta,
    SessionStatus,
    SessionStore,
    Snapshot,
)
from secplan_tui.store.storage import AtomicJSONStorage
from secplan_tui.store.workspace import Workspace, default_data_dir

__all__ = [
    "CLASSROOM_MARKER",
    "CLASSROOM_TRAINERS",
    "COMPLETE",
    "DEAD_WRITER_GRACE",
    "DEFAULT_LOCK_TIMEOUT",
    "FORMAT_VERSION",
    "IN_PROGRESS",
    "MAX_HISTORY_BYTES",
    "MAX_NAME_LENGTH",
    "MAX_NOTE_LENGTH",
    "MAX_SAFE_INTEGER",
    "MAX_SESSION_BYTES",
    "MAX_SNAPSHOT_BYTES",
    "STALE_TEMP_AGE",
    "UNSET",
    "AtomicJSONStorage",
    "Classroom",
    "HistoryEntry",
    "MemoryWorkspace",
    "Progress",
    "SessionMeta",
    "SessionStatus",
    "SessionStore",
    "Snapshot",
    "Workspace",
    "default_data_dir",
    "init_classroom",
    "read_classroom",
]
