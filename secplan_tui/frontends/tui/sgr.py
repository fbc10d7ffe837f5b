"""Fewer bytes per frame: rewrite the colour and style codes Textual sends so each says only what changes.

Textual (through Rich) writes every run of text as ``ESC[0m`` then the run's whole style, e.g.
``ESC[0m ESC[1;38;2;224;224;224;48;2;18;18;18m Question 8``, even when the run before had the same background.
On a 24-bit terminal that is up to 40 bytes per run, most of a redraw. :func:`squash_sgr` keeps the text and
every other control sequence as they are and replaces the style codes by the difference between the style in
force and the style the next text needs (``ESC[22m`` to end bold, ``ESC[39m`` for the default colour, nothing at
all when it is the same), or by a reset and the full style when that is shorter. Every character is drawn with
exactly the style it had; a test replays both streams through a small terminal model to show it.

Rules that keep it safe:
- A style is only emitted just before something that could depend on it: text, or any control sequence other
  than cursor moves, private modes and line ends (erasing, for instance, fills with the background). Textual
  ends each updated line with a newline followed by an absolute move, never on the bottom line, so a newline
  never scrolls (a scroll would fill a line with the background in force).
- A code it does not know (underline styles with ``:``, ``58`` underline colour, ``21``, fonts), or any other
  control sequence (a soft reset changes the style), makes the style unknown: it passes through untouched, and
  so do the style codes after it until one starts with a reset.
- Each write starts from an unknown style and ends in the style the original left in force.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_TOKEN = re.compile(
    r"\x1b\[(?P<sgr>[0-9;:]*)m"  # select graphic rendition
    r"|(?P<move>\x1b\[[0-9;]*[HfABCDEFGd]|\x1b\[\?[0-9;]*[hl]|\r|\n)"  # cursor moves, private modes, line ends
)
"""The sequences handled: style codes, and those that neither draw nor depend on the style."""

_OFF = {1: 22, 2: 22, 3: 23, 4: 24, 5: 25, 6: 25, 7: 27, 8: 28, 9: 29, 51: 54, 52: 54, 53: 55}
"""Each attribute and the code that turns it off (22 ends both bold and faint, 25 both blinks, 54 frame and
encircle). 21 is left out on purpose: some terminals read it as double underline, others as "bold off"."""

_OFF_CODES = frozenset(_OFF.values())

_RESTORING_MODES = frozenset({"47", "1047", "1048", "1049"})
"""Private modes that switch screens or restore the saved cursor, and with it a saved style."""

_UNSEEN = re.compile(r"[\x1b\x80-\x9f]")
"""What marks text as holding a control sequence (7-bit ESC, or an 8-bit C1 control such as CSI)."""


class Style(NamedTuple):
    """The style in force: attributes (the codes that set them) and colours (their parameters), None meaning the
    terminal's default."""

    attrs: frozenset[int]
    fg: tuple[int, ...] | None
    bg: tuple[int, ...] | None


PLAIN = Style(frozenset(), None, None)


def apply(params: str, style: Style | None) -> Style | None:
    """The style after ``ESC[<params>m`` is applied to ``style``; None when a code is not understood or the style
    before was unknown and the codes do not start with a reset."""
    if ":" in params:
        return None  # sub-parameters (curly underline 4:3, colours 38:2::r:g:b): not followed
    try:
        numbers = [int(p) if p else 0 for p in params.split(";")]
    except ValueError:  # more digits than Python reads as a number
        return None
    if style is None:
        if numbers[0] != 0:
            return None
        style = PLAIN
    attrs, fg, bg = set(style.attrs), style.fg, style.bg
    i = 0
    while i < len(numbers):
        n = numbers[i]
        if n == 0:
            attrs, fg, bg = set(), None, None
        elif n in (38, 48):
            kind = numbers[i + 1] if i + 1 < len(numbers) else None
            width = {2: 5, 5: 3}.get(kind) if kind is not None else None
            if width is None or i + width > len(numbers):
                return None
            colour = tuple(numbers[i + 1:i + width])
            if n == 38:
                fg = colour
            else:
                bg = colour
            i += width
            continue
        elif 30 <= n <= 37 or 90 <= n <= 97:
            fg = (n,)
        elif n == 39:
            fg = None
        elif 40 <= n <= 47 or 100 <= n <= 107:
            bg = (n,)
        elif n == 49:
            bg = None
        elif n in _OFF:
            attrs.add(n)
        elif n in _OFF_CODES:
            attrs -= {a for a, off in _OFF.items() if off == n}
        else:
            return None
        i += 1
    return Style(frozenset(attrs), fg, bg)


def _colour(colour: tuple[int, ...] | None, base: int) -> list[int]:
    if colour is None:
        return [base + 1]  # 39 or 49: the default
    if len(colour) == 1:
        return [colour[0]]
    return [base, *colour]


def _whole(style: Style) -> list[int]:
    codes = [0, *sorted(style.attrs)]
    if style.fg is not None:
        codes += _colour(style.fg, 38)
    if style.bg is not None:
        codes += _colour(style.bg, 48)
    return codes


def _difference(old: Style, new: Style) -> list[int]:
    codes: list[int] = []
    for attr in sorted(old.attrs - new.attrs):
        if _OFF[attr] not in codes:
            codes.append(_OFF[attr])
    turned_on = set(new.attrs - old.attrs)
    if turned_on & {1, 2} and old.attrs & {1, 2} and 22 not in codes:
        # The Linux console keeps bold and faint in one field, so adding one to the other replaces it there:
        # end both and set what the new style has.
        codes.append(22)
    # An "off" code ends its partners too (22 ends bold and faint): set again those the new style keeps.
    turned_on |= {a for a in new.attrs if _OFF[a] in codes}
    codes += sorted(turned_on)
    if old.fg != new.fg:
        codes += _colour(new.fg, 38)
    if old.bg != new.bg:
        codes += _colour(new.bg, 48)
    return codes


def _sequence(codes: list[int]) -> str:
    return "\x1b[" + ";".join(map(str, codes)) + "m"


def transition(old: Style | None, new: Style) -> str:
    """The shortest codes that change the style from ``old`` (None: unknown) to ``new``."""
    whole = _sequence(_whole(new))
    if old is None:
        return whole
    if old == new:
        return ""
    difference = _sequence(_difference(old, new))
    return difference if len(difference) <= len(whole) else whole


def squash_sgr(data: str) -> str:
    """``data`` with its style codes rewritten as differences; draws exactly what ``data`` draws."""
    if "\x1b[" not in data:
        return data
    out: list[str] = []
    sent: Style | None = None  # the style the terminal has, as far as the codes written so far say
    wanted: Style | None = None  # the style the original stream has at this point
    position = 0

    def settle() -> None:
        nonlocal sent
        if wanted is not None and wanted != sent:
            out.append(transition(sent, wanted))
            sent = wanted

    for match in _TOKEN.finditer(data):
        if match.start() > position:
            settle()
            text = data[position:match.start()]
            out.append(text)
            if _UNSEEN.search(text):
                # Some other control sequence: it might change the style (a soft reset does), so forget it on
                # both sides; codes pass through as they are until one starts with a reset.
                sent = wanted = None
        position = match.end()
        params = match.group("sgr")
        if params is None:
            move = match.group(0)
            if move.startswith("\x1b[?") and _RESTORING_MODES & set(move[3:-1].split(";")):
                settle()  # the terminal may come back with another style: forget it on both sides
                out.append(move)
                sent = wanted = None
                continue
            out.append(move)  # a cursor move: the style does not matter
            continue
        after = apply(params, wanted)
        if after is None:
            # Not understood: bring the terminal to the original's style, pass the code on, and forget the style.
            settle()
            out.append(match.group(0))
            sent = None
        wanted = after
    if position < len(data):
        settle()
        text = data[position:]
        out.append(text)
        if _UNSEEN.search(text):
            sent = wanted = None
    settle()
    return "".join(out)
