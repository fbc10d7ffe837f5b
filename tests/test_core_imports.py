"""The core runs without a terminal: importing it loads no terminal UI library and no TinyDB (DESIGN.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CORE = [
    "secplan_tui.core",
    "secplan_tui.plan",
    "secplan_tui.session",
    "secplan_tui.review",
    "secplan_tui.teaching",
    "secplan_tui.frontends.plain.driver",
    "secplan_tui.frontends.plain.lines",
    "secplan_tui.cli.show",
]
"""The core and the services: every module of each package named here is imported too (the probe walks them)."""

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
    """Importing each core and service module (every module of each package) loads no forbidden package."""
    report = probe(CORE)
    assert set(CORE) <= set(report)
    for package in ("secplan_tui.core", "secplan_tui.plan", "secplan_tui.session", "secplan_tui.teaching"):
        assert any(name.startswith(f"{package}.") for name in report), f"{package}: its modules were not walked"
    offenders = {name: found for name, found in report.items() if found}
    assert offenders == {}


def test_probe_notices_a_forbidden_import() -> None:
    """The probe itself works: a module that imports tinydb is reported."""
    assert probe(["secplan_tui.core.errors", "tinydb"]) == {"secplan_tui.core.errors": [], "tinydb": ["tinydb"]}
