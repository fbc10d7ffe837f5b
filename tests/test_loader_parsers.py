"""The loader parses with libyaml when PyYAML has it, and with PyYAML's own parser otherwise: a file must read
the same, or be refused the same, whichever parser this PyYAML has."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from secplan_tui.core import yaml_reader
from secplan_tui.core.yaml_reader import YamlStopped, YList, YMap, parse_yaml_text

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(yaml_reader._FAST_LOADER is None, reason="this PyYAML has no libyaml")


def shape(value: Any) -> Any:
    """A value with the lines the loader kept, comparable with ==."""
    if isinstance(value, YMap):
        return ("map", value.line, [(k, value.key_lines[k], shape(v)) for k, v in value.items()])
    if isinstance(value, YList):
        return ("list", value.line, list(zip(value.item_lines, map(shape, value), strict=True)))
    return (type(value).__name__, value)


def parsed(text: str, *, fast: bool, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The shape of the parse, or the problem that stopped it."""
    with monkeypatch.context() as patch:
        if not fast:
            patch.setattr(yaml_reader, "_FAST_LOADER", None)
        try:
            return shape(parse_yaml_text(text, "f.yaml"))
        except YamlStopped as abort:
            return ("refused", str(abort.problem))


def bundled_files() -> Iterator[Path]:
    yield from sorted((ROOT / "questionnaires").rglob("*.yaml"))
    yield from sorted((ROOT / "tests" / "questionnaires").rglob("*.yaml"))


@pytest.mark.parametrize("path", list(bundled_files()), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_bundled_file_reads_the_same_with_either_parser(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = path.read_bytes().decode("utf-8", errors="replace")
    assert parsed(text, fast=True, monkeypatch=monkeypatch) == parsed(text, fast=False, monkeypatch=monkeypatch)


@pytest.mark.parametrize(
    "text",
    [
        "id: x\ntitle:\tMy questionnaire\n",  # libyaml takes a tab after the colon; PyYAML refuses it
        "a: 1\t# c\n",
        "a: b\tc\n",
        "a\t: 1\n",
        "a: [1,\t2]\n",
        "a: {b:\t1}\n",
        "a: [1,\n\t2]\n",
        "a: x\n  \ty\n",
        "---\t\na: 1\n",
        "a: |#note\n  text\n",
        "a: >-#note\n  text\n",
        "%YAML 1.3\n---\na: 1\n",
        "a: [unclosed\n",
        "a: 1\na: 2\n",
        "a: &x 1\nb: *x\n",
        "a: !!python/name:os.system x\n",
        "on: yes\noff: no\nwhen: 2026-01-15\n",
    ],
)
def test_tricky_texts_read_the_same_with_either_parser(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert parsed(text, fast=True, monkeypatch=monkeypatch) == parsed(text, fast=False, monkeypatch=monkeypatch)
