"""Reading YAML safely, keeping lines: the one YAML reader of questionnaires, scenarios and answers files.

Only plain YAML is read: no tags, anchors or aliases, nesting at most ``MAX_DEPTH`` deep, files at most
``MAX_FILE_BYTES``. Mappings and sequences come back as :class:`YMap` / :class:`YList`, which remember the line of
each key and item, so every later message can say ``file:line``. libyaml parses when PyYAML has it (about five
times faster); a file it refuses is parsed again by PyYAML's own parser, whose messages say more.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from secplan_tui.core.errors import Code, Problem, problem
from secplan_tui.core.text import clean_text

MAX_FILE_BYTES = 2_000_000
MAX_DEPTH = 30
_STANDARD_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}
_OPENING_TOKENS = (
    yaml.BlockMappingStartToken,
    yaml.BlockSequenceStartToken,
    yaml.FlowMappingStartToken,
    yaml.FlowSequenceStartToken,
)
_CLOSING_TOKENS = (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)


class YMap(dict[str, Any]):
    """A YAML mapping that remembers its line and the line of each key."""

    line: int = 0
    key_lines: dict[str, int]


class YList(list[Any]):
    """A YAML sequence that remembers its line and the line of each item."""

    line: int = 0
    item_lines: list[int]


class YamlStopped(Exception):
    """Parsing stopped at one problem (a syntax error, a tag, an anchor, nesting too deep); it is ``problem``."""

    def __init__(self, found: Problem) -> None:
        super().__init__(str(found))
        self.problem = found


def read_yaml(
    path: str | Path, display: str | None = None
) -> tuple[YMap | YList | Any, bytes, list[Problem]]:
    """Read a YAML file safely, keeping lines.

    Returns:
        The data (YMap/YList/scalars; None if unreadable), the raw bytes, and the file-level problems.
    """
    name = display if display is not None else str(path)
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except IsADirectoryError:
        return None, b"", [problem(Code.FILE_UNREADABLE, name, 0, reason="it is a folder, not a file")]
    except OSError as exc:
        return None, b"", [problem(Code.FILE_UNREADABLE, name, 0, reason=exc.strerror or str(exc))]
    if len(data) > MAX_FILE_BYTES:
        too_large = problem(Code.FILE_TOO_LARGE, name, 0, size=f"more than {MAX_FILE_BYTES}", limit=MAX_FILE_BYTES)
        return None, data, [too_large]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, data, [problem(Code.NOT_UTF8, name, line, offset=exc.start)]
    text = text.removeprefix("\ufeff")
    if not text.strip() or all(ln.strip().startswith("#") or not ln.strip() for ln in text.splitlines()):
        return None, data, [problem(Code.FILE_EMPTY, name, 0)]
    try:
        return parse_yaml_text(text, name), data, []
    except YamlStopped as abort:
        return None, data, [abort.problem]


_FAST_LOADER: type[yaml.SafeLoader] | None = getattr(yaml, "CSafeLoader", None)
"""libyaml's parser, when PyYAML was built with it: about five times faster on the full questionnaire. A file it
cannot parse is parsed again by PyYAML's own parser, whose messages say more (the tab it found, say)."""

_FAST_UNSAFE = re.compile(r"\t|[|>][-+0-9]*#")
"""Text that libyaml accepts and PyYAML refuses (a tab between tokens; a comment touching a block scalar's
indicator): such files go to PyYAML alone, so a file is valid or not whichever parser this PyYAML has."""


def parse_yaml_text(text: str, name: str) -> Any:
    """Parse YAML text into YMap/YList/scalars, refusing tags, anchors and deep nesting.

    Raises:
        YamlStopped: with the one problem that stopped parsing.
    """
    try:
        if _FAST_LOADER is not None and not _FAST_UNSAFE.search(text):
            try:
                return _parse_with(_FAST_LOADER, text, name)
            except (yaml.YAMLError, RecursionError):
                pass  # reported below, in PyYAML's words
        return _parse_with(yaml.SafeLoader, text, name)
    except YamlStopped:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 0
        reason = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        start = exc.context_mark
        if start is not None and mark is not None and start.line != mark.line:
            # An unclosed quote or bracket is reported where the file ends; say where it was opened.
            reason = f"{reason} (it starts at line {start.line + 1})"
        raise YamlStopped(problem(Code.YAML_SYNTAX, name, line, reason=reason or "cannot parse")) from None
    except yaml.reader.ReaderError as exc:
        # A character YAML refuses (NUL, other control characters): point at its line.
        line = text[: exc.position].count("\n") + 1
        char = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
        raise YamlStopped(problem(Code.YAML_SYNTAX, name, line, reason=f"{exc.reason} (U+{char:04X})")) from None
    except yaml.YAMLError as exc:
        raise YamlStopped(problem(Code.YAML_SYNTAX, name, 0, reason=str(exc).splitlines()[0])) from None
    except RecursionError:
        raise YamlStopped(problem(Code.NESTED_TOO_DEEP, name, 0, limit=MAX_DEPTH)) from None


def _parse_with(loader_class: type[yaml.SafeLoader], text: str, name: str) -> Any:
    """Scan (checking nesting, anchors and tags on the tokens), compose and convert with one parser class."""
    # Nesting is counted on the tokens, before anything is composed: PyYAML's scanner slows down
    # quadratically with flow depth and its composer recurses, so `[[[[...` must stop here, at its line.
    depth = 0
    for token in yaml.scan(text, Loader=loader_class):
        if isinstance(token, _OPENING_TOKENS):
            depth += 1
            if depth > MAX_DEPTH:
                raise YamlStopped(problem(Code.NESTED_TOO_DEEP, name, token.start_mark.line + 1, limit=MAX_DEPTH))
        elif isinstance(token, _CLOSING_TOKENS):
            depth -= 1
        if isinstance(token, yaml.AnchorToken | yaml.AliasToken):
            raise YamlStopped(problem(Code.ALIAS_OR_ANCHOR, name, token.start_mark.line + 1, name=token.value))
        if isinstance(token, yaml.TagToken):
            handle, suffix = token.value
            tag = f"{handle or ''}{suffix}"
            raise YamlStopped(problem(Code.UNSAFE_TAG, name, token.start_mark.line + 1, tag=tag))
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise YamlStopped(problem(Code.FILE_EMPTY, name, 0))
        return _convert(node, loader, name, 0)
    finally:
        loader.dispose()


def _convert(node: yaml.Node, loader: yaml.SafeLoader, name: str, depth: int) -> Any:
    line = node.start_mark.line + 1
    if depth > MAX_DEPTH:
        raise YamlStopped(problem(Code.NESTED_TOO_DEEP, name, line, limit=MAX_DEPTH))
    if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:timestamp":
        # An unquoted date (`version: 2024-05-01`) is text to us; explicit tags were refused while scanning.
        return node.value
    if node.tag not in _STANDARD_TAGS:
        raise YamlStopped(problem(Code.UNSAFE_TAG, name, line, tag=node.tag))
    if isinstance(node, yaml.MappingNode):
        result = YMap()
        result.line = line
        result.key_lines = {}
        for key_node, value_node in node.value:
            key = _convert(key_node, loader, name, depth + 1)
            key_line = key_node.start_mark.line + 1
            if not isinstance(key, str):
                key = str(key)
            if key in result:
                raise YamlStopped(
                    problem(Code.WRONG_TYPE, name, key_line, where=f"key '{key}'", expected="each key once",
                            found=f"'{key}' twice (also at line {result.key_lines[key]})")
                )
            result[key] = _convert(value_node, loader, name, depth + 1)
            result.key_lines[key] = key_line
        return result
    if isinstance(node, yaml.SequenceNode):
        items = YList()
        items.line = line
        items.item_lines = []
        for item in node.value:
            items.append(_convert(item, loader, name, depth + 1))
            items.item_lines.append(item.start_mark.line + 1)
        return items
    return loader.construct_object(node, deep=True)


def describe_value(value: object) -> str:
    """What a YAML value is, for a message: "a list", "the number 3", "text 'abc'" (cleaned, 40 characters)."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, int | float):
        return f"the number {value}"
    return f"text '{clean_text(str(value))[:40]}'"
