"""Turning user and questionnaire text into Textual Content: cleaned of control characters, never read as markup.

Every string a user or a questionnaire author wrote (answers, session names, question text, file names) reaches
the screen through :func:`plain` or :func:`styled`; nothing here parses markup.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from textual.content import Content

from secplan_tui.core.text import clean_text


def plain(text: object, *, keep_newlines: bool = False) -> Content:
    """Text as literal Content, with escape sequences and control characters removed."""
    return Content(clean_text(str(text), keep_newlines=keep_newlines))


def styled(text: object, style: str, *, keep_newlines: bool = False) -> Content:
    """Literal Content in one style (a Textual style such as ``"bold"`` or ``"$text-muted"``)."""
    return Content.styled(clean_text(str(text), keep_newlines=keep_newlines), style)


def join(*parts: Content | str) -> Content:
    """Concatenate Content pieces; plain ``str`` pieces are literal text (program text, never user text)."""
    return Content("").join(part if isinstance(part, Content) else Content(part) for part in parts)


def unescape_markdown(text: str) -> str:
    """Drop the backslashes the plan renderer puts before Markdown syntax (for titles shown outside Markdown)."""
    out: list[str] = []
    chars = iter(text)
    for ch in chars:
        if ch == "\\":
            out.append(next(chars, ""))
        else:
            out.append(ch)
    return "".join(out)


@dataclass(frozen=True)
class Glyphs:
    """The marks the app draws; each also has a word or number beside it, so none carries meaning alone."""

    done: str
    """A section or question that is complete."""
    current: str
    """The section being answered."""
    skipped: str
    """A section hidden by the answers."""
    saved: str
    """An answer just saved."""
    failed: str
    """A save that failed."""
    bar_full: str
    bar_empty: str
    radio_on: str = "(*)"
    radio_off: str = "( )"
    check_on: str = "[x]"
    check_off: str = "[ ]"


UNICODE = Glyphs(done="✓", current="▶", skipped="–", saved="✓", failed="✗", bar_full="█", bar_empty="░")
ASCII = Glyphs(done="+", current="*", skipped="-", saved="+", failed="x", bar_full="#", bar_empty=".")


def glyphs_for(environ: Mapping[str, str] | None = None) -> Glyphs:
    """ASCII marks on the Linux console (whose built-in font lacks ✓ and ▶) or when ``SECPLAN_ASCII=1``."""
    env = os.environ if environ is None else environ
    if env.get("SECPLAN_ASCII") == "1" or env.get("TERM", "") in ("linux", "vt100", "vt220", "dumb"):
        return ASCII
    return UNICODE


def bar(fraction: float | None, width: int, glyphs: Glyphs) -> str:
    """A text bar of ``width`` cells for a share from 0 to 1; empty cells when there is nothing to measure."""
    if fraction is None:
        return glyphs.bar_empty * width
    filled = max(0, min(width, int(fraction * width + 0.5)))
    return glyphs.bar_full * filled + glyphs.bar_empty * (width - filled)
