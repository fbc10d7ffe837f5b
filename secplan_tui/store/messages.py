"""How the store words what it says: errors of the right class, user text and paths quoted safe for a terminal,
counts, and OS errors in words with advice.

Every error the store raises is made by :func:`safe_error`, and every message quotes names, paths and file contents
through :func:`~secplan_tui.core.text.terminal_safe`, so nothing a learner wrote reaches a terminal raw.
"""

from __future__ import annotations

import errno
import os
import re
from typing import TypeVar

from secplan_tui.core.errors import SecplanError
from secplan_tui.core.text import terminal_safe

ErrorT = TypeVar("ErrorT", bound=SecplanError)


def safe_error(kind: type[ErrorT], title: str, message: str) -> ErrorT:
    """An error of this class (see core/errors.py) whose title and message are safe for a terminal, whatever file
    or folder name they quote: every error the store raises is made here."""
    return kind(terminal_safe(title), terminal_safe(message))


def show(text: str, limit: int = 80) -> str:
    """Quote user text for a message, with control, bidirectional and zero-width characters made visible (see
    :func:`~secplan_tui.core.text.terminal_safe`) and long text cut."""
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return "'" + terminal_safe(text) + "'"


def show_path(path: str | os.PathLike[str]) -> str:
    """A path for a message, safe for a terminal: a folder name made by a learner may hold anything."""
    return terminal_safe(os.fspath(path))


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """``1 answer``, ``113 answers``."""
    return f"{number:,} {noun if number == 1 else plural or noun + 's'}"


def were_or_was(what: str) -> str:
    """The verb after a subject such as ``The 113 answers`` (were) or ``The answer to 'x'`` (was)."""
    return "were" if re.match(r"The [\d,]+ \w+s\b", what) and not what.startswith("The 1 ") else "was"


def os_reason(error: OSError) -> str:
    """An OSError in words, with its errno name: ``no space left on device (ENOSPC)``."""
    name = errno.errorcode.get(error.errno or 0, "")
    text = error.strerror or str(error) or type(error).__name__
    return f"{text.rstrip('.').lower()} ({name})" if name else text


def os_advice(error: OSError) -> str:
    """What to do about an OSError, in one or two sentences."""
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
