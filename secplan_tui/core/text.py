"""Cleaning of user text: strip terminal escape sequences and control characters before text is stored or shown.

This is the one implementation; the plan's Markdown escaping (``plan/escape.py``) and the front ends build on it.
"""

from __future__ import annotations

import re
from typing import Final

# Whole escape sequences first, so "ESC ] 0 ; title BEL" leaves nothing behind; then lone control characters.
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b\][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # OSC ... BEL or ST
    r"|\x1b[P^_X][^\x1b\x9c]*(?:\x1b\\|\x9c)?"  # DCS, PM, APC, SOS ... ST
    r"|\x1b\[[0-?]*[ -/]*[@-~]?"  # CSI
    r"|\x9b[0-?]*[ -/]*[@-~]?"  # 8-bit CSI
    r"|\x9d[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # 8-bit OSC
    r"|\x1b[ -/]*[0-~]?"  # any other ESC sequence
)
# C0 but the line break, DEL, C1, bidirectional marks, embeddings, overrides and isolates, lone surrogates.
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_CONTROL = re.compile(f"[\x00-\x09\x0b-\x1f\x7f-\x9f{_BIDI}\ud800-\udfff]")
# Anything clean_text would change; text without it is returned as it is (the common case, and fast).
_SUSPECT = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}\ud800-\udfff\u2028\u2029]")
_SPACES = re.compile(r"[ \u00a0]+")


def clean_text(text: str, *, keep_newlines: bool = False) -> str:
    """Remove escape sequences and control characters from user text.

    Args:
        text: Any text: an answer typed or imported, a session name, a questionnaire string.
        keep_newlines: Keep line breaks (long text); otherwise each becomes a space and runs of spaces fold.

    Returns:
        The text with no C0 or C1 control character other than ``\\n`` (none at all without keep_newlines), no
        ESC, no DEL, no bidirectional control and no lone surrogate. ``\\r\\n``, ``\\r``, U+2028 and U+2029 become
        line breaks; tabs become spaces. Every other character, letters of any script included, stays.
    """
    if _SUSPECT.search(text) is not None:
        text = _ESCAPE_SEQUENCE.sub("", text)
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
        text = _CONTROL.sub("", text.replace("\t", " "))
    if keep_newlines:
        return text
    if "\n" in text:
        text = _SPACES.sub(" ", text.replace("\n", " "))
    return text


# Characters that must never reach a terminal raw: C0 (the line break aside, when kept), DEL, C1, every Unicode
# format character (bidirectional controls, zero-width space/joiners, word joiner, invisible operators, the byte
# order mark, interlinear annotation, tag characters...), the line and paragraph separators, and lone surrogates
# (a file name's undecodable bytes, as Python's surrogateescape gives them). The format characters are the
# general category Cf of Unicode 15, listed here so that nothing is computed at start-up; a test checks the list
# against unicodedata.
_FORMAT_CHARACTERS: Final = (
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
_UNSAFE_FOR_TERMINAL: Final = re.compile(
    f"[\x00-\x1f\x7f-\x9f\u2028\u2029{_FORMAT_CHARACTERS}\ud800-\udfff]"
)
_UNSAFE_KEEPING_NEWLINES: Final = re.compile(
    f"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029{_FORMAT_CHARACTERS}\ud800-\udfff]"
)


def one_line(text: str) -> str:
    """Clean text and fold every run of whitespace, line breaks included, into one space; trim the ends.

    Args:
        text: Any text.

    Returns:
        One line of clean text.
    """
    return " ".join(clean_text(text, keep_newlines=True).split())


def _visible(match: re.Match[str]) -> str:
    """A character made visible as a Python-style escape: ``\\x1b``, ``\\u202e``, ``\\U000e0041``."""
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte of a file name (surrogateescape): show the byte
        return f"\\x{code - 0xDC00:02x}"
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def terminal_safe(text: str, *, keep_newlines: bool = False, visible: bool = True) -> str:
    """Text that is safe to write to a terminal: the one sanitiser for everything secplan prints.

    Every string that comes from a file, a folder name, a session or an argument goes through this before it
    reaches stdout, stderr, the app's notices or plain mode.

    Args:
        text: Any text (a message, a session name, a path, a question id from a hand-edited file).
        keep_newlines: Keep ``\\n`` (a message of several lines); otherwise it is treated like any control.
        visible: Replace each unsafe character by a visible escape (``\\x1b``, ``\\u202e``), so that a hostile
            name is shown for what it is (``Al\\u200bice`` is not ``Alice``); with False, remove it.

    Returns:
        The text with no C0 or C1 control (no ESC, so no escape sequence), no DEL, no bidirectional control, no
        zero-width or other format character, no line or paragraph separator and no lone surrogate; ``\\n`` only
        with keep_newlines. Everything else, letters of any script included, is kept as it is.
    """
    pattern = _UNSAFE_KEEPING_NEWLINES if keep_newlines else _UNSAFE_FOR_TERMINAL
    if pattern.search(text) is None:
        return text
    return pattern.sub(_visible if visible else "", text)


def is_terminal_safe(text: str) -> bool:
    """Whether :func:`terminal_safe` would leave this one-line text unchanged."""
    return _UNSAFE_FOR_TERMINAL.search(text) is None
