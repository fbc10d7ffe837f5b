"""Cleaning of user text: strip terminal escape sequences and control characters before text is stored or shown.

This is the one implementation; the plan's Markdown escaping (``plan/sanitize.py``) and the front ends build on it.
"""

from __future__ import annotations

import re

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
