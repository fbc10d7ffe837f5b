"""Importing an answers file into a session from the app: read and check every entry, then save all or nothing.

This mirrors ``secplan answers import`` (cli.cmd_answers). Both belong in one SessionController method; until it
has one, this keeps the TUI's import in one place.
"""

from __future__ import annotations

from pathlib import Path

from secplan_tui.answers import AnswerFile, progress_of, read_answers
from secplan_tui.errors import InvalidInput
from secplan_tui.sanitize import clean_text
from secplan_tui.session import SessionController


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
        raise InvalidInput("File not found", f"{clean_text(path)} does not exist or is not a file")
    parsed = read_answers(str(source), controller.questionnaire)
    store, session_id = controller.store, controller.session_id
    merged = {**controller.answers, **parsed.answers}
    progress = progress_of(controller.questionnaire, merged)
    meta = store.save_answers(session_id, parsed.answers, progress=progress)
    complete = progress["answered"] >= progress["total"] > 0
    if complete != (meta.status == "complete"):
        store.update_meta(session_id, status="complete" if complete else "in_progress")
    controller.reload()
    return parsed
