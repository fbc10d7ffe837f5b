"""The style-code squashing of the app's output (secplan_tui.frontends.tui.sgr): every character is drawn with the
style it had, checked by replaying both streams through a small terminal model."""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from secplan_tui.frontends.tui.sgr import PLAIN, Style, squash_sgr, transition

_SEQUENCE = re.compile(r"\x1b\[!p|\x1b\[([0-9;:?]*)([A-Za-z])|\x1b\][^\x07]*\x07|.", re.S)


_ATTRIBUTES = {1: "bold", 2: "faint", 3: "italic", 4: "underline", 5: "blink", 6: "blink", 7: "reverse",
               8: "conceal", 9: "strike", 51: "frame", 52: "encircle", 53: "overline"}
_RESETS = {22: ("bold", "faint"), 23: ("italic",), 24: ("underline",), 25: ("blink",), 27: ("reverse",),
           28: ("conceal",), 29: ("strike",), 54: ("frame", "encircle"), 55: ("overline",)}


def _sgr(state: dict[str, object], params: str) -> dict[str, object]:
    """A terminal's reading of ``ESC[<params>m``, written from ECMA-48 and xterm's documentation, independently
    of the code under test. Codes it cannot read are kept, in order, as opaque extras until the next reset."""
    state = dict(state)
    if ":" in params:
        state["extras"] = (*state["extras"], params)  # type: ignore[misc]
        return state
    numbers = [int(p) if p else 0 for p in params.split(";")]
    i = 0
    while i < len(numbers):
        n = numbers[i]
        if n == 0:
            state = {"extras": ()}
        elif n in _ATTRIBUTES:
            state[_ATTRIBUTES[n]] = True
        elif n in _RESETS:
            for name in _RESETS[n]:
                state.pop(name, None)
        elif n in (38, 48) and numbers[i + 1:i + 2] == [2] and len(numbers) >= i + 5:
            state["fg" if n == 38 else "bg"] = ("rgb", *numbers[i + 2:i + 5])
            i += 5
            continue
        elif n in (38, 48) and numbers[i + 1:i + 2] == [5] and len(numbers) >= i + 3:
            state["fg" if n == 38 else "bg"] = ("256", numbers[i + 2])
            i += 3
            continue
        elif 30 <= n <= 37 or 90 <= n <= 97:
            state["fg"] = ("16", n)
        elif 40 <= n <= 47 or 100 <= n <= 107:
            state["bg"] = ("16", n)
        elif n == 39:
            state.pop("fg", None)
        elif n == 49:
            state.pop("bg", None)
        else:  # 21, 58, 38 without a colour...: the rest of the sequence is not read either
            state["extras"] = (*state["extras"], ";".join(map(str, numbers[i:])))  # type: ignore[misc]
            break
        i += 1
    return state


def replay(stream: str, start: dict[str, object] | None = None) -> tuple[list[tuple[int, int, str, object]], object]:
    """What a terminal would show: each drawn character or effectful sequence with the cursor position and the
    style in force (as a sorted tuple), and the style left at the end."""
    row, col = 1, 1
    state: dict[str, object] = dict(start or {"extras": ()})
    drawn: list[tuple[int, int, str, object]] = []
    for match in _SEQUENCE.finditer(stream):
        params, final = match.group(1), match.group(2)
        text = match.group(0)
        if final == "m" and params is not None and "?" not in params:
            state = _sgr(state, params)
            continue
        if text == "\x1b[!p":  # soft reset: the style too
            state = {"extras": ()}
            drawn.append((row, col, text, ()))
            continue
        if final == "H" and params is not None and "?" not in params:
            parts = (params or "1;1").split(";")
            row, col = int(parts[0] or 1), int(parts[1] or 1) if len(parts) > 1 else 1
            continue
        if final is not None and params is not None and params.startswith("?") and final in "hl":
            continue
        if text == "\n":
            row += 1
            continue
        if text == "\r":
            col = 1
            continue
        drawn.append((row, col, text, tuple(sorted(state.items()))))
        col += 1
    return drawn, tuple(sorted(state.items()))


STYLES = [
    "0", "", "1", "2", "3", "4", "7", "9", "22", "23", "24", "27", "39", "49",
    "38;2;224;224;224", "48;2;18;18;18", "38;5;196", "48;5;17", "31", "97", "44", "104",
    "0;1;38;2;224;224;224;48;2;18;18;18", "0;38;2;160;160;160;48;2;18;18;18", "0;48;2;18;18;18",
    "1;3;38;2;1;2;3", "0;7", "21", "58;2;1;2;3", "4:3", "38;2", "0;1;2", "22;1", "6", "25", "53", "55",
]
PIECES = st.one_of(
    st.sampled_from([f"\x1b[{s}m" for s in STYLES]),
    st.text(alphabet="ab ·▶", min_size=1, max_size=4),
    st.sampled_from(["\x1b[3;29H", "\x1b[12;1H", "\n", "\r", "\x1b[?2026h", "\x1b[?25l", "\x1b[K", "\x1b[2J",
                     "\x1b]0;title\x07", "\x1b[5X", "\x1b[!p"]),
)


@settings(max_examples=1000, deadline=None)
@example(["\x1b[0m", "\x1b[4:3m", "\x1b[0m"], None)  # a code with sub-parameters changes the style too
@given(st.lists(PIECES, max_size=60), st.sampled_from([None, {"extras": (), "bold": True, "bg": ("16", 41)}]))
def test_squashed_stream_draws_the_same(pieces: list[str], start: dict[str, object] | None) -> None:
    """Whatever style the terminal was left in by the write before, both streams draw the same."""
    stream = "".join(pieces)
    assert replay(squash_sgr(stream), start) == replay(stream, start)


def test_a_real_frame_gets_shorter_and_draws_the_same() -> None:
    row = ("\x1b[3;29H\x1b[48;2;18;18;18m \x1b[0m\x1b[1;38;2;224;224;224;48;2;18;18;18mDo you take cards?\x1b[0m"
           "\x1b[48;2;18;18;18m         \x1b[0m\n")
    frame = row * 10
    squashed = squash_sgr(frame)
    assert replay(squashed) == replay(frame)
    assert len(squashed) < 0.6 * len(frame)
    assert squashed.endswith("\n\x1b[0m")  # the original's last style (a reset) is in force at the end


def test_text_without_codes_is_untouched() -> None:
    assert squash_sgr("plain text\n") == "plain text\n"
    assert squash_sgr("\x1b[2;3Hx") == "\x1b[2;3Hx"


def test_transition_picks_the_shorter_form() -> None:
    bold_white = Style(frozenset({1}), (2, 255, 255, 255), None)
    assert transition(bold_white, bold_white) == ""
    assert transition(bold_white, Style(frozenset(), (2, 255, 255, 255), None)) == "\x1b[22m"
    assert transition(bold_white, PLAIN) == "\x1b[0m"
    assert transition(None, bold_white) == "\x1b[0;1;38;2;255;255;255m"
    # 22 ends bold and faint: faint is set again
    faint_white = Style(frozenset({2}), (2, 255, 255, 255), None)
    assert transition(Style(frozenset({1, 2}), (2, 255, 255, 255), None), faint_white) == "\x1b[22;2m"
    assert transition(Style(frozenset({1, 2}), None, None), Style(frozenset({2}), None, None)) == "\x1b[0;2m"


def test_unknown_codes_pass_through_with_the_style_settled_first() -> None:
    stream = "\x1b[0;1m\x1b[58;2;1;2;3mx\x1b[0;1my"
    squashed = squash_sgr(stream)
    assert "\x1b[58;2;1;2;3m" in squashed
    assert squashed.index("\x1b[0;1m") < squashed.index("\x1b[58;2;1;2;3m")
    assert replay(squashed) == replay(stream)


def test_adding_bold_to_faint_ends_both_first() -> None:
    """The Linux console keeps bold and faint in one field: adding one to the other ends both and sets both."""
    white = (2, 255, 255, 255)
    faint = Style(frozenset({2}), white, None)
    assert transition(faint, Style(frozenset({1, 2}), white, None)) == "\x1b[22;1;2m"


def test_screen_switches_and_eight_bit_controls_make_the_style_unknown() -> None:
    """Leaving the alternate screen restores a saved style, and an 8-bit CSI can set one: after either, the next
    style is sent whole."""
    for middle in ("\x1b[?1049l", "\x1b[?1048l", "\x1b[?47l", "\x9b0m"):
        stream = f"\x1b[0;1mA{middle}\x1b[0;1mB"
        squashed = squash_sgr(stream)
        assert squashed.endswith(f"{middle}\x1b[0;1mB"), repr(squashed)
    # other private modes (the cursor, synchronised output) leave the style alone
    assert squash_sgr("\x1b[0;1mA\x1b[?25l\x1b[0;1mB") == "\x1b[0;1mA\x1b[?25lB"


def test_absurdly_long_codes_pass_through() -> None:
    stream = "\x1b[0mA\x1b[" + "1" * 5000 + "mB"
    assert squash_sgr(stream) == stream
