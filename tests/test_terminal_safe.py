"""The one sanitiser for everything written to a terminal (secplan_tui.core.text.terminal_safe)."""

from __future__ import annotations

import sys
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from secplan_tui.core.text import is_terminal_safe, terminal_safe

UNSAFE_CATEGORIES = {"Cc", "Cf", "Cs", "Zl", "Zp"}


def _unsafe(char: str, keep_newlines: bool = False) -> bool:
    return unicodedata.category(char) in UNSAFE_CATEGORIES and not (keep_newlines and char == "\n")


def test_every_control_format_and_separator_character_is_escaped() -> None:
    """Every code point of the categories Cc, Cf (bidi controls, zero-width characters, tags...), Cs, Zl and Zp
    is made visible, and no other assigned character is touched (checked against this Python's Unicode database;
    the list in sanitize.py follows Unicode 15, so a few code points still unassigned here are escaped too)."""
    missed, touched = [], []
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if unicodedata.category(char) in UNSAFE_CATEGORIES:
            if terminal_safe(char) == char:
                missed.append(f"U+{code:04X}")
        elif unicodedata.category(char) != "Cn" and terminal_safe(char) != char:  # Cn: unassigned in this Python
            touched.append(f"U+{code:04X}")
    assert missed == []
    assert touched == []


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("\x1b]52;c;aGk=\x07", "\\x1b]52;c;aGk=\\x07"),  # OSC 52: a clipboard write
        ("\x1b[2J", "\\x1b[2J"),  # clear the screen
        ("\x9b31m", "\\x9b31m"),  # 8-bit CSI
        ("abc\u202edef", "abc\\u202edef"),  # right-to-left override
        ("Al\u200bice", "Al\\u200bice"),  # a zero-width space: not the same as "Alice"
        ("a\u2066b\u2069", "a\\u2066b\\u2069"),  # isolates
        ("x\ufeffy", "x\\ufeffy"),  # byte order mark / zero-width no-break space
        ("tag\U000e0041", "tag\\U000e0041"),  # a tag character
        ("bad\udcffbyte", "bad\\xffbyte"),  # an undecodable byte of a file name (surrogateescape)
        ("line\nbreak", "line\\x0abreak"),
        ("Zoë 日本 עברית", "Zoë 日本 עברית"),  # letters of every script stay
    ],
)
def test_hostile_text_is_made_visible(text: str, shown: str) -> None:
    assert terminal_safe(text) == shown
    assert is_terminal_safe(terminal_safe(text))


def test_line_breaks_can_be_kept_and_characters_removed() -> None:
    assert terminal_safe("one\ntwo\x1b[2J", keep_newlines=True) == "one\ntwo\\x1b[2J"
    assert terminal_safe("Al\u200bice\x1b", visible=False) == "Alice"


@given(st.text())
def test_nothing_unsafe_survives(text: str) -> None:
    """Whatever the text, the result holds no unsafe character and is itself left unchanged (idempotent)."""
    for keep in (False, True):
        safe = terminal_safe(text, keep_newlines=keep)
        assert not any(_unsafe(char, keep) for char in safe)
        assert terminal_safe(safe, keep_newlines=keep) == safe
