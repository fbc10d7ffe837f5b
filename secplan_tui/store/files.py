"""The store's files on disk: bounded, non-blocking reads; writes through the one atomic writer
(:mod:`secplan_tui.core.files`) and the journal's append; file modes (0700, 0600, a classroom's 0640); locks;
moving a damaged file aside; sweeping what crashed writers left.

Everything read from disk is read bounded (:data:`MAX_SESSION_BYTES` and friends; the size is checked before a
byte is read) and non-blocking (a FIFO or a device is refused at once), so a huge, sparse or special file planted
in a classroom costs nothing.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Final

from secplan_tui.core.files import AtomicWriteError, fsync_dir, write_atomic
from secplan_tui.store.format import BACKUP_FILE_RE, TEMP_FILE_RE, TooNew, Unreadable, is_format1, parse_session
from secplan_tui.store.messages import os_reason

if TYPE_CHECKING:
    from filelock import BaseFileLock

DIR_MODE: Final = 0o700
FILE_MODE: Final = 0o600
CLASSROOM_FILE_MODE: Final = 0o640
"""A session file in a classroom: the learner writes, the trainers read."""

MAX_SESSION_BYTES: Final = 32 * 1024 * 1024
"""The largest session file secplan reads (its size is checked before a byte is read, so a huge or sparse file
planted in a classroom costs nothing); a full questionnaire with long answers and notes is well under 1 MiB."""
MAX_HISTORY_BYTES: Final = 512 * 1024 * 1024
"""The largest committed history journal secplan reads (millions of changes)."""
MAX_SNAPSHOT_BYTES: Final = 32 * 1024 * 1024
"""The largest snapshot file secplan reads."""

DEFAULT_LOCK_TIMEOUT: Final = 10.0
"""Seconds a save waits for another process holding the same session before giving up."""
LOCK_POLL_INTERVAL: Final = 0.005
"""Seconds between attempts to take a busy lock (filelock's default 50 ms would dominate a contended save)."""

STALE_TEMP_AGE: Final = 60.0
"""A temporary file older than this (seconds) is left over from a crash and is swept on start."""
DEAD_WRITER_GRACE: Final = 2.0
"""A temporary file whose writer pid is gone is swept once it is this old (seconds). A live write keeps its
temporary file for milliseconds; the grace protects a writer whose pid we cannot see (another pid namespace
sharing the directory)."""


class TooLarge(Unreadable):
    """A file larger than secplan ever writes: refused before it is read."""

    def __init__(self, size: int, limit: int, what: str) -> None:
        super().__init__(
            f"it is {size:,} bytes long, more than {what} can be ({limit:,} bytes), so it was not read"
        )


def read_bounded(
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
        Unreadable: a symbolic link (with follow=False), not a regular file, or too large.
        OSError: it cannot be opened or read (FileNotFoundError when it is gone).
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    if not follow:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP and not follow:
            raise Unreadable(f"it is a symbolic link, not {what}") from None
        raise
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise Unreadable("it is not a regular file")
        if st.st_size > limit and not prefix:
            raise TooLarge(st.st_size, limit, what)
        chunks: list[bytes] = []
        wanted = limit if prefix else limit + 1
        while wanted > 0:
            chunk = os.read(fd, min(wanted, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            wanted -= len(chunk)
        if not prefix and wanted <= 0:
            raise TooLarge(limit + 1, limit, what)  # it grew while we read
        return b"".join(chunks), st
    finally:
        os.close(fd)


def read_owned(path: Path | str, limit: int = MAX_SESSION_BYTES) -> tuple[bytes, int]:
    """Read a classroom file: a regular file reached without a symbolic link (see :func:`read_bounded`); its bytes
    and its owner's uid."""
    raw, st = read_bounded(path, limit, follow=False, what="a classroom marker")
    return raw, st.st_uid


def write_file(
    path: Path, payload: bytes, *, classroom_gid: int | None = None, mode: int = FILE_MODE
) -> None:
    """Write ``payload`` to ``path`` with the one atomic writer (:func:`secplan_tui.core.files.write_atomic`).

    In a classroom (``classroom_gid`` set) the file is 0640 if it carries the trainers' group, else 0600.
    """
    if classroom_gid is None:
        write_atomic(path, payload, mode=mode)
    else:
        gid = classroom_gid
        write_atomic(path, payload, choose_mode=lambda fd: classroom_file_mode(fd, gid))


class JournalShort(Exception):
    """The journal holds fewer bytes than the session file committed: it was cut or replaced behind our back."""


def append_at(path: Path, offset: int, payload: bytes, classroom_gid: int | None) -> int:
    """Write ``payload`` into the journal at ``offset`` (dropping any bytes after it) and sync; return offset.

    Bytes after ``offset`` are what a writer killed before its commit left: the session file never counted
    them, so they are cut before the append. The cost does not depend on how long the journal already is.

    Raises:
        JournalShort: the file is shorter than ``offset``.
        AtomicWriteError: an OSError, with the step; the session file is not touched here.
    """
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags, FILE_MODE)
    except OSError as exc:
        raise AtomicWriteError("opening", path, exc) from exc
    step = "writing"
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        if st.st_size < offset:
            raise JournalShort()
        mode = FILE_MODE
        if classroom_gid is not None:
            mode = classroom_file_mode(fd, classroom_gid)
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
        raise AtomicWriteError(step, path, exc) from exc
    finally:
        os.close(fd)
    return offset


def classroom_file_mode(fd: int, gid: int) -> int:
    """The mode for a new classroom session file: 0640 if it carries the trainers' group, else 0600.

    The learner's folder is set-group-id, so new files inherit the trainers' group; a member of the group
    (a trainer) can also set it. When neither worked the file stays private rather than readable by whatever
    group it has (perhaps every learner's).
    """
    if os.fstat(fd).st_gid != gid:
        with contextlib.suppress(OSError):
            os.fchown(fd, -1, gid)
    return CLASSROOM_FILE_MODE if os.fstat(fd).st_gid == gid else FILE_MODE


def file_lock(path: Path, timeout: float) -> BaseFileLock:
    # filelock is imported here, not at the top: it costs ~40 ms, and listing sessions needs no lock.
    from filelock import FileLock

    return FileLock(path, timeout=timeout, mode=FILE_MODE)


def move_aside(path: Path, now: datetime) -> Path:
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
        fsync_dir(path.parent)
        return aside
    raise FileExistsError(errno.EEXIST, "too many files already moved aside", str(path))


def pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists but is not ours (EPERM), or we cannot tell: keep its file
    return True


def lock_holder(lock_path: Path) -> int | None:
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


def sweep_leftovers(folder: Path, *, follow: bool) -> list[str]:
    """Remove what crashed writers left in a folder of one's own: temporary files of writes that can no longer
    finish (their writer is gone, or they are too old), and the backup of a format-1 session file whose upgrade
    was confirmed (the session file reads as format 2).

    Args:
        folder: The folder of this user's sessions.
        follow: Follow symbolic links when reading a session file (an ordinary workspace, all its owner's).

    Returns:
        A notice for each leftover that could not be removed.

    Raises:
        OSError: the folder cannot be listed.
    """
    now = time.time()
    notices: list[str] = []
    for entry in list(os.scandir(folder)):
        backup = BACKUP_FILE_RE.fullmatch(entry.name)
        if backup is not None:
            _sweep_backup(folder / f"{backup[1]}.json", entry.path, follow=follow)
            continue
        match = TEMP_FILE_RE.fullmatch(entry.name)
        if match is None:
            continue
        try:
            age = now - entry.stat(follow_symlinks=False).st_mtime
            if age > STALE_TEMP_AGE or (age > DEAD_WRITER_GRACE and not pid_alive(int(match[2]))):
                os.unlink(entry.path)
        except FileNotFoundError:
            continue
        except OSError as exc:
            notices.append(f"Could not remove the leftover temporary file {entry.path}: {os_reason(exc)}.")
    return notices


def _sweep_backup(session_file: Path, backup: str, *, follow: bool) -> None:
    """Remove the backup of a format-1 file whose upgrade was confirmed (the session file reads as format 2)."""
    session_id = session_file.name.removesuffix(".json")
    try:
        tables = parse_session(read_bounded(session_file, MAX_SESSION_BYTES, follow=follow)[0], session_id)
    except (OSError, Unreadable, TooNew):
        return  # the upgrade did not finish (or the file is gone): keep the backup
    if not is_format1(tables):
        with contextlib.suppress(OSError):
            os.unlink(backup)
