"""Tests of the classroom set-up: one workspace per class, each learner's sessions writable only by that learner,
readable by the trainers' group, and never by other learners.

Every learner and trainer action runs in a forked child process that has dropped to that user's uid, gid and
supplementary groups (numeric ids with no /etc/passwd entry), so the kernel's own permission checks decide.
The child calls the real ``secplan`` entry point (``cli.main``) already loaded in this process: the test ids
cannot read the interpreter's files under /root, so everything is imported (and warmed up) before the fork.
Needs root to change ids; skipped otherwise.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
import shutil
import stat
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from secplan_tui.cli.classroom import add_classroom_commands, run_classroom_command
from secplan_tui.core import catalogue
from secplan_tui.core.errors import InvalidInput, NotFound, NotPermitted, SecplanError
from secplan_tui.store import CLASSROOM_MARKER, CLASSROOM_TRAINERS, Workspace, init_classroom, read_classroom
from secplan_tui.store import operations as store_operations
from tests.unix_users import as_user, readable_bundled, scratch_area, secplan

pytestmark = pytest.mark.skipif(
    sys.platform == "win32" or not hasattr(os, "geteuid") or os.geteuid() != 0,
    reason="the classroom tests change uids, which needs root (CI runs as root)",
)

if sys.platform != "win32":
    import grp
    import pwd


def _unused_ids(count: int, start: int = 61500) -> list[int]:
    """``count`` consecutive numbers that are neither a uid nor a gid on this system."""
    base = start
    while True:
        ids = list(range(base, base + count))
        try:
            for n in ids:
                with contextlib.suppress(KeyError):
                    pwd.getpwuid(n)
                    raise LookupError(n)
                with contextlib.suppress(KeyError):
                    grp.getgrgid(n)
                    raise LookupError(n)
        except LookupError:
            base += count
            continue
        return ids


@dataclass(frozen=True)
class User:
    """A test identity: a uid with no passwd entry, its primary gid and supplementary groups."""

    uid: int
    gid: int
    groups: tuple[int, ...] = ()

    @property
    def folder(self) -> str:
        """The name of this user's classroom folder: the uid, as the system has no name for it."""
        return str(self.uid) if self.uid else "root"


@dataclass
class Ids:
    """The test class: two learners sharing a primary group, a trainer in the trainers' group, and root."""

    trainers: int
    students: int
    alice: User
    bob: User
    trainer: User
    root: User = field(default_factory=lambda: User(0, 0))


@pytest.fixture(scope="module")
def ids() -> Ids:
    """Numeric ids free on this machine; the learners share one primary group, as a 'students' group would."""
    trainers, students, a, b, t = _unused_ids(5)
    return Ids(trainers, students, User(a, students), User(b, students), User(t, t, (trainers,)))


def can_open(path: Path) -> Callable[[], str]:
    """An action that opens a file for reading and says what happened: 'read' or the exception's name."""

    def attempt() -> str:
        try:
            path.read_bytes()
        except OSError as exc:
            return type(exc).__name__
        return "read"

    return attempt


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def owner(path: Path) -> tuple[int, int]:
    st = os.lstat(path)
    return st.st_uid, st.st_gid


# ------------------------------------------------------------------------------------------------------------
# Fixtures: an area every test id can reach, questionnaires it can read, a warmed-up CLI
# ------------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def area() -> Iterator[Path]:
    """A scratch folder every test id can pass through (pytest's tmp_path is private to root)."""
    with scratch_area("secplan-classroom-") as path:
        yield path


@pytest.fixture(scope="module", autouse=True)
def readable_questionnaires(area: Path) -> Iterator[None]:
    """A copy of the bundled folder readable by the test ids (SECPLAN_QUESTIONNAIRES and the bundled folder point
    at it), and every command the children need run once as root, so they load nothing from the checkout."""
    answers = write_answers(area / "warm-answers.json", "iso22342")
    with readable_bundled(area, (
        ["new", "warm", "--scenario", "bike_shop"],
        ["new", "warm2", "--questionnaire", "starter", "--json"],
        ["answers", "import", "warm", str(answers)],
        ["answers", "export", "warm", "--format", "json"],
        ["list"],
        ["list", "--json"],
        ["plan", "warm"],
        ["plan", "nothing-like-it"],
        ["exercise", "report"],
        ["show", "starter"],
        ["delete", "-y", "warm2"],
    )):
        yield


def write_answers(path: Path, questionnaire: str) -> Path:
    """An answers file (readable by everyone) for the questionnaire of that id."""
    version = "1.0"
    text = json.dumps(
        {
            "questionnaire": questionnaire,
            "version": version,
            "answers": {"profile.org_name": "Penrose Cycles", "profile.headcount": "micro"},
        }
    )
    path.write_text(text)
    path.chmod(0o644)
    return path


@pytest.fixture
def root(area: Path, ids: Ids, request: pytest.FixtureRequest) -> Iterator[Path]:
    """A fresh classroom set up by root for the trainers' group."""
    path = area / f"class-{request.node.name}".replace("[", "-").replace("]", "")
    init_classroom(path, str(ids.trainers))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def new_session(root: Path, user: User, name: str, umask: int = 0o022, scenario: bool = False) -> str:
    """Create a session as ``user`` with ``secplan new``; its id."""
    kind = ["--scenario", "bike_shop"] if scenario else ["--questionnaire", "starter"]
    run = secplan(root, user, "new", name, *kind, "--json", umask=umask)
    assert run.code == 0, run.err
    session_id = json.loads(run.out)["id"]
    assert isinstance(session_id, str)
    return session_id


def listed(root: Path, user: User) -> dict[str, str]:
    """``secplan list --json`` as ``user``: name by session id."""
    run = secplan(root, user, "list", "--json")
    assert run.code == 0, run.err
    return {item["id"]: item["name"] for item in json.loads(run.out)}


# ------------------------------------------------------------------------------------------------------------
# Setting up
# ------------------------------------------------------------------------------------------------------------


def test_init_makes_the_classroom_folder_marker_and_id_register(area: Path, ids: Ids) -> None:
    """init gives the folder 3773 and the trainers' group, a 0644 marker naming the group, a 1733 id register."""
    path = area / "fresh-class"
    try:
        lines = init_classroom(path, str(ids.trainers))
        assert owner(path) == (0, ids.trainers) and mode(path) == 0o3773
        marker = path / CLASSROOM_MARKER
        assert mode(marker) == 0o644
        assert json.loads(marker.read_text()) == {"format": 1, "gid": ids.trainers, "group": str(ids.trainers)}
        assert owner(path / ".ids")[1] == ids.trainers and mode(path / ".ids") == 0o1733
        found = read_classroom(path)
        assert found is not None and found.gid == ids.trainers and found.root == path
        assert any("3773" in line and str(path) in line for line in lines)
        assert init_classroom(path, str(ids.trainers))  # running it again is harmless
        assert mode(path) == 0o3773
    finally:
        shutil.rmtree(path, ignore_errors=True)


def test_cli_init_prints_the_next_steps_and_refuses_bad_input(area: Path, ids: Ids) -> None:
    """`classroom init DIR --group G` says what learners and trainers type; an unknown group exits 2."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir")
    add_classroom_commands(parser.add_subparsers(dest="command"))
    path = area / "cli-class"
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            code = run_classroom_command(parser.parse_args(["classroom", "init", str(path), "--group",
                                                            str(ids.trainers)]))
        assert code == 0 and read_classroom(path) is not None
        text = out.getvalue()
        assert f"secplan --data-dir {path} new" in text and f"secplan --data-dir {path} exercise report" in text
        with pytest.raises(NotFound, match="no group"):
            run_classroom_command(parser.parse_args(["classroom", "init", str(path), "--group", "no-such-grp"]))
        with pytest.raises(InvalidInput, match="name the folder"):
            run_classroom_command(parser.parse_args(["classroom", "init", "--group", str(ids.trainers)]))
    finally:
        shutil.rmtree(path, ignore_errors=True)


def test_init_refuses_a_folder_of_ordinary_sessions(area: Path, ids: Ids) -> None:
    """A folder that already holds ordinary sessions is not turned into a classroom (they would vanish)."""
    path = area / "ordinary-first"
    try:
        Workspace(path).create("Acme", "sme", "1.0", "sha256:x")
        with pytest.raises(InvalidInput, match="ordinary session") as caught:
            init_classroom(path, str(ids.trainers))
        assert type(caught.value) is InvalidInput
        assert read_classroom(path) is None and mode(path) == 0o700
    finally:
        shutil.rmtree(path, ignore_errors=True)


def test_init_needs_root(area: Path, ids: Ids) -> None:
    """A trainer who is not root cannot set up a classroom: learners trust only one that root set up."""
    path = area / "by-trainer"

    def attempt() -> str:
        try:
            init_classroom(path, str(ids.trainers))
        except SecplanError as exc:
            return f"{type(exc).__name__}: {exc.message}"
        return "set up"

    refusal = as_user(ids.trainer, attempt)
    assert refusal.startswith("NotPermitted: ") and "needs root" in refusal
    assert not path.exists()


def test_a_classroom_not_set_up_by_root_is_refused(area: Path, ids: Ids) -> None:
    """A folder a learner marked as a classroom of their own group (a trap) gets none of another's sessions."""
    public = area / "public"  # like /tmp: anyone may make a folder here, at a name a victim may use
    public.mkdir(exist_ok=True)
    public.chmod(0o1777)  # noqa: S103 - a world-writable sticky folder is the point of the test
    trap = public / "trap"

    def lay_trap() -> None:
        os.mkdir(trap, 0o777)
        os.chmod(trap, 0o3777)  # noqa: S103 - the trap is meant to be open to the victim
        marker = {"format": 1, "gid": ids.students, "group": "students"}
        (trap / CLASSROOM_MARKER).write_text(json.dumps(marker))

    try:
        as_user(ids.bob, lay_trap)
        run = secplan(trap, ids.alice, "new", "alice-plan", "--questionnaire", "starter")
        assert run.code == 1 and "Untrusted classroom" in run.err and f"set up by {ids.bob.uid}" in run.err
        assert "Traceback" not in run.err
        assert sorted(p.name for p in trap.iterdir()) == [CLASSROOM_MARKER]
    finally:
        shutil.rmtree(trap, ignore_errors=True)


def test_init_can_make_learner_folders_ahead(root: Path, ids: Ids) -> None:
    """--learner makes the learner's folder now (2750, theirs, trainers' group), so no one else can take it."""
    init_classroom(root, str(ids.trainers), [str(ids.alice.uid)])
    folder = root / ids.alice.folder
    assert owner(folder) == (ids.alice.uid, ids.trainers) and mode(folder) == 0o2750
    new_session(root, ids.alice, "alice-plan")
    assert owner(folder) == (ids.alice.uid, ids.trainers) and mode(folder) == 0o2750


# ------------------------------------------------------------------------------------------------------------
# Modes, whatever the umask
# ------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("umask", [0o000, 0o022, 0o077])
def test_learner_files_are_0640_in_a_2750_folder_whatever_the_umask(
    root: Path, ids: Ids, area: Path, umask: int
) -> None:
    """A learner's folder is 2750 learner:trainers, sessions 0640, locks 0600; nothing is world-readable."""
    session_id = new_session(root, ids.alice, "alice-plan", umask=umask)
    answers = write_answers(area / f"answers-{umask:o}.json", "starter")
    assert secplan(root, ids.alice, "answers", "import", session_id, str(answers), umask=umask).code == 0
    folder = root / ids.alice.folder
    assert owner(folder) == (ids.alice.uid, ids.trainers) and mode(folder) == 0o2750
    files = {p.name: (mode(p), owner(p)) for p in folder.iterdir()}
    assert files == {
        f"{session_id}.json": (0o640, (ids.alice.uid, ids.trainers)),
        f"{session_id}.history.jsonl": (0o640, (ids.alice.uid, ids.trainers)),
        f"{session_id}.json.lock": (0o600, (ids.alice.uid, ids.trainers)),
        ".workspace.lock": (0o600, (ids.alice.uid, ids.trainers)),
    }
    expected = [CLASSROOM_MARKER, ".ids", CLASSROOM_TRAINERS, ids.alice.folder]
    assert sorted(p.name for p in root.iterdir()) == sorted(expected)
    assert mode(root) == 0o3773 and mode(root / CLASSROOM_MARKER) == 0o644


def test_ordinary_workspace_is_unchanged(area: Path) -> None:
    """Without a marker a workspace stays 0700 with 0600 files, even under umask 000 and in the same area."""
    path = area / "ordinary"
    old = os.umask(0)
    try:
        ws = Workspace(path)
        session_id = ws.create("Acme", "sme", "1.0", "sha256:x").id
        ws.save_answer(session_id, "q", "a")
    finally:
        os.umask(old)
    try:
        assert ws.classroom is None and ws.owner_of(session_id) is None
        assert mode(path) == 0o700
        assert {p.name: mode(p) for p in path.iterdir()} == {
            f"{session_id}.json": 0o600,
            f"{session_id}.history.jsonl": 0o600,
            f"{session_id}.json.lock": 0o600,
            ".workspace.lock": 0o600,
        }
    finally:
        shutil.rmtree(path, ignore_errors=True)


# ------------------------------------------------------------------------------------------------------------
# Learners: their own sessions only
# ------------------------------------------------------------------------------------------------------------


def test_a_learner_cannot_read_another_learners_file(root: Path, ids: Ids, area: Path) -> None:
    """Bob (same primary group as Alice) cannot open Alice's session file, list her folder or the classroom."""
    session_id = new_session(root, ids.alice, "alice-plan")
    answers = write_answers(area / "alice-answers.json", "starter")
    assert secplan(root, ids.alice, "answers", "import", session_id, str(answers)).code == 0
    path = root / ids.alice.folder / f"{session_id}.json"
    assert as_user(ids.alice, can_open(path)) == "read"
    assert as_user(ids.bob, can_open(path)) == "PermissionError"

    def list_dir(folder: Path) -> Callable[[], str]:
        def attempt() -> str:
            try:
                os.listdir(folder)
            except OSError as exc:
                return type(exc).__name__
            return "listed"

        return attempt

    assert as_user(ids.bob, list_dir(path.parent)) == "PermissionError"
    assert as_user(ids.bob, list_dir(root)) == "PermissionError"  # not even the other learners' names


def test_a_learners_secplan_shows_and_opens_only_their_own_sessions(root: Path, ids: Ids) -> None:
    """Bob's `list` omits Alice's session; `plan`/`answers export` of it fail with a clear message, exit 2."""
    alice_id = new_session(root, ids.alice, "alice-plan")
    bob_id = new_session(root, ids.bob, "bob-plan")
    assert listed(root, ids.bob) == {bob_id: "bob-plan"}
    assert listed(root, ids.alice) == {alice_id: "alice-plan"}
    for args in (("plan", alice_id), ("plan", "alice-plan"), ("answers", "export", alice_id)):
        run = secplan(root, ids.bob, *args)
        assert run.code == 2 and run.out == "", args
        assert "no session with id or name" in run.err and "Traceback" not in run.err, run.err
        assert run.err.count("\n") == 1  # one clear line


def test_history_names_the_learner_by_uid_not_by_user_variable(root: Path, ids: Ids, area: Path) -> None:
    """Answers record the uid's name (here the number: no passwd entry), not $USER, which a learner can set."""
    session_id = new_session(root, ids.alice, "alice-plan")
    answers = write_answers(area / "history-answers.json", "starter")
    os.environ["USER"], old = "bob", os.environ.get("USER")
    try:
        assert secplan(root, ids.alice, "answers", "import", session_id, str(answers)).code == 0
    finally:
        if old is None:
            del os.environ["USER"]
        else:
            os.environ["USER"] = old
    history = Workspace(root).history(session_id)
    assert history and {h.user for h in history} == {str(ids.alice.uid)}


def error_class(action: Callable[[], object]) -> Callable[[], str]:
    """An action that runs ``action`` and names the class and title of the SecplanError it raises ("" if none)."""

    def attempt() -> str:
        try:
            action()
        except SecplanError as exc:
            return f"{type(exc).__name__}: {exc.title}"
        return ""

    return attempt


def test_the_classroom_refusals_have_their_classes(root: Path, ids: Ids, area: Path) -> None:
    """Each refusal is an error of its class: another's folder, session or workspace, or setting up a classroom
    without root, is NotPermitted; a classroom not set up by root is a StoreError; an unknown group or learner is
    NotFound (and nothing is made)."""
    as_user(ids.bob, lambda: os.mkdir(root / ids.alice.folder, 0o777))
    assert as_user(ids.alice, error_class(lambda: Workspace(root))) == "NotPermitted: Not your folder"
    bob_id = new_session(root, ids.bob, "bob-plan")
    assert as_user(ids.trainer, error_class(lambda: Workspace(root).delete(bob_id))) == (
        "NotPermitted: Not yours to change"
    )
    with pytest.raises(NotPermitted):
        Workspace(root).rename(bob_id, "taken over")
    assert as_user(ids.trainer, error_class(lambda: init_classroom(area / "by-trainer-2", str(ids.trainers)))) == (
        "NotPermitted: Classroom not set up"
    )
    others = area / f"bobs-{root.name}"
    trap = area / f"trap-{root.name}"
    try:
        for folder in (others, trap):
            folder.mkdir(mode=0o755)
            os.chown(folder, ids.bob.uid, ids.bob.gid)
        (trap / CLASSROOM_MARKER).write_text(json.dumps({"format": 1, "gid": ids.students, "group": "students"}))
        os.chown(trap / CLASSROOM_MARKER, ids.bob.uid, ids.bob.gid)
        assert as_user(ids.alice, error_class(lambda: Workspace(others))) == "NotPermitted: Not your workspace"
        assert as_user(ids.alice, error_class(lambda: Workspace(trap))) == "StoreError: Untrusted classroom"
    finally:
        shutil.rmtree(others, ignore_errors=True)
        shutil.rmtree(trap, ignore_errors=True)
    with pytest.raises(NotFound, match="no group"):
        init_classroom(area / "no-group", "no-such-group-61499")
    with pytest.raises(NotFound, match="no user"):
        init_classroom(area / "no-user", str(ids.trainers), ["no-such-user-61499"])
    assert not (area / "no-group").exists() and not (area / "no-user").exists()


def test_a_folder_taken_by_another_learner_is_refused(root: Path, ids: Ids) -> None:
    """If Bob makes a folder with Alice's name first, Alice's `new` refuses to save there, naming the owner."""
    squat = root / ids.alice.folder
    as_user(ids.bob, lambda: os.mkdir(squat, 0o777))
    run = secplan(root, ids.alice, "new", "alice-plan", "--questionnaire", "starter")
    assert run.code == 1 and "Traceback" not in run.err
    assert "Not your folder" in run.err and f"belongs to {ids.bob.uid}" in run.err
    assert os.listdir(squat) == []


def test_ids_stay_unique_across_learners(root: Path, ids: Ids, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two learners who draw the same random id get different ids: the id register refuses the second."""
    draws = iter(["0000aaaa", "0000aaaa", "0000bbbb"])
    monkeypatch.setattr(store_operations, "_new_session_id", lambda: next(draws))  # each child starts at the top
    alice_id = new_session(root, ids.alice, "alice-plan")
    bob_id = new_session(root, ids.bob, "bob-plan")
    assert (alice_id, bob_id) == ("0000aaaa", "0000bbbb")
    assert listed(root, ids.trainer) == {alice_id: "alice-plan", bob_id: "bob-plan"}


def test_data_dir_inside_the_classroom_is_refused(root: Path, ids: Ids) -> None:
    """--data-dir pointing at a learner's folder is refused, naming the classroom to use instead."""
    new_session(root, ids.alice, "alice-plan")
    run = secplan(root / ids.alice.folder, ids.alice, "list")
    assert run.code == 2 and f"--data-dir {root}" in run.err and "Traceback" not in run.err
    assert mode(root / ids.alice.folder) == 0o2750


# ------------------------------------------------------------------------------------------------------------
# Trainers: read everyone's, change nobody's
# ------------------------------------------------------------------------------------------------------------


def test_trainer_lists_reads_and_reports_every_learner(root: Path, ids: Ids, area: Path) -> None:
    """A trainer (group member, not root) lists both learners' sessions, compiles a plan and the class report."""
    alice_id = new_session(root, ids.alice, "alice-plan", scenario=True)
    bob_id = new_session(root, ids.bob, "bob-plan", scenario=True)
    answers = write_answers(area / "report-answers.json", "iso22342")
    assert secplan(root, ids.alice, "answers", "import", alice_id, str(answers)).code == 0
    assert listed(root, ids.trainer) == {alice_id: "alice-plan", bob_id: "bob-plan"}
    assert listed(root, ids.root) == {alice_id: "alice-plan", bob_id: "bob-plan"}
    plan = secplan(root, ids.trainer, "plan", alice_id)
    assert plan.code == 0 and "Penrose Cycles" in plan.out, plan.err
    exported = secplan(root, ids.trainer, "answers", "export", "alice-plan", "--format", "json")
    assert exported.code == 0 and json.loads(exported.out)["answers"]["profile.headcount"] == "micro"
    report = secplan(root, ids.trainer, "exercise", "report")
    assert report.code == 0, report.err
    assert "2 learner sessions" in report.out and "alice-plan" in report.out and "bob-plan" in report.out
    ws = Workspace(root)
    assert ws.owner_of(alice_id) == str(ids.alice.uid) and ws.owner_of(bob_id) == str(ids.bob.uid)


def test_list_in_a_classroom_names_each_sessions_owner_within_80_columns(root: Path, ids: Ids) -> None:
    """A classroom's `list` has an OWNER column (the learner's login, here the uid) and `list --json` an ``owner``
    key; long names are cut with "..." so every line fits 80 columns; a learner sees only their own row."""
    long_name = "Alice Smith - Penrose Cycles exercise, second attempt"
    alice_id = new_session(root, ids.alice, long_name, scenario=True)
    bob_id = new_session(root, ids.bob, "bob-plan")
    run = secplan(root, ids.trainer, "list")
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert lines[0].split() == ["ID", "OWNER", "NAME", "QUESTIONNAIRE", "PROGRESS", "UPDATED"]
    rows = {line.split()[0]: line.split() for line in lines[1:]}
    assert rows[alice_id][1] == str(ids.alice.uid) and rows[bob_id][1] == str(ids.bob.uid)
    assert rows[bob_id][2] == "bob-plan"
    alice_line = next(line for line in lines if line.startswith(alice_id))
    assert re.search(r"  Alice Smith - P[^.]*\.\.\.  iso22342 1\.0 ", alice_line), alice_line  # cut, and says so
    assert long_name not in run.out
    assert any(len(line) == 80 for line in lines), lines  # NAME gave way just enough
    assert all(len(line) <= 80 for line in lines), lines

    as_json = json.loads(secplan(root, ids.trainer, "list", "--json").out)
    assert {item["id"]: item["owner"] for item in as_json} == {alice_id: str(ids.alice.uid), bob_id: str(ids.bob.uid)}
    assert {item["id"]: item["name"] for item in as_json}[alice_id] == long_name  # JSON is never cut
    assert {item["id"]: item["scenario"] for item in as_json} == {alice_id: "bike_shop", bob_id: None}

    own = secplan(root, ids.bob, "list").out.splitlines()
    assert own[0].split()[:2] == ["ID", "OWNER"] and len(own) == 2 and own[1].split()[:2] == [bob_id, str(ids.bob.uid)]


@pytest.mark.parametrize("who", ["trainer", "root"])
def test_nobody_but_the_learner_changes_their_session(root: Path, ids: Ids, area: Path, who: str) -> None:
    """A trainer's or root's import, rename or delete of a learner's session is refused (EACCES), file intact."""
    user = ids.trainer if who == "trainer" else ids.root
    session_id = new_session(root, ids.alice, "alice-plan")
    path = root / ids.alice.folder / f"{session_id}.json"
    before = path.read_bytes()
    answers = write_answers(area / f"intruder-{who}.json", "starter")
    for args in (("answers", "import", session_id, str(answers)), ("delete", "-y", session_id)):
        run = secplan(root, user, *args)
        assert run.code == 1 and "Traceback" not in run.err, run.err
        assert "Not yours to change" in run.err and "EACCES" in run.err
        assert f"'alice-plan' ({session_id})" in run.err and f"belongs to {ids.alice.uid}" in run.err
    with pytest.raises(NotPermitted, match="Not yours to change"):
        Workspace(root).rename(session_id, "taken over")
    assert path.read_bytes() == before and mode(path) == 0o640
    assert sorted(p.name for p in path.parent.iterdir()) == [".workspace.lock", path.name, f"{path.name}.lock"]
    assert listed(root, ids.alice) == {session_id: "alice-plan"}


def test_a_trainer_keeps_own_sessions_beside_the_learners(root: Path, ids: Ids) -> None:
    """A trainer's own session lives in their folder, 0640 like a learner's, and learners cannot see it."""
    own = new_session(root, ids.trainer, "model-demo")
    alice_id = new_session(root, ids.alice, "alice-plan")
    assert listed(root, ids.trainer) == {own: "model-demo", alice_id: "alice-plan"}
    assert listed(root, ids.alice) == {alice_id: "alice-plan"}
    path = root / CLASSROOM_TRAINERS / ids.trainer.folder / f"{own}.json"  # the trainers' own area
    assert mode(path) == 0o640 and owner(path) == (ids.trainer.uid, ids.trainers)
    assert as_user(ids.alice, can_open(path)) == "PermissionError"


def test_links_and_fifos_in_a_learners_folder_do_not_fool_the_trainer(root: Path, ids: Ids) -> None:
    """A learner's symlink to a trainer-only file, or a FIFO, named like a session is not read, nor waited on."""
    alice_id = new_session(root, ids.alice, "alice-plan")
    secret = root.parent / "trainer-secret.json"
    secret.write_bytes((root / ids.alice.folder / f"{alice_id}.json").read_bytes().replace(
        alice_id.encode(), b"5ec12e70"))
    secret.chmod(0o600)  # root's alone: reading it through the link would leak it into the trainer's view

    def plant() -> None:
        folder = root / ids.alice.folder
        os.symlink(secret, folder / "5ec12e70.json")
        os.mkfifo(folder / "f1f0f1f0.json", 0o640)

    try:
        as_user(ids.alice, plant)
        started = time.monotonic()
        run = secplan(root, ids.root, "list", "--json")
        assert time.monotonic() - started < 5
        assert run.code == 0 and [s["id"] for s in json.loads(run.out)] == [alice_id]
        assert "symbolic link" in run.err and "not a regular file" in run.err
    finally:
        secret.unlink()


def test_root_rerunning_init_repairs_a_learner_folder(root: Path, ids: Ids) -> None:
    """After a folder lost its group and a file its mode, init run again by root restores 2750 and 0640."""
    session_id = new_session(root, ids.alice, "alice-plan")
    folder = root / ids.alice.folder
    path = folder / f"{session_id}.json"
    os.chown(folder, -1, ids.students)
    path.chmod(0o600)
    assert as_user(ids.trainer, can_open(path)) == "PermissionError"
    lines = init_classroom(root, str(ids.trainers))
    assert any("Repaired 1 learner folder(s) and 1 session file(s)" in line for line in lines)
    assert owner(folder) == (ids.alice.uid, ids.trainers) and mode(folder) == 0o2750
    assert owner(path) == (ids.alice.uid, ids.trainers) and mode(path) == 0o640
    assert as_user(ids.trainer, can_open(path)) == "read"


def test_a_folder_without_the_trainers_group_keeps_files_private(root: Path, ids: Ids, area: Path) -> None:
    """If a learner's folder lost the trainers' group, new saves stay 0600 (never 0640 to the students group)."""
    session_id = new_session(root, ids.alice, "alice-plan")
    folder = root / ids.alice.folder
    os.chown(folder, -1, ids.students)  # as if the set-up had gone wrong: new files would get 'students'
    folder.chmod(0o2750)
    answers = write_answers(area / "private-answers.json", "starter")
    run = secplan(root, ids.alice, "answers", "import", session_id, str(answers))
    assert run.code == 0 and "trainers cannot read them" in run.err
    path = folder / f"{session_id}.json"
    assert owner(path) == (ids.alice.uid, ids.students) and mode(path) == 0o600
    assert as_user(ids.bob, can_open(path)) == "PermissionError"


def test_broken_marker_gives_a_clear_error(root: Path, ids: Ids) -> None:
    """A marker that is not what init writes stops secplan with a message telling to run init again."""
    (root / CLASSROOM_MARKER).write_text("not json")
    run = secplan(root, ids.alice, "list")
    assert run.code == 1 and "Classroom set-up broken" in run.err and "classroom init" in run.err
    assert "Traceback" not in run.err


def test_an_unreadable_bundled_scenarios_folder_is_one_clear_line(
    area: Path, ids: Ids, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A learner who cannot read the bundled scenarios folder gets one line naming it and what to do, exit 1."""
    bundled = area / "locked-bundle"
    shutil.copytree(catalogue.BUNDLED_DIR, bundled)
    try:
        for path in [bundled, *bundled.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        (bundled / "scenarios").chmod(0o700)  # root's: the learner cannot list it
        monkeypatch.setattr(catalogue, "BUNDLED_DIR", bundled)
        monkeypatch.setenv("SECPLAN_QUESTIONNAIRES", str(bundled))
        data = area / "unreadable-scenarios"
        data.mkdir(mode=0o777)
        data.chmod(0o777)
        run = secplan(data / "ws", ids.alice, "new", "alice-plan", "--scenario", "bike_shop")
        assert run.code == 1, run.err
        lines = run.err.strip().splitlines()
        assert len(lines) == 1 and "internal error" not in run.err, run.err
        assert str(bundled / "scenarios") in lines[0] and "readable" in lines[0]
        # root reads it, so the same command works for root: the message is about this user's rights
        assert secplan(data / "root-ws", ids.root, "new", "root-plan", "--scenario", "bike_shop").code == 0
        # a scenario file the learner cannot read, in a folder they can: the same kind of line, naming the file
        (bundled / "scenarios").chmod(0o755)
        (bundled / "scenarios" / "bike_shop.yaml").chmod(0o600)
        run = secplan(data / "ws", ids.alice, "new", "alice-plan", "--scenario", "bike_shop")
        assert run.code == 1 and len(run.err.strip().splitlines()) == 1, run.err
        assert str(bundled / "scenarios" / "bike_shop.yaml") in run.err and "readable" in run.err
        # a questionnaire file the learner cannot read: the same kind of line, naming the file
        (bundled / "starter.yaml").chmod(0o600)
        for args in (["new", "starter-plan", "--questionnaire", "starter"], ["show", "starter"]):
            run = secplan(data / "ws", ids.alice, *args)
            assert run.code == 1 and len(run.err.strip().splitlines()) == 1, run.err
            assert str(bundled / "starter.yaml") in run.err and "cannot be read by this user" in run.err
    finally:
        shutil.rmtree(bundled, ignore_errors=True)
        shutil.rmtree(area / "unreadable-scenarios", ignore_errors=True)
