"""The one atomic, durable file writer: every file secplan writes whole goes through :func:`write_atomic`.

A write makes a temporary file beside the target (created 0600, exclusive, not following links), writes and
fsyncs it, gives it its final mode, ``os.replace``-s it over the target and fsyncs the directory. A crash at any
point leaves the old content or the new, never a mix; on an OSError the temporary file is removed and
:class:`AtomicWriteError` says which step failed, so each caller can say it in its own words (the store as a
``WriteFailed`` naming the session, ``-o FILE`` as "Cannot write file", the questionnaire cache not at all).
"""

from __future__ import annotations

import errno
import os
import secrets
from collections.abc import Callable
from pathlib import Path

PRIVATE_FILE_MODE = 0o600
"""Owner read and write only: sessions, exports and caches are private unless a caller says otherwise."""


class AtomicWriteError(Exception):
    """An OSError during an atomic write, with the step and the file it concerned."""

    def __init__(self, step: str, path: Path, error: OSError, *, committed: bool = False) -> None:
        super().__init__(f"{step} {path}: {error}")
        self.step = step
        """What was being done: creating, writing, syncing, replacing, syncing the directory (or a caller's)."""
        self.path = path
        self.error = error
        self.committed = committed
        """True when the new file is in place but its directory could not be synced."""
        self.leftover: Path | None = None
        """A temporary file that could not be removed."""


def fsync_dir(directory: Path) -> None:
    """Make a directory's entries (a new, renamed or removed file) durable; a no-op where a file system cannot."""
    fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        os.fsync(fd)
    except OSError as exc:
        # Some file systems cannot sync a directory at all; there is nothing more to do there.
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):
            raise
    finally:
        os.close(fd)


def write_atomic(
    path: Path, payload: bytes, *, mode: int = PRIVATE_FILE_MODE, choose_mode: Callable[[int], int] | None = None
) -> None:
    """Write ``payload`` to ``path`` so a crash leaves the old or the new content; return when durable.

    Args:
        path: The file to write; its folder must exist.
        payload: The whole new content.
        mode: The file's mode (exactly this, whatever the umask).
        choose_mode: Given the open temporary file's descriptor, returns the mode instead (a classroom's files
            take theirs from the group the file was given).

    Raises:
        AtomicWriteError: an OSError, with the step; the target is untouched unless ``committed`` is set.
    """
    directory = path.parent
    temp = directory / f".{path.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(temp, flags, PRIVATE_FILE_MODE)
    except OSError as exc:
        raise AtomicWriteError("creating", temp, exc) from exc
    step = "writing"
    try:
        try:
            if choose_mode is not None:
                mode = choose_mode(fd)
            os.fchmod(fd, mode)  # the umask may have taken bits away; the mode must be exactly this
            view = memoryview(payload)
            while view:
                view = view[os.write(fd, view) :]
            step = "syncing"
            os.fsync(fd)
        finally:
            os.close(fd)
        step = "replacing"
        os.replace(temp, path)
    except BaseException as exc:
        leftover: Path | None = None
        try:
            os.unlink(temp)
        except FileNotFoundError:
            pass
        except OSError:
            leftover = temp  # the caller reports it; the store's next start sweeps its own
        if isinstance(exc, OSError):
            failure = AtomicWriteError(step, path if step == "replacing" else temp, exc)
            failure.leftover = leftover
            raise failure from exc
        raise
    try:
        fsync_dir(directory)
    except OSError as exc:
        raise AtomicWriteError("syncing the directory", directory, exc, committed=True) from exc
