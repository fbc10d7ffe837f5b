"""The session format 2 (history journal, snapshot files) and the upgrade of format-1 files kept as a fixture.

The fixture ``fixtures/format1/f0e1d2c3.json`` was written by secplan before format 2 (commit f8e2669): the starter
questionnaire answered as the small-office example, 36 history entries, one snapshot "Before review", then one
answer changed to "don't know". ``fixtures/format1/1ea2e2c4.json``, from the same secplan, is a learner's session
("Robin", scenario bike_shop) with one model answer left out and one changed and changed back.
"""

from __future__ import annotations

import errno
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from secplan_tui.cli.main import main
from secplan_tui.core.errors import WriteFailed
from secplan_tui.store import AtomicJSONStorage, MemoryWorkspace, SessionStore, Workspace

FIXTURE = Path(__file__).parent / "fixtures" / "format1" / "f0e1d2c3.json"
OLD_ID = "f0e1d2c3"
WRITER = Path(__file__).with_name("store_writer.py")
OLD = json.loads(FIXTURE.read_bytes())
OLD_ANSWERS = {doc["question"]: doc["value"] for _, doc in sorted(OLD["answers"].items(), key=lambda i: int(i[0]))}
OLD_HISTORY = [
    (d["question"], d["value"], d["at"], d["user"]) for _, d in sorted(OLD["history"].items(), key=lambda i: int(i[0]))
]
OLD_PLAN = OLD["snapshots"]["1"]["plan"]


def old_workspace(path: Path) -> Workspace:
    """A workspace holding a copy of the format-1 fixture (mode 0600, as secplan wrote it)."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    shutil.copy(FIXTURE, path / f"{OLD_ID}.json")
    os.chmod(path / f"{OLD_ID}.json", 0o600)
    return Workspace(path, user=lambda: "tester")


@pytest.fixture(params=["disk", "memory"])
def old_store(request: pytest.FixtureRequest, tmp_path: Path) -> SessionStore:
    """Both twins holding the format-1 fixture."""
    if request.param == "disk":
        return old_workspace(tmp_path / "ws")
    store = MemoryWorkspace(user=lambda: "tester")
    store.files[f"{OLD_ID}.json"] = FIXTURE.read_bytes()
    return store


def history_of(store: SessionStore) -> list[tuple[Any, ...]]:
    return [(h.question, h.value, h.at, h.user) for h in store.history(OLD_ID)]


def files_of(store: SessionStore) -> dict[str, bytes]:
    if isinstance(store, Workspace):
        return {p.name: p.read_bytes() for p in store.path.iterdir() if not p.name.endswith(".lock")}
    assert isinstance(store, MemoryWorkspace)
    return dict(store.files)


# ------------------------------------------------------------------------------------------------------------
# Reading format 1, upgrading it
# ------------------------------------------------------------------------------------------------------------


def test_format1_is_read_as_it_is(old_store: SessionStore) -> None:
    """A format-1 session lists and reads (answers, history, snapshots) and reading writes nothing."""
    before = files_of(old_store)
    (meta,) = old_store.sessions()
    assert (meta.id, meta.name, meta.status, meta.answered, meta.total) == (OLD_ID, "Old office", "complete", 35, 35)
    assert old_store.answers(OLD_ID) == OLD_ANSWERS
    assert history_of(old_store) == OLD_HISTORY and len(OLD_HISTORY) == 36
    (snapshot,) = old_store.snapshots(OLD_ID)
    assert (snapshot.id, snapshot.label, snapshot.plan) == (1, "Before review", OLD_PLAN)
    assert old_store.action_statuses(OLD_ID) == {} and old_store.action_history(OLD_ID) == []
    assert files_of(old_store) == before


def test_first_change_upgrades_in_place(old_store: SessionStore) -> None:
    """The first change writes format 2: the history moves to the journal, the snapshot to its file, nothing
    is lost, and the backup of the old file is gone once the new one reads back."""
    old_store.save_answer(OLD_ID, "profile.org_name", "Riverside Travel Group")
    files = files_of(old_store)
    assert sorted(files) == [f"{OLD_ID}.history.jsonl", f"{OLD_ID}.json", f"{OLD_ID}.snap-0001.json"]
    main_file = json.loads(files[f"{OLD_ID}.json"])
    assert main_file["meta"]["1"]["format"] == 2 and "history" not in main_file
    assert main_file["snapshots"] == {"1": {"at": OLD["snapshots"]["1"]["at"], "label": "Before review"}}
    assert main_file["journal"] == {"1": {"bytes": len(files[f"{OLD_ID}.history.jsonl"])}}
    assert history_of(old_store)[:36] == OLD_HISTORY
    assert history_of(old_store)[36][:2] == ("profile.org_name", "Riverside Travel Group")
    assert len(old_store.history(OLD_ID)) == 37
    assert old_store.answers(OLD_ID) == {**OLD_ANSWERS, "profile.org_name": "Riverside Travel Group"}
    (snapshot,) = old_store.snapshots(OLD_ID)
    assert (snapshot.label, snapshot.at, snapshot.plan) == ("Before review", OLD["snapshots"]["1"]["at"], OLD_PLAN)
    assert old_store.meta(OLD_ID).name == "Old office"
    old_store.add_snapshot(OLD_ID, "After review", {"title": "new"})
    assert [s.label for s in old_store.snapshots(OLD_ID)] == ["Before review", "After review"]


def test_status_change_upgrades_too(old_store: SessionStore) -> None:
    """Any change upgrades, an action status or a snapshot as well as an answer."""
    old_store.set_action_status(OLD_ID, "act.backup", "doing")
    assert history_of(old_store) == OLD_HISTORY
    assert [s.status for s in old_store.action_history(OLD_ID)] == ["doing"]
    assert [s.plan for s in old_store.snapshots(OLD_ID)] == [OLD_PLAN]


def test_upgrade_in_snapshot_change(old_store: SessionStore) -> None:
    """A snapshot taken on a format-1 session is numbered after the old ones and kept in its own file."""
    taken = old_store.add_snapshot(OLD_ID, "Next year", {"title": "next"})
    assert taken.id == 2
    assert [(s.id, s.label) for s in old_store.snapshots(OLD_ID)] == [(1, "Before review"), (2, "Next year")]
    assert old_store.snapshots(OLD_ID)[0].plan == OLD_PLAN


class Killed(BaseException):
    """Stands for a SIGKILL at one step of a save: nothing after it runs (a BaseException, so nothing catches)."""


def kill_at(monkeypatch: pytest.MonkeyPatch, step: int) -> list[str]:
    """Make the step-th write of a save (the journal, a snapshot or backup, the session file, the backup's
    removal) die: even steps die before the write, odd steps after it (a journal append dies half-way)."""
    calls: list[str] = []

    def wrap(owner: Any, name: str) -> None:
        real = getattr(owner, name)

        def fake(self: Any, *args: Any) -> Any:
            index = len(calls)
            calls.append(name)
            if index == step // 2 and step % 2 == 0:
                if name == "_journal_append":  # a torn append: half of the lines, then death
                    session_id, committed, payload = args
                    real(self, session_id, committed, payload[: len(payload) // 2])
                raise Killed(name)
            result = real(self, *args)
            if index == step // 2:
                raise Killed(name)
            return result

        monkeypatch.setattr(owner, name, fake)

    for name in ("_side_write", "_journal_append", "_side_remove"):
        wrap(Workspace, name)
    wrap(AtomicJSONStorage, "save")
    return calls


def test_kill_at_any_step_of_the_upgrade_loses_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A save that upgrades the fixture, killed before or after each of its writes, leaves a readable session
    holding everything it held (and the new answer or not); the next change finishes the upgrade."""
    steps_seen = 0
    for step in range(40):
        ws = old_workspace(tmp_path / f"ws{step}")
        calls = kill_at(monkeypatch, step)
        try:
            ws.save_answer(OLD_ID, "profile.org_name", "New name")
        except Killed:
            killed = True
        else:
            killed = False
        monkeypatch.undo()
        fresh = Workspace(ws.path, user=lambda: "tester")
        assert fresh.notices == [], (step, calls)
        answers = fresh.answers(OLD_ID)
        assert answers in (OLD_ANSWERS, {**OLD_ANSWERS, "profile.org_name": "New name"}), (step, calls)
        history = history_of(fresh)
        assert history[:36] == OLD_HISTORY and len(history) == 36 + (answers != OLD_ANSWERS), (step, calls)
        assert [s.plan for s in fresh.snapshots(OLD_ID)] == [OLD_PLAN], (step, calls)
        fresh.save_answer(OLD_ID, "profile.org_name", "Later name")
        assert history_of(fresh)[:36] == OLD_HISTORY and fresh.answers(OLD_ID)["profile.org_name"] == "Later name"
        assert not (ws.path / f"{OLD_ID}.json.format1-backup").exists(), (step, calls)
        assert json.loads((ws.path / f"{OLD_ID}.json").read_bytes())["meta"]["1"]["format"] == 2
        if not killed:
            steps_seen = step
            break
    assert steps_seen >= 10, f"the upgrade made only {steps_seen // 2} writes: the kills proved little"


def test_backup_of_an_unconfirmed_upgrade_is_swept_once_the_new_file_reads(tmp_path: Path) -> None:
    """A backup left by a kill after the commit goes at the next start; one next to a format-1 file stays."""
    ws = old_workspace(tmp_path / "ws")
    backup = ws.path / f"{OLD_ID}.json.format1-backup"
    shutil.copy(FIXTURE, backup)
    Workspace(ws.path)
    assert backup.exists()  # the session file is still format 1: the upgrade did not happen
    ws.save_answer(OLD_ID, "profile.org_name", "x")
    assert not backup.exists()
    shutil.copy(FIXTURE, backup)
    Workspace(ws.path)
    assert not backup.exists()


@pytest.mark.slow
def test_real_kills_during_the_upgrade(tmp_path: Path) -> None:
    """SIGKILLs a few milliseconds into a writer's first save of the fixture: nothing is ever lost or torn."""
    rng = random.Random()
    killed_before_upgrade = killed_after = 0
    for run in range(25):
        data = tmp_path / f"ws{run}"
        old_workspace(data)
        proc = subprocess.Popen(
            [sys.executable, str(WRITER), "gated", str(data)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert proc.stdout is not None and proc.stdin is not None
        assert proc.stdout.readline() == b"ready\n"
        proc.stdin.write(f"go {OLD_ID} 1000\n".encode())
        proc.stdin.flush()
        time.sleep(rng.uniform(0, 0.02))
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
        fresh = Workspace(data)
        assert fresh.notices == [] and [m.id for m in fresh.sessions()] == [OLD_ID], run
        assert history_of(fresh)[:36] == OLD_HISTORY, run
        assert [s.plan for s in fresh.snapshots(OLD_ID)] == [OLD_PLAN], run
        upgraded = "journal" in json.loads((data / f"{OLD_ID}.json").read_bytes())
        killed_after += upgraded
        killed_before_upgrade += not upgraded
    print(f"killed before the upgrade committed: {killed_before_upgrade}, after: {killed_after}")


# ------------------------------------------------------------------------------------------------------------
# The commands on a format-1 session
# ------------------------------------------------------------------------------------------------------------


def cli(data: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    try:
        status = main(["--data-dir", str(data), *args])
    except SystemExit as exc:
        status = int(exc.code or 0)
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize("upgraded", [False, True])
def test_list_plan_diff_work_on_both_formats(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], upgraded: bool
) -> None:
    """`list`, `plan`, `diff` against the snapshot and `answers export` give the same output before and after
    the upgrade, and the read-only commands leave a format-1 file as it is."""
    outputs: dict[bool, list[str]] = {}
    for upgrade in (False, True):
        data = tmp_path / f"ws-{upgrade}"
        ws = old_workspace(data)
        if upgrade:
            ws.update_meta(OLD_ID, status="complete")  # no change: nothing written, still format 1
            ws.set_action_status(OLD_ID, "act.x", "todo")
            assert "journal" in json.loads((data / f"{OLD_ID}.json").read_bytes())
        before = (data / f"{OLD_ID}.json").read_bytes()
        results = [
            cli(data, capsys, "list", "--json"),
            cli(data, capsys, "plan", OLD_ID, "--format", "md", "--date", "2025-06-01"),
            cli(data, capsys, "diff", f"{OLD_ID}@1", OLD_ID, "--date", "2025-06-01"),
            cli(data, capsys, "answers", "export", OLD_ID, "--format", "json"),
        ]
        for status, _out, err in results:
            assert status == 0, err
        assert (data / f"{OLD_ID}.json").read_bytes() == before
        listed = json.loads(results[0][1])
        assert [s["id"] for s in (listed if isinstance(listed, list) else listed["sessions"])] == [OLD_ID]
        assert "profile.cloud" in results[2][1] or "cloud" in results[2][1].lower()
        outputs[upgrade] = [out for _, out, _ in results[1:]]
    assert outputs[False] == outputs[True]


def test_exercises_work_on_both_formats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`exercise check` and `exercise report` give the same output on a format-1 learner session and after its
    upgrade, and leave the format-1 file as it is."""
    learner = FIXTURE.with_name("1ea2e2c4.json")
    outputs = []
    for upgrade in (False, True):
        data = tmp_path / f"ws-{upgrade}"
        data.mkdir(mode=0o700)
        shutil.copy(learner, data / learner.name)
        os.chmod(data / learner.name, 0o600)
        if upgrade:
            Workspace(data).set_action_status("1ea2e2c4", "act.x", "todo")
            assert "journal" in json.loads((data / learner.name).read_bytes())
        before = (data / learner.name).read_bytes()
        results = [
            cli(data, capsys, "exercise", "check", "Robin"),
            cli(data, capsys, "exercise", "check", "1ea2e2c4", "--json"),
            cli(data, capsys, "exercise", "report"),
        ]
        for status, _out, err in results:
            assert status == 0, err
        assert (data / learner.name).read_bytes() == before
        assert json.loads(results[1][1])["score"] < 100  # one model answer is missing
        outputs.append([out for _, out, _ in results])
    assert outputs[0] == outputs[1]


# ------------------------------------------------------------------------------------------------------------
# Format 2: the journal and the snapshot files
# ------------------------------------------------------------------------------------------------------------


def test_torn_journal_tail_is_ignored_and_replaced(tmp_path: Path) -> None:
    """Bytes a killed writer appended past the committed length (a torn line) are not history, and the next
    save writes over them."""
    ws = Workspace(tmp_path / "ws", user=lambda: "tester")
    session_id = ws.create("A", "sme", "1", "h").id
    ws.save_answer(session_id, "q", "a")
    journal = ws.path / f"{session_id}.history.jsonl"
    committed = journal.read_bytes()
    with open(journal, "ab") as handle:
        handle.write(b'{"at":"2025-01-01T00:00:00.000000Z","kind":"answer","question":"q","user":"x","val')
    assert [h.value for h in ws.history(session_id)] == ["a"]
    ws.save_answer(session_id, "q", "b")
    raw = journal.read_bytes()
    assert raw.startswith(committed) and raw.count(b"\n") == 2 and b"val\x22" not in raw[len(committed) :]
    assert [h.value for h in ws.history(session_id)] == ["a", "b"]


def test_saves_never_read_the_journal_or_snapshots(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What only grows is never read by a save, so a save costs the same in an old session as in a new one."""
    ws = Workspace(tmp_path / "ws")
    session_id = ws.create("A", "sme", "1", "h").id
    ws.save_answers(session_id, {f"q{n}": n for n in range(50)})
    ws.add_snapshot(session_id, "s", {"big": list(range(1000))})

    def refuse(*args: Any) -> bytes:
        raise AssertionError("a save read a history or snapshot file")

    monkeypatch.setattr(Workspace, "_side_read", refuse)
    ws.save_answer(session_id, "q1", "changed")
    ws.clear_answer(session_id, "q2")
    ws.set_action_status(session_id, "act.x", "done")
    ws.add_snapshot(session_id, "t", {"k": 1})
    ws.rename(session_id, "B")
    main_file = (ws.path / f"{session_id}.json").read_bytes()
    assert b"big" not in main_file and b"changed" in main_file


def test_snapshot_files_are_written_once(tmp_path: Path) -> None:
    """A snapshot file is never rewritten by later changes or later snapshots."""
    ws = Workspace(tmp_path / "ws")
    session_id = ws.create("A", "sme", "1", "h").id
    ws.add_snapshot(session_id, "first", {"n": 1})
    path = ws.path / f"{session_id}.snap-0001.json"
    before = (path.read_bytes(), path.stat().st_ino, path.stat().st_mtime_ns)
    ws.save_answer(session_id, "q", "a")
    ws.add_snapshot(session_id, "second", {"n": 2})
    assert (path.read_bytes(), path.stat().st_ino, path.stat().st_mtime_ns) == before


def test_unreadable_snapshot_file_is_left_out_with_a_notice(old_store: SessionStore) -> None:
    """A snapshot whose file is damaged is reported and left out; the other snapshots and the session stay."""
    old_store.add_snapshot(OLD_ID, "second", {"n": 2})
    name = f"{OLD_ID}.snap-0001.json"
    if isinstance(old_store, Workspace):
        (old_store.path / name).write_bytes(b"{broken")
    else:
        assert isinstance(old_store, MemoryWorkspace)
        old_store.files[name] = b"{broken"
    assert [s.label for s in old_store.snapshots(OLD_ID)] == ["second"]
    assert any("Snapshot 1" in n and name in n for n in old_store.notices)


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc/self/fd")
def test_journal_write_failure_leaves_the_session_unchanged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A full disk while appending the history: NOT saved, the session file byte-identical, no phantom entry."""
    ws = Workspace(tmp_path / "ws")
    session_id = ws.create("Acme Ltd", "sme", "1", "h").id
    ws.save_answer(session_id, "q", "old")
    path = ws.session_path(session_id)
    before = path.read_bytes()
    real_pwrite = os.pwrite

    def full(fd: int, data: Any, offset: int) -> int:
        if os.readlink(f"/proc/self/fd/{fd}").endswith(".history.jsonl"):
            real_pwrite(fd, bytes(data[:10]), offset)
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_pwrite(fd, data, offset)

    monkeypatch.setattr(os, "pwrite", full)
    with pytest.raises(WriteFailed) as caught:
        ws.save_answer(session_id, "q", "new")
    monkeypatch.undo()
    message = caught.value.message
    assert "NOT saved" in message and "ENOSPC" in message and "unchanged" in message
    assert path.read_bytes() == before
    assert [h.value for h in ws.history(session_id)] == ["old"]
    ws.save_answer(session_id, "q", "after")
    assert [h.value for h in ws.history(session_id)] == ["old", "after"]


def test_delete_removes_every_file_of_the_session(old_store: SessionStore) -> None:
    """Deleting a session removes its journal and snapshot files too, and nothing of another session."""
    other = old_store.create("Other", "sme", "1", "h").id
    old_store.save_answer(other, "q", "a")
    old_store.save_answer(OLD_ID, "q", "a")
    old_store.add_snapshot(OLD_ID, "s", {"k": 1})
    old_store.delete(OLD_ID)
    names = sorted(files_of(old_store))
    assert names == [f"{other}.history.jsonl", f"{other}.json"] and not any(OLD_ID in n for n in names)


@pytest.mark.parametrize("twin", ["disk", "memory"])
def test_missing_journal_found_by_a_save_starts_a_new_history(tmp_path: Path, twin: str) -> None:
    """A save that finds the journal gone (or cut) starts a new one and says so; the save itself succeeds."""
    store: SessionStore = Workspace(tmp_path / "ws") if twin == "disk" else MemoryWorkspace()
    session_id = store.create("A", "sme", "1", "h").id
    store.save_answer(session_id, "q", "a")
    if isinstance(store, Workspace):
        (store.path / f"{session_id}.history.jsonl").unlink()
    else:
        assert isinstance(store, MemoryWorkspace)
        del store.files[f"{session_id}.history.jsonl"]
    store.save_answer(session_id, "q", "b")
    assert store.answers(session_id) == {"q": "b"} and [h.value for h in store.history(session_id)] == ["b"]
    assert any("a new history starts now" in n for n in store.notices)
    if isinstance(store, Workspace):
        assert not list(store.path.glob("*.corrupt-*"))  # nothing was there to keep
