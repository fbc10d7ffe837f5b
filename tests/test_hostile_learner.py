"""A hostile learner against the trainer, with real Unix users (issue 15).

Each test is one attack a learner can make on a classroom made by ``classroom init``: lock a trainer or root out,
impersonate another learner, send escape sequences to the trainer's terminal, exhaust the trainer's memory or
time, and the smaller ones (an over-long number, a FIFO, a workspace of someone else's). The users and groups are
real (``useradd``/``groupadd``, unique names, removed afterwards), so folder names are logins, as in a class.

Each learner or trainer action runs in a forked child that has dropped to that user's uid, gid and groups, so the
kernel's own permission checks decide; the child runs the real entry point (``cli.main``) already loaded in this
process, so nothing of the checkout needs to be reachable by the test users. One test also runs ``secplan`` as a
real process of the trainer through the checkout's venv, when the trainer can reach it (skipped, saying so,
otherwise). Needs root; skipped otherwise.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import secrets
import shutil
import stat
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from secplan_tui.cli import main as cli
from secplan_tui.core import catalogue
from secplan_tui.core.errors import InvalidInput, NotFound, WriteFailed
from secplan_tui.core.files import AtomicWriteError
from secplan_tui.session.answer_files import imported_line, read_answers
from secplan_tui.store import CLASSROOM_TRAINERS, MAX_SESSION_BYTES, Workspace, init_classroom
from secplan_tui.store import storage as store_storage
from tests.unix_users import as_user, readable_bundled, scratch_area, secplan

pytestmark = pytest.mark.skipif(
    sys.platform == "win32" or not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("useradd") is None,
    reason="needs root and useradd: the tests create real users and a group, and act as them",
)

if sys.platform != "win32":
    import grp
    import pwd

REPO = Path(__file__).resolve().parent.parent
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
"""What must never reach a terminal: C0 but the line break, DEL, C1, zero-width and bidirectional controls."""


# ------------------------------------------------------------------------------------------------------------
# Real users and a real group
# ------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class User:
    """A real user of this machine, made for the tests."""

    name: str
    uid: int
    gid: int
    groups: tuple[int, ...]


@dataclass(frozen=True)
class Cast:
    """The class: a victim and a forger (learners; the forger's login sorts first), a trainer, and root."""

    trainers: str
    gid: int
    victim: User
    forger: User
    trainer: User
    root: User


def _user(name: str) -> User:
    entry = pwd.getpwnam(name)
    return User(name, entry.pw_uid, entry.pw_gid, tuple(os.getgrouplist(name, entry.pw_gid)))


@pytest.fixture(scope="module")
def cast() -> Iterator[Cast]:
    """Real users and groups with unique names, removed after the module's tests."""
    tag = "sh" + secrets.token_hex(3)
    students, trainers = f"{tag}s", f"{tag}t"
    # The forger's login sorts before the victim's: the old store read folders in name order.
    victim, forger, trainer = f"{tag}zvictim", f"{tag}aforger", f"{tag}trainer"
    made_users: list[str] = []
    made_groups: list[str] = []

    def run(*argv: str) -> None:
        subprocess.run(argv, check=True, capture_output=True)

    try:
        for group in (students, trainers):
            run("groupadd", group)
            made_groups.append(group)
        for name, extra in ((victim, []), (forger, []), (trainer, ["-G", trainers])):
            run("useradd", "-M", "-N", "-g", students, *extra, "-s", "/usr/sbin/nologin", name)
            made_users.append(name)
        yield Cast(
            trainers=trainers,
            gid=grp.getgrnam(trainers).gr_gid,
            victim=_user(victim),
            forger=_user(forger),
            trainer=_user(trainer),
            root=User("root", 0, 0, (0,)),
        )
    finally:
        for name in made_users:
            subprocess.run(["userdel", name], capture_output=True, check=False)
        for group in made_groups:
            subprocess.run(["groupdel", group], capture_output=True, check=False)


@pytest.fixture(scope="module")
def area() -> Iterator[Path]:
    """A scratch folder every test user can pass through (pytest's tmp_path is private to root)."""
    with scratch_area("secplan-hostile-") as path:
        yield path


@pytest.fixture(scope="module", autouse=True)
def readable_questionnaires(area: Path) -> Iterator[None]:
    """A copy of the bundled folder readable by the test users, and every command warmed up as root."""
    answers = write_answers(area / "warm-answers.json", "iso22342", "Warm")
    with readable_bundled(area, (
        ["new", "warm", "--scenario", "bike_shop"],
        ["new", "warm2", "--questionnaire", "starter", "--json"],
        ["answers", "import", "warm", str(answers)],
        ["answers", "export", "warm", "--format", "json"],
        ["list"],
        ["list", "--json"],
        ["plan", "warm"],
        ["plan", "nothing-like-it"],
        ["exercise", "check", "warm"],
        ["exercise", "report"],
        ["delete", "-y", "warm2"],
    )):
        yield


def write_answers(path: Path, questionnaire: str, org: str) -> Path:
    """An answers file, readable by everyone."""
    answers = {"profile.org_name": org, "profile.headcount": "micro"}
    path.write_text(json.dumps({"questionnaire": questionnaire, "version": "1.0", "answers": answers}))
    path.chmod(0o644)
    return path


@pytest.fixture
def root(area: Path, cast: Cast, request: pytest.FixtureRequest) -> Iterator[Path]:
    """A fresh classroom set up by root for the trainers' group."""
    path = area / f"class-{request.node.name}".replace("[", "-").replace("]", "")
    init_classroom(path, cast.trainers)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def new_session(root: Path, user: User, name: str, scenario: bool = True) -> str:
    kind = ["--scenario", "bike_shop"] if scenario else ["--questionnaire", "starter"]
    run = secplan(root, user, "new", name, *kind, "--json")
    assert run.code == 0, run.err
    session_id = json.loads(run.out)["id"]
    assert isinstance(session_id, str)
    return session_id


def listed(root: Path, user: User) -> tuple[dict[str, dict[str, Any]], str]:
    """``secplan list --json`` as ``user``: each session by id, and what went to stderr."""
    run = secplan(root, user, "list", "--json")
    assert run.code == 0, run.err
    return {item["id"]: item for item in json.loads(run.out)}, run.err


def store_view(root: Path, user: User) -> dict[str, list[Any]]:
    """What the store tells ``user`` about each session: [name, owner, suspect]."""

    def view() -> dict[str, list[Any]]:
        return {m.id: [m.name, m.owner, m.suspect] for m in Workspace(root).sessions()}

    result: dict[str, list[Any]] = as_user(user, view)
    return result


# ------------------------------------------------------------------------------------------------------------
# 1. Lock-out: nothing a learner makes in the classroom stops a trainer or root
# ------------------------------------------------------------------------------------------------------------


def test_a_folder_named_after_the_trainer_or_a_link_named_root_locks_nobody_out(
    root: Path, cast: Cast, area: Path
) -> None:
    """A learner makes a folder named after the trainer's login and a symbolic link named ``root``: the
    trainer's and root's list, report and own new sessions still work; one warning, naming the entries."""
    victim_id = new_session(root, cast.victim, "Victim plan")

    def squat() -> None:
        os.mkdir(root / cast.trainer.name, 0o755)
        os.symlink("/etc", root / "root")

    as_user(cast.forger, squat)
    for user in (cast.trainer, cast.root):
        sessions, err = listed(root, user)
        assert victim_id in sessions, err
        assert "Not your folder" not in err
        report = secplan(root, user, "exercise", "report")
        assert report.code == 0 and "Victim plan" in report.out, report.err
        own = new_session(root, user, f"demo by {user.name}")
        sessions, err = listed(root, user)
        assert sessions[own]["name"] == f"demo by {user.name}"
        assert (root / CLASSROOM_TRAINERS / user.name / f"{own}.json").is_file()
        assert err.count("Ignored in the classroom") == 1 and "'root' (a symbolic link" in err, err
    squatted = root / cast.trainer.name
    assert os.listdir(squatted) == []  # nothing of the trainer's went into the learner's folder


def test_the_trainers_area_is_out_of_learners_reach(root: Path, cast: Cast) -> None:
    """The trainers' area is root's, the trainers' group's, and closed to learners: they cannot make anything in
    it, list it or read a trainer's session."""
    own = new_session(root, cast.trainer, "model answer")
    area_path = root / CLASSROOM_TRAINERS
    st = os.lstat(area_path)
    assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (0, cast.gid, 0o3770)

    def intrude() -> list[str]:
        outcomes = []
        for attempt in (
            lambda: os.mkdir(area_path / cast.forger.name),
            lambda: os.listdir(area_path),
            lambda: (area_path / cast.trainer.name / f"{own}.json").read_bytes(),
        ):
            try:
                attempt()
            except OSError as exc:
                outcomes.append(type(exc).__name__)
            else:
                outcomes.append("done")
        return outcomes

    assert as_user(cast.forger, intrude) == ["PermissionError"] * 3


def test_init_moves_aside_a_trainers_area_a_learner_made_first(root: Path, cast: Cast) -> None:
    """In a classroom from before the trainers' area, a learner makes ``.trainers`` first: the trainer's secplan
    does not use it (and says so), and root's ``classroom init`` moves it aside and makes the real one."""
    shutil.rmtree(root / CLASSROOM_TRAINERS)
    as_user(cast.forger, lambda: os.mkdir(root / CLASSROOM_TRAINERS, 0o777))
    sessions, err = listed(root, cast.trainer)
    assert sessions == {} and "is not as `classroom init` makes it" in err and cast.forger.name in err
    lines = init_classroom(root, cast.trainers)
    assert any("Moved aside" in line and cast.forger.name in line for line in lines), lines
    st = os.lstat(root / CLASSROOM_TRAINERS)
    assert (st.st_uid, stat.S_IMODE(st.st_mode)) == (0, 0o3770)
    own = new_session(root, cast.trainer, "model answer")
    assert (root / CLASSROOM_TRAINERS / cast.trainer.name / f"{own}.json").is_file()


def test_a_classroom_from_before_the_trainers_area_keeps_working(root: Path, cast: Cast) -> None:
    """Without the trainers' area (a classroom set up by an older secplan): a trainer's sessions go in their old
    folder (with a warning to run init again); after root's init, new ones go in the area, and the old ones stay
    listed and the trainer's to change. Root's first save makes the area itself."""
    shutil.rmtree(root / CLASSROOM_TRAINERS)
    run = secplan(root, cast.trainer, "new", "old demo", "--scenario", "bike_shop", "--json")
    assert run.code == 0 and "has no trainers' area" in run.err, run.err
    old_id = json.loads(run.out)["id"]
    assert (root / cast.trainer.name / f"{old_id}.json").is_file()
    own = new_session(root, cast.root, "root's demo")
    st = os.lstat(root / CLASSROOM_TRAINERS)
    assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (0, cast.gid, 0o3770)
    assert (root / CLASSROOM_TRAINERS / "root" / f"{own}.json").is_file()
    new_id = new_session(root, cast.trainer, "new demo")
    assert (root / CLASSROOM_TRAINERS / cast.trainer.name / f"{new_id}.json").is_file()
    sessions, err = listed(root, cast.trainer)
    assert {old_id, new_id, own} <= set(sessions) and "trainers' area" not in err
    imported = secplan(root, cast.trainer, "answers", "import", old_id, str(write_answers(
        root.parent / "old-demo.json", "iso22342", "Old Demo Ltd")))
    assert imported.code == 0, imported.err


# ------------------------------------------------------------------------------------------------------------
# 2. Impersonation: a forged copy never hides or replaces the genuine session
# ------------------------------------------------------------------------------------------------------------


def test_a_forged_copy_under_another_learners_id_is_flagged_and_never_replaces_theirs(
    root: Path, cast: Cast, area: Path
) -> None:
    """The forger copies their own session into their own folder under the victim's id and name. The trainer's
    list shows the victim's session (their answers, their name, owner the victim, not suspect), leaves the copy
    out and says whose file is suspect; check and export read the victim's answers."""
    victim_id = new_session(root, cast.victim, "Victim plan")
    answers = write_answers(area / "victim-answers.json", "iso22342", "Genuine Cycles")
    assert secplan(root, cast.victim, "answers", "import", victim_id, str(answers)).code == 0
    forger_id = new_session(root, cast.forger, "Forger plan")
    forged = write_answers(area / "forger-answers.json", "iso22342", "Forged Cycles")
    assert secplan(root, cast.forger, "answers", "import", forger_id, str(forged)).code == 0

    def forge() -> None:
        folder = root / cast.forger.name
        raw = (folder / f"{forger_id}.json").read_bytes()
        raw = raw.replace(forger_id.encode(), victim_id.encode()).replace(b"Forger plan", b"Victim plan")
        (folder / f"{victim_id}.json").write_bytes(raw)
        shutil.copy(folder / f"{forger_id}.history.jsonl", folder / f"{victim_id}.history.jsonl")

    as_user(cast.forger, forge)
    for user in (cast.trainer, cast.root):
        sessions, err = listed(root, user)
        assert set(sessions) == {victim_id, forger_id}
        assert sessions[victim_id]["owner"] == cast.victim.name
        assert "Suspect session file" in err and f"{cast.forger.name}'s" in err and "the copy" not in err
        suspect_line = next(line for line in err.splitlines() if "Suspect session file" in line)
        assert f"{cast.forger.name}/{victim_id}.json" in suspect_line
        assert f"in {cast.victim.name}'s folder" in suspect_line and f"taken by {cast.victim.name}" in suspect_line
        exported = secplan(root, user, "answers", "export", victim_id, "--format", "json")
        assert json.loads(exported.out)["answers"]["profile.org_name"] == "Genuine Cycles"
        check = secplan(root, user, "exercise", "check", victim_id)
        assert check.code == 0 and "Forged" not in check.out, check.err
        report = secplan(root, user, "exercise", "report")
        assert report.code == 0 and "2 learner sessions" in report.out, report.out
    view = store_view(root, cast.trainer)
    assert view[victim_id] == ["Victim plan", cast.victim.name, None]
    assert view[forger_id] == ["Forger plan", cast.forger.name, None]
    # The forger's own view: their copy is theirs, and flagged as carrying an id the register gives the victim.
    own = store_view(root, cast.forger)
    assert own[victim_id][1] == cast.forger.name and f"taken by {cast.victim.name}" in own[victim_id][2]


def test_a_session_in_a_folder_named_after_someone_else_is_flagged_as_its_owners(root: Path, cast: Cast) -> None:
    """A learner's folder named after another (taken before that one logged in) holds the learner's sessions:
    listed as the folder owner's, flagged, so the trainer is not misled by the folder's name."""
    as_user(cast.forger, lambda: os.mkdir(root / cast.victim.name, 0o2750))
    session_id = "5a5a5a5a"

    def plant() -> None:
        # A session made by hand in the squatted folder (the forger cannot save there with secplan).
        ws = Workspace(root)
        real = ws.create("Victim plan", "iso22342", "1.0", "sha256:x", scenario="bike_shop")
        folder = root / cast.forger.name
        raw = (folder / f"{real.id}.json").read_bytes().replace(real.id.encode(), session_id.encode())
        (root / cast.victim.name / f"{session_id}.json").write_bytes(raw)

    as_user(cast.forger, plant)
    view = store_view(root, cast.trainer)
    name, owner, suspect = view[session_id]
    assert owner == cast.forger.name
    assert suspect is not None and f"belongs to {cast.forger.name}" in suspect and cast.victim.name in suspect


# ------------------------------------------------------------------------------------------------------------
# 3. Nothing from a folder name or a hand-edited file reaches the trainer's terminal raw
# ------------------------------------------------------------------------------------------------------------

HOSTILE = "\x1b]52;c;aGFja2Vk\x07\x1b[2J\u202e\u200b\x9b31m"
"""An OSC 52 clipboard write, a clear-screen, a right-to-left override, a zero-width space, an 8-bit CSI."""


def test_escape_sequences_in_names_and_fields_never_reach_the_trainers_terminal(root: Path, cast: Cast) -> None:
    """A hostile folder name, and a session file whose name, questionnaire version and answer ids hold escape
    sequences, bidi and zero-width characters: no command the trainer runs prints one of them raw."""
    forger_id = new_session(root, cast.forger, "Forger plan")

    def plant() -> None:
        os.mkdir(root / f"evil{HOSTILE}", 0o755)
        path = root / cast.forger.name / f"{forger_id}.json"
        tables = json.loads(path.read_bytes())
        meta = tables["meta"]["1"]
        meta["name"] = f"Forger{HOSTILE}"
        meta["questionnaire_version"] = f"1.0{HOSTILE}"
        tables["answers"] = {"1": {"question": f"profile.x{HOSTILE}", "value": f"v{HOSTILE}"}}
        path.write_text(json.dumps(tables))

    as_user(cast.forger, plant)
    runs = [
        secplan(root, cast.trainer, "list"),
        secplan(root, cast.trainer, "list", "--json"),
        secplan(root, cast.trainer, "plan", forger_id),
        secplan(root, cast.trainer, "answers", "export", forger_id),
        secplan(root, cast.trainer, "exercise", "report"),
        secplan(root, cast.trainer, "exercise", "check", forger_id),
        secplan(root, cast.trainer, "plan", f"nobody{HOSTILE}"),
        secplan(root, cast.root, "list"),
    ]
    for run in runs:
        assert RAW.search(run.err) is None, repr(run.err)
    assert "Forger\\x1b]52" in runs[0].out or "Forger\\x1b]52" in runs[0].err or "\\x1b" in runs[1].out
    assert "Unknown session" in runs[6].err and "\\u202e" in runs[6].err
    # What the store hands the front ends is safe already, so the app's home screen and notices are too.
    view = store_view(root, cast.trainer)
    assert RAW.search(json.dumps(view, ensure_ascii=False)) is None
    assert view[forger_id][0].startswith("Forger\\x1b]52;c;")


def test_the_store_leaves_no_raw_escape_in_any_message_or_meta(tmp_path: Path) -> None:
    """Store errors and notices, and the meta of a hand-edited file, are terminal-safe (no classroom needed)."""
    ws = Workspace(tmp_path / f"ws{HOSTILE}")
    meta = ws.create("Acme", "iso22342", "1.0", "sha256:x")
    path = ws.session_path(meta.id)
    tables = json.loads(path.read_bytes())
    tables["meta"]["1"].update(name=f"Acme{HOSTILE}", questionnaire_version=f"9{HOSTILE}", created=f"x{HOSTILE}")
    path.write_text(json.dumps(tables))
    found = Workspace(ws.path).meta(meta.id)
    for text in (found.name, found.questionnaire_version, found.created):
        assert RAW.search(text) is None and "\\x1b" in text
    with pytest.raises(NotFound) as caught:
        ws.resolve(f"nobody{HOSTILE}")
    assert RAW.search(caught.value.message + ws.location) is None and "\\u202e" in caught.value.message
    with pytest.raises(InvalidInput, match="invisible"):
        ws.create("Al\u200bice", "iso22342", "1.0", "sha256:x")
    (ws.path / "0badf00d.json").write_text("{")
    reopened = Workspace(ws.path)
    assert reopened.notices and all(RAW.search(n) is None for n in reopened.notices)


def test_a_questionnaire_id_that_is_a_path_is_never_loaded_for_the_trainer(root: Path, cast: Cast) -> None:
    """A hand-edited session whose questionnaire id is a path (a questionnaire of the learner's making, or a file
    of the trainer's) is refused: never listed for planning, left as it is, and said so."""
    forger_id = new_session(root, cast.forger, "Forger plan")
    planted = root.parent / "planted.yaml"
    planted.write_text("id: planted\n")
    planted.chmod(0o644)

    def plant() -> None:
        path = root / cast.forger.name / f"{forger_id}.json"
        tables = json.loads(path.read_bytes())
        tables["meta"]["1"]["questionnaire_id"] = str(planted)
        path.write_text(json.dumps(tables))

    try:
        as_user(cast.forger, plant)
        sessions, err = listed(root, cast.trainer)
        assert forger_id not in sessions and "questionnaire_id" in err and "not an id" in err
        run = secplan(root, cast.trainer, "plan", forger_id)
        assert run.code != 0 and "planted" not in run.out
    finally:
        planted.unlink()


# ------------------------------------------------------------------------------------------------------------
# 4. Memory and time: size limits, non-regular files, bounded integers
# ------------------------------------------------------------------------------------------------------------

SPARSE_SIZE = 3 * 1024**3


def test_a_sparse_3_gb_session_file_is_never_read(root: Path, cast: Cast) -> None:
    """A sparse 3 GB file named like a session in a learner's folder: the trainer's list shows every genuine
    session, names the file as too large, and reads none of it (measured by the memory the list allocates)."""
    victim_id = new_session(root, cast.victim, "Victim plan")
    huge = "0ddba11e"

    def plant() -> None:
        with open(root / cast.forger.name / f"{huge}.json", "wb") as handle:
            handle.truncate(SPARSE_SIZE)

    as_user(cast.forger, lambda: os.mkdir(root / cast.forger.name, 0o2750))
    as_user(cast.forger, plant)

    def trainer_list() -> list[Any]:
        tracemalloc.start()
        started = time.perf_counter()
        ws = Workspace(root)
        ids = [m.id for m in ws.sessions()]
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return [ids, ws.notices, peak, elapsed]

    ids, notices, peak, elapsed = as_user(cast.trainer, trainer_list)
    print(f"trainer's list with a sparse {SPARSE_SIZE:,}-byte file: {elapsed * 1000:.1f} ms, peak {peak:,} bytes")
    assert ids == [victim_id]
    assert any(f"{huge}.json" in n and "bytes long" in n and "not read" in n for n in notices), notices
    assert peak < 16 * 1024 * 1024  # nothing like the file's size was ever allocated
    assert os.stat(root / cast.forger.name / f"{huge}.json").st_size == SPARSE_SIZE  # left as it is


RUNTIME_MODULES = ("secplan_tui", "textual", "rich", "pygments", "markdown_it", "mdit_py_plugins", "mdurl", "tinydb",
                   "filelock", "platformdirs", "yaml", "_yaml", "questionary", "prompt_toolkit", "wcwidth",
                   "typing_extensions")
"""What ``secplan list`` imports, copied for the trainer when the checkout sits where they cannot go."""


def _readable_packages(area: Path) -> Path:
    """A copy of secplan and the packages it runs on, in a folder every test user can read (a clone in a 0700
    folder keeps the checkout and its venv out of their reach)."""
    import importlib.util

    target = area / "site-packages"
    if not target.exists():
        target.mkdir()
        for name in RUNTIME_MODULES:
            spec = importlib.util.find_spec(name)
            if spec is None or spec.origin is None:
                continue
            origin = Path(spec.origin)
            if origin.name == "__init__.py":
                shutil.copytree(origin.parent, target / name, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy(origin, target / origin.name)
        for path in [target, *target.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
    return target


def _interpreter_for(user: User, area: Path) -> tuple[list[str], dict[str, str]]:
    """How ``user`` can run this checkout's secplan as a process: the venv's python if they can reach it, else
    the system's python of the same version with the venv's packages and the checkout on PYTHONPATH (the venv's
    interpreter often lives under /root), else that python with a readable copy of the packages. Skips, saying
    why, when none works."""
    site = REPO / ".venv" / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}" / "site-packages"
    candidates: list[tuple[Path, dict[str, str]]] = [(REPO / ".venv" / "bin" / "python", {})]
    system = shutil.which("python3", path="/usr/bin:/usr/local/bin:/bin")
    if system is not None:
        candidates.append((Path(system), {"PYTHONPATH": f"{site}{os.pathsep}{REPO}"}))
        candidates.append((Path(system), {"PYTHONPATH": str(_readable_packages(area))}))
    for python, extra in candidates:
        probe = subprocess.run(
            ["setpriv", f"--reuid={user.uid}", f"--regid={user.gid}", "--init-groups", "--", str(python), "-c",
             "import secplan_tui.cli.main, tinydb, filelock"],
            capture_output=True, timeout=60, env={**os.environ, **extra}, cwd="/", check=False,
        )
        if probe.returncode == 0:
            return [str(python)], extra
    pytest.skip("the trainer can reach neither the checkout's venv nor a python of the same version that can "
                "import it; the forked tests cover the same behaviour")


def test_the_trainers_secplan_process_lists_fast_beside_a_sparse_3_gb_file(root: Path, cast: Cast, area: Path) -> None:
    """End to end: ``secplan list`` run as a real process of the trainer (real uid, groups from the system)."""
    if shutil.which("setpriv") is None:
        pytest.skip("setpriv (util-linux) is needed to start a process as the trainer")
    python, extra = _interpreter_for(cast.trainer, area)
    victim_id = new_session(root, cast.victim, "Victim plan")
    as_user(cast.forger, lambda: os.mkdir(root / cast.forger.name, 0o2750))

    def plant() -> None:
        with open(root / cast.forger.name / "0ddba11e.json", "wb") as handle:
            handle.truncate(SPARSE_SIZE)

    as_user(cast.forger, plant)
    argv = ["setpriv", f"--reuid={cast.trainer.uid}", f"--regid={cast.trainer.gid}", "--init-groups", "--",
            *python, "-m", "secplan_tui", "--data-dir", str(root), "list", "--json"]
    env = {**os.environ, **extra, "HOME": str(root), "PYTHONDONTWRITEBYTECODE": "1"}
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60, env=env, check=False, cwd="/")
    elapsed = time.perf_counter() - started
    print(f"`secplan list` as the trainer, sparse 3 GB file present: {elapsed:.2f} s (process start included)")
    assert done.returncode == 0, done.stderr
    assert [item["id"] for item in json.loads(done.stdout)] == [victim_id]
    assert "0ddba11e.json" in done.stderr and "not read" in done.stderr


def test_a_huge_history_journal_is_read_only_as_far_as_committed(tmp_path: Path) -> None:
    """A journal grown (sparse) far past what the session committed: the history reads only the committed part."""
    ws = Workspace(tmp_path / "ws")
    session_id = ws.create("Acme", "iso22342", "1.0", "sha256:x").id
    ws.save_answer(session_id, "q", "a")
    journal = ws.path / f"{session_id}.history.jsonl"
    with open(journal, "r+b") as handle:
        handle.truncate(300 * 1024 * 1024)
    tracemalloc.start()
    history = ws.history(session_id)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert [h.value for h in history] == ["a"]
    assert peak < 16 * 1024 * 1024


def test_an_oversized_session_file_of_ones_own_is_moved_aside_unread(tmp_path: Path) -> None:
    """In an ordinary workspace a session file over the limit is refused by its size, named, and set aside."""
    ws = Workspace(tmp_path / "ws")
    path = ws.path / "0ddba11e.json"
    with open(path, "wb") as handle:
        handle.truncate(MAX_SESSION_BYTES + 1)
    reopened = Workspace(ws.path)
    assert reopened.sessions() == []
    assert any("0ddba11e.json" in n and "not read" in n and "moved aside" in n for n in reopened.notices)
    assert not path.exists()


def test_fifos_are_refused_without_waiting(tmp_path: Path) -> None:
    """A FIFO named like a session file in one's own workspace, or given as the answers file, is refused at
    once (in a separate process, so that a hang fails the test instead of stopping it)."""
    (tmp_path / "ws").mkdir(mode=0o700)
    os.mkfifo(tmp_path / "ws" / "f1f0f1f0.json")
    os.mkfifo(tmp_path / "answers.yaml")
    script = (
        "import sys\n"
        "from secplan_tui.store import Workspace\n"
        "from secplan_tui.core import catalogue\n"
        "from secplan_tui.session.answer_files import read_answers\n"
        "from secplan_tui.core.errors import InvalidInput\n"
        f"ws = Workspace({str(tmp_path / 'ws')!r})\n"
        "print(len(ws.sessions()), any('not a regular file' in n for n in ws.notices))\n"
        "try:\n"
        f"    read_answers({str(tmp_path / 'answers.yaml')!r}, catalogue.load('starter'))\n"
        "except InvalidInput as exc:\n"
        "    print(exc.message)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=30, check=False,
                          cwd=REPO)
    assert done.returncode == 0, done.stderr
    first, second = done.stdout.splitlines()[:2]
    assert first == "0 True"
    assert "answers.yaml" in second and "not a regular file" in second


def test_an_integer_of_5000_digits_is_an_invalid_answer_not_an_internal_error(tmp_path: Path) -> None:
    """A 5,000-digit integer in an answers file is reported with its file and line, exit 2."""
    data_dir = tmp_path / "ws"
    huge = tmp_path / "huge.yaml"
    huge.write_text('questionnaire: starter\nversion: "1.0"\nanswers:\n  profile.people: ' + "9" * 5000 + "\n")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        assert cli.main(["--data-dir", str(data_dir), "new", "Acme", "--questionnaire", "starter"]) == 0
        code = cli.main(["--data-dir", str(data_dir), "answers", "import", "Acme", str(huge)])
    assert code == 2, err.getvalue()
    assert "Invalid answers" in err.getvalue() and f"{huge}:4:" in err.getvalue()
    assert "internal error" not in err.getvalue()
    ws = Workspace(data_dir)
    session_id = ws.resolve("Acme").id
    with pytest.raises(InvalidInput, match="number of 20 digits"):
        ws.save_answer(session_id, "profile.people", 10**19)


# ------------------------------------------------------------------------------------------------------------
# 5. Smaller: another's workspace, a closed folder, an empty answers file, counts that agree
# ------------------------------------------------------------------------------------------------------------


def test_a_workspace_of_another_user_is_refused_naming_its_owner(area: Path, cast: Cast) -> None:
    """The victim points --data-dir at the forger's (open) workspace: refused, naming the owner and what to do;
    nothing is written there."""
    theirs = area / f"ws-of-{cast.forger.name}"

    try:
        theirs.mkdir()
        os.chown(theirs, cast.forger.uid, cast.forger.gid)
        theirs.chmod(0o777)  # noqa: S103 - an open folder is the point: only its owner should matter
        run = secplan(theirs, cast.victim, "new", "mine", "--questionnaire", "starter")
        assert run.code == 1 and "Not your workspace" in run.err and f"belongs to {cast.forger.name}" in run.err
        assert "--data-dir" in run.err and "Traceback" not in run.err
        assert os.listdir(theirs) == []
        root_run = secplan(theirs, cast.root, "list")
        assert root_run.code == 1 and f"belongs to {cast.forger.name}" in root_run.err
    finally:
        shutil.rmtree(theirs, ignore_errors=True)


def test_a_closed_folder_is_not_called_a_broken_classroom(area: Path, cast: Cast) -> None:
    """A mode-000 folder of one's own (no classroom) gets a permission message, not "Classroom set-up broken"."""
    closed = area / f"closed-{cast.victim.name}"

    try:
        closed.mkdir()
        os.chown(closed, cast.victim.uid, cast.victim.gid)
        closed.chmod(0)
        run = secplan(closed, cast.victim, "list")
        assert run.code == 1 and "Classroom set-up broken" not in run.err, run.err
        assert "permission denied" in run.err and str(closed) in run.err
    finally:
        closed.chmod(0o700)
        shutil.rmtree(closed, ignore_errors=True)


def test_an_empty_answers_file_is_not_described_as_a_questionnaire(tmp_path: Path) -> None:
    empty = tmp_path / "empty.yaml"
    empty.write_text("# nothing yet\n")
    with pytest.raises(InvalidInput) as caught:
        read_answers(str(empty), catalogue.load("starter"))
    assert "questionnaire needs" not in caught.value.message
    assert "empty" in caught.value.message and "answers file" in caught.value.message


def test_counts_agree_with_their_nouns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """"Imported 1 answer", and "The 113 answers were NOT saved"."""
    assert imported_line(1, "Acme", "0000aaaa") == "Imported 1 answer into session 'Acme' (0000aaaa)."
    assert imported_line(113, "Acme", "0000aaaa").startswith("Imported 113 answers ")
    ws = Workspace(tmp_path / "ws")
    session_id = ws.create("Acme", "iso22342", "1.0", "sha256:x").id

    def full_disk(path: Path, payload: bytes, **_: object) -> None:
        raise AtomicWriteError("writing", path, OSError(28, "No space left on device"))

    monkeypatch.setattr(store_storage, "write_file", full_disk)  # where AtomicJSONStorage.save looks it up
    with pytest.raises(WriteFailed) as many:
        ws.save_answers(session_id, {f"q{i}": "a" for i in range(113)})
    assert "The 113 answers were NOT saved" in many.value.message
    with pytest.raises(WriteFailed) as one:
        ws.save_answers(session_id, {"q": "a"})
    assert "The 1 answer was NOT saved" in one.value.message
