"""Shared test fixtures: loading a questionnaire written inline in a test."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# The tests run against the checkout, installed or not (`.venv/bin/pytest` does not put the root on sys.path).
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from secplan_tui.core.model import Questionnaire  # noqa: E402
from secplan_tui.core.validate import load_questionnaire  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def no_secplan_environment() -> Iterator[None]:
    """The tests never see the caller's SECPLAN_* variables (a SECPLAN_DATA_DIR of their own would be written to,
    SECPLAN_QUESTIONNAIRES would change what is loaded); tests that need one set it themselves. Restored after."""
    # SECPLAN_UPDATE_GOLDEN is the tests' own switch (regenerate the golden plans), not the program's.
    saved = {k: v for k, v in os.environ.items() if k.startswith("SECPLAN_") and k != "SECPLAN_UPDATE_GOLDEN"}
    for key in saved:
        del os.environ[key]
    # The parsed-questionnaire cache goes to a folder of the test run's own, never the caller's ~/.cache.
    cache_home = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="secplan-test-cache-")
    try:
        yield
    finally:
        shutil.rmtree(os.environ["XDG_CACHE_HOME"], ignore_errors=True)
        if cache_home is None:
            os.environ.pop("XDG_CACHE_HOME", None)
        else:
            os.environ["XDG_CACHE_HOME"] = cache_home
        os.environ.update(saved)


@pytest.fixture
def load_yaml(tmp_path: Path) -> Callable[[str], Questionnaire]:
    """Write dedented YAML text to a file in tmp_path and load it with every check (raises if invalid)."""

    def load(text: str) -> Questionnaire:
        path = tmp_path / "inline.yaml"
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return load_questionnaire(path)

    return load
