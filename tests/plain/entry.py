"""Run plain mode on one session of a workspace, as `secplan ask SESSION --plain` will: the subprocess tests' entry.

Usage: python tests/plain/entry.py DATA_DIR SESSION [auto|interactive|line]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from secplan_tui.core import catalogue  # noqa: E402
from secplan_tui.frontends.plain.interactive import run_plain  # noqa: E402
from secplan_tui.store import Workspace  # noqa: E402


def main(argv: list[str]) -> int:
    """Resolve the session, load its questionnaire and run plain mode; returns the exit status."""
    data_dir, ref = argv[0], argv[1]
    mode = argv[2] if len(argv) > 2 else "line"
    store = Workspace(data_dir)
    meta = store.resolve(ref)
    questionnaire = catalogue.load(meta.questionnaire_id)
    return run_plain(store, meta.id, questionnaire, mode=mode)  # type: ignore[arg-type]


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
