"""Cleaning of user text: strip escape sequences and control characters before it is stored or shown."""

from __future__ import annotations

import re

# Whole escape sequences first (so "ESC ] 0 ; title BEL" leaves nothing behind), then lone control characters.
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b\][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # OSC ... BEL / ST
    r"|\x1b[P^_X][^\x1b\x9c]*(?:\x1b\\|\x9c)?"  # DCS, PM, APC, SOS ... ST
    r"|\x1b\[[0-?]*[ -/]*[@-~]?"  # CSI
    r"|\x9b[0-?]*[ -/]*[@-~]?"  # 8-bit CSI
    r"|\x9d[^\x07\x9c]*(?:\x07|\x9c)?"  # 8-bit OSC
    r"|\x1b[ -/]*[0-~]?"  # other ESC sequences
)
# C0 except tab and newline, DEL, C1, and the bidirectional overrides that can make text read differently.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
_SPACES = re.compile(r"[ \t\u00a0\u2028\u2029]+")


def clean_text(text: str, *, keep_newlines: bool = False) -> str:
    """Remove escape sequences and control characters from user text.

    Args:
        text: Any text, for example an answer typed or imported.
        keep_newlines: Keep line breaks (long text); otherwise they become spaces.

    Returns:
        The text with no C0/C1 control character, no ESC and no bidirectional override; tabs become spaces.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ESCAPE_SEQUENCE.sub("", text)
    text = _CONTROL.sub("", text)
    if keep_newlines:
        lines = [_SPACES.sub(" ", line).rstrip() for line in text.split("\n")]
        return "\n".join(lines)
    return _SPACES.sub(" ", text.replace("\n", " "))
