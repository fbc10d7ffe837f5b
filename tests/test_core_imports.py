"""The core runs without a terminal: importing it loads no terminal UI library and no TinyDB (DESIGN.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CORE = [
    "secplan_tui.core.errors",
    "secplan_tui.core.model",
    "secplan_tui.core.conditions",
    "secplan_tui.core.loader",
    "secplan_tui.core.validate",
    "secplan_tui.core.engine",
    "secplan_tui.core.text",
    "secplan_tui.core.control_ids",
    "secplan_tui.core.catalogue",
    "secplan_tui.session.answer_files",
    "secplan_tui.cli.show",
    "secplan_tui.plan",
    "secplan_tui.session.controller",
    "secplan_tui.review",
    "secplan_tui.teaching.scenario",
    "secplan_tui.teaching.exercise",
    "secplan_tui.frontends.plain.lines",
]
"""The core modules; every submodule of ``secplan_tui.plan`` is imported too."""

FORBIDDEN = ("textual", "questionary", "prompt_toolkit", "tinydb")

# Imports each module in turn and reports, per module, the forbidden packages that appeared in sys.modules.
PROBE = """
import importlib, json, pkgutil, sys
forbidden = tuple(sys.argv[1].split(","))
def loaded():
    return {m.split(".")[0] for m in sys.modules if m.split(".")[0] in forbidden}
report = {}
names = sys.argv[2:]
for name in names:
    before = loaded()
    module = importlib.import_module(name)
    if name.startswith("secplan_tui."):
        names.extend(f"{name}.{sub.name}" for sub in pkgutil.iter_modules(getattr(module, "__path__", [])))
    report[name] = sorted(loaded() - before)
print(json.dumps(report))
"""


def probe(modules: list[str]) -> dict[str, list[str]]:
    """Import the modules in a fresh interpreter; returns the forbidden packages each one pulled in."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE, ",".join(FORBIDDEN), *modules],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr
    report: dict[str, list[str]] = json.loads(result.stdout)
    return report


def test_core_imports_no_terminal_library_and_no_tinydb() -> None:
    """Importing each core module (and every module of secplan_tui.plan) loads no forbidden package."""
    report = probe(CORE)
    assert set(CORE) <= set(report)
    assert any(name.startswith("secplan_tui.plan.") for name in report), "secplan_tui.plan has no modules"
    offenders = {name: found for name, found in report.items() if found}
    assert offenders == {}


def test_probe_notices_a_forbidden_import() -> None:
    """The probe itself works: a module that imports tinydb is reported."""
    assert probe(["secplan_tui.core.errors", "tinydb"]) == {"secplan_tui.core.errors": [], "tinydb": ["tinydb"]}
