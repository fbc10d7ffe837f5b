"""Importing an answers file into a session from the app: read and check every entry, then save all or nothing.

The reading, checking and saving is SessionController.import_file, shared with ``secplan answers import``; this
adds only the app's own check that the path names a file.
"""

from __future__ import annotations

from pathlib import Path

from secplan_tui.core.errors import NotFound
from secplan_tui.core.text import clean_text
from secplan_tui.session.answer_files import AnswerFile
from secplan_tui.session.controller import SessionController


def import_answers(controller: SessionController, path: str) -> AnswerFile:
    """Read an answers file and save its answers into the session in one durable write.

    Returns:
        The file as read (its notes are for the user).

    Raises:
        InvalidInput: the file is missing, unreadable or has any invalid entry (nothing is saved).
        SecplanError: the save failed (nothing is saved).
    """
    source = Path(path).expanduser()
    if not source.is_file():
        raise NotFound("File not found", f"{clean_text(path)} does not exist or is not a file")
    return controller.import_file(str(source))
