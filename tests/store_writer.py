"""A separate process that works on a session, for the store's kill, two-writer and lock tests.

It imports only the store (never textual), so it starts fast. Modes:

``loop DATA_DIR SESSION_ID START``
    Open the workspace, print ``ready``, then apply :func:`operation` ``START``, ``START+1``, ... forever;
    after each store call returns, print its number on a line and flush. A printed number is a save the
    store confirmed.
``gated DATA_DIR``
    Open the workspace, print ``ready``, wait for ``go SESSION_ID START`` on stdin, then run as ``loop``.
    Lets a harness start the next writer while the current one is still running.
``distinct DATA_DIR SESSION_ID PREFIX COUNT``
    Print ``ready``, wait for a line on stdin, then save ``PREFIX<k>`` = ``"<PREFIX>-<k>"`` for k < COUNT
    and print ``done``.
``statuses DATA_DIR SESSION_ID PREFIX COUNT``
    As ``distinct``, but sets action ``act.PREFIX<k>`` to ``done`` with the note ``"<PREFIX>-<k>"``.
``hold DATA_DIR SESSION_ID``
    Take the session's lock, print ``locked``, wait for a line on stdin, sleep 0.3 s, save ``held`` =
    ``"by-holder"`` while still holding the lock, then release it and print ``released``.
``imports``
    Import the store and print the top-level packages loaded, one line.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

QUESTIONS = 40
"""The loop mode cycles over this many question ids, so answers are overwritten again and again."""
ACTIONS = 7
"""The loop mode cycles over this many action ids when it changes statuses."""
STATUSES = ("todo", "doing", "done", "deferred", "wont")


def operation(i: int) -> tuple[str, Any]:
    """The i-th store call of the loop mode: every value is unique, so every save is a change."""
    if i % 10 in (2, 7):
        status = STATUSES[(i // 10) % len(STATUSES)]
        due = f"2027-{1 + i % 12:02d}-{1 + i % 28:02d}" if status == "deferred" else None
        return "status", (f"act.a{i % ACTIONS}", status, due, f"note {i}")
    if i % 10 == 9:
        return "save_answers", {f"q{i % QUESTIONS}": f"v{i}", f"q{(i + 7) % QUESTIONS}": [f"v{i}", "b"]}
    if i % 10 == 4:
        return "clear", f"q{(i * 3) % QUESTIONS}"
    if i % 10 == 6:
        return "save", (f"q{i % QUESTIONS}", i)
    return "save", (f"q{i % QUESTIONS}", f"v{i}")


def replay(n: int) -> tuple[dict[str, Any], int, dict[str, tuple[str, str | None, str]], int]:
    """After operations 0..n-1: the answers, how many answer changes, the action statuses (status, due,
    note) and how many status changes."""
    answers: dict[str, Any] = {}
    history = 0
    statuses: dict[str, tuple[str, str | None, str]] = {}
    changes = 0
    for i in range(n):
        kind, arg = operation(i)
        if kind == "status":
            statuses[arg[0]] = arg[1:]
            changes += 1
        elif kind == "save_answers":
            answers.update(arg)
            history += len(arg)
        elif kind == "clear":
            if arg in answers:
                del answers[arg]
                history += 1
        else:
            answers[arg[0]] = arg[1]
            history += 1
    return answers, history, statuses, changes


def state(ws: Any, session_id: str) -> tuple[dict[str, Any], int, dict[str, tuple[str, str | None, str]], int]:
    """What a session holds, in the shape of :func:`replay`."""
    statuses = {a: (s.status, s.due, s.note) for a, s in ws.action_statuses(session_id).items()}
    return ws.answers(session_id), len(ws.history(session_id)), statuses, len(ws.action_history(session_id))


def _loop(data_dir: str, session_id: str | None, start: int) -> None:
    from secplan_tui.store import Workspace

    ws = Workspace(data_dir)
    # The first save would load filelock; loading it before "ready" leaves only saves after that line.
    import filelock  # noqa: F401

    print("ready", flush=True)
    if session_id is None:
        command = sys.stdin.readline().split()
        if len(command) != 3 or command[0] != "go":
            return  # the harness went away
        session_id, start = command[1], int(command[2])
    i = start
    while True:
        kind, arg = operation(i)
        if kind == "status":
            ws.set_action_status(session_id, arg[0], arg[1], due=arg[2], note=arg[3])
        elif kind == "save_answers":
            ws.save_answers(session_id, arg)
        elif kind == "clear":
            ws.clear_answer(session_id, arg)
        else:
            ws.save_answer(session_id, arg[0], arg[1])
        print(i, flush=True)
        i += 1


def _distinct(data_dir: str, session_id: str, prefix: str, count: int, statuses: bool = False) -> None:
    from secplan_tui.store import Workspace

    ws = Workspace(data_dir)
    print("ready", flush=True)
    sys.stdin.readline()
    for k in range(count):
        if statuses:
            ws.set_action_status(session_id, f"act.{prefix}{k}", "done", note=f"{prefix}-{k}")
        else:
            ws.save_answer(session_id, f"{prefix}{k}", f"{prefix}-{k}")
    print("done", flush=True)


def _hold(data_dir: str, session_id: str) -> None:
    from secplan_tui.store import Workspace

    ws = Workspace(data_dir)
    lock = ws._lock_for(session_id)  # the same lock object the saves use, so the save below re-enters it
    lock.acquire()
    print("locked", flush=True)
    sys.stdin.readline()
    time.sleep(0.3)
    ws.save_answer(session_id, "held", "by-holder")
    lock.release()
    print("released", flush=True)


def main(argv: list[str]) -> None:
    """Run one mode (see the module docstring)."""
    mode = argv[0]
    if mode == "loop":
        _loop(argv[1], argv[2], int(argv[3]))
    elif mode == "gated":
        _loop(argv[1], None, 0)
    elif mode == "distinct":
        _distinct(argv[1], argv[2], argv[3], int(argv[4]))
    elif mode == "statuses":
        _distinct(argv[1], argv[2], argv[3], int(argv[4]), statuses=True)
    elif mode == "hold":
        _hold(argv[1], argv[2])
    elif mode == "imports":
        import secplan_tui.store  # noqa: F401

        print(" ".join(sorted({name.split(".")[0] for name in sys.modules})), flush=True)
    else:
        raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
