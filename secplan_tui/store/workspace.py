"""The workspace on disk: a directory of session files (0700; files 0600), each change made under the session's
lock and committed by one atomic, durable write; unreadable files moved aside, never deleted; in a classroom,
each user's sessions in their own folder under the classroom's rules (:mod:`secplan_tui.store.classroom`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import stat
import threading
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Final

from secplan_tui.core.errors import (
    InvalidInput,
    NotPermitted,
    SecplanError,
    SessionUnreadable,
    StoreBusy,
    StoreError,
    WriteFailed,
)
from secplan_tui.core.files import fsync_dir
from secplan_tui.store.classroom import (
    CLASSROOM_TRAINERS,
    Candidate,
    Classroom,
    Seat,
    account_name,
    owner_name,
    owns,
    read_classroom,
)
from secplan_tui.store.files import (
    DEFAULT_LOCK_TIMEOUT,
    DIR_MODE,
    LOCK_POLL_INTERVAL,
    MAX_SESSION_BYTES,
    JournalShort,
    append_at,
    file_lock,
    lock_holder,
    move_aside,
    read_bounded,
    sweep_leftovers,
    write_file,
)
from secplan_tui.store.format import (
    SECPLAN_NAME,
    SESSION_FILE_RE,
    SESSION_ID_RE,
    SIDE_FILE_RE,
    TooNew,
    Unreadable,
    journal_name,
    meta_of,
    parse_session,
    quick_meta,
)
from secplan_tui.store.messages import os_advice, os_reason, safe_error, show_path, were_or_was
from secplan_tui.store.operations import StoreOperations
from secplan_tui.store.records import SessionMeta
from secplan_tui.store.storage import AtomicJSONStorage

if TYPE_CHECKING:
    from filelock import BaseFileLock

_WORKSPACE_LOCK: Final = ".workspace.lock"


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
            raise safe_error(
                InvalidInput, "Bad data directory", "--data-dir was given an empty path; name a directory."
            )
        return Path(explicit).expanduser().absolute()
    env = os.environ.get("SECPLAN_DATA_DIR", "")
    if env:
        return Path(env).expanduser().absolute()
    import platformdirs  # lazy: only needed when neither the option nor the variable is set

    return Path(platformdirs.user_data_dir("secplan", appauthor=False)).absolute()


class Workspace(StoreOperations):
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
        StoreError: the directory cannot be created or read, or its classroom set-up is broken or untrusted.
        NotPermitted: the directory (or, in a classroom, your folder) belongs to another user.
        InvalidInput: the directory is a folder inside a classroom.
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
        self._seat: Seat | None = None
        """Classroom only: this user's place in the classroom, with its rules."""
        self._home = self.path
        """Where this user's sessions are written: the directory, or in a classroom the seat's folder (``<dir>/<user>``
        for a learner, ``<dir>/.trainers/<user>`` for a trainer or root)."""
        self._where: dict[str, Path] = {}
        """Classroom only: the folder of each session listed, by id."""
        self._flags: dict[str, tuple[str, str | None]] = {}
        """Classroom only: the owner and the suspicion (or None) of each session listed, by id."""
        self._locks: dict[str, BaseFileLock] = {}
        self._locks_guard = threading.Lock()
        self._meta_cache: dict[str, tuple[tuple[int, int, int], SessionMeta]] = {}
        self._open_directory()
        if self.classroom is not None and user is None:
            self._user_source = lambda: account_name(os.geteuid())
        self._sweep_temp_files()
        self._list()

    @property
    def location(self) -> str:
        """The workspace directory, for messages (safe for a terminal)."""
        return show_path(self.path)

    def session_path(self, session_id: str) -> Path:
        """The file of a session (whether or not it exists; in a classroom, a new one goes in your folder)."""
        if not SESSION_ID_RE.fullmatch(session_id):
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
        return flags[0] if flags is not None else owner_name(self._folder(sid))

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
            raise safe_error(
                InvalidInput,
                "Wrong workspace",
                f"{self.location} is a folder inside the classroom {show_path(classroom_above)}. Give the classroom "
                f"itself: --data-dir {show_path(classroom_above)}",
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
            raise safe_error(
                StoreError,
                "Cannot open workspace",
                f"cannot create or open the workspace directory {self.location}: {os_reason(exc)}. "
                "Pick another with --data-dir DIR or SECPLAN_DATA_DIR, or fix its permissions.",
            ) from exc
        if not stat.S_ISDIR(st.st_mode):
            raise safe_error(
                StoreError,
                "Cannot open workspace",
                f"{self.location} is not a directory. Pick another with --data-dir DIR or SECPLAN_DATA_DIR.",
            )
        self.classroom = read_classroom(self.path)
        if self.classroom is not None:
            self._seat = Seat(self.classroom, st, self._notice)
            self._home = self._seat.home
            return
        euid = os.geteuid() if hasattr(os, "geteuid") else st.st_uid
        if st.st_uid != euid:
            owner, you = account_name(st.st_uid), account_name(euid)
            raise safe_error(
                NotPermitted,
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
        return all(SECPLAN_NAME.fullmatch(name) for name in names)

    def _sweep_temp_files(self) -> None:
        """Remove what crashed writers left in this user's folder (see :func:`~.files.sweep_leftovers`)."""
        if self._seat is not None and not owns(self._home):
            return  # no folder of ours yet; other users' folders are theirs to sweep
        try:
            notices = sweep_leftovers(self._home, follow=self._seat is None)
        except OSError as exc:
            raise self._cannot_list(exc) from exc
        for notice in notices:
            self._notice(notice)

    def _cannot_list(self, error: OSError, folder: Path | None = None) -> StoreError:
        return safe_error(
            StoreError,
            "Cannot read workspace",
            f"cannot list the workspace directory {folder or self.path}: {os_reason(error)}. {os_advice(error)}",
        )

    def _check_writable(self, session_id: str, what: str) -> None:
        """In a classroom, only the owner of a session's folder changes it (see :meth:`Seat.check_writable`)."""
        if self._seat is None:
            return
        sid = self._known_id(session_id)
        self._seat.check_writable(self._folder(sid), lambda: self._label(sid), what)

    def _claim_id(self, session_id: str) -> bool:
        """In a classroom, take the id in the id register, so no two learners ever get the same id."""
        return self._seat is None or self._seat.claim_id(session_id)

    # -- listing -------------------------------------------------------------------------------------------

    def _list(self) -> list[SessionMeta]:
        if self._seat is None:
            return self._list_folder(self.path)
        return self._list_classroom(self._seat)

    def _list_folder(self, folder: Path) -> list[SessionMeta]:
        """The sessions of an ordinary workspace."""
        try:
            entries = list(os.scandir(folder))
        except OSError as exc:
            raise self._cannot_list(exc, folder) from exc
        metas: list[SessionMeta] = []
        seen: set[str] = set()
        for entry in entries:
            match = SESSION_FILE_RE.fullmatch(entry.name)
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
        except Unreadable as exc:
            self._notice(self._unreadable(session_id, exc.reason).message)
        except TooNew as exc:
            self._notice(self._too_new(session_id, exc.found).message)
        except OSError as exc:
            self._notice(self._read_failed(session_id, exc).message)
        return None

    def _list_classroom(self, seat: Seat) -> list[SessionMeta]:
        """The sessions this user sees in a classroom, each attributed to the owner of its folder and file.

        A file is suspect when its file and folder have different owners, when its folder is not named after
        its owner, or when the class's id register says another user took its id; a suspect file never hides
        or replaces a genuine session of the same id (see :meth:`Seat.attribute`).
        """
        where: dict[str, Path] = {}
        self._where = where  # filled as we go: an unreadable file is reported against its own folder
        self._flags = {}
        found: dict[str, list[Candidate]] = {}
        for place in seat.folders():
            try:
                entries = list(os.scandir(place.folder))
            except OSError as exc:
                if place.folder == self._home:
                    raise self._cannot_list(exc, place.folder) from exc
                self._notice(
                    f"Cannot list the folder {show_path(place.folder)} of {owner_name(place.folder)}: "
                    f"{os_reason(exc)}; its sessions are not shown. It should be mode 2750 with the trainers' group: "
                    f"run `{seat.init_command()}` again as root to repair it."
                )
                continue
            for entry in entries:
                match = SESSION_FILE_RE.fullmatch(entry.name)
                if match is None:
                    continue
                try:
                    file_uid = entry.stat(follow_symlinks=False).st_uid
                except OSError:
                    continue  # gone while we listed
                found.setdefault(match[1], []).append(Candidate(place, Path(entry.path), file_uid))
        metas: list[SessionMeta] = []
        for session_id, candidates in found.items():
            chosen, suspect = seat.attribute(session_id, candidates)
            where[session_id] = chosen.place.folder
            owner = account_name(chosen.place.uid)
            self._flags[session_id] = (owner, suspect)
            meta = self._listed_or_reported(session_id, str(chosen.path))
            if meta is not None:
                metas.append(dataclasses.replace(meta, owner=owner, suspect=suspect))
        for session_id in set(self._meta_cache) - set(where):
            del self._meta_cache[session_id]
        return metas

    def _listed_meta(self, session_id: str, path: str) -> SessionMeta:
        """A session's meta for the list: from the cache if the file did not change, else its meta line."""
        cached = self._meta_cache.get(session_id)
        follow = self.classroom is None
        st = os.stat(path) if follow else os.lstat(path)
        key = (st.st_ino, st.st_size, st.st_mtime_ns)
        if cached is not None and cached[0] == key:
            return cached[1]
        # Bounded, non-blocking, and refused before reading when too large: a sparse 3 GB file costs one fstat.
        raw, st = read_bounded(path, MAX_SESSION_BYTES, follow=follow)
        meta = quick_meta(raw, session_id) or meta_of(parse_session(raw, session_id), session_id)
        self._meta_cache[session_id] = ((st.st_ino, st.st_size, st.st_mtime_ns), meta)
        return meta

    def _exists(self, session_id: str) -> bool:
        if self._seat is None:
            return os.path.isfile(self.path / f"{session_id}.json")
        name = f"{session_id}.json"
        if session_id not in self._where and os.path.isfile(self._home / name):
            self._where[session_id] = self._home
        folder = self._where.get(session_id)
        if folder is not None and os.path.isfile(folder / name):
            return True
        if self._seat.trainer:
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
        return read_bounded(path, limit, follow=self.classroom is None, what=what, prefix=prefix)[0]

    def _side_write(self, session_id: str, name: str, payload: bytes) -> None:
        gid = None if self.classroom is None else self.classroom.gid
        write_file(self._folder(session_id) / name, payload, classroom_gid=gid)

    def _main_bytes(self, session_id: str) -> bytes:
        return self._storage_bytes(self._folder(session_id) / f"{session_id}.json")

    def _journal_append(self, session_id: str, committed: int, payload: bytes) -> int:
        path = self._folder(session_id) / journal_name(session_id)
        gid = None if self.classroom is None else self.classroom.gid
        try:
            return append_at(path, committed, payload, gid)
        except JournalShort:
            with contextlib.suppress(OSError):
                if path.stat().st_size == 0:
                    path.unlink()  # missing, and just created empty by the attempt: nothing to keep
            aside = self._set_aside(session_id, path.name)
            self._notice(
                f"The history {path} of session {session_id} was shorter than the session recorded"
                + (f"; it was moved aside to {aside}" if aside else "")
                + " and a new history starts now. The answers, action statuses and snapshots are intact."
            )
            return append_at(path, 0, payload, gid)

    def _side_remove(self, session_id: str, name: str) -> None:
        folder = self._folder(session_id)
        try:
            os.unlink(folder / name)
        except FileNotFoundError:
            return
        fsync_dir(folder)

    def _set_aside(self, session_id: str, name: str) -> str | None:
        path = self._folder(session_id) / name
        if not os.path.lexists(path):
            return None
        return str(move_aside(path, self._now()))

    # -- locking -------------------------------------------------------------------------------------------

    def _lock_for(self, session_id: str) -> BaseFileLock:
        with self._locks_guard:
            lock = self._locks.get(session_id)
            if lock is None:
                lock = file_lock(self._lock_path(session_id), self.lock_timeout)
                self._locks[session_id] = lock
            return lock

    @contextlib.contextmanager
    def _session_locked(self, session_id: str, what: str) -> Iterator[None]:
        with self._held(self._lock_for(session_id), self._lock_path(session_id), session_id, what):
            yield

    @contextlib.contextmanager
    def _names_locked(self) -> Iterator[None]:
        if self._seat is not None:
            self._seat.ensure_home()
        path = self._home / _WORKSPACE_LOCK
        with self._locks_guard:
            lock = self._locks.get(_WORKSPACE_LOCK)
            if lock is None:
                lock = self._locks[_WORKSPACE_LOCK] = file_lock(path, self.lock_timeout)
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
            raise safe_error(
                WriteFailed,
                "Not saved",
                f"{what} {were_or_was(what)} NOT saved in {subject}: cannot take the lock {path}: "
                f"{os_reason(exc)}. Nothing was changed. {os_advice(exc)}",
            ) from exc
        try:
            yield
        finally:
            lock.release()

    def _label(self, session_id: str) -> str:
        """The session as messages name it, best effort: just the id if its file cannot be read now."""
        try:
            return self._listed_meta(session_id, self._file_of(session_id)).label
        except (OSError, Unreadable, TooNew):
            return session_id

    def _busy(self, lock_path: Path, session_id: str | None, what: str, waited: float) -> StoreBusy:
        holder = lock_holder(lock_path)
        pid = f" (pid {holder})" if holder is not None else ""
        if session_id is None:
            subject = f"the workspace {self.path} is busy in another process{pid}"
        else:
            subject = f"session {self._label(session_id)} is busy in another process{pid}"
        return safe_error(
            StoreBusy,
            "Session busy",
            f"{subject}: it kept the lock {lock_path} for more than {waited:g} s. {what} {were_or_was(what)} NOT "
            "saved. Try again in a moment, or close the other secplan using it.",
        )

    # -- unreadable files, deletion --------------------------------------------------------------------------

    def _read_failed(self, session_id: str, error: OSError) -> SessionUnreadable:
        folder = self._folder(session_id)
        if self._seat is None or folder == self._home:
            return super()._read_failed(session_id, error)
        return safe_error(
            SessionUnreadable,
            "Cannot read session",
            f"cannot read {self._file_of(session_id)} of {owner_name(folder)}: {os_reason(error)}. In a "
            "classroom its file should be mode 0640 with the trainers' group; it becomes so the next time its "
            f"owner saves, or at once when root runs `{self._seat.init_command()}` again.",
        )

    def _unreadable(self, session_id: str, reason: str) -> SecplanError:
        """Move an unreadable session file aside (under its lock, after checking again) and say so."""
        folder = self._folder(session_id)
        path = folder / f"{session_id}.json"
        if self._seat is not None and folder != self._home:
            error = safe_error(
                SessionUnreadable,
                "Session file unreadable",
                f"{path} of {owner_name(folder)} cannot be read: {reason}. It was left as it is; its "
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
                    parse_session(self._storage_bytes(path), session_id, deep=True)
                except FileNotFoundError:
                    return self._unknown_id(session_id)
                except Unreadable as exc:
                    reason = exc.reason
                else:
                    return safe_error(
                        SessionUnreadable,
                        "Session changed",
                        f"{path} could not be read a moment ago but reads now; try again.",
                    )
                aside = move_aside(path, self._now())
        except (OSError, SecplanError) as exc:
            why = os_reason(exc) if isinstance(exc, OSError) else exc.message
            return safe_error(
                SessionUnreadable,
                "Session file unreadable",
                f"{path} cannot be read: {reason}. It could not be moved aside ({why}); move it out of "
                f"{folder} yourself (nothing was deleted).",
            )
        self._meta_cache.pop(session_id, None)
        error = safe_error(
            SessionUnreadable,
            "Session file unreadable",
            f"{path} could not be read: {reason}. It was moved aside to {aside} and is no longer listed; "
            f"nothing was deleted. Restore it from a backup, or repair the moved file and rename it back "
            f"to {path.name}.",
        )
        self._notice(error.message)
        return error

    def _storage_bytes(self, path: Path) -> bytes:
        return read_bounded(path, MAX_SESSION_BYTES, follow=self.classroom is None)[0]

    def _remove(self, session_id: str) -> None:
        folder = self._folder(session_id)
        os.unlink(folder / f"{session_id}.json")  # the commit: the session is gone
        fsync_dir(folder)
        with contextlib.suppress(OSError):  # what is left is swept by the next start if this fails
            for entry in os.scandir(folder):
                match = SIDE_FILE_RE.fullmatch(entry.name)
                if match is not None and match[1] == session_id:
                    os.unlink(entry.path)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self._lock_path(session_id))

    def _forget(self, session_id: str) -> None:
        self._meta_cache.pop(session_id, None)
        self._where.pop(session_id, None)
        with self._locks_guard:
            self._locks.pop(session_id, None)

