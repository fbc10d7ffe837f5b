"""The Textual front end of secplan: :func:`run_app` opens the home screen, or one session's questions.

Importing this package is cheap; Textual and the screens load when :func:`run_app` is called.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Mapping
from types import FrameType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from secplan_tui.frontends.tui.app import SecplanApp
    from secplan_tui.store import SessionStore

__all__ = ["run_app"]

EXIT_SIGNALS = (signal.SIGHUP, signal.SIGTERM)
"""A dropped link (SIGHUP) and a polite kill (SIGTERM) end the app cleanly instead of killing it mid-write."""


def run_app(store: SessionStore, *, session_id: str | None = None) -> int:
    """Run the full-screen app until the user quits; returns the exit status.

    Args:
        store: The workspace of sessions.
        session_id: A session id or name to open at its first unanswered question; None opens the home screen.

    Returns:
        0 when the user quits; 128 + the signal number after SIGHUP or SIGTERM.

    Raises:
        SecplanError: the session or its questionnaire cannot be found or read (before the screen is taken).
    """
    from secplan_tui.frontends.tui.app import make_app

    app = make_app(store, session_id=session_id)
    configure_from_environment(app, os.environ)
    stdin = sys.__stdin__
    if stdin is not None and stdin.isatty():
        app.watch_terminal(stdin.fileno())
    with _ExitOnSignals(app):
        app.run()
    return app.return_code or 0


def configure_from_environment(app: SecplanApp, environ: Mapping[str, str]) -> None:
    """Apply the terminal and the user's settings: ASCII marks on the Linux console, the theme (see
    :func:`default_theme`, or ``SECPLAN_THEME``), and ``SECPLAN_KEYMAP`` (``binding_id=key,...``; the ids are
    listed on the help screen)."""
    from secplan_tui.frontends.tui.text import glyphs_for

    app.glyphs = glyphs_for(environ)
    theme = environ.get("SECPLAN_THEME") or default_theme(environ)
    if theme and theme in app.available_themes:
        app.theme = theme
    keymap = parse_keymap(environ.get("SECPLAN_KEYMAP", ""))
    if keymap:
        app.set_keymap(keymap)


REMOTE_VARIABLES = ("SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY")


def default_theme(environ: Mapping[str, str]) -> str | None:
    """The terminal's own 16 colours (``ansi-dark``) on the Linux console and over SSH, else Textual's default.

    Over SSH every byte counts: a style in the terminal's palette is a few bytes (``ESC[97;40m``) where a
    24-bit one is up to 36, which takes about a third off every redraw; it also follows the user's own
    colour scheme. ``SECPLAN_THEME`` overrides this.
    """
    if environ.get("TERM", "") in ("linux", "vt100", "vt220"):
        return "ansi-dark"
    if any(environ.get(name) for name in REMOTE_VARIABLES):
        return "ansi-dark"
    return None


def parse_keymap(text: str) -> dict[str, str]:
    """``"question.dont_know=f12,app.help=f11"`` -> ``{"question.dont_know": "f12", ...}``; junk is ignored."""
    keymap: dict[str, str] = {}
    for item in text.split(","):
        binding_id, sep, keys = item.partition("=")
        if sep and binding_id.strip() and keys.strip():
            keymap[binding_id.strip()] = keys.strip()
    return keymap


class _ExitOnSignals:
    """While the app runs, SIGHUP and SIGTERM ask it to exit from inside its event loop.

    The handler only schedules ``app.exit`` on the loop (thread-safe, and it wakes the loop), so an answer
    being saved finishes its durable write first and Textual restores the terminal on the way out. A signal
    that arrives before the loop runs is kept and acted on at mount.
    """

    def __init__(self, app: SecplanApp) -> None:
        self.app = app
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> _ExitOnSignals:
        for signum in EXIT_SIGNALS:
            self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        self.app.exit_on_signal_threadsafe(signum)
