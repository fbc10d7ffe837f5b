"""secplan's benchmark: prints a Markdown table of the figures DESIGN.md promises.

Run with ``.venv/bin/python tests/bench/bench.py`` (``--quick`` for fewer repetitions). This is a measurement, not
a test: nothing here asserts a time. The targets are printed beside each figure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from secplan_tui.core import catalogue  # noqa: E402
from secplan_tui.core.validate import validate_path  # noqa: E402
from secplan_tui.plan import compile_plan, render_html, render_markdown  # noqa: E402
from secplan_tui.session.answer_files import progress_of, read_answers  # noqa: E402
from secplan_tui.store import Workspace  # noqa: E402

EXAMPLE = ROOT / "questionnaires" / "examples" / "iso22342-manufacturer.yaml"
QUESTIONNAIRE = "iso22342"


LONG_HISTORY = 300
"""History entries beyond a session answered in full with some changes (the manufacturer example starts at 120)."""
AGED_SNAPSHOTS = 10
"""Snapshots in an aged session: ten yearly reviews."""
AGED_HISTORY = 10_000
"""History entries in an aged session."""


def percentile(values: list[float], pct: float) -> float:
    """The pct-th percentile (nearest rank) of values."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    """Milliseconds of each of ``repeat`` calls."""
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


STORED = (1, 100, 1000)
"""Sessions in the workspace for the save rows."""


def bench_saves(saves: int, base: Path) -> dict[int, list[tuple[int, float]]]:
    """Durable answer saves with 1, 100 and 1,000 sessions in the workspace: (history entries before, ms).

    The three workspaces are built first, then measured one save each per round, so the shared machine's load
    weighs on all three alike.
    """
    questionnaire = catalogue.load(QUESTIONNAIRE)
    answers = read_answers(str(EXAMPLE), questionnaire).answers
    items = [(k, v) for k, v in answers.items() if v != "dont_know" and questionnaire.question(k).dont_know]  # type: ignore[union-attr]
    progress = {"answered": len(items), "total": len(items)}
    targets: dict[int, tuple[Workspace, str, int]] = {}
    for stored in STORED:
        ws = Workspace(base / f"saves-{stored}")
        for i in range(stored - 1):
            meta = ws.create(f"filler-{i}", questionnaire.id, questionnaire.version, questionnaire.content_hash)
            if i % 10 == 0:
                ws.save_answers(meta.id, answers, progress=progress_of(questionnaire, answers))
        target = ws.create("target", questionnaire.id, questionnaire.version, questionnaire.content_hash)
        ws.save_answers(target.id, answers, progress=progress)
        targets[stored] = ws, target.id, len(ws.history(target.id))
    os.sync()  # creating the sessions wrote many files: let them reach the disk before the measured saves
    times: dict[int, list[tuple[int, float]]] = {stored: [] for stored in STORED}
    for i in range(saves):
        # Every save changes a value (the store skips a save that changes nothing): alternate each answer with
        # "don't know", so the session's history grows as a long real session's would.
        qid, value = items[i % len(items)]
        if (i // len(items)) % 2 == 0:
            value = "dont_know"
        for stored, (ws, session_id, history) in targets.items():
            start = time.perf_counter()
            ws.save_answer(session_id, qid, value, progress=progress)
            times[stored].append((history + i, (time.perf_counter() - start) * 1000))
    return times


def _snapshot_plan() -> tuple[dict[str, object], str]:
    """The manufacturer's full plan as ``plan --snapshot`` keeps it, and how it was made (for the table)."""
    questionnaire = catalogue.load(QUESTIONNAIRE)
    answers = read_answers(str(EXAMPLE), questionnaire).answers
    try:
        from secplan_tui.plan.plan_json import plan_to_dict

        plan = plan_to_dict(compile_plan(questionnaire, answers, dt.date(2026, 12, 1)))
        size = len(json.dumps(plan))
        return plan, f"the example's full plan, {size // 1000} KB each"
    except Exception as exc:  # noqa: BLE001 - the compiler may be mid-change; the store's figure still stands
        filler = {"actions": [{"id": f"act.{i}", "text": "x" * 400} for i in range(500)]}
        return filler, f"a 200 KB stand-in plan each (the compiler failed: {type(exc).__name__})"


def bench_aged(saves: int, base: Path) -> tuple[dict[tuple[int, int], list[float]], dict[tuple[int, int], int], str]:
    """Durable saves in sessions with 0 or AGED_SNAPSHOTS snapshots and a fresh or AGED_HISTORY-long history.

    The four sessions are built first, then measured in turn, one save each per round, so that a change in the
    machine's load (it is shared) weighs on all four alike. Returns the times by (snapshots, history wanted), the
    history length each session had before the measured saves, and how the snapshot plan was made.
    """
    questionnaire = catalogue.load(QUESTIONNAIRE)
    answers = read_answers(str(EXAMPLE), questionnaire).answers
    items = [(k, v) for k, v in answers.items() if v != "dont_know" and questionnaire.question(k).dont_know]  # type: ignore[union-attr]
    progress = {"answered": len(items), "total": len(items)}
    plan, made = _snapshot_plan()
    sessions: dict[tuple[int, int], tuple[Workspace, str]] = {}
    lengths: dict[tuple[int, int], int] = {}
    for snapshots in (0, AGED_SNAPSHOTS):
        for history in (0, AGED_HISTORY):
            ws = Workspace(base / f"aged-{snapshots}-{history}")
            meta = ws.create("aged", questionnaire.id, questionnaire.version, questionnaire.content_hash)
            ws.save_answers(meta.id, answers, progress=progress)
            flip = 0
            while len(ws.history(meta.id)) < history:  # whole imports, alternating every value with "don't know"
                flip += 1
                batch = {k: ("dont_know" if flip % 2 else v) for k, v in items}
                ws.save_answers(meta.id, batch, progress=progress)
            for n in range(snapshots):
                ws.add_snapshot(meta.id, f"review {2026 + n}", plan)
            sessions[snapshots, history] = ws, meta.id
            lengths[snapshots, history] = len(ws.history(meta.id))
    os.sync()  # the set-up's writes reach the disk now, not during the measured saves
    times: dict[tuple[int, int], list[float]] = {key: [] for key in sessions}
    for i in range(saves):
        qid, value = items[i % len(items)]
        if (i // len(items)) % 2 == 0:
            value = "dont_know"
        for key, (ws, session_id) in sessions.items():
            start = time.perf_counter()
            ws.save_answer(session_id, qid, value, progress=progress)
            times[key].append((time.perf_counter() - start) * 1000)
    return times, lengths, made


def bench_list(sessions: int, base: Path, repeat: int) -> tuple[float, float]:
    """Median wall time of ``secplan list`` (a new process) and of the in-process listing, with N sessions."""
    questionnaire = catalogue.load(QUESTIONNAIRE)
    answers = read_answers(str(EXAMPLE), questionnaire).answers
    folder = base / f"list-{sessions}"
    ws = Workspace(folder)
    progress = progress_of(questionnaire, answers)
    for i in range(sessions):
        meta = ws.create(f"org-{i:04d}", questionnaire.id, questionnaire.version, questionnaire.content_hash)
        ws.save_answers(meta.id, answers, progress=progress)
    cli = [sys.executable, "-m", "secplan_tui", "--data-dir", str(folder), "list"]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    subprocess.run(cli, check=True, capture_output=True, env=env, cwd=ROOT)  # warm the OS cache
    walls = timed(lambda: subprocess.run(cli, check=True, capture_output=True, env=env, cwd=ROOT), repeat)
    inproc = timed(lambda: Workspace(folder).sessions(), repeat)
    return statistics.median(walls), statistics.median(inproc)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--aged-only", action="store_true", help="only the rows of saves in aged sessions")
    args = parser.parse_args()
    saves = 200 if args.quick else 1000
    repeat = 5 if args.quick else 20
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory(prefix="secplan-bench-") as tmp:
        base = Path(tmp)
        aged, lengths, made = bench_aged(saves, base)
        for (snapshots, history), ms in aged.items():
            what = "fresh" if history == 0 else f"{history:,}"
            rows.append((f"durable save, session with {snapshots} snapshots and {what} history "
                         f"({lengths[snapshots, history]:,} entries)",
                         f"p50 {statistics.median(ms):.2f} ms, p95 {percentile(ms, 95):.2f} ms", "p95 <= 5 ms"))
        fresh, old = percentile(aged[0, 0], 95), percentile(aged[AGED_SNAPSHOTS, AGED_HISTORY], 95)
        rows.append((f"save p95, {AGED_SNAPSHOTS} snapshots and {AGED_HISTORY:,} history entries vs a fresh session",
                     f"{old / fresh:.2f}x", "<= 1.5x"))
        rows.append(("(the snapshots above)", made, "-"))
        if args.aged_only:
            _print(rows)
            return 0
        results = {}
        by_stored = bench_saves(saves, base)
        for stored in STORED:
            times = by_stored[stored]
            sessions = f"{stored:,} session{'s' if stored > 1 else ''} stored"
            # A session answered in full with some changes has a history of 150-300 entries; years of yearly
            # reviews take it further (the history is a journal appended to, so this should not matter).
            for low, high in ((0, LONG_HISTORY), (LONG_HISTORY, None)):
                ms = [t for n, t in times if n >= low and (high is None or n < high)]
                if not ms:
                    continue
                top = max(n for n, _ in times) + 1 if high is None else high
                p95 = percentile(ms, 95)
                results.setdefault(stored, p95)
                rows.append((f"durable save, {sessions}, history of {low:,}-{top:,} entries",
                             f"p50 {statistics.median(ms):.2f} ms, p95 {p95:.2f} ms", "p95 <= 5 ms"))
        ratio = results[1000] / results[1] if results[1] else float("nan")
        rows.append((f"save p95, 1,000 vs 1 session (history under {LONG_HISTORY})", f"{ratio:.2f}x", "<= 1.5x"))

        questionnaire = catalogue.load(QUESTIONNAIRE)
        answers = read_answers(str(EXAMPLE), questionnaire).answers
        day = dt.date(2026, 12, 1)
        what = (f"compile to Markdown ({QUESTIONNAIRE}: {len(questionnaire.questions())} questions, "
                f"{len(questionnaire.actions)} actions; the manufacturer example)")
        try:
            md = timed(lambda: render_markdown(compile_plan(questionnaire, answers, day)), repeat * 5)
            html = timed(lambda: render_html(compile_plan(questionnaire, answers, day)), repeat * 5)
        except Exception as exc:  # noqa: BLE001 - a plan module mid-change: report it, keep the other figures
            rows.append((what, f"not measured: {type(exc).__name__}: {exc}", "<= 50 ms"))
        else:
            rows.append((what, f"median {statistics.median(md):.2f} ms, max {max(md):.2f} ms", "<= 50 ms"))
            rows.append(("compile to HTML", f"median {statistics.median(html):.2f} ms, max {max(html):.2f} ms",
                         "<= 50 ms"))
        source = catalogue.find(QUESTIONNAIRE)
        val = timed(lambda: validate_path(source), repeat)
        rows.append((f"validate {source.name}", f"median {statistics.median(val):.1f} ms", "-"))
        wall, inproc = bench_list(1000, base, 5 if args.quick else 10)
        rows.append(("`secplan list`, 1,000 sessions (new process)", f"median {wall:.0f} ms", "<= 300 ms"))
        rows.append(("listing 1,000 sessions in process", f"median {inproc:.0f} ms", "-"))

    _print(rows)
    return 0


def _print(rows: list[tuple[str, str, str]]) -> None:
    print(f"secplan benchmark, {dt.date.today().isoformat()}, Python {sys.version.split()[0]}, "
          f"{os.cpu_count()} CPUs, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print()
    print("| measure | result | target |")
    print("|---|---|---|")
    for name, result, target in rows:
        print(f"| {name} | {result} | {target} |")


if __name__ == "__main__":
    raise SystemExit(main())
