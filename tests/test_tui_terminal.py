"""The app in real terminals: a tmux session that is hung up (SIGHUP) or terminated (SIGTERM) mid-session, and a
pseudo-terminal whose raw output is checked for escape sequences and markup coming from hostile answers.

Each test starts its own tmux server on a private socket and polls its screen with a timeout; nothing sleeps a
fixed time hoping the app is ready.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import pty
import re
import select
import shlex
import shutil
import signal
import struct
import subprocess
import sys
import termios
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from secplan_tui.core import catalogue
from secplan_tui.frontends.tui.importing import import_answers
from secplan_tui.session.answer_files import progress_of
from secplan_tui.session.controller import SessionController
from secplan_tui.store import Workspace

LAUNCH = (
    "import sys\n"
    "from secplan_tui.store import Workspace\n"
    "from secplan_tui.frontends.tui import run_app\n"
    "sys.exit(run_app(Workspace(sys.argv[1]), session_id=sys.argv[2] if len(sys.argv) > 2 else None))\n"
)
TIMEOUT = 30.0

# Runs the app as its child and writes its exit status to a file, staying out of the way of the signals under
# test (tmux may be slow to reap a pane's process, and a hangup reaches the whole process group).
WRAP = (
    "import os, signal, sys\n"
    "signal.signal(signal.SIGHUP, signal.SIG_IGN)\n"
    "pid = os.fork()\n"
    "if pid == 0:\n"
    "    signal.signal(signal.SIGHUP, signal.SIG_DFL)\n"
    "    os.execv(sys.argv[2], sys.argv[2:])\n"
    "_, status = os.waitpid(pid, 0)\n"
    "with open(sys.argv[1] + '.tmp', 'w') as f:\n"
    "    f.write(str(os.waitstatus_to_exitcode(status)))\n"
    "os.replace(sys.argv[1] + '.tmp', sys.argv[1])\n"
)


def cli_has_open() -> bool:
    from secplan_tui.cli.main import build_parser

    for action in build_parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            return "open" in action.choices
    return False


def secplan_argv(data_dir: Path, session: str) -> list[str]:
    """``secplan --data-dir DIR open SESSION``, or run_app directly while the CLI has no ``open``."""
    if cli_has_open():
        return [sys.executable, "-m", "secplan_tui", "--data-dir", str(data_dir), "open", session]
    return [sys.executable, "-c", LAUNCH, str(data_dir), session]


def terminal_env(**extra: str) -> dict[str, str]:
    drop = {"NO_COLOR", "SECPLAN_ASCII", "SECPLAN_THEME", "SECPLAN_KEYMAP", "TEXTUAL_COLOR_SYSTEM", "TMUX",
            "SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(TERM="xterm-256color", LANG="C.UTF-8", PYTHONDONTWRITEBYTECODE="1", **extra)
    return env


def wait_until(check: Callable[[], bool], what: str, timeout: float = TIMEOUT) -> None:
    """Poll ``check`` until it holds; fail with ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)


def new_session(data_dir: Path, name: str = "Acme") -> str:
    starter = catalogue.load("starter")
    store = Workspace(data_dir)
    meta = store.create(name, starter.id, starter.version, starter.content_hash)
    store.update_meta(meta.id, progress=progress_of(starter, {}))
    return meta.id


# -- tmux ------------------------------------------------------------------------------------------------------


class Tmux:
    """A private tmux server (its own socket) with one 80x24 session running a command."""

    def __init__(self) -> None:
        self.socket = f"secplan-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"

    def run(self, *args: str, check: bool = True) -> str:
        result = subprocess.run(["tmux", "-L", self.socket, "-f", "/dev/null", *args], capture_output=True,
                                text=True, check=check, timeout=TIMEOUT)
        return result.stdout

    def start(self, argv: list[str], env: dict[str, str], *, status_file: Path | None = None,
              keep_dead: bool = False) -> None:
        """Run argv in the pane; with status_file, under WRAP, which writes the exit status there."""
        if status_file is not None:
            argv = [sys.executable, "-c", WRAP, str(status_file), *argv]
        command = " ".join(["exec", "env", "-i", *(shlex.quote(f"{k}={v}") for k, v in env.items()),
                            *map(shlex.quote, argv)])
        args = ["new-session", "-d", "-s", "app", "-x", "80", "-y", "24", command]
        if keep_dead:
            args += [";", "set-option", "-t", "app", "remain-on-exit", "on"]
        self.run(*args)

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "app", check=False)

    def pane(self, fmt: str) -> str:
        return self.run("display-message", "-p", "-t", "app", fmt, check=False).strip()

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", "app", *keys)

    def wait_for(self, text: str) -> None:
        wait_until(lambda: text in self.screen(), f"{text!r} on screen; screen was:\n{self.screen()}")

    def app_pid(self) -> int:
        """The app's process id (the child of WRAP in the pane)."""
        wrapper = int(self.pane("#{pane_pid}"))
        children: list[str] = []

        def found() -> bool:
            path = Path(f"/proc/{wrapper}/task/{wrapper}/children")
            children[:] = path.read_text().split() if path.exists() else []
            return bool(children)

        wait_until(found, "the app's process")
        return int(children[0])

    def close(self) -> None:
        self.run("kill-server", check=False)
        # tmux can leave its socket behind when the server ends with its last session.
        folder = Path(os.environ.get("TMUX_TMPDIR", "/tmp")) / f"tmux-{os.getuid()}"
        (folder / self.socket).unlink(missing_ok=True)


@pytest.fixture
def tmux() -> Iterator[Tmux]:
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    server = Tmux()
    try:
        yield server
    finally:
        server.close()


def test_hangup_keeps_every_confirmed_answer_and_resumes(tmux: Tmux, tmp_path: Path) -> None:
    """Answers confirmed before the terminal hangs up are saved; a new start resumes after them."""
    data = tmp_path / "ws"
    session = new_session(data)
    status = tmp_path / "status"
    # Under WRAP, the wrapper leads the terminal's session, so the hangup's SIGHUP goes to it and not to the
    # app: the app has to notice the terminal is gone by itself (the pty test below covers the signal).
    tmux.start(secplan_argv(data, session), terminal_env(), status_file=status)
    tmux.wait_for("Question 1 of")
    tmux.keys("Acme Ltd", "Enter")
    tmux.wait_for("Question 2 of")
    tmux.keys("2")
    tmux.wait_for("Question 3 of")
    tmux.keys("12")  # typed, not confirmed with Enter
    wait_until(lambda: "▊  12 " in tmux.screen(), "the typed number")

    tmux.run("kill-session", "-t", "app")  # the terminal goes away
    wait_until(status.exists, "the app to exit after the hangup")
    assert status.read_text() == str(128 + signal.SIGHUP)  # it left as on SIGHUP, without being killed

    assert Workspace(data).answers(session) == {"profile.org_name": "Acme Ltd", "profile.headcount": "small"}
    session_file = data / f"{session}.json"
    json.loads(session_file.read_text(encoding="utf-8"))  # whole, readable
    assert not [p.name for p in data.iterdir() if ".tmp" in p.name]

    tmux.start(secplan_argv(data, session), terminal_env())
    tmux.wait_for("Question 3 of")  # resumes at the first unanswered question, with nothing typed in it
    assert "2/" in tmux.screen().splitlines()[0]
    assert "How many people" in tmux.screen() and "▊  12 " not in tmux.screen()


def test_sigterm_exits_cleanly_and_restores_the_terminal(tmux: Tmux, tmp_path: Path) -> None:
    """SIGTERM ends the app with status 143, out of the alternate screen, with the answer saved."""
    data = tmp_path / "ws"
    session = new_session(data)
    status = tmp_path / "status"
    tmux.start(secplan_argv(data, session), terminal_env(), status_file=status, keep_dead=True)
    tmux.wait_for("Question 1 of")
    tmux.keys("Acme Ltd", "Enter")
    tmux.wait_for("Question 2 of")
    assert tmux.pane("#{alternate_on}") == "1"
    os.kill(tmux.app_pid(), signal.SIGTERM)
    wait_until(status.exists, "the app to exit after SIGTERM")
    assert status.read_text() == str(128 + signal.SIGTERM)
    wait_until(lambda: tmux.pane("#{pane_dead}") == "1", "the pane to close")
    assert tmux.pane("#{alternate_on}") == "0"
    assert "Question 2 of" not in tmux.screen()
    assert Workspace(data).answers(session) == {"profile.org_name": "Acme Ltd"}


# -- a pseudo-terminal with the raw output -------------------------------------------------------------------


CSI = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]")


class PtyApp:
    """The app on an 80x24 pseudo-terminal; every byte it writes is kept in ``output``."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        pid, fd = pty.fork()
        if pid == 0:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
            os.execve(argv[0], argv, env)  # noqa: S606 - the program under test, by path
        self.pid, self.fd = pid, fd
        self.output = bytearray()

    def read(self, timeout: float = 0.05) -> None:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if ready:
            with contextlib.suppress(OSError):
                self.output += os.read(self.fd, 65536)

    def text(self, start: int = 0) -> bytes:
        """The output from ``start`` without its CSI sequences (cursor moves and colours): the text drawn."""
        return CSI.sub(b"", bytes(self.output[start:]))

    def wait_for(self, needle: bytes, start: int = 0) -> None:
        def seen() -> bool:
            self.read()
            return needle in self.text(start)

        wait_until(seen, f"{needle!r} drawn; last output {bytes(self.output[-400:])!r}")

    def send(self, data: bytes) -> None:
        os.write(self.fd, data)

    def alive(self) -> bool:
        self.read()
        return os.waitpid(self.pid, os.WNOHANG) == (0, 0)

    def hang_up(self) -> int:
        """Close the terminal (the master side) and return the exit status; fails if a signal killed the app."""
        os.close(self.fd)
        statuses: list[int] = []

        def exited() -> bool:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                statuses.append(status)
            return bool(pid)

        wait_until(exited, "the app to exit after the hangup")
        assert os.WIFEXITED(statuses[0]), "killed by a signal instead of exiting"
        return os.waitstatus_to_exitcode(statuses[0])


HOSTILE_TITLE = "\x1b]0;owned\x07"
HOSTILE_CLEAR = "\x1b[2J"


def test_hostile_answers_reach_the_terminal_as_plain_text(tmp_path: Path) -> None:
    """Escape sequences in answers and names never reach the terminal; markup in them shows as text and does
    nothing; a hangup then ends the app through its handler."""
    data = tmp_path / "ws"
    session = new_session(data, name="[@click=app.quit]Evil [b]x[/b]")
    # Through the answers file (cleaned on the way in) ...
    answers_file = tmp_path / "hostile.yaml"
    answers_file.write_text(
        "questionnaire: starter\nversion: '1.0'\nanswers:\n"
        f"  profile.org_name: {json.dumps(HOSTILE_TITLE + 'Acme [@click=app.quit] [b]x[/b]' + HOSTILE_CLEAR)}\n"
        "  profile.headcount: micro\n",
        encoding="utf-8",
    )
    import_answers(SessionController(Workspace(data), session, catalogue.load("starter")), str(answers_file))
    stored = Workspace(data).answers(session)
    assert stored["profile.org_name"] == "Acme [@click=app.quit] [b]x[/b]"
    # ... and straight into the store, raw, so the screen's own cleaning is what is tested.
    Workspace(data).save_answers(session, {
        "profile.people": 1, "profile.premises": "home", "profile.cloud": ["email"],
        "profile.it_support": "owner", "profile.cards": "no", "profile.personal_data": "no", "profile.servers": "no",
        "governance.suppliers": "no", "governance.incident_plan": "no", "governance.past_incidents": "minor",
        "governance.incident_details": f"{HOSTILE_TITLE}Phish [@click=app.quit] [b]x[/b]{HOSTILE_CLEAR} end",
    })

    app = PtyApp(secplan_argv(data, session), terminal_env())
    app.wait_for(b"Question")
    mark = len(app.output)
    app.send(b"\x1b[17~")  # F6: the sections
    app.send(b"\x1b[H")  # Home: the first section
    app.send(b"\r")  # Enter: its first question, the organisation's name
    app.wait_for(b"Acme [@click=app.quit] [b]x[/b]", start=mark)
    mark = len(app.output)
    app.send(b"\x1b[17~")  # F6, down, Enter: governance
    app.send(b"\x1b[B")
    app.send(b"\r")
    app.wait_for(b"Question", start=mark)
    for _ in range(3):  # F4: skip suppliers, incident plan and past incidents, to the incident details
        app.send(b"\x1bOS")
    app.wait_for(b"Phish [@click=app.quit] [b]x[/b] end", start=mark)
    mark = len(app.output)
    app.send(b"\x1b[19~")  # F8: the plan shows the organisation's name as its title
    app.wait_for(b"Controls in place", start=mark)
    app.wait_for(b"[@click=app.quit]", start=mark)
    assert app.alive()

    raw = bytes(app.output)
    # Textual itself sets the mouse pointer's shape (OSC 22); no other OSC (a title is OSC 0 or 2) and no BEL.
    assert set(re.findall(rb"\x1b\](\d*)", raw)) <= {b"22"}
    assert b"\x07" not in re.sub(rb"\x1b\]22;[a-z-]*\x07", b"", raw)
    assert b"owned" not in raw
    assert HOSTILE_CLEAR.encode() not in raw
    drawn = app.text()
    assert b"[@click=app.quit]Evil [b]x[/b]" in drawn  # the session name, as text

    # Now the terminal hangs up: the app leaves through its SIGHUP handler (not killed mid-write).
    assert app.hang_up() == 128 + signal.SIGHUP



# -- the squashed style codes draw what Textual drew --------------------------------------------------------------

RAW_LAUNCH = (
    "import sys\n"
    "from textual.app import App\n"
    "from secplan_tui.frontends.tui.app import SecplanApp\n"
    "SecplanApp.get_driver_class = App.get_driver_class  # Textual's own output, unsquashed\n"
    "from secplan_tui.cli.main import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


@pytest.mark.parametrize("colours", ["truecolor", "ansi"])
def test_squashed_output_draws_the_same_screens_as_textuals_own(tmp_path: Path, colours: str) -> None:
    """The app (which rewrites its style codes, see tui.sgr) and the same app writing Textual's output as it is,
    given the same keys, show the same characters in the same colours and styles at every step (tmux's
    ``capture-pane -e`` gives each cell's style)."""
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    env = terminal_env()
    env.update({"COLORTERM": "truecolor"} if colours == "truecolor" else {"TERM": "linux", "NO_COLOR": "1"})
    squashed, raw = Tmux(), Tmux()
    try:
        for server, name in ((squashed, "squashed"), (raw, "raw")):
            data = tmp_path / name
            session = new_session(data)
            argv = secplan_argv(data, session)
            if server is raw:
                argv = [sys.executable, "-c", RAW_LAUNCH, *argv[3:]]
            server.start(argv, env)
            server.wait_for("Question 1 of")

        def styled(server: Tmux) -> str:
            return server.run("capture-pane", "-e", "-p", "-t", "app", check=False)

        steps = [("Acme Ltd", "Enter"), ("2",), ("12", "Enter"), ("2",), ("1",), ("F5",), ("F2",), ("F7",),
                 ("Down",), ("F8",), ("Down", "Down"), ("F1",)]
        for number, keys in enumerate(steps, 1):
            before = styled(raw)
            for server in (squashed, raw):
                server.keys(*keys)
            # Every step changes the screen: wait for both to change, then for them to agree.
            wait_until(lambda before=before: (before not in (styled(squashed), styled(raw))
                                              and styled(squashed) == styled(raw)),
                       f"the same screen after step {number} {keys}:\n{styled(squashed)!r}\n---\n{styled(raw)!r}",
                       timeout=TIMEOUT)  # a wait, not a timing assertion: the machine may be busy
    finally:
        squashed.close()
        raw.close()
