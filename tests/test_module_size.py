"""No module of the package grows past about 800 lines without saying why (issue 13, docs/architecture.md).

A long module is usually several jobs in one file; splitting it by job keeps each one readable. Where one job
truly needs the length, the module's docstring says so in a paragraph starting "Why this module is long:".
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "secplan_tui"
LIMIT = 800
"""Lines (as ``wc -l`` counts them) a module may have without a written reason."""
REASON = "Why this module is long:"


def long_modules(package: Path = PACKAGE, limit: int = LIMIT) -> dict[str, int]:
    """Every module over the limit, with its line count, by path inside the package."""
    found = {}
    for path in sorted(package.rglob("*.py")):
        lines = path.read_bytes().count(b"\n")
        if lines > limit:
            found[path.relative_to(package).as_posix()] = lines
    return found


def reason_of(path: Path) -> str:
    """The written reason in the module's docstring: the paragraph after REASON, or '' when there is none."""
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    _, marker, rest = doc.partition(REASON)
    return rest.split("\n\n")[0].strip() if marker else ""


def test_long_modules_say_why() -> None:
    """Each module over 800 lines explains in its docstring why it is one module (a sentence or more)."""
    unexplained = {name: lines for name, lines in long_modules().items() if len(reason_of(PACKAGE / name)) < 40}
    assert unexplained == {}, (
        f"modules over {LIMIT} lines with no '{REASON}' paragraph in their docstring (split them by job, or say "
        f"why they are one): {unexplained}"
    )


def test_the_check_notices_a_long_module(tmp_path: Path) -> None:
    """The check itself works: a long module without a reason is listed, and a reason is found where given."""
    (tmp_path / "short.py").write_text('"""Short."""\n')
    (tmp_path / "long.py").write_text('"""Long."""\n' + "x = 1\n" * 900)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "explained.py").write_text(
        f'"""Explained.\n\n{REASON} it is one state machine whose steps share many private helpers.\n"""\n'
        + "x = 1\n" * 900
    )
    assert long_modules(tmp_path) == {"long.py": 901, "sub/explained.py": 904}
    assert reason_of(tmp_path / "long.py") == ""
    assert reason_of(tmp_path / "sub" / "explained.py").startswith("it is one state machine")
