"""The import contracts of docs/architecture.md hold, and break when a core module imports a terminal library.

`.ci/run` runs `lint-imports` on the checkout; these tests run it too, and once on a copy of the package whose
engine imports textual, to show that the contract is checked rather than described.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

pytestmark = pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter is a test dependency")


def lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    """Run lint-imports on the package found in ``tree`` (its pyproject.toml, its secplan_tui/)."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(tree / "pyproject.toml")],
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(tree)},
    )


def test_the_contracts_hold() -> None:
    """Every contract is kept on the checkout, and there are as many as pyproject.toml declares."""
    done = lint_imports(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    declared = (ROOT / "pyproject.toml").read_text(encoding="utf-8").count("[[tool.importlinter.contracts]]")
    assert f"Contracts: {declared} kept, 0 broken." in done.stdout


def test_a_core_module_importing_textual_breaks_the_build(tmp_path: Path) -> None:
    """A copy of the package whose engine imports textual fails, and the report names the engine and textual."""
    shutil.copytree(ROOT / "secplan_tui", tmp_path / "secplan_tui", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    engine = tmp_path / "secplan_tui" / "core" / "engine.py"
    engine.write_text(engine.read_text(encoding="utf-8") + "\nimport textual  # noqa: E402, F401\n")
    done = lint_imports(tmp_path)
    assert done.returncode != 0
    assert "The core and the plan run without a terminal library and without TinyDB BROKEN" in done.stdout
    assert "secplan_tui.core.engine -> textual" in done.stdout
