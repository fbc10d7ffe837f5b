"""Make any text safe to place in a plan: clean it, then escape Markdown for inline use.

Two steps, kept apart so the JSON renderer can use the first without the second:

- cleaning is :func:`secplan_tui.core.text.clean_text` with ``keep_newlines=True``, the one text cleaner: it
  removes terminal escape sequences (CSI, OSC, DCS...), every C0 and C1 control character except the line break,
  DEL, bidirectional overrides and lone surrogates. Letters of every script stay.
- :func:`md_inline` cleans, folds all whitespace (line breaks included) into single spaces, and
  backslash-escapes what Markdown could read as syntax, so that the text renders as exactly itself inside one
  paragraph, list item, heading or table cell.

What :func:`md_inline` escapes, and why (checked against markdown-it-py's parse tree by the property tests):

- everywhere: ``\\`` (escapes), ````` (code spans), ``*`` and ``_`` (emphasis, thematic breaks), ``~``
  (strikethrough, fences), ``[`` ``]`` (links, reference definitions), ``!`` (images), ``<`` ``>`` (HTML,
  autolinks, block quotes), ``&`` (entities), ``#`` (headings, a heading's closing sequence), ``|`` (table
  cells), ``{`` ``}`` (attribute syntax of common plugins) and ``@`` (e-mail autolinks of GFM viewers);
- ``:`` before ``//`` and ``.`` after ``www`` (the bare-URL autolinks that GFM viewers such as GitHub add);
- at the start of the text only: ``-``, ``+`` and ``=`` (list items, setext underlines) and the ``.`` or ``)``
  after leading digits when a space or the end follows (ordered lists). Elsewhere these are ordinary prose and
  stay readable.

Leading spaces cannot start an indented code block because whitespace is folded and trimmed, and no line break
survives, so nothing can start a new block.
"""

from __future__ import annotations

import re
from functools import lru_cache

from secplan_tui.core.text import one_line

__all__ = ["md_code", "md_inline", "one_line"]

_ALWAYS = "\\`*_~[]!<>#|{}@"
_ESCAPE_TABLE = str.maketrans({c: "\\" + c for c in _ALWAYS})
_ENTITY_START = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_URL_COLON = re.compile(r":(?=//)")
_WWW_DOT = re.compile(r"(?i)(?<=www)\.")
_LEADING_ORDINAL = re.compile(r"^([0-9]+)([.)])(?= |$)")
_CODE_SAFE = re.compile(r"[A-Za-z0-9_.:\- ]+")


@lru_cache(maxsize=8192)
def md_inline(text: str) -> str:
    """Clean text and escape it for an inline Markdown context (paragraph, list item, heading, table cell).

    The result is one line that renders as exactly the cleaned text with whitespace folded: it cannot start
    or end a block, open a link, an image, emphasis, a code span, an autolink or HTML, name an entity, or add
    a table cell.

    Args:
        text: Any text.

    Returns:
        Escaped Markdown source.
    """
    s = one_line(text).translate(_ESCAPE_TABLE)
    if not s:
        return s
    if "&" in s:
        # Only an ampersand that could start a character reference ("&amp;", "&#38;") needs escaping; a plain
        # "Privacy & Security" stays readable in the Markdown source.
        s = _ENTITY_START.sub(r"\\&", s)
    if "://" in s:
        s = _URL_COLON.sub(r"\\:", s)
    if "." in s:
        s = _WWW_DOT.sub(r"\\.", s)
    first = s[0]
    if first in "-+=":
        return "\\" + s
    if "0" <= first <= "9":
        s = _LEADING_ORDINAL.sub(r"\1\\\2", s)
    return s


def md_code(text: str) -> str:
    """An identifier as an inline code span, or escaped text when it holds anything but id characters.

    Args:
        text: An id such as ``act.turn_on_mfa`` or ``CSF:PR.AA-03``.

    Returns:
        Markdown source that renders as the text, in code style when safe.
    """
    s = one_line(text)
    if _CODE_SAFE.fullmatch(s):
        return f"`{s}`"
    return md_inline(s)
