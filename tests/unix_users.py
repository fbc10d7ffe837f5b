"""Acting as real Unix users in the tests: run an action or the ``secplan`` command in a forked child that has
dropped to a user's ids, and give those children a readable copy of the bundled questionnaires.

Shared by the classroom tests and the hostile-learner tests (both create real users and groups as root).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import tempfile
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from secplan_tui.cli import main as cli
from secplan_tui.core import catalogue


class Ids(Protocol):
    """Whatever carries a user's ids: uid, primary gid and supplementary groups."""

    @property
    def uid(self) -> int: ...

    @property
    def gid(self) -> int: ...

    @property
    def groups(self) -> tuple[int, ...]: ...


@dataclass
class Run:
    """What one ``secplan`` command printed and returned."""

    code: int
    out: str
    err: str

    @property
    def both(self) -> str:
        return self.out + self.err


def as_user(user: Ids, action: Callable[[], Any], umask: int = 0o022) -> Any:
    """Run ``action`` in a forked child with only ``user``'s ids and this umask; return its (JSON) result.

    Raises:
        AssertionError: the child raised, with its traceback.
    """
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        try:
            os.close(read_fd)
            os.setgroups(list(user.groups))
            os.setresgid(user.gid, user.gid, user.gid)
            os.setresuid(user.uid, user.uid, user.uid)
            os.umask(umask)
            result: dict[str, Any] = {"ok": action()}
        except BaseException:  # noqa: BLE001 - everything goes back to the parent to be reported
            result = {"error": traceback.format_exc()}
        with contextlib.suppress(BaseException), os.fdopen(write_fd, "wb") as pipe:
            pipe.write(json.dumps(result).encode())
        os._exit(0)
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as pipe:
        raw = pipe.read()
    os.waitpid(pid, 0)
    result = json.loads(raw)
    assert "error" not in result, f"the child running as uid {user.uid} failed:\n{result['error']}"
    return result["ok"]


def secplan(root: Path, user: Ids, *args: str, umask: int = 0o022) -> Run:
    """Run ``secplan --data-dir ROOT ARGS...`` as ``user`` (the real entry point, in a forked child)."""

    def call() -> list[Any]:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = cli.main(["--data-dir", str(root), *args])
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 2
        return [code, out.getvalue(), err.getvalue()]

    code, out, err = as_user(user, call, umask)
    return Run(code, out, err)


@contextlib.contextmanager
def scratch_area(prefix: str) -> Iterator[Path]:
    """A scratch folder every test user can pass through (pytest's tmp_path is private to root), removed after."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    path.chmod(0o711)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@contextlib.contextmanager
def readable_bundled(area: Path, warm_up: Sequence[Sequence[str]]) -> Iterator[Path]:
    """A copy of the whole bundled folder (questionnaires, scenarios, examples) that every test user can read, used
    by this process and the children it forks; each command of ``warm_up`` run once here first, so the children
    import nothing from the checkout, which may sit in a folder only root can enter (a clone into `mktemp -d`).

    Yields:
        The workspace the warm-up used.
    """
    shared = area / "questionnaires"
    shutil.copytree(catalogue.BUNDLED_DIR, shared)
    for path in [shared, *shared.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    old = os.environ.get("SECPLAN_QUESTIONNAIRES")
    os.environ["SECPLAN_QUESTIONNAIRES"] = str(shared)
    bundled = catalogue.BUNDLED_DIR
    catalogue.BUNDLED_DIR = shared
    try:
        warm = area / "warm-up"
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            for argv in warm_up:
                cli.main(["--data-dir", str(warm), *argv])
        yield warm
    finally:
        catalogue.BUNDLED_DIR = bundled
        if old is None:
            os.environ.pop("SECPLAN_QUESTIONNAIRES", None)
        else:
            os.environ["SECPLAN_QUESTIONNAIRES"] = old
