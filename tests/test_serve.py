"""`secplan serve`: the app in a browser (textual-serve), on loopback, and the app running under the web driver."""

from __future__ import annotations

import os
import select
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

DEADLINE = 60.0
"""Seconds a server or an app gets to answer before the test gives up (a bound, not a timing assertion)."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def fetch(url: str, proc: subprocess.Popen[bytes]) -> str:
    """The page at url, retried until the server answers, it exits, or the deadline passes."""
    end = time.monotonic() + DEADLINE
    while True:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - a loopback http URL
                body: bytes = response.read()
                return body.decode("utf-8", errors="replace")
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if proc.poll() is not None or time.monotonic() > end:
                raise
            time.sleep(0.2)


def stop(proc: subprocess.Popen[bytes]) -> tuple[bytes, bytes]:
    proc.terminate()
    try:
        return proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.communicate()


def test_serve_listens_on_loopback_and_serves_the_page(tmp_path: Path) -> None:
    """`secplan serve --port N` answers on 127.0.0.1 with textual-serve's page, titled secplan; stops on SIGTERM."""
    pytest.importorskip("textual_serve", reason="the serve extra is part of the test extra")
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "secplan_tui", "--data-dir", str(tmp_path / "ws"), "serve", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path,
    )
    try:
        page = fetch(f"http://127.0.0.1:{port}/", proc)
    finally:
        _, err = stop(proc)
    assert "textual.js" in page and "secplan" in page
    text = err.decode("utf-8", errors="replace")
    assert f"http://127.0.0.1:{port}/" in text and "warning" not in text  # loopback: no warning


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.7", "::"])  # noqa: S104 - never listened on: a fake server
def test_serve_warns_before_listening_beyond_loopback(
    host: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Any address but loopback gets the warning (no log-in; SSH tunnel or authenticating proxy) before the
    server starts; 127.0.0.1, ::1 and localhost get none. The server is a stand-in: nothing listens."""
    textual_serve = pytest.importorskip("textual_serve.server", reason="the serve extra is part of the test extra")
    from secplan_tui.cli.main import main

    started: list[tuple[str, str, int, str]] = []

    class FakeServer:
        def __init__(self, command: str, host: str, port: int, title: str) -> None:
            self.args = (command, host, port, title)

        def serve(self) -> None:
            started.append(self.args)
            sys.stderr.write("<server started>\n")

    monkeypatch.setattr(textual_serve, "Server", FakeServer)
    assert main(["serve", "--host", host, "--port", "8765"]) == 0
    err = capsys.readouterr().err
    assert f"warning: listening on {host}" in err and "SSH tunnel" in err and "proxy" in err
    assert err.index("warning") < err.index("<server started>")
    command, bound, port, _ = started[0]
    assert bound == host and port == 8765 and "secplan_tui" in command
    for loopback in ("127.0.0.1", "::1", "localhost"):
        assert main(["serve", "--host", loopback, "--port", "8765"]) == 0
        assert "warning" not in capsys.readouterr().err


def test_the_app_runs_full_screen_under_the_web_driver(tmp_path: Path) -> None:
    """With pipes for stdin/stdout (as textual-serve starts it) and Textual's web driver, `secplan` runs the app
    and writes its frames, instead of falling back to plain line mode."""
    env = {**os.environ, "TEXTUAL_DRIVER": "textual.drivers.web_driver:WebDriver", "COLUMNS": "80", "ROWS": "24"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "secplan_tui", "--data-dir", str(tmp_path / "ws")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=tmp_path,
    )
    assert proc.stdout is not None
    try:
        ready, _, _ = select.select([proc.stdout], [], [], DEADLINE)
        first = os.read(proc.stdout.fileno(), 65536) if ready else b""
    finally:
        _, err = stop(proc)
    assert b"plain line mode" not in err and b"no terminal" not in err, err
    assert first, err  # the web driver's first packet (the app started)


class FakeApp:
    """What ExportFlow uses of the app, recording what it is asked to do."""

    export_folder = Path("/nonexistent-server-folder")

    def __init__(self) -> None:
        self.delivered: list[tuple[str, dict[str, object]]] = []
        self.told: list[str] = []
        self.screens: list[object] = []

    def deliver_text(self, file: object, **options: object) -> None:
        import io

        assert isinstance(file, io.StringIO)
        self.delivered.append((file.getvalue(), options))

    def tell(self, message: str, **_: object) -> None:
        self.told.append(message)

    def push_screen(self, screen: object, callback: object = None) -> None:
        self.screens.append(screen)

    def report(self, error: object) -> None:
        raise AssertionError(error)


@pytest.mark.parametrize(("name", "fmt", "saved", "mime"), [
    ("riverside", "html", "riverside.html", "text/html"),
    ("../../etc/riverside.json", "md", "riverside.json", "application/json"),
    ("plan.md", "json", "plan.md", "text/markdown"),
])
def test_exports_in_the_browser_are_downloads(
    monkeypatch: pytest.MonkeyPatch, name: str, fmt: str, saved: str, mime: str
) -> None:
    """Under the web driver an export is delivered to the browser (named, never a path on the server); in a
    terminal nothing is delivered."""
    from secplan_tui.frontends.tui import exporting
    from secplan_tui.frontends.tui.dialogs import ExportRequest
    from secplan_tui.frontends.tui.files import PLAN_FORMATS

    monkeypatch.setenv("TEXTUAL_DRIVER", "textual.drivers.web_driver:WebDriver")
    app = FakeApp()
    flow = exporting.ExportFlow(app, "Export", PLAN_FORMATS, "plan", lambda f: f"<{f}>")  # type: ignore[arg-type]
    flow._chosen(ExportRequest(folder=str(app.export_folder), name=name, format=fmt))
    (text, options), = app.delivered
    assert options["save_filename"] == saved and options["mime_type"] == mime
    assert options["open_method"] == "download" and text == f"<{exporting.choose_format(saved, fmt, PLAN_FORMATS)[0]}>"
    assert app.told and saved in app.told[0] and not app.screens

    monkeypatch.delenv("TEXTUAL_DRIVER")
    terminal = FakeApp()
    exporting.ExportFlow(terminal, "Export", PLAN_FORMATS, "plan", str)._chosen(  # type: ignore[arg-type]
        ExportRequest(folder=str(terminal.export_folder), name=name, format=fmt))
    assert not terminal.delivered
