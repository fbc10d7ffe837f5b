"""Where the app writes files: a file name checked on its own, joined to a chosen folder it cannot leave."""

from __future__ import annotations

import re
from pathlib import Path

from secplan_tui.core.errors import InvalidInput, NotFound
from secplan_tui.core.text import clean_text

PLAN_FORMATS: dict[str, tuple[str, str]] = {
    "md": ("Markdown", ".md"),
    "html": ("HTML", ".html"),
    "json": ("JSON", ".json"),
}
"""Plan formats: id -> (label, file suffix)."""

ANSWER_FORMATS: dict[str, tuple[str, str]] = {
    "yaml": ("YAML", ".yaml"),
    "json": ("JSON", ".json"),
}
"""Answers file formats: id -> (label, file suffix)."""

MAX_NAME = 120
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_UNSAFE_STEM = re.compile(r"[^A-Za-z0-9._-]+")


def check_file_name(name: str) -> str:
    """A file name a user typed, checked to be one plain name.

    Raises:
        InvalidInput: empty, too long, a path (``/`` or ``\\``), ``.`` or ``..``, a leading dot, or a control
            character; the message says which.
    """
    if _CONTROL.search(name):
        raise InvalidInput("Invalid file name", "the file name has control characters; type a plain name")
    stripped = name.strip()
    if not stripped:
        raise InvalidInput("Invalid file name", "the file name is empty; type a name such as plan.md")
    if "/" in stripped or "\\" in stripped:
        raise InvalidInput(
            "Invalid file name",
            "give a file name only, without / or \\; choose the folder in the folder field",
        )
    if stripped in (".", "..") or ".." in stripped:
        raise InvalidInput("Invalid file name", "the file name cannot contain '..'")
    if stripped.startswith("."):
        raise InvalidInput("Invalid file name", "the file name cannot start with a dot (it would be hidden)")
    if len(stripped) > MAX_NAME:
        raise InvalidInput("Invalid file name", f"the file name is longer than {MAX_NAME} characters")
    return stripped


def check_folder(folder: str) -> Path:
    """A folder a user typed, which must exist.

    Raises:
        InvalidInput: empty, has control characters, does not exist or is not a folder.
    """
    if _CONTROL.search(folder):
        raise InvalidInput("Invalid folder", "the folder has control characters; type a plain path")
    text = folder.strip()
    if not text:
        raise InvalidInput("Invalid folder", "the folder is empty; type a path such as . or ~/plans")
    path = Path(text).expanduser()
    if not path.exists():
        raise NotFound("Folder not found", f"{clean_text(text)} does not exist; create it first")
    if not path.is_dir():
        raise InvalidInput("Not a folder", f"{clean_text(text)} is a file, not a folder")
    return path.resolve()


def target_in(folder: Path, name: str) -> Path:
    """The file ``name`` inside ``folder``, checked to stay in it.

    Raises:
        InvalidInput: the name is not a plain file name, or names a folder.
    """
    checked = check_file_name(name)
    base = folder.resolve()
    target = base / checked
    if target.parent != base:
        raise InvalidInput("Invalid file name", "the file must stay in the chosen folder")
    if target.is_dir():
        raise InvalidInput("Invalid file name", f"{clean_text(checked)} is a folder; type a file name")
    return target


def with_suffix(name: str, suffix: str, known: tuple[str, ...]) -> str:
    """The name with ``suffix``: a known suffix is replaced, no suffix is added, any other is kept and added to."""
    stem, dot, ext = name.rpartition(".")
    if dot and f".{ext.lower()}" in known:
        return f"{stem}{suffix}"
    return f"{name}{suffix}"


def suggested_name(session_name: str, what: str, suffix: str) -> str:
    """A safe default file name from a session name, e.g. ``acme-ltd-plan.md``."""
    stem = _UNSAFE_STEM.sub("-", clean_text(session_name).strip().lower()).strip("-.")[:60] or "secplan"
    return f"{stem}-{what}{suffix}"
