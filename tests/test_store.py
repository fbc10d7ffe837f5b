"""Tests of the session store: every behaviour against both twins, then what only the disk workspace does."""

from __future__ import annotations

import copy
import errno
import getpass
import json
import os
import pickle
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from secplan_tui.core.errors import (
    AlreadyExists,
    Ambiguous,
    InvalidInput,
    NotFound,
    SecplanError,
    SessionTooNew,
    SessionUnreadable,
    StoreBusy,
    StoreError,
    WriteFailed,
)
from secplan_tui.core.files import AtomicWriteError
from secplan_tui.store import (
    DEAD_WRITER_GRACE,
    STALE_TEMP_AGE,
    HistoryEntry,
    MemoryWorkspace,
    SessionStore,
    Workspace,
    default_data_dir,
)
from secplan_tui.store import operations as store_operations
from secplan_tui.store import storage as store_storage

WRITER = Path(__file__).with_name("store_writer.py")
START = datetime(2025, 1, 31, 9, 0, 0, tzinfo=UTC)


class Clock:
    """A clock that moves one second on every reading, so every change has its own time."""

    def __init__(self, start: datetime = START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@pytest.fixture(params=["disk", "memory"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> SessionStore:
    """Each behaviour test runs against the disk workspace and its in-memory twin."""
    if request.param == "disk":
        return Workspace(tmp_path / "ws", clock=Clock(), user=lambda: "tester")
    return MemoryWorkspace(clock=Clock(), user=lambda: "tester")


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    """A disk workspace with a ticking clock."""
    return Workspace(tmp_path / "ws", clock=Clock(), user=lambda: "tester")


def new(store: SessionStore, name: str = "Acme Ltd", **kwargs: Any) -> str:
    return store.create(name, "sme", "1.0", "sha256:abc", **kwargs).id


def raw_of(store: SessionStore, session_id: str) -> bytes:
    if isinstance(store, Workspace):
        return store.session_path(session_id).read_bytes()
    assert isinstance(store, MemoryWorkspace)
    return store.files[f"{session_id}.json"]


def put_raw(store: SessionStore, session_id: str, raw: bytes) -> None:
    """Store a session file as if copied in from elsewhere (a backup, another machine)."""
    if isinstance(store, Workspace):
        store.session_path(session_id).write_bytes(raw)
    else:
        assert isinstance(store, MemoryWorkspace)
        store.files[f"{session_id}.json"] = raw


def copy_session(store: SessionStore, session_id: str, new_id: str) -> None:
    """Copy a session under another id, keeping its name: how two sessions can end up with one name."""
    data = json.loads(raw_of(store, session_id))
    data["meta"]["1"]["id"] = new_id
    put_raw(store, new_id, json.dumps(data).encode())


# ------------------------------------------------------------------------------------------------------------
# Behaviour of both twins
# ------------------------------------------------------------------------------------------------------------


def test_create_returns_full_meta(store: SessionStore) -> None:
    """create returns an in-progress session with its questionnaire pinned and equal created/updated times."""
    meta = store.create("Acme Ltd", "sme", "1.2", "sha256:abc", scenario="bakery")
    assert len(meta.id) == 8 and all(c in "0123456789abcdef" for c in meta.id)
    assert (meta.name, meta.questionnaire_id, meta.questionnaire_version) == ("Acme Ltd", "sme", "1.2")
    assert meta.questionnaire_hash == "sha256:abc" and meta.scenario == "bakery"
    assert meta.status == "in_progress" and (meta.answered, meta.total) == (0, 0)
    assert meta.created == meta.updated == iso(START + timedelta(seconds=1))
    assert datetime.fromisoformat(meta.created).utcoffset() == timedelta(0)
    assert store.meta(meta.id) == meta


def test_meta_is_a_plain_value(store: SessionStore) -> None:
    """SessionMeta copies and pickles, and changing a returned copy changes nothing stored."""
    session_id = new(store)
    meta = store.save_answer(session_id, "q", "a", progress={"answered": 1, "total": 4})
    assert copy.deepcopy(meta) == meta == pickle.loads(pickle.dumps(meta))  # noqa: S301 - our own bytes
    meta.progress["answered"] = 99  # type: ignore[index]
    assert store.meta(session_id).answered == 1


def test_created_session_is_listed_and_empty(store: SessionStore) -> None:
    """A new session is listed, with no answers, history or snapshots."""
    session_id = new(store)
    assert [m.id for m in store.sessions()] == [session_id]
    assert store.answers(session_id) == {} and store.history(session_id) == []
    assert store.snapshots(session_id) == []


def test_ids_are_distinct(store: SessionStore) -> None:
    """Every session gets its own id."""
    ids = {new(store, f"Org {n}") for n in range(30)}
    assert len(ids) == 30


def test_duplicate_name_refused_ignoring_case(store: SessionStore) -> None:
    """A name already used, in any case, is refused with the other session's id."""
    first = new(store, "Acme Ltd")
    with pytest.raises(AlreadyExists) as caught:
        new(store, "  ACME ltd ")
    assert first in caught.value.message and "Acme Ltd" in caught.value.message
    assert len(store.sessions()) == 1


@pytest.mark.parametrize("name", ["", "   ", "evil\x1b[31mred", "tab\there", "x" * 81])
def test_bad_names_refused(store: SessionStore, name: str) -> None:
    """Empty names, control characters and over-long names are refused and nothing is created."""
    with pytest.raises(InvalidInput) as caught:
        new(store, name)
    assert type(caught.value) is InvalidInput  # bad input, not a name that is taken
    assert store.sessions() == []


def test_name_is_trimmed(store: SessionStore) -> None:
    """Surrounding spaces are not part of the name."""
    assert store.create("  Acme  ", "sme", "1", "h").name == "Acme"


def test_name_equal_to_another_id_refused(store: SessionStore) -> None:
    """A name that is another session's id would make references ambiguous, so it is refused."""
    other = new(store)
    with pytest.raises(AlreadyExists, match="id of another session"):
        new(store, other.upper())


def test_resolve_by_id_and_name(store: SessionStore) -> None:
    """resolve finds a session by id (any case) or by name (any case, spaces trimmed)."""
    acme, other = new(store, "Acme Ltd"), new(store, "Bakery")
    assert store.resolve(acme).id == acme
    assert store.resolve(acme.upper()).id == acme
    assert store.resolve("acme LTD").id == acme
    assert store.resolve("  bakery ").id == other


def test_resolve_unknown_suggests_close_name(store: SessionStore) -> None:
    """An unknown reference names the workspace and suggests the closest session."""
    acme = new(store, "Acme Ltd")
    with pytest.raises(NotFound) as caught:
        store.resolve("acme ltf")
    assert "Did you mean 'Acme Ltd' (" + acme + ")" in caught.value.message
    assert caught.value.exit_code == 2 and store.location in caught.value.message


def test_resolve_unknown_far_from_everything_has_no_suggestion(store: SessionStore) -> None:
    """A reference like nothing stored gets no suggestion, only the hint to list sessions."""
    new(store, "Acme Ltd")
    with pytest.raises(NotFound) as caught:
        store.resolve("zzzzzzzzzzzzzz")
    assert "Did you mean" not in caught.value.message and "secplan list" in caught.value.message


def test_resolve_empty_reference(store: SessionStore) -> None:
    """An empty reference is bad input, not a lookup."""
    with pytest.raises(InvalidInput) as caught:
        store.resolve("   ")
    assert type(caught.value) is InvalidInput


def test_resolve_ambiguous_name_lists_ids(store: SessionStore) -> None:
    """Two sessions with one name (copied in from elsewhere) make the name ambiguous; the ids are listed."""
    first = new(store, "Acme Ltd")
    copy_session(store, first, "0badc0de")
    with pytest.raises(Ambiguous) as caught:
        store.resolve("acme ltd")
    assert first in caught.value.message and "0badc0de" in caught.value.message
    assert store.resolve("0badc0de").id == "0badc0de"


@pytest.mark.parametrize("value", ["yes", "dont_know", 42, 0, -3, 2.5, ["a", "b"], [], "", "ünïcödé \u2028"])
def test_answer_values_round_trip(store: SessionStore, value: Any) -> None:
    """Every kind of answer comes back equal and of the same type."""
    session_id = new(store)
    store.save_answer(session_id, "q.one", value)
    got = store.answers(session_id)["q.one"]
    assert got == value and type(got) is type(value)


def test_save_overwrites_and_keeps_first_answer_order(store: SessionStore) -> None:
    """A second save replaces the value; answers stay in the order first answered."""
    session_id = new(store)
    store.save_answer(session_id, "b", "1")
    store.save_answer(session_id, "a", "2")
    store.save_answer(session_id, "b", "3")
    assert list(store.answers(session_id).items()) == [("b", "3"), ("a", "2")]


def test_clear_answer_records_none(store: SessionStore) -> None:
    """Clearing removes the answer and records a history entry with value None."""
    session_id = new(store)
    store.save_answer(session_id, "q", "yes")
    store.clear_answer(session_id, "q")
    assert store.answers(session_id) == {}
    assert [(h.question, h.value) for h in store.history(session_id)] == [("q", "yes"), ("q", None)]


def test_clear_unanswered_and_same_value_are_not_changes(store: SessionStore) -> None:
    """Clearing an unanswered question or saving the same value writes nothing and adds no history."""
    session_id = new(store)
    store.save_answer(session_id, "q", 1)
    before = store.meta(session_id)
    store.clear_answer(session_id, "other")
    assert store.save_answer(session_id, "q", 1) == before
    assert len(store.history(session_id)) == 1 and store.meta(session_id).updated == before.updated


def test_int_and_float_are_different_values(store: SessionStore) -> None:
    """Changing 1 to 1.0 (or "1") is a change: the stored type matters."""
    session_id = new(store)
    store.save_answer(session_id, "q", 1)
    store.save_answer(session_id, "q", 1.0)
    store.save_answer(session_id, "q", "1")
    assert [h.value for h in store.history(session_id)] == [1, 1.0, "1"]


def test_history_records_user_and_time(store: SessionStore) -> None:
    """Each change is recorded with its question, value, UTC time and user, oldest first."""
    session_id = new(store)  # clock reading 1
    store.save_answer(session_id, "q1", "a")  # reading 2
    store.save_answers(session_id, {"q2": ["x"], "q3": 7})  # reading 3, one time for the batch
    assert store.history(session_id) == [
        HistoryEntry("q1", "a", iso(START + timedelta(seconds=2)), "tester"),
        HistoryEntry("q2", ["x"], iso(START + timedelta(seconds=3)), "tester"),
        HistoryEntry("q3", 7, iso(START + timedelta(seconds=3)), "tester"),
    ]


def test_history_user_defaults_to_os_user(tmp_path: Path) -> None:
    """Without an injected user, history records the OS user."""
    for store in (Workspace(tmp_path / "ws"), MemoryWorkspace()):
        session_id = new(store)
        store.save_answer(session_id, "q", "a")
        entry = store.history(session_id)[0]
        assert entry.user == getpass.getuser()
        assert datetime.fromisoformat(entry.at).utcoffset() == timedelta(0)


def test_history_keeps_numeric_order_past_nine(store: SessionStore) -> None:
    """History stays in save order beyond ten entries (doc ids sort as text in the file)."""
    session_id = new(store)
    for n in range(12):
        store.save_answer(session_id, "q", n)
    assert [h.value for h in store.history(session_id)] == list(range(12))


@pytest.mark.parametrize(
    "value", [True, float("nan"), float("inf"), {"a": 1}, None, ["a", 1], ("a",), b"bytes"]
)
def test_bad_values_refused(store: SessionStore, value: Any) -> None:
    """Values that are not answers are refused with InvalidInput and nothing is written."""
    session_id = new(store)
    before = raw_of(store, session_id)
    with pytest.raises(InvalidInput, match="answer to 'q'"):
        store.save_answer(session_id, "q", value)
    assert raw_of(store, session_id) == before


@pytest.mark.parametrize("question", ["", "   ", "q\x00", 7])
def test_bad_question_ids_refused(store: SessionStore, question: Any) -> None:
    """A question id must be non-empty text without control characters."""
    session_id = new(store)
    with pytest.raises(InvalidInput):
        store.save_answer(session_id, question, "x")


def test_save_answers_saves_all(store: SessionStore) -> None:
    """save_answers stores every answer and one history entry per changed answer."""
    session_id = new(store)
    store.save_answer(session_id, "a", "old")
    store.save_answers(
        session_id, {"a": "new", "b": 2, "c": ["x", "y"]}, progress={"answered": 3, "total": 9}
    )
    assert store.answers(session_id) == {"a": "new", "b": 2, "c": ["x", "y"]}
    assert [h.question for h in store.history(session_id)] == ["a", "a", "b", "c"]
    assert (store.meta(session_id).answered, store.meta(session_id).total) == (3, 9)


def test_save_answers_is_all_or_nothing(store: SessionStore) -> None:
    """One bad value in save_answers leaves answers, history and meta exactly as they were."""
    session_id = new(store)
    store.save_answer(session_id, "a", "keep")
    before = raw_of(store, session_id)
    with pytest.raises(InvalidInput, match="'c'"):
        store.save_answers(session_id, {"a": "changed", "b": 1, "c": float("nan")})
    assert raw_of(store, session_id) == before
    assert store.answers(session_id) == {"a": "keep"}


def test_progress_and_updated_follow_saves(store: SessionStore) -> None:
    """A save stores the progress given and moves updated forward; without progress the old one stays."""
    session_id = new(store)
    first = store.save_answer(session_id, "q1", "a", progress={"answered": 1, "total": 10})
    second = store.save_answer(session_id, "q2", "b")
    assert (first.answered, first.total) == (1, 10) and (second.answered, second.total) == (1, 10)
    assert second.updated > first.updated > store.meta(session_id).created
    assert store.meta(session_id) == second


def test_progress_alone_is_a_change(store: SessionStore) -> None:
    """New progress with no answer change is still saved."""
    session_id = new(store)
    store.clear_answer(session_id, "nothing", progress={"answered": 0, "total": 12})
    assert store.meta(session_id).total == 12


@pytest.mark.parametrize(
    "progress", [{"answered": 1}, {"answered": -1, "total": 2}, {"answered": True, "total": 1}]
)
def test_bad_progress_refused(store: SessionStore, progress: Any) -> None:
    """Malformed progress is a caller bug: ValueError, nothing written."""
    session_id = new(store)
    with pytest.raises(ValueError, match="progress"):
        store.save_answer(session_id, "q", "a", progress=progress)
    assert store.answers(session_id) == {}


def test_update_meta_fields(store: SessionStore) -> None:
    """update_meta changes status, questionnaire version/hash and scenario, and moves updated."""
    session_id = new(store)
    before = store.meta(session_id)
    after = store.update_meta(
        session_id, status="complete", questionnaire_version="2.0", questionnaire_hash="h2", scenario="s"
    )
    assert (after.status, after.questionnaire_version, after.questionnaire_hash) == ("complete", "2.0", "h2")
    assert after.scenario == "s" and after.updated > before.updated and after.created == before.created
    assert store.meta(session_id) == after
    assert store.update_meta(session_id, scenario=None).scenario is None


def test_update_meta_refuses_unknown_status(store: SessionStore) -> None:
    """A status other than in_progress/complete is refused."""
    session_id = new(store)
    with pytest.raises(ValueError, match="status"):
        store.update_meta(session_id, status="done")  # type: ignore[arg-type]
    assert store.meta(session_id).status == "in_progress"


def test_rename(store: SessionStore) -> None:
    """rename changes the name used by resolve; a name taken by another session is refused."""
    acme, other = new(store, "Acme"), new(store, "Bakery")
    store.rename(acme, "Acme Holdings")
    assert store.resolve("acme holdings").id == acme
    with pytest.raises(AlreadyExists, match="already exists"):
        store.rename(other, "ACME HOLDINGS")
    assert store.rename(acme, "acme holdings").name == "acme holdings"  # its own name in another case is fine


def test_snapshots_round_trip(store: SessionStore) -> None:
    """Snapshots keep label, time and an independent copy of the plan, oldest first."""
    session_id = new(store)
    plan: dict[str, Any] = {"title": "Plan", "actions": [{"id": "a1", "due": "2025-03-01"}], "n": 1.5}
    first = store.add_snapshot(session_id, "draft", plan)
    plan["title"] = "changed after saving"
    store.add_snapshot(session_id, "final", {"title": "Final"})
    snaps = store.snapshots(session_id)
    assert [(s.id, s.label) for s in snaps] == [(1, "draft"), (2, "final")]
    assert snaps[0].plan["title"] == "Plan" and snaps[0] == first
    snaps[0].plan["title"] = "mutated copy"
    assert store.snapshots(session_id)[0].plan["title"] == "Plan"
    assert store.meta(session_id).updated == snaps[1].at


def test_snapshot_plan_must_be_json(store: SessionStore) -> None:
    """A plan that is not JSON is a caller bug and nothing is stored."""
    session_id = new(store)
    with pytest.raises(ValueError, match="JSON"):
        store.add_snapshot(session_id, "bad", {"when": datetime.now()})
    assert store.snapshots(session_id) == []


def test_delete(store: SessionStore) -> None:
    """A deleted session is gone from the list and every lookup."""
    keep, gone = new(store, "Keep"), new(store, "Gone")
    store.save_answer(gone, "q", "a")
    assert store.delete(gone).name == "Gone"
    assert [m.id for m in store.sessions()] == [keep]
    with pytest.raises(NotFound):
        store.resolve("Gone")
    with pytest.raises(NotFound):
        store.answers(gone)
    with pytest.raises(NotFound):
        store.delete(gone)
    assert new(store, "Gone") != gone  # the name is free again


def test_sessions_newest_first(store: SessionStore) -> None:
    """The list is ordered by last update, newest first; a save moves a session to the top."""
    a, b, c = new(store, "A"), new(store, "B"), new(store, "C")
    assert [m.id for m in store.sessions()] == [c, b, a]
    store.save_answer(a, "q", "x")
    assert [m.id for m in store.sessions()] == [a, c, b]


@pytest.mark.parametrize("bad_id", ["", "../../etc/passwd", "ABCDEF12", "abc", "0123456789", "deadbeef"])
def test_unknown_session_ids_refused(store: SessionStore, bad_id: str) -> None:
    """Methods taking an id refuse anything that is not an existing id, including paths."""
    new(store)
    for call in (
        lambda: store.answers(bad_id),
        lambda: store.save_answer(bad_id, "q", "a"),
        lambda: store.delete(bad_id),
        lambda: store.meta(bad_id),
    ):
        with pytest.raises(NotFound, match="no session with id"):
            call()


def test_same_answers_behaviour_in_both_twins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same calls leave byte-identical session files in both twins (same clock, user and id)."""
    disk = Workspace(tmp_path / "ws", clock=Clock(), user=lambda: "u")
    memory = MemoryWorkspace(clock=Clock(), user=lambda: "u")
    monkeypatch.setattr(store_operations, "_new_session_id", lambda: "1234abcd")
    for store in (disk, memory):
        session_id = new(store)
        store.save_answers(session_id, {"a": 1, "b": ["x"]}, progress={"answered": 2, "total": 3})
        store.clear_answer(session_id, "a")
        store.add_snapshot(session_id, "s", {"k": "v"})
        store.set_action_status(session_id, "act.x", "deferred", due="2027-01-01", note="later")
        assert store.action_statuses(session_id)["act.x"].due == "2027-01-01"
    assert disk.action_history("1234abcd") == memory.action_history("1234abcd")
    on_disk = {p.name: p.read_bytes() for p in disk.path.iterdir() if not p.name.endswith(".lock")}
    assert on_disk == memory.files and sorted(on_disk) == [
        "1234abcd.history.jsonl", "1234abcd.json", "1234abcd.snap-0001.json"
    ]


def test_action_status_round_trip(store: SessionStore) -> None:
    """A status is stored with its date, note, time and user; the current one per action, every change kept."""
    session_id = new(store)
    assert store.action_statuses(session_id) == {} and store.action_history(session_id) == []
    first = store.set_action_status(session_id, "act.gov.name_lead", "doing", note="asked Sam")
    later = store.set_action_status(session_id, "act.gov.name_lead", "deferred", due="2027-03-31", note="after audit")
    other = store.set_action_status(session_id, "act.cyber.mfa", "done")
    assert (first.action_id, first.status, first.due, first.note, first.by) == (
        "act.gov.name_lead", "doing", None, "asked Sam", "tester"
    )
    assert (later.status, later.due, later.note) == ("deferred", "2027-03-31", "after audit")
    assert datetime.fromisoformat(later.at).utcoffset() == timedelta(0) and later.at > first.at
    assert store.action_statuses(session_id) == {"act.gov.name_lead": later, "act.cyber.mfa": other}
    assert store.action_history(session_id) == [first, later, other]
    assert store.meta(session_id).updated == other.at
    assert store.answers(session_id) == {} and store.history(session_id) == []


def test_same_action_status_again_is_not_a_change(store: SessionStore) -> None:
    """Setting the status, date and note an action already has writes nothing and returns the stored one."""
    session_id = new(store)
    first = store.set_action_status(session_id, "act.x", "done", note="n")
    updated = store.meta(session_id).updated
    assert store.set_action_status(session_id, "act.x", "done", note="n") == first
    assert len(store.action_history(session_id)) == 1 and store.meta(session_id).updated == updated
    store.set_action_status(session_id, "act.x", "done", note="other note")  # a new note is a change
    assert len(store.action_history(session_id)) == 2


@pytest.mark.parametrize(
    ("action", "status", "due", "note", "match"),
    [
        ("act.x", "finished", None, "", "not an action status"),
        ("act.x", "DONE", None, "", "not an action status"),
        ("act.x", "deferred", None, "", "needs its new due date"),
        ("act.x", "deferred", "31/03/2027", "", "YYYY-MM-DD"),
        ("act.x", "deferred", "2027-02-30", "", "not a day of the calendar"),
        ("act.x", "done", "2027-03-31", "", "only a deferred action"),
        ("act.x", "done", None, "x" * 1001, "1000 or fewer"),
        ("act.x", "done", None, 5, "must be text"),
        ("", "done", None, "", "not an action id"),
        ("act x", "done", None, "", "not an action id"),
        ("act.\x1b[31m", "done", None, "", "not an action id"),
        (None, "done", None, "", "not an action id"),
    ],
)
def test_bad_action_status_refused(
    store: SessionStore, action: Any, status: Any, due: Any, note: Any, match: str
) -> None:
    """Bad ids, statuses, dates and notes are refused with a clear message, and nothing is stored."""
    session_id = new(store)
    before = raw_of(store, session_id)
    with pytest.raises(InvalidInput, match=match) as caught:
        store.set_action_status(session_id, action, status, due=due, note=note)
    assert caught.value.exit_code == 2 and "\x1b" not in caught.value.message
    assert raw_of(store, session_id) == before


def test_action_note_is_cleaned_and_due_may_be_a_date(store: SessionStore) -> None:
    """Escape sequences and line breaks leave the note; a datetime.date is stored as YYYY-MM-DD."""
    from datetime import date

    session_id = new(store)
    saved = store.set_action_status(
        session_id, "act.x", "deferred", due=date(2027, 1, 5), note="  \x1b]0;owned\x07line one\nline\x9b2J two  "  # type: ignore[arg-type]
    )
    assert saved.due == "2027-01-05" and saved.note == "line one line two"
    assert store.action_statuses(session_id)["act.x"].note == "line one line two"


def test_action_history_survives_the_action_leaving(store: SessionStore) -> None:
    """Statuses are kept per action id whatever the answers do: the store never drops them."""
    session_id = new(store)
    store.set_action_status(session_id, "act.gone", "wont", note="no budget")
    store.save_answers(session_id, {"q": "a"})
    store.clear_answer(session_id, "q")
    assert store.action_statuses(session_id)["act.gone"].status == "wont"
    assert [h.note for h in store.action_history(session_id)] == ["no budget"]


def test_action_status_unknown_session_refused(store: SessionStore) -> None:
    """An unknown session is refused like for answers."""
    new(store)
    with pytest.raises(NotFound, match="no session with id"):
        store.set_action_status("deadbeef", "act.x", "done")
    with pytest.raises(NotFound, match="no session with id"):
        store.action_statuses("deadbeef")


def test_answer_notes(store: SessionStore) -> None:
    """A note is saved with its answer and in its history; None keeps it, "" removes it, a new note alone is a
    change, clearing the answer removes its note."""
    session_id = new(store)
    store.save_answer(session_id, "cyber.mfa", "partly", note="asked Sam \x1b[2J\non Monday")
    assert store.answer_notes(session_id) == {"cyber.mfa": "asked Sam on Monday"}
    store.save_answer(session_id, "cyber.mfa", "yes")  # the note stays
    store.save_answer(session_id, "cyber.mfa", "yes", note="now on every account")  # same value, new note
    store.save_answer(session_id, "cyber.mfa", "yes", note="now on every account")  # no change
    store.save_answer(session_id, "other", 3)
    assert store.answer_notes(session_id) == {"cyber.mfa": "now on every account"}
    store.save_answer(session_id, "cyber.mfa", "yes", note="")
    assert store.answer_notes(session_id) == {} and store.answers(session_id) == {"cyber.mfa": "yes", "other": 3}
    store.save_answer(session_id, "cyber.mfa", "no", note="gone")
    store.clear_answer(session_id, "cyber.mfa")
    assert store.answer_notes(session_id) == {}
    assert [(h.value, h.note) for h in store.history(session_id) if h.question == "cyber.mfa"] == [
        ("partly", "asked Sam on Monday"),
        ("yes", "asked Sam on Monday"),
        ("yes", "now on every account"),
        ("yes", ""),
        ("no", "gone"),
        (None, ""),
    ]


def test_save_answers_with_notes(store: SessionStore) -> None:
    """save_answers takes notes for some answers; a note without its answer, or too long, saves nothing."""
    session_id = new(store)
    store.save_answer(session_id, "a", "x", note="kept")
    store.save_answers(session_id, {"a": "y", "b": "z"}, notes={"b": "from the audit"})
    assert store.answer_notes(session_id) == {"a": "kept", "b": "from the audit"}
    before = raw_of(store, session_id)
    with pytest.raises(InvalidInput, match="no answer"):
        store.save_answers(session_id, {"a": "w"}, notes={"c": "stray"})
    with pytest.raises(InvalidInput, match="1000 or fewer"):
        store.save_answers(session_id, {"a": "w"}, notes={"a": "n" * 1001})
    with pytest.raises(InvalidInput, match="must be text"):
        store.save_answer(session_id, "a", "w", note=7)  # type: ignore[arg-type]
    assert raw_of(store, session_id) == before


# ------------------------------------------------------------------------------------------------------------
# The workspace directory
# ------------------------------------------------------------------------------------------------------------


def test_default_data_dir_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """--data-dir wins over SECPLAN_DATA_DIR, which wins over the platform user data dir."""
    import platformdirs

    monkeypatch.setattr(platformdirs, "user_data_dir", lambda *a, **k: str(tmp_path / "platform"))
    monkeypatch.setenv("SECPLAN_DATA_DIR", str(tmp_path / "env"))
    assert default_data_dir(str(tmp_path / "opt")) == tmp_path / "opt"
    assert default_data_dir(None) == tmp_path / "env"
    monkeypatch.setenv("SECPLAN_DATA_DIR", "")
    assert default_data_dir(None) == tmp_path / "platform"
    monkeypatch.delenv("SECPLAN_DATA_DIR")
    assert default_data_dir(None) == tmp_path / "platform"


def test_default_data_dir_is_absolute_and_refuses_empty(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A relative --data-dir becomes absolute; an empty one is bad usage."""
    monkeypatch.chdir(tmp_path)
    assert default_data_dir("rel") == tmp_path / "rel"
    with pytest.raises(InvalidInput):
        default_data_dir("")


@pytest.mark.parametrize("umask", [0o000, 0o022, 0o077, 0o277])
def test_modes_whatever_the_umask(tmp_path: Path, umask: int) -> None:
    """The directory is 0700 and session, history, snapshot and lock files 0600 under any umask."""
    old = os.umask(umask)
    try:
        ws = Workspace(tmp_path / "ws")
        session_id = new(ws)
        ws.save_answer(session_id, "q", "a")
        ws.rename(session_id, "Other")
        ws.add_snapshot(session_id, "s", {"k": 1})
    finally:
        os.umask(old)
    mode = lambda p: stat.S_IMODE(p.stat().st_mode)  # noqa: E731
    assert mode(ws.path) == 0o700
    files = sorted(ws.path.iterdir())
    assert {p.name for p in files} == {
        f"{session_id}.json",
        f"{session_id}.json.lock",
        f"{session_id}.history.jsonl",
        f"{session_id}.snap-0001.json",
        ".workspace.lock",
    }
    assert {p.name: mode(p) for p in files} == {p.name: 0o600 for p in files}


def test_your_own_loose_workspace_is_made_private_once(tmp_path: Path) -> None:
    """An existing workspace of yours open to others (0755) is made private (0700), and the user is told once."""
    path = tmp_path / "ws"
    path.mkdir()
    session_id = Workspace(path).create("acme", "starter", "1", "h").id
    path.chmod(0o755)
    ws = Workspace(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o700
    assert [n for n in ws.notices if "private" in n] == [
        f"The workspace {path} could be read by other users (mode 0755); it is now private (0700)."
    ]
    assert Workspace(path).notices == []  # once
    assert ws.meta(session_id).name == "acme"


def test_a_loose_folder_holding_other_files_is_reported_not_changed(tmp_path: Path) -> None:
    """A folder open to others that holds more than secplan's files (e.g. --data-dir of a project folder) is left
    as it is, and the user is told how to fix it."""
    path = tmp_path / "shared"
    path.mkdir()
    (path / "notes.txt").write_text("mine\n")
    path.chmod(0o755)
    ws = Workspace(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o755
    assert any("chmod 700" in n and str(path) in n for n in ws.notices)
    path.chmod(0o700)
    assert Workspace(path).notices == []


def test_workspace_that_is_a_file_is_refused(tmp_path: Path) -> None:
    """A workspace path that is a file gives a clear error naming it."""
    path = tmp_path / "file"
    path.write_text("x")
    with pytest.raises(StoreError, match="not a directory"):
        Workspace(path)


def test_broken_classroom_marker_stops_with_a_clear_error(tmp_path: Path) -> None:
    """A classroom marker that is not what `classroom init` writes is reported, and nothing is written."""
    path = tmp_path / "class"
    path.mkdir(mode=0o700)
    (path / ".secplan-classroom").write_text("not json")
    with pytest.raises(StoreError, match="Classroom set-up broken.*classroom init"):
        Workspace(path)
    assert sorted(p.name for p in path.iterdir()) == [".secplan-classroom"]


def test_folder_inside_a_classroom_is_refused_as_workspace(tmp_path: Path) -> None:
    """--data-dir naming a folder inside a classroom is refused, naming the classroom to give instead."""
    path = tmp_path / "class"
    path.mkdir(mode=0o700)
    (path / ".secplan-classroom").write_text(json.dumps({"format": 1, "gid": os.getgid(), "group": "me"}))
    with pytest.raises(InvalidInput, match=f"--data-dir {path}") as caught:
        Workspace(path / "someone")
    assert type(caught.value) is InvalidInput
    assert not (path / "someone").exists()  # refused before anything is made
    assert Workspace(path).classroom is not None


def test_file_layout(ws: Workspace) -> None:
    """A session file is JSON with one table per line, keys sorted, ids as TinyDB doc ids; the history is a
    journal of JSON lines whose committed length the session file records; each snapshot is its own file."""
    session_id = new(ws)
    ws.save_answer(session_id, "q", "a", progress={"answered": 1, "total": 2})
    ws.set_action_status(session_id, "act.x", "done", note="n")
    ws.add_snapshot(session_id, "first", {"title": "Plan"})
    raw = ws.session_path(session_id).read_bytes()
    lines = raw.decode("ascii").splitlines()
    assert [line.split(":", 1)[0].lstrip("{") for line in lines] == [
        '"actions"',
        '"answers"',
        '"journal"',
        '"meta"',
        '"snapshots"',
    ]
    data = json.loads(raw)
    assert data["answers"] == {"1": {"question": "q", "value": "a"}}
    assert data["actions"]["1"]["action"] == "act.x" and data["actions"]["1"]["status"] == "done"
    journal = (ws.path / f"{session_id}.history.jsonl").read_bytes()
    assert data["journal"] == {"1": {"bytes": len(journal)}}
    entries = [json.loads(line) for line in journal.splitlines()]
    assert [e["kind"] for e in entries] == ["answer", "action"]
    assert entries[0] == {"at": entries[0]["at"], "kind": "answer", "question": "q", "user": "tester", "value": "a"}
    assert data["snapshots"] == {"1": {"at": data["snapshots"]["1"]["at"], "label": "first"}}
    snap = json.loads((ws.path / f"{session_id}.snap-0001.json").read_bytes())
    assert snap == {"at": data["snapshots"]["1"]["at"], "label": "first", "plan": {"title": "Plan"}}
    meta = data["meta"]["1"]
    assert (
        list(meta) == sorted(meta) and meta["format"] == 2 and meta["progress"] == {"answered": 1, "total": 2}
    )
    assert set(meta) == {
        "created", "format", "id", "name", "progress", "questionnaire_hash", "questionnaire_id",
        "questionnaire_version", "scenario", "status", "updated",
    }  # fmt: skip


def test_file_written_by_other_tools_is_read(ws: Workspace) -> None:
    """A session file re-formatted by hand (indented, keys in any order) is still listed and read."""
    session_id = new(ws)
    ws.save_answer(session_id, "q", "a")
    path = ws.session_path(session_id)
    path.write_text(json.dumps(json.loads(path.read_bytes()), indent=2))
    fresh = Workspace(ws.path)
    assert [m.id for m in fresh.sessions()] == [session_id] and fresh.notices == []
    fresh.save_answer(session_id, "q2", "b")
    assert fresh.answers(session_id) == {"q": "a", "q2": "b"}


def test_list_sees_changes_made_by_another_process(ws: Workspace) -> None:
    """The list reflects saves made through another Workspace object (the meta cache follows the file)."""
    session_id = new(ws)
    assert ws.sessions()[0].total == 0
    Workspace(ws.path).save_answer(session_id, "q", "a", progress={"answered": 1, "total": 5})
    assert ws.sessions()[0].total == 5


def test_unrelated_files_are_ignored(ws: Workspace) -> None:
    """Files that are not <8 hex>.json are neither listed nor moved aside."""
    session_id = new(ws)
    for name in ("notes.txt", "backup.json", "ABCDEF12.json", "12345678.json.bak"):
        (ws.path / name).write_text("not a session")
    fresh = Workspace(ws.path)
    assert [m.id for m in fresh.sessions()] == [session_id] and fresh.notices == []
    assert (ws.path / "notes.txt").exists() and (ws.path / "12345678.json.bak").exists()


def test_one_durable_write_per_save(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    """save_answers of many answers is one commit: one journal append (fsynced), then exactly one replace of the
    session file, its fsync and one directory fsync."""
    session_id = new(ws)
    replaced: list[str] = []
    synced: list[str] = []
    real_replace, real_fsync = os.replace, os.fsync

    def replace(src: Any, dst: Any) -> None:
        replaced.append(os.path.basename(dst))
        real_replace(src, dst)

    def fsync(fd: int) -> None:
        synced.append("dir" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file")
        real_fsync(fd)

    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(os, "fsync", fsync)
    ws.save_answers(session_id, {f"q{n}": n for n in range(20)}, progress={"answered": 20, "total": 20})
    assert replaced == [f"{session_id}.json"] and synced == ["file", "file", "dir"]
    replaced.clear()
    synced.clear()
    ws.save_answer(session_id, "q0", 0)  # unchanged: no write at all
    assert replaced == [] and synced == []


# ------------------------------------------------------------------------------------------------------------
# Start-up: stale temporary files and unreadable session files
# ------------------------------------------------------------------------------------------------------------


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_stale_temp_files_are_swept(ws: Workspace) -> None:
    """Temp files of dead writers (after a short grace) or older than the limit go; a live writer's stays."""
    session_id = new(ws)
    now = time.time()

    def temp(pid: int, age: float, tag: str) -> Path:
        path = ws.path / f".{session_id}.json.tmp-{pid}-{tag}"
        path.write_text("partial")
        os.utime(path, (now - age, now - age))
        return path

    dead = dead_pid()
    dead_old = temp(dead, DEAD_WRITER_GRACE + 5, "aa11")
    dead_fresh = temp(dead, 0, "bb22")
    live_fresh = temp(os.getpid(), 0, "cc33")
    live_ancient = temp(os.getpid(), STALE_TEMP_AGE + 5, "dd44")
    unrelated = ws.path / ".hidden.tmp-1-ab"
    unrelated.write_text("keep")
    Workspace(ws.path)
    assert not dead_old.exists() and not live_ancient.exists()
    assert dead_fresh.exists() and live_fresh.exists() and unrelated.exists()


CORRUPT = {
    "not json": b"{not json",
    "empty": b"",
    "array": b"[]",
    "no meta": b'{"answers": {}}',
    "truncated": b'{"answers":{},\n"meta":{"1":{"id":"0badc0de"',
    "wrong id": None,  # filled in by the test: a valid file whose meta names another id
    "bad answer": None,
    "binary": b"\xff\xfe\x00garbage",
}


@pytest.mark.parametrize("kind", sorted(CORRUPT))
def test_unreadable_file_moved_aside_with_notice(tmp_path: Path, kind: str) -> None:
    """An unreadable session file is moved to <id>.json.corrupt-<stamp> unchanged, reported; listing works."""
    ws = Workspace(tmp_path / "ws", clock=lambda: START)
    good = new(ws, "Good")
    content = CORRUPT[kind]
    if kind == "wrong id":
        content = ws.session_path(good).read_bytes()
    elif kind == "bad answer":
        data = json.loads(ws.session_path(good).read_bytes())
        data["meta"]["1"]["id"] = "0badc0de"
        data["answers"] = {"1": {"question": "q", "value": {"not": "an answer"}}}
        content = json.dumps(data).encode()
    assert content is not None
    bad = ws.path / "0badc0de.json"
    bad.write_bytes(content)
    fresh = Workspace(ws.path, clock=lambda: START)
    aside = ws.path / "0badc0de.json.corrupt-20250131T090000"
    assert not bad.exists() and aside.read_bytes() == content
    assert [m.id for m in fresh.sessions()] == [good]
    assert len(fresh.notices) == 1
    assert str(bad) in fresh.notices[0] and str(aside) in fresh.notices[0]
    assert "nothing was deleted" in fresh.notices[0]


def test_moving_aside_never_overwrites(tmp_path: Path) -> None:
    """A second unreadable file at the same second gets a new name; earlier moved files are untouched."""
    ws = Workspace(tmp_path / "ws", clock=lambda: START)
    earlier = ws.path / "0badc0de.json.corrupt-20250131T090000"
    earlier.write_bytes(b"first")
    (ws.path / "0badc0de.json").write_bytes(b"second")
    Workspace(ws.path, clock=lambda: START)
    assert earlier.read_bytes() == b"first"
    assert (ws.path / "0badc0de.json.corrupt-20250131T090000-1").read_bytes() == b"second"


def test_file_corrupted_while_open_is_moved_aside_on_read(ws: Workspace) -> None:
    """A file that becomes unreadable later fails the read with a clear error and is moved aside."""
    session_id = new(ws)
    ws.session_path(session_id).write_bytes(b'{"meta": 1')
    with pytest.raises(SessionUnreadable) as caught:
        ws.save_answer(session_id, "q", "a")
    assert "moved aside" in caught.value.message and session_id in caught.value.message
    assert not ws.session_path(session_id).exists()
    assert list(ws.path.glob(f"{session_id}.json.corrupt-*"))
    assert ws.notices and ws.sessions() == []


@pytest.mark.parametrize("damage", ["bad entry", "not json", "cut short", "missing"])
def test_unreadable_history_is_set_aside_and_the_session_kept(ws: Workspace, damage: str) -> None:
    """A damaged history journal is reported when read and moved aside; answers and statuses stay; a new history
    starts and later saves work."""
    session_id = new(ws)
    ws.save_answer(session_id, "q", "a")
    ws.set_action_status(session_id, "act.x", "done")
    journal = ws.path / f"{session_id}.history.jsonl"
    raw = journal.read_bytes()
    damaged = {
        "bad entry": raw.replace(b'"user":"tester"', b'"user":5'),
        "not json": b"[" + raw[1:],
        "cut short": raw[:-5],
        "missing": None,
    }[damage]
    if damaged is None:
        journal.unlink()
    else:
        journal.write_bytes(damaged)
    with pytest.raises(SessionUnreadable, match="history") as caught:
        ws.history(session_id) if damage != "bad entry" else [ws.action_history(session_id), ws.history(session_id)]
    assert "intact" in caught.value.message and "Nothing was deleted" in caught.value.message
    if damaged is not None:
        (aside,) = ws.path.glob(f"{session_id}.history.jsonl.corrupt-*")
        assert aside.read_bytes() == damaged and str(aside) in caught.value.message
    assert ws.answers(session_id) == {"q": "a"} and ws.action_statuses(session_id)["act.x"].status == "done"
    assert ws.history(session_id) == [] and ws.action_history(session_id) == []
    ws.save_answer(session_id, "q", "b")
    assert [h.value for h in ws.history(session_id)] == ["b"]
    assert [m.id for m in Workspace(ws.path).sessions()] == [session_id]


def test_newer_format_is_refused_and_left_in_place(ws: Workspace) -> None:
    """A file from a newer secplan is not listed, not moved, not rewritten; the user is told to upgrade."""
    session_id = new(ws)
    path = ws.session_path(session_id)
    data = json.loads(path.read_bytes())
    data["meta"]["1"]["format"] = 99
    path.write_text(json.dumps(data))
    before = path.read_bytes()
    fresh = Workspace(ws.path)
    assert fresh.sessions() == [] and any("Upgrade secplan" in n for n in fresh.notices)
    with pytest.raises(SessionTooNew, match="format 99"):
        fresh.save_answer(session_id, "q", "a")
    assert path.read_bytes() == before


# ------------------------------------------------------------------------------------------------------------
# Write failures: the old file stays byte-identical, no temp file is left, the message says what and where
# ------------------------------------------------------------------------------------------------------------


def fd_path(fd: int) -> str:
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return ""


def temp_files(ws: Workspace) -> list[str]:
    return [p.name for p in ws.path.iterdir() if ".tmp-" in p.name]


def inject(monkeypatch: pytest.MonkeyPatch, where: str, code: int) -> None:
    """Make one step of writing a temp file fail with an OSError of this errno."""
    err = OSError(code, os.strerror(code))
    real_open, real_write, real_fsync, real_replace = os.open, os.write, os.fsync, os.replace
    if where == "create":

        def fake_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
            if ".tmp-" in os.fspath(path):
                raise err
            return real_open(path, flags, *args, **kwargs)

        monkeypatch.setattr(os, "open", fake_open)
    elif where in ("write", "partial write"):
        calls = {"n": 0}

        def fake_write(fd: int, data: Any) -> int:
            if ".tmp-" in fd_path(fd):
                calls["n"] += 1
                if where == "partial write" and calls["n"] == 1:
                    return real_write(fd, bytes(data[: len(data) // 2]))
                raise err
            return real_write(fd, data)

        monkeypatch.setattr(os, "write", fake_write)
    elif where == "fsync":

        def fake_fsync(fd: int) -> None:
            if ".tmp-" in fd_path(fd):
                raise err
            real_fsync(fd)

        monkeypatch.setattr(os, "fsync", fake_fsync)
    elif where == "replace":

        def fake_replace(src: Any, dst: Any) -> None:
            if ".tmp-" in os.fspath(src):
                raise err
            real_replace(src, dst)

        monkeypatch.setattr(os, "replace", fake_replace)
    else:
        raise AssertionError(where)


needs_proc = pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc/self/fd")


@needs_proc
@pytest.mark.parametrize(
    ("where", "code"),
    [
        ("create", errno.ENOSPC),
        ("write", errno.ENOSPC),
        ("partial write", errno.ENOSPC),
        ("fsync", errno.EIO),
        ("replace", errno.EIO),
        ("write", errno.EDQUOT),
    ],
)
@pytest.mark.parametrize("call", ["save_answer", "save_answers", "clear_answer", "add_snapshot", "rename"])
def test_write_failure_leaves_old_file(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch, where: str, code: int, call: str
) -> None:
    """A failing write leaves the old file byte-identical, no temp file, and says it was NOT saved and why."""
    session_id = new(ws, "Acme Ltd")
    ws.save_answer(session_id, "q", "old")
    path = ws.session_path(session_id)
    before = path.read_bytes()
    inject(monkeypatch, where, code)
    action: dict[str, Callable[[], object]] = {
        "save_answer": lambda: ws.save_answer(session_id, "q", "new"),
        "save_answers": lambda: ws.save_answers(session_id, {"q": "new", "r": 1}),
        "clear_answer": lambda: ws.clear_answer(session_id, "q"),
        "add_snapshot": lambda: ws.add_snapshot(session_id, "s", {"a": 1}),
        "rename": lambda: ws.rename(session_id, "New name"),
    }
    with pytest.raises(WriteFailed) as caught:
        action[call]()
    message = caught.value.message
    assert caught.value.exit_code == 1
    assert "NOT saved" in message and "'Acme Ltd'" in message and session_id in message
    assert str(path) in message and "unchanged" in message
    assert errno.errorcode[code] in message
    assert path.read_bytes() == before
    assert temp_files(ws) == []
    monkeypatch.undo()
    ws.save_answer(session_id, "q", "after")  # the store keeps working once the disk does
    assert ws.answers(session_id)["q"] == "after"


@needs_proc
def test_create_failure_leaves_nothing(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    """A session that cannot be written is not created and leaves no file behind."""
    inject(monkeypatch, "write", errno.ENOSPC)
    with pytest.raises(WriteFailed, match="new session was NOT saved.*Nothing was created"):
        new(ws)
    assert [p.name for p in ws.path.iterdir() if p.name.endswith(".json")] == [] and temp_files(ws) == []


def test_directory_sync_failure_is_reported(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    """If only the directory fsync fails, the user is told the save may not survive a crash."""
    session_id = new(ws)
    real_fsync = os.fsync

    def fake_fsync(fd: int) -> None:
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            raise OSError(errno.EIO, "I/O error")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fake_fsync)
    with pytest.raises(WriteFailed, match="may be lost"):
        ws.save_answer(session_id, "q", "a")
    monkeypatch.undo()
    assert ws.answers(session_id) == {"q": "a"}


def simulate_read_only(monkeypatch: pytest.MonkeyPatch, directory: Path, code: int) -> None:
    """Make the kernel's answers for a read-only directory (EACCES) or file system (EROFS) come true.

    Tests run as root, and root may write into a 0500 directory, so chmod proves nothing there. Instead the
    calls that need a writable directory fail as the kernel would fail them: creating an entry, renaming,
    linking or unlinking in it (EACCES); for EROFS also opening any file in it for writing.
    """
    err = OSError(code, os.strerror(code))
    inside = lambda p: Path(os.fspath(p)).parent == directory  # noqa: E731
    real_open = os.open

    def fake_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if inside(path):
            writing = flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT)
            if code == errno.EROFS and writing:
                raise err
            if flags & os.O_CREAT and not os.path.lexists(path):
                raise err
        return real_open(path, flags, *args, **kwargs)

    def refuse(real: Callable[..., Any]) -> Callable[..., Any]:
        def fake(path: Any, *args: Any, **kwargs: Any) -> Any:
            if inside(path):
                raise err
            return real(path, *args, **kwargs)

        return fake

    monkeypatch.setattr(os, "open", fake_open)
    for name in ("replace", "rename", "link", "unlink"):
        monkeypatch.setattr(os, name, refuse(getattr(os, name)))


@pytest.mark.parametrize("code", [errno.EACCES, errno.EROFS])
def test_read_only_directory_leaves_old_file(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    """In a read-only directory a save fails with a clear NOT-saved message and the old file is unchanged."""
    session_id = new(ws, "Acme Ltd")
    ws.save_answer(session_id, "q", "old")
    path = ws.session_path(session_id)
    before = path.read_bytes()
    ws.path.chmod(0o500)
    try:
        probe = ws.path / "probe"
        try:
            probe.touch()
        except PermissionError:
            if code == errno.EROFS:
                simulate_read_only(monkeypatch, ws.path, code)  # chmod gives EACCES, not EROFS
        else:
            probe.unlink()  # privileged (root): chmod does not stop us, so simulate the kernel's refusal
            simulate_read_only(monkeypatch, ws.path, code)
        with pytest.raises(WriteFailed) as caught:
            ws.save_answer(session_id, "q", "new")
        with pytest.raises(WriteFailed, match="NOT"):
            ws.delete(session_id)
    finally:
        monkeypatch.undo()
        ws.path.chmod(0o700)
    message = caught.value.message
    assert "NOT saved" in message and "'Acme Ltd'" in message and errno.errorcode[code] in message
    assert path.read_bytes() == before and temp_files(ws) == []
    assert ws.answers(session_id) == {"q": "old"}


# ------------------------------------------------------------------------------------------------------------
# Locking between processes
# ------------------------------------------------------------------------------------------------------------


def start_holder(ws: Workspace, session_id: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, str(WRITER), "hold", str(ws.path), session_id],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline() == "locked\n"
    return proc


def release(proc: subprocess.Popen[str]) -> None:
    assert proc.stdin is not None
    proc.stdin.write("go\n")
    proc.stdin.flush()


def test_busy_session_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    """While another process holds the session, a save waits, then says who is busy; nothing is lost."""
    ws = Workspace(tmp_path / "ws", lock_timeout=0.3)
    session_id = new(ws, "Acme Ltd")
    before = ws.session_path(session_id).read_bytes()
    holder = start_holder(ws, session_id)
    try:
        started = time.monotonic()
        with pytest.raises(StoreBusy) as caught:
            ws.save_answer(session_id, "q", "mine")
        assert time.monotonic() - started >= 0.25
        assert ws.session_path(session_id).read_bytes() == before
    finally:
        release(holder)
        holder.wait(10)
    message = caught.value.message
    assert "busy in another process" in message and "'Acme Ltd'" in message and session_id in message
    assert "NOT saved" in message and "Try again" in message
    if Path("/proc/locks").exists():
        assert f"(pid {holder.pid})" in message
    ws.save_answer(session_id, "q", "mine")
    assert ws.answers(session_id) == {"held": "by-holder", "q": "mine"}


def test_waiting_save_works_on_fresh_data(ws: Workspace) -> None:
    """A save that waits for another process's lock then reads the other's change: no lost update."""
    session_id = new(ws)
    ws.save_answer(session_id, "mine0", "x")
    holder = start_holder(ws, session_id)
    release(holder)  # it saves 'held' after 0.3 s, still holding the lock
    started = time.monotonic()
    ws.save_answer(session_id, "mine1", "y")
    assert time.monotonic() - started >= 0.2
    assert holder.wait(10) == 0
    assert ws.answers(session_id) == {"mine0": "x", "held": "by-holder", "mine1": "y"}
    assert [h.question for h in ws.history(session_id)] == ["mine0", "held", "mine1"]


def test_two_workspace_objects_lose_no_update(ws: Workspace) -> None:
    """Interleaved saves through two Workspace objects on one directory all survive."""
    other = Workspace(ws.path)
    session_id = new(ws)
    for n in range(10):
        ws.save_answer(session_id, f"a{n}", n)
        other.save_answer(session_id, f"b{n}", n)
    assert len(ws.answers(session_id)) == 20 and len(other.history(session_id)) == 20


def test_delete_removes_file_and_lock(ws: Workspace) -> None:
    """Deleting a session removes its file and its lock file."""
    session_id = new(ws)
    ws.save_answer(session_id, "q", "a")
    ws.delete(session_id)
    assert sorted(p.name for p in ws.path.iterdir()) == [".workspace.lock"]


def test_writer_helper_imports_no_textual() -> None:
    """The store (and the subprocess writer) loads neither textual nor questionary."""
    out = subprocess.run(
        [sys.executable, str(WRITER), "imports"], capture_output=True, text=True, check=True
    ).stdout.split()
    assert "tinydb" in out and "secplan_tui" in out
    assert "textual" not in out and "questionary" not in out and "prompt_toolkit" not in out


def test_integers_are_bounded_on_saving_but_an_old_file_stays_readable(ws: Workspace) -> None:
    """An answer beyond 2**53 is refused with its size in digits (never converted to text whole); a session file
    that already holds one (saved before the bound) still reads."""
    session_id = new(ws)
    with pytest.raises(InvalidInput, match="number of about 5,000 digits"):
        ws.save_answer(session_id, "q", 10**4999)
    with pytest.raises(InvalidInput, match="number of 17 digits"):
        ws.save_answers(session_id, {"q": -(10**16)})
    ws.save_answer(session_id, "q", 2**53 - 1)
    path = ws.session_path(session_id)
    tables = json.loads(path.read_bytes())
    tables["answers"]["1"]["value"] = 10**30
    path.write_text(json.dumps(tables))
    assert Workspace(ws.path).answers(session_id) == {"q": 10**30}


def test_store_messages_say_were_for_many_and_was_for_one(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    session_id = new(ws)

    def failing(path: Path, payload: bytes, **_: object) -> None:
        raise AtomicWriteError("writing", path, OSError(errno.ENOSPC, "No space left on device"))

    monkeypatch.setattr(store_storage, "write_file", failing)  # where AtomicJSONStorage.save looks it up
    with pytest.raises(WriteFailed, match="The 2 answers were NOT saved"):
        ws.save_answers(session_id, {"q": "a", "r": "b"})
    with pytest.raises(WriteFailed, match="The answer to 'q' was NOT saved"):
        ws.save_answer(session_id, "q", "a")


# ------------------------------------------------------------------------------------------------------------
# Errors by class
# ------------------------------------------------------------------------------------------------------------


def test_each_kind_of_store_error_has_its_class(store: SessionStore) -> None:
    """Callers tell the store's errors apart by class, the same in both twins: unknown NotFound, several Ambiguous,
    taken AlreadyExists, other bad input InvalidInput itself (all exit 2); damaged SessionUnreadable and too new
    SessionTooNew (StoreErrors, exit 1)."""
    acme, bakery = new(store, "Acme Ltd"), new(store, "Bakery")
    copy_session(store, acme, "0badc0de")
    damaged, newer = new(store, "Damaged"), new(store, "Newer")
    tables = json.loads(raw_of(store, newer))
    tables["meta"]["1"]["format"] = 99
    put_raw(store, newer, json.dumps(tables).encode())
    put_raw(store, damaged, b'{"meta": 1')
    expected: list[tuple[Callable[[], object], type[SecplanError]]] = [
        (lambda: store.answers(damaged), SessionUnreadable),  # first: listing sessions moves it aside
        (lambda: store.save_answer(newer, "q", "a"), SessionTooNew),
        (lambda: store.meta("deadbeef"), NotFound),
        (lambda: store.resolve("nothing like it"), NotFound),
        (lambda: store.save_answer("deadbeef", "q", "a"), NotFound),
        (lambda: store.resolve("acme ltd"), Ambiguous),
        (lambda: store.create("ACME LTD", "sme", "1.0", "sha256:abc"), AlreadyExists),
        (lambda: store.rename(acme, "BAKERY"), AlreadyExists),
        (lambda: store.rename(acme, bakery), AlreadyExists),
        (lambda: store.create("", "sme", "1.0", "sha256:abc"), InvalidInput),
        (lambda: store.resolve("  "), InvalidInput),
        (lambda: store.save_answer(acme, "q", {"not": "an answer"}), InvalidInput),
        (lambda: store.save_answers(acme, {}, notes={"q": "a note"}), InvalidInput),
        (lambda: store.set_action_status(acme, "act.x", "finished"), InvalidInput),
        (lambda: store.set_action_status(acme, "act.x", "deferred"), InvalidInput),
    ]
    for call, kind in expected:
        with pytest.raises(SecplanError) as caught:
            call()
        assert type(caught.value) is kind, (kind, caught.value)
        assert caught.value.exit_code == (2 if issubclass(kind, InvalidInput) else 1)
        assert issubclass(kind, InvalidInput) or isinstance(caught.value, StoreError)


def test_the_disk_workspace_s_own_errors_have_their_class(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    """A write that fails is a WriteFailed (a save, a new session, a deletion), a workspace that cannot be used a
    StoreError; busy sessions are StoreBusy (see test_busy_session_is_refused_with_a_clear_message)."""
    session_id = new(ws)

    def failing(path: Path, payload: bytes, **_: object) -> None:
        raise AtomicWriteError("writing", path, OSError(errno.EIO, "I/O error"))

    monkeypatch.setattr(store_storage, "write_file", failing)
    for call in (lambda: ws.save_answer(session_id, "q", "a"), lambda: new(ws, "Other")):
        with pytest.raises(WriteFailed) as caught:
            call()
        assert caught.value.exit_code == 1 and caught.value.title == "Not saved"
    def read_only(*_: object, **__: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(os, "unlink", read_only)
    with pytest.raises(WriteFailed) as deleted:
        ws.delete(session_id)
    assert deleted.value.title == "Not deleted"
    monkeypatch.undo()
    (ws.path.parent / "a-file").write_text("x")
    with pytest.raises(StoreError) as caught_open:
        Workspace(ws.path.parent / "a-file")
    assert type(caught_open.value) is StoreError and caught_open.value.title == "Cannot open workspace"
