"""Robustness of the disk store against other processes: random SIGKILLs of a writer, and two writers at once.

Both run real separate processes (tests/store_writer.py). They are marked slow but run by default.
"""

from __future__ import annotations

import importlib.util
import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

import pytest

from secplan_tui.store import Workspace

WRITER = Path(__file__).with_name("store_writer.py")
KILLS = 200
"""Random SIGKILLs in the kill harness."""
KILLS_PER_SESSION = 25
"""A fresh session every so many kills, so the history (and each save) stays small and the test fast."""


def load_writer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("store_writer", WRITER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def spawn(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, str(WRITER), *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


@pytest.mark.slow
def test_random_kills_never_corrupt_or_lose_a_confirmed_save(tmp_path: Path) -> None:
    """After each of 200 random SIGKILLs the file parses and holds the confirmed saves (maybe one more).

    The writer saves answers and changes action statuses in turn, so both survive the kills alike.
    """
    writer = load_writer()
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    data = tmp_path / "ws"
    ws = Workspace(data)
    session_id = ""
    done = 0  # operations reflected in the session file
    confirmed_total = 0
    kills_after_a_save = 0
    started = time.monotonic()
    waiting: subprocess.Popen[bytes] | None = None  # the next writer, started up and waiting for "go"
    running: list[subprocess.Popen[bytes]] = []
    try:
        for kill in range(KILLS):
            if kill % KILLS_PER_SESSION == 0:
                session_id, done = ws.create(f"Kill run {kill}", "sme", "1.0", "h").id, 0
            where = f"(seed {seed}, kill {kill}, session {session_id})"
            if kill % 4 == 0:
                # Timed from the spawn: the kill may land in start-up (imports, sweep, listing) or in saves.
                proc = spawn("loop", str(data), session_id, str(done))
            else:
                # Timed from "go" to a writer that started up meanwhile: the kill lands among saves, and the
                # test does not wait for a Python start-up each time.
                proc, waiting = waiting or spawn("gated", str(data)), None
                assert proc.stdout is not None and proc.stdin is not None
                assert proc.stdout.readline() == b"ready\n", f"the writer did not start {where}"
                proc.stdin.write(f"go {session_id} {done}\n".encode())
                proc.stdin.flush()
            running.append(proc)
            if waiting is None and kill + 1 < KILLS:
                waiting = spawn("gated", str(data))
                running.append(waiting)
            time.sleep(rng.uniform(0.02, 0.2))
            exited_by_itself = proc.poll() is not None
            proc.send_signal(signal.SIGKILL)
            out, err = proc.communicate(timeout=30)
            running.remove(proc)
            assert not exited_by_itself, f"the writer died before the kill {where}: {err.decode()}"
            assert proc.returncode == -signal.SIGKILL, where

            # A line is a confirmed save only once complete: the last piece, without its newline, is not.
            confirmed = [int(line) for line in out.split(b"\n")[:-1] if line != b"ready"]
            assert confirmed == list(range(done, done + len(confirmed))), where
            confirmed_total += len(confirmed)
            kills_after_a_save += bool(confirmed)
            n = done + len(confirmed)

            raw = (data / f"{session_id}.json").read_bytes()
            json.loads(raw)  # the file always parses
            check = Workspace(data)
            assert not [notice for notice in check.notices if "moved aside" in notice], (where, check.notices)
            state = writer.state(check, session_id)
            if state == writer.replay(n):
                done = n
            else:
                # Killed after a save returned, before its line was printed: one unconfirmed save may be in.
                assert state == writer.replay(n + 1), (
                    f"lost or torn save {where}: {state} vs {writer.replay(n)}"
                )
                done = n + 1
    finally:
        for proc in running:
            proc.kill()
            proc.communicate(timeout=30)
    elapsed = time.monotonic() - started
    print(f"{KILLS} kills in {elapsed:.1f} s; {kills_after_a_save} after a save; {confirmed_total} saves")
    assert kills_after_a_save >= KILLS // 2, f"too few kills landed during saves ({kills_after_a_save})"
    assert confirmed_total >= KILLS, f"the writers confirmed only {confirmed_total} saves in {elapsed:.0f} s"
    assert [p.name for p in data.iterdir() if ".corrupt-" in p.name] == []


def run_two(data: Path, session_id: str, mode: str) -> None:
    """Run two writer processes of this mode (prefixes a and b, 200 changes each) at the same time."""
    procs = [
        subprocess.Popen(
            [sys.executable, str(WRITER), mode, str(data), session_id, prefix, "200"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for prefix in ("a", "b")
    ]
    for proc in procs:
        assert proc.stdout is not None and proc.stdout.readline() == "ready\n"
    for proc in procs:  # start both together
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0 and out == "done\n", err


@pytest.mark.slow
def test_two_processes_saving_at_once_lose_nothing(tmp_path: Path) -> None:
    """Two processes each saving 200 distinct answers to one session at the same time lose none of the 400."""
    data = tmp_path / "ws"
    ws = Workspace(data)
    session_id = ws.create("Shared", "sme", "1.0", "h").id
    run_two(data, session_id, "distinct")
    expected = {f"{prefix}{k}": f"{prefix}-{k}" for prefix in ("a", "b") for k in range(200)}
    assert ws.answers(session_id) == expected
    history = ws.history(session_id)
    assert len(history) == 400
    assert sorted(h.question for h in history) == sorted(expected)
    switches = sum(1 for x, y in zip(history, history[1:], strict=False) if x.question[0] != y.question[0])
    assert switches >= 2, "the two writers did not overlap, so this run proved little"


@pytest.mark.slow
def test_two_processes_changing_statuses_at_once_lose_nothing(tmp_path: Path) -> None:
    """Two processes each setting 200 action statuses in one session at the same time lose none of the 400."""
    data = tmp_path / "ws"
    ws = Workspace(data)
    session_id = ws.create("Shared", "sme", "1.0", "h").id
    run_two(data, session_id, "statuses")
    statuses = ws.action_statuses(session_id)
    expected = {f"act.{prefix}{k}": f"{prefix}-{k}" for prefix in ("a", "b") for k in range(200)}
    assert {a: s.note for a, s in statuses.items()} == expected
    assert {s.status for s in statuses.values()} == {"done"}
    history = ws.action_history(session_id)
    assert sorted(h.action_id for h in history) == sorted(expected)
    switches = sum(1 for x, y in zip(history, history[1:], strict=False) if x.note[0] != y.note[0])
    assert switches >= 2, "the two writers did not overlap, so this run proved little"
