"""``secplan serve``: the full-screen app in a web browser, with textual-serve (the optional ``serve`` extra).

Every browser tab gets its own ``secplan`` process, run as the user who started the server, on the same
workspace; the app sees Textual's web driver (``TEXTUAL_DRIVER``) and runs full screen instead of falling back to
plain line mode. Exports in the browser are delivered as downloads. Loopback only by default: anyone who can reach
the port can use the app and every session of the workspace, so any other address needs an SSH tunnel or an
authenticating proxy in front (docs/serve.md).
"""

from __future__ import annotations

import argparse
import importlib.util
import ipaddress
import shlex
import sys

from secplan_tui.core.errors import InvalidInput, SecplanError

LOOPBACK = ("127.0.0.1", "localhost", "::1")
"""Addresses that only this machine can reach."""

WARNING = (
    "secplan: warning: listening on {host}, which other machines may reach. textual-serve has no log-in: anyone who "
    "can reach port {port} can open the app and read, change or delete every session of this workspace, as you. "
    "Put an authenticating proxy in front, or serve on 127.0.0.1 and let people in by an SSH tunnel "
    "(ssh -L {port}:127.0.0.1:{port} HOST); see docs/serve.md.\n"
)


def app_command(data_dir: str | None) -> str:
    """The command textual-serve runs for each browser tab: this interpreter, this package, this workspace."""
    argv = [sys.executable, "-m", "secplan_tui"]
    if data_dir is not None:
        argv += ["--data-dir", data_dir]
    return shlex.join(argv)


def run_serve(args: argparse.Namespace) -> int:
    """Start the web server until Ctrl+C.

    Raises:
        SecplanError: textual-serve is not installed (says how to install it).
        InvalidInput: a port out of range.
    """
    if not 0 < args.port < 65536:
        raise InvalidInput("Invalid port", f"--port {args.port}: give a number from 1 to 65535")
    if importlib.util.find_spec("textual_serve") is None:
        raise SecplanError("Missing extra", "secplan serve needs textual-serve: pip install 'secplan[serve]' "
                           "(or pipx inject secplan textual-serve)")
    from textual_serve.server import Server

    host: str = args.host
    if not is_loopback(host):
        sys.stderr.write(WARNING.format(host=host, port=args.port))
    sys.stderr.write(f"secplan: serving the app at http://{_url_host(host)}:{args.port}/ (Ctrl+C stops)\n")
    server = Server(app_command(args.data_dir), host=host, port=args.port, title="secplan")
    server.serve()
    return 0


def is_loopback(host: str) -> bool:
    """Whether only this machine can reach the address (127.0.0.0/8, ::1, localhost)."""
    if host in LOOPBACK:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
