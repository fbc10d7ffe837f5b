"""secplan's full-screen app, measured in a real pseudo-terminal; prints a Markdown table.

Run with ``.venv/bin/python tests/bench/bench_tui.py`` (``--quick`` for fewer repetitions). A measurement, not a
test: nothing here asserts. Three figures the issue promises:

- time to the first frame of ``secplan`` (home screen) at 80x24 against a bare Textual app (one Static), both
  started the same way in the same run, alternating, median of several starts;
- bytes written to the terminal per answered question: the starter questionnaire answered by keystrokes, the
  output counted from each answer's keys until the screen is quiet again;
- peak memory (``ru_maxrss`` of the child) with the largest bundled questionnaire open and its plan previewed.
"""

from __future__ import annotations

import argparse
import argparse as _argparse
import compileall
import contextlib
import datetime as dt
import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import sys
import tempfile
import termios
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from secplan_tui.core import catalogue  # noqa: E402
from secplan_tui.session.answer_files import progress_of  # noqa: E402
from secplan_tui.store import Workspace  # noqa: E402

COLS, ROWS = 80, 24

BARE_APP = (
    "from textual.app import App\n"
    "from textual.widgets import Static\n"
    "class Bare(App):\n"
    "    def compose(self):\n"
    "        yield Static('bare textual ready')\n"
    "Bare().run()\n"
)
LAUNCH = (
    "import sys\n"
    "from secplan_tui.store import Workspace\n"
    "from secplan_tui.frontends.tui import run_app\n"
    "sys.exit(run_app(Workspace(sys.argv[1]), session_id=sys.argv[2] if len(sys.argv) > 2 else None))\n"
)

F2, F8, CTRL_Q, CTRL_S, ENTER = b"\x1bOQ", b"\x1b[19~", b"\x11", b"\x13", b"\r"

# One keyboard path through the starter questionnaire (see tests/test_tui.py for the same path with asserts).
# Each answer is a tuple of writes: text arriving in one read is taken as a paste, so keys after it go apart.
STARTER_KEYS: list[bytes | tuple[bytes, ...]] = [
    (b"Acme Ltd", ENTER), b"2", (b"12", ENTER), b"2", b"1", (b"1", b"2", ENTER), b"4", b"2", b"1", b"2",
    b"3", b"2", b"3", F2, b"2", (b"A phishing email got through.", CTRL_S),
    b"1", b"1", b"2", b"3",
    b"3", b"1", b"2", b"d",
    b"1", b"3", b"1", b"1",
    b"1", b"2", b"3",
]


def cli_has_open() -> bool:
    """Whether the CLI has the ``open`` command yet (then ``secplan`` itself starts the app)."""
    from secplan_tui.cli.main import build_parser

    for action in build_parser()._actions:
        if isinstance(action, _argparse._SubParsersAction):
            return "open" in action.choices
    return False


def secplan_argv(data_dir: Path, session: str | None = None) -> list[str]:
    """The command that starts the app: ``secplan [open SESSION]`` once the CLI has it, else run_app directly."""
    if cli_has_open():
        argv = [sys.executable, "-m", "secplan_tui", "--data-dir", str(data_dir)]
        return [*argv, "open", session] if session else argv
    return [sys.executable, "-c", LAUNCH, str(data_dir), *([session] if session else [])]


class PtyProcess:
    """A child process on a pseudo-terminal of COLS x ROWS; everything it writes is kept in ``output``."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.started = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:  # the child: size the terminal, then become the program
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
            os.execvpe(argv[0], argv, env)  # noqa: S606 - the program measured, by path
        self.pid, self.fd = pid, fd
        self.output = bytearray()

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return False
        try:
            data = os.read(self.fd, 65536)
        except OSError:
            return False
        self.output += data
        return bool(data)

    def wait_for(self, needle: bytes, timeout: float = 30.0, start: int = 0) -> float:
        """Seconds since start until ``needle`` appears in the output (after offset ``start``)."""
        deadline = time.perf_counter() + timeout
        while needle not in self.output[start:]:
            if time.perf_counter() > deadline:
                raise TimeoutError(f"{needle!r} not seen; last output: {bytes(self.output[-300:])!r}")
            self._read(0.05)
        return time.perf_counter() - self.started

    def settle(self, quiet: float = 0.25, timeout: float = 10.0) -> None:
        """Read until nothing has been written for ``quiet`` seconds."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline and self._read(quiet):
            pass

    def send(self, data: bytes) -> None:
        os.write(self.fd, data)

    def finish(self, keys: bytes = CTRL_Q, timeout: float = 10.0) -> tuple[int, int]:
        """Send ``keys`` (quit), wait for the exit; returns (exit status, peak RSS in KiB)."""
        with contextlib.suppress(OSError):
            self.send(keys)
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            self._read(0.05)
            pid, status, usage = os.wait4(self.pid, os.WNOHANG)
            if pid:
                os.close(self.fd)
                return os.waitstatus_to_exitcode(status), usage.ru_maxrss
        os.kill(self.pid, signal.SIGKILL)
        _, status, usage = os.wait4(self.pid, 0)
        os.close(self.fd)
        return os.waitstatus_to_exitcode(status), usage.ru_maxrss


TERMINALS: dict[str, dict[str, str]] = {
    "desktop": {"COLORTERM": "truecolor"},
    "ssh": {"SSH_CONNECTION": "192.0.2.1 50000 192.0.2.2 22"},
    "ssh-textual-dark": {"SSH_CONNECTION": "192.0.2.1 50000 192.0.2.2 22", "SECPLAN_THEME": "textual-dark"},
}
"""Terminals the figures are given for: a local desktop terminal (24-bit colour, Textual's dark theme); an SSH
login as it usually arrives (TERM=xterm-256color, no COLORTERM; secplan picks the terminal's own colours); and
the same login with Textual's dark theme forced (256 colours)."""


def terminal_env(terminal: str = "desktop") -> dict[str, str]:
    """The environment of the child for one of TERMINALS."""
    drop = ("NO_COLOR", "SECPLAN_ASCII", "SECPLAN_THEME", "COLORTERM", "TEXTUAL_COLOR_SYSTEM", "SSH_CONNECTION",
            "SSH_CLIENT", "SSH_TTY")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # a user's machine caches bytecode; see precompile() in main()
    env.update(TERM="xterm-256color", LANG="C.UTF-8")
    env.update(TERMINALS[terminal])
    return env


def first_frame(argv: list[str], needle: bytes) -> float:
    """Seconds from fork to the first frame (the needle drawn), then quit."""
    proc = PtyProcess(argv, terminal_env())
    try:
        elapsed = proc.wait_for(needle)
        proc.settle(0.1)
    finally:
        proc.finish()
    return elapsed


def bench_first_frame(data_dir: Path, repeat: int
                      ) -> tuple[list[float], list[float], list[float], list[float]]:
    """Times to first frame: bare Textual app, secplan home, secplan opening a session of the starter and of the
    main questionnaire (alternating runs)."""
    ws = Workspace(data_dir)
    starter = catalogue.load("starter")
    meta = ws.create("bench-open", starter.id, starter.version, starter.content_hash)
    # In a workspace of its own, so the home screen measured is the same as before (one starter session).
    main_dir = data_dir.parent / f"{data_dir.name}-main"
    main_q = catalogue.load(catalogue.DEFAULT_QUESTIONNAIRE)
    main_meta = Workspace(main_dir).create("bench-open-main", main_q.id, main_q.version, main_q.content_hash)
    bare_argv = [sys.executable, "-c", BARE_APP]
    bare, home, opened, opened_main = [], [], [], []
    first_frame(bare_argv, b"bare textual ready")  # warm the OS cache and bytecode
    first_frame(secplan_argv(data_dir), b"security plans")
    first_frame(secplan_argv(main_dir, main_meta.id), b"Question 1 of")
    for _ in range(repeat):
        bare.append(first_frame(bare_argv, b"bare textual ready"))
        home.append(first_frame(secplan_argv(data_dir), b"security plans"))
        opened.append(first_frame(secplan_argv(data_dir, meta.id), b"Question 1 of"))
        opened_main.append(first_frame(secplan_argv(main_dir, main_meta.id), b"Question 1 of"))
    return bare, home, opened, opened_main


def bench_bytes_per_answer(data_dir: Path, terminal: str) -> list[int]:
    """Bytes written to the terminal for each answer of the starter questionnaire, typed key by key."""
    ws = Workspace(data_dir)
    starter = catalogue.load("starter")
    meta = ws.create(f"bench-bytes-{terminal}", starter.id, starter.version, starter.content_hash)
    ws.update_meta(meta.id, progress=progress_of(starter, {}))
    proc = PtyProcess(secplan_argv(data_dir, meta.id), terminal_env(terminal))
    sizes: list[int] = []
    try:
        proc.wait_for(b"Question 1 of")
        proc.settle()
        for answer in STARTER_KEYS:
            before = len(proc.output)
            writes = answer if isinstance(answer, tuple) else (answer,)
            for index, keys in enumerate(writes):
                if index:
                    proc.settle(0.1)
                proc.send(keys)
            proc.wait_for(b"Saved", start=before, timeout=15)
            proc.settle()
            sizes.append(len(proc.output) - before)
    finally:
        proc.finish()
    answers = Workspace(data_dir).answers(meta.id)
    if len(answers) != len(STARTER_KEYS):
        raise RuntimeError(f"expected {len(STARTER_KEYS)} answers saved, found {len(answers)}")
    return sizes


def largest_questionnaire() -> tuple[str, int]:
    """The bundled questionnaire with the most questions: (id, question count)."""
    best = ("starter", 0)
    for entry in catalogue.entries():
        try:
            count = len(catalogue.load(entry.id).questions())
        except Exception:  # noqa: S112 - an invalid file is validate's business, not the benchmark's
            continue
        if count > best[1]:
            best = (entry.id, count)
    return best


def bench_memory(data_dir: Path, questionnaire_id: str) -> tuple[int, int]:
    """Peak RSS (KiB) of secplan with a session of the questionnaire open and its plan shown; and of the bare app."""
    ws = Workspace(data_dir)
    questionnaire = catalogue.load(questionnaire_id)
    meta = ws.create(f"bench-memory-{questionnaire_id}", questionnaire.id, questionnaire.version,
                     questionnaire.content_hash)
    proc = PtyProcess(secplan_argv(data_dir, meta.id), terminal_env())
    proc.wait_for(b"Question 1 of")
    proc.settle()
    proc.send(F8)
    proc.wait_for(b"Controls in place")
    proc.settle(0.5)
    _, secplan_kib = proc.finish()
    bare = PtyProcess([sys.executable, "-c", BARE_APP], terminal_env())
    bare.wait_for(b"bare textual ready")
    bare.settle(0.1)
    _, bare_kib = bare.finish()
    return secplan_kib, bare_kib


def main() -> int:
    parser = _argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--frames", action="store_true", help="only the first-frame rows (home, open, ratios)")
    args = parser.parse_args()
    repeat = 3 if args.quick else 7
    # Measure the start a user sees every time after the first: with secplan's bytecode cached, as Textual's is
    # (pip compiles installed packages; an editable install compiles ours on its first run). Without this, an
    # environment with PYTHONDONTWRITEBYTECODE set would recompile every secplan module on every start.
    compileall.compile_dir(str(Path(__file__).resolve().parents[2] / "secplan_tui"), quiet=1)
    rows: list[tuple[str, str, str]] = []
    median: Callable[[list[float]], float] = statistics.median
    with tempfile.TemporaryDirectory(prefix="secplan-bench-tui-") as tmp:
        base = Path(tmp)
        bare, home, opened, opened_main = bench_first_frame(base / "frames", repeat)
        ratio = median(home) / median(bare)
        rows.append(("first frame, bare Textual app (one Static)", f"median {median(bare) * 1000:.0f} ms", "-"))
        rows.append(("first frame, `secplan` home screen", f"median {median(home) * 1000:.0f} ms", "-"))
        rows.append(("first frame ratio, secplan / bare", f"{ratio:.2f}x", "<= 1.5x"))
        rows.append(("first frame, `secplan open SESSION` (first question), starter",
                     f"median {median(opened) * 1000:.0f} ms", "-"))
        rows.append((f"first frame, `secplan open SESSION` (first question), {catalogue.DEFAULT_QUESTIONNAIRE}",
                     f"median {median(opened_main) * 1000:.0f} ms", "-"))
        rows.append((f"first question ratio, `secplan open SESSION` ({catalogue.DEFAULT_QUESTIONNAIRE}) / home",
                     f"{median(opened_main) / median(home):.2f}x", "<= 1.5x"))
        described = {
            "ssh": "over SSH (256 colours; secplan uses the terminal's palette)",
            "ssh-textual-dark": "over SSH with SECPLAN_THEME=textual-dark",
            "desktop": "desktop terminal (24-bit colour, Textual dark theme)",
        }
        for terminal, words in ({} if args.frames else described).items():
            sizes = bench_bytes_per_answer(base / "bytes", terminal)
            rows.append((f"bytes to the terminal per answered question, {words}; {len(sizes)} answers",
                         f"median {statistics.median(sizes) / 1024:.2f} KB, max {max(sizes) / 1024:.2f} KB",
                         "median <= 3 KB"))
        if not args.frames:
            qid, count = largest_questionnaire()
            secplan_kib, bare_kib = bench_memory(base / "memory", qid)
            rows.append((f"peak memory, `{qid}` ({count} questions) open and its plan shown",
                         f"{secplan_kib / 1024:.0f} MB (bare Textual app: {bare_kib / 1024:.0f} MB)", "<= 100 MB"))
    how = "`secplan` CLI" if cli_has_open() else "run_app (the CLI has no `open` yet)"
    print(f"secplan TUI benchmark, {dt.date.today().isoformat()}, Python {sys.version.split()[0]}, "
          f"{os.cpu_count()} CPUs, {COLS}x{ROWS} pty, started via {how}")
    print()
    print("| measure | result | target |")
    print("|---|---|---|")
    for name, result, target in rows:
        print(f"| {name} | {result} | {target} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
