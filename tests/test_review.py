"""The yearly review: plan snapshots, plan references and `secplan diff` (secplan_tui/review, cli/review.py)."""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, cast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from secplan_tui.cli.review import (
    PlanSource,
    add_review_commands,
    add_snapshot_options,
    after_plan,
    resolve_reference,
    run_diff,
)
from secplan_tui.core import catalogue
from secplan_tui.core.errors import Ambiguous, InvalidInput, NotFound
from secplan_tui.core.model import ActionStatus, AnswerValue, Questionnaire
from secplan_tui.plan import compile_plan, render_json
from secplan_tui.plan.plan_json import plan_to_dict
from secplan_tui.review import (
    PlanDiff,
    changes_since_last_snapshot,
    check_plan,
    diff_plans,
    render_diff_markdown,
)
from secplan_tui.session.answer_files import read_answers
from secplan_tui.store import MemoryWorkspace, SessionMeta, SessionStore, Workspace

ROOT = Path(__file__).resolve().parent.parent
OFFICE = ROOT / "questionnaires" / "examples" / "starter-small-office.yaml"
LAST_YEAR = dt.date(2025, 1, 15)
THIS_YEAR = dt.date(2026, 1, 20)
MD = MarkdownIt("commonmark").enable("table")
CHANGES: dict[str, AnswerValue] = {"cyber.mfa_email": "yes", "cyber.updates": "no", "profile.cards": "no"}
"""The three answers the yearly-review test changes."""


@pytest.fixture(scope="module")
def starter() -> Questionnaire:
    """The bundled starter questionnaire, loaded once."""
    return catalogue.load("starter")


@pytest.fixture(scope="module")
def office(starter: Questionnaire) -> dict[str, AnswerValue]:
    """The small-office example answers."""
    return read_answers(str(OFFICE), starter).answers


def _parser() -> argparse.ArgumentParser:
    """A parser wired the way cli.py wires the review: `plan` with snapshot options, and `diff`."""
    parser = argparse.ArgumentParser(prog="secplan")
    sub = parser.add_subparsers(dest="command")
    plan = sub.add_parser("plan")
    plan.add_argument("session")
    plan.add_argument("--date")
    add_snapshot_options(plan)
    add_review_commands(sub)
    return parser


def _session(store: SessionStore, q: Questionnaire, name: str, answers: dict[str, AnswerValue]) -> SessionMeta:
    meta = store.create(name, q.id, q.version, q.content_hash)
    if answers:
        store.save_answers(meta.id, answers)
    return meta


def _plan_command(store: SessionStore, q: Questionnaire, *argv: str) -> None:
    """What `secplan plan ...` does for the review: compile, then after_plan."""
    args = _parser().parse_args(["plan", *argv])
    meta = store.resolve(args.session)
    date = dt.date.fromisoformat(args.date) if args.date else LAST_YEAR
    after_plan(args, store, meta, compile_plan(q, store.answers(meta.id), date))


def _diff(store: Any, capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """Run `secplan diff ...` and return what it printed on stdout (stderr is left to read)."""
    capsys.readouterr()
    args = _parser().parse_args(["diff", *argv])
    assert run_diff(args, store) == 0
    out, err = capsys.readouterr()
    sys.stderr.write(err)
    return out


def _removed(diff: dict[str, Any]) -> dict[str, str]:
    return {r["action"]["id"]: r["outcome"] for r in diff["actions"]["removed"]}


# ------------------------------------------------------------------------------------------------------------
# Snapshot, change, diff
# ------------------------------------------------------------------------------------------------------------


def test_snapshot_then_change_then_diff_lists_exactly_the_changes(
    tmp_path: Path, starter: Questionnaire, office: dict[str, AnswerValue], capsys: pytest.CaptureFixture[str]
) -> None:
    """Snapshot, change three answers, diff: exactly those answers, actions, maturity and risks, nothing else."""
    ws = Workspace(tmp_path / "ws")
    meta = _session(ws, starter, "Riverside", office)
    _plan_command(ws, starter, "Riverside", "--snapshot", "--label", "review 2025", "--date", "2025-01-15")
    assert f"Saved snapshot 1 'review 2025' of session 'Riverside' ({meta.id})" in capsys.readouterr().err
    for qid, value in CHANGES.items():
        ws.save_answer(meta.id, qid, value)

    diff = json.loads(_diff(ws, capsys, "riverside@review 2025", "Riverside", "--json", "--date", "2026-01-20"))

    answers = [
        (a["question_id"], a["old_state"], a["old_answer"], a["new_state"], a["new_answer"]) for a in diff["answers"]
    ]
    assert answers == [
        ("profile.cards", "answered", "Yes", "answered", "No"),
        (
            "information.card_data",
            "answered",
            "We type customers' card numbers in ourselves, for example for phone orders",
            "hidden",
            "",
        ),
        ("cyber.mfa_email", "answered", "Partly", "answered", "Yes"),
        ("cyber.updates", "answered", "Yes", "answered", "No"),
    ]
    assert [a["id"] for a in diff["actions"]["added"]] == ["act.auto_updates"]
    assert _removed(diff) == {"act.remove_card_numbers": "dropped", "act.turn_on_mfa": "done"}
    done = next(r for r in diff["actions"]["removed"] if r["outcome"] == "done")
    assert (done["basis"], done["question_id"], done["new_answer"]) == ("in_place", "cyber.mfa_email", "Yes")
    # The plan is dated a year later, so every due date moved; that alone is not a change of an action. What
    # does change is the schedule: hours freed or taken move other actions to another month, never to another
    # owner.
    moved = diff["actions"]["changed"]
    assert all(f["field"] in ("due", "priority") for c in moved for f in c["changes"]), moved
    assert all(c["old"]["month"] != c["new"]["month"] for c in moved)
    maturity = {m["domain"]: (m["old_percent"], m["new_percent"], m["delta"]) for m in diff["maturity"]}
    assert maturity == {"information": (30, 25, -5), "cyber": (63, 50, -13)}
    assert diff["risks"]["added"] == []
    assert [r["id"] for r in diff["risks"]["removed"]] == ["risk.card_fraud"]
    scores = {r["new"]["id"]: (r["old"]["score"], r["new"]["score"]) for r in diff["risks"]["changed"]}
    assert scores == {
        "risk.phishing": (20, 16),
        "risk.ransomware": (10, 15),
        "risk.data_leak": (20, 15),
        "risk.payment_fraud": (15, 12),
    }
    assert diff["changed"] is True and diff["questionnaire_changed"] is False


def test_changelog_markdown_names_each_change_under_its_heading(
    starter: Questionnaire, office: dict[str, AnswerValue]
) -> None:
    """The Markdown changelog has a heading per part and a line for each change, done and dropped told apart."""
    old = plan_to_dict(compile_plan(starter, office, LAST_YEAR))
    new = plan_to_dict(compile_plan(starter, {**office, **CHANGES}, THIS_YEAR))
    text = render_diff_markdown(diff_plans(old, new), "last year", "this year")
    headings = [line for line in text.splitlines() if line.startswith("#")]
    moved = len(diff_plans(old, new).actions_changed)
    assert headings[:5] == [
        "# Changes to the security plan",
        "## Answers changed (4)",
        f"## Actions ({3 + moved} changes)",
        "### Added (1)",
        "### No longer needed: done or dropped (2)",
    ]
    assert [h for h in headings[5:] if not h.startswith("### Changed")] == [
        "## Maturity by domain",
        "## Risks (5 changes)",
        "### No longer in the register (1)",
        "### Rated differently (4)",
    ]
    assert "From **last year** to **this year**." in text
    assert "| Do you take card payments from customers? (`profile.cards`) | Yes | No |" in text
    assert "| *not asked* |" in text
    assert "- **Done:** Turn on a second sign-in step for every email account (`act.turn_on_mfa`)." in text
    assert "- **Dropped:** Stop handling full card numbers yourself (`act.remove_card_numbers`)." in text
    assert "| Cyber security | 63% | 50% | -13 points |" in text
    assert "No changes" not in text


def test_identical_plans_say_no_changes(
    starter: Questionnaire, office: dict[str, AnswerValue], capsys: pytest.CaptureFixture[str]
) -> None:
    """A snapshot compared with the unchanged session, even a year later, says "No changes" and nothing more."""
    store = MemoryWorkspace()
    _session(store, starter, "office", office)
    _plan_command(store, starter, "office", "--snapshot")
    text = _diff(store, capsys, "office@latest", "office", "--date", "2026-01-20")
    assert "No changes" in text
    assert not [line for line in text.splitlines() if line.startswith("## ")]
    plan = plan_to_dict(compile_plan(starter, office, LAST_YEAR))
    assert diff_plans(plan, copy.deepcopy(plan)).is_empty


def test_one_changed_answer_gives_one_answer_change(starter: Questionnaire, office: dict[str, AnswerValue]) -> None:
    """Changing one answer that triggers nothing else lists that answer and its consequences only."""
    old = plan_to_dict(compile_plan(starter, office, LAST_YEAR))
    new = plan_to_dict(compile_plan(starter, {**office, "physical.keys": "yes"}, LAST_YEAR))
    diff = diff_plans(old, new)
    assert [(c.question_id, c.old_text, c.new_text) for c in diff.answers] == [("physical.keys", "Partly", "Yes")]
    assert [(r.action.id, r.outcome, r.basis) for r in diff.actions_removed] == [
        ("act.key_register", "done", "in_place")
    ]
    assert not diff.actions_added
    # The hours the key register took go to the next actions of the same person: they move earlier, nothing else.
    assert all(f.field in ("due", "priority") for c in diff.actions_changed for f in c.changes)
    assert all(c.new.month < c.old.month for c in diff.actions_changed)
    assert all(c.new.owner == c.old.owner for c in diff.actions_changed)
    # Physical has four controls: alarm and zoning in place, keys partly -> in place, server room not.
    assert [(m.domain, m.old_percent, m.new_percent) for m in diff.maturity] == [("physical", 63, 75)]
    assert not diff.risks_added and not diff.risks_removed and not diff.risks_changed


def test_done_or_dropped_follows_the_triggering_answer(starter: Questionnaire, office: dict[str, AnswerValue]) -> None:
    """A control now in place or improved means done; "not applicable" or a hidden question means dropped."""
    old = plan_to_dict(compile_plan(starter, office, LAST_YEAR))
    changed = {
        **office,
        "information.backup": "tested",  # was automatic (partial) -> in place: test_restore done
        "information.encryption": "not_applicable",  # encrypt_devices dropped, no longer applies
        "people.payment_checks": "not_applicable",
        "profile.servers": "no",  # hides the server-room question: lock_server_cupboard dropped
    }
    new = plan_to_dict(compile_plan(starter, changed, LAST_YEAR))
    verdicts = {r.action.id: (r.outcome, r.basis) for r in diff_plans(old, new).actions_removed}
    assert verdicts == {
        "act.test_restore": ("done", "in_place"),
        "act.encrypt_devices": ("dropped", "not_applicable"),
        "act.confirm_bank_changes": ("dropped", "not_applicable"),
        "act.lock_server_cupboard": ("dropped", "not_asked"),
    }


def test_priority_owner_and_due_changes_of_an_action_in_both_plans(
    starter: Questionnaire, office: dict[str, AnswerValue]
) -> None:
    """An action in both plans with another priority, owner and due date is listed with each field changed."""
    old = plan_to_dict(compile_plan(starter, office, LAST_YEAR))
    new = copy.deepcopy(old)
    action = next(a for d in new["domains"] for a in d["actions"] if a["id"] == "act.key_register")
    old_priority, old_due = action["priority"], action["due"]
    assert old_priority != "P1" and action["month"] > 1
    action.update(priority="P1", owner="it", owner_title="IT provider", due="2025-02-14", month=1)
    diff = diff_plans(old, new)
    assert [(c.new.id, [(f.field, f.old, f.new) for f in c.changes]) for c in diff.actions_changed] == [
        (
            "act.key_register",
            [
                ("priority", old_priority, "P1"),
                ("owner", "Office manager", "IT provider"),
                ("due", old_due, "2025-02-14"),
            ],
        )
    ]
    assert not diff.answers and not diff.actions_added and not diff.actions_removed
    assert "act.key_register`): priority P2 → P1; owner Office manager → IT provider; due" in render_diff_markdown(diff)


# ------------------------------------------------------------------------------------------------------------
# Plan references
# ------------------------------------------------------------------------------------------------------------


@pytest.fixture
def reviewed(starter: Questionnaire, office: dict[str, AnswerValue]) -> tuple[MemoryWorkspace, SessionMeta]:
    """A session with two snapshots: 1 "Before review" (office answers), 2 "after" (MFA on), then one more change."""
    store = MemoryWorkspace()
    meta = _session(store, starter, "acme", office)
    _plan_command(store, starter, "acme", "--label", "Before review")
    store.save_answer(meta.id, "cyber.mfa_email", "yes")
    _plan_command(store, starter, "acme", "--snapshot", "--label", "after")
    store.save_answer(meta.id, "physical.keys", "yes")
    return store, meta


def _mfa(source: PlanSource) -> Any:
    return next(
        q["value"] for s in source.plan["answers"] for q in s["questions"] if q["question_id"] == "cyber.mfa_email"
    )


def test_reference_session_by_name_or_id_is_its_current_plan(reviewed: tuple[MemoryWorkspace, SessionMeta]) -> None:
    """SESSION (name, any case, or id) is the session's current answers compiled for the given date."""
    store, meta = reviewed
    for ref in ("acme", "ACME", meta.id):
        source = resolve_reference(ref, store, THIS_YEAR)
        assert (source.kind, source.session_id, source.snapshot_id) == ("session", meta.id, 0)
        assert source.plan["metadata"]["plan_date"] == "2026-01-20"
        assert any(
            q["question_id"] == "physical.keys" and q["value"] == "yes"
            for s in source.plan["answers"]
            for q in s["questions"]
        )


def test_reference_snapshot_by_number_label_and_latest(reviewed: tuple[MemoryWorkspace, SessionMeta]) -> None:
    """SESSION@N, SESSION@LABEL (case ignored) and SESSION@latest pick the right snapshot."""
    store, meta = reviewed
    expected = {
        "acme@1": (1, "partly"),
        "acme@before REVIEW": (1, "partly"),
        "acme@2": (2, "yes"),
        "acme@after": (2, "yes"),
        "acme@latest": (2, "yes"),
        f"{meta.id}@Latest": (2, "yes"),
    }
    for ref, (number, mfa) in expected.items():
        source = resolve_reference(ref, store, THIS_YEAR)
        assert (source.kind, source.snapshot_id, _mfa(source)) == ("snapshot", number, mfa), ref
    assert resolve_reference("acme@1", store, THIS_YEAR).label == (
        f'acme, snapshot 1 "Before review" (taken {store.snapshots(meta.id)[0].at[:10]})'
    )


def test_reference_label_shared_by_two_snapshots_names_the_latest(
    starter: Questionnaire, office: dict[str, AnswerValue], capsys: pytest.CaptureFixture[str]
) -> None:
    """A label used twice names the later snapshot, and taking the second one says so."""
    store = MemoryWorkspace()
    meta = _session(store, starter, "acme", office)
    _plan_command(store, starter, "acme", "--label", "yearly")
    store.save_answer(meta.id, "cyber.mfa_email", "yes")
    _plan_command(store, starter, "acme", "--label", "Yearly")
    assert "snapshot 1 of this session has the same label" in capsys.readouterr().err
    assert resolve_reference("acme@yearly", store, THIS_YEAR).snapshot_id == 2


def test_reference_session_name_with_at_sign(starter: Questionnaire, office: dict[str, AnswerValue]) -> None:
    """A session whose name holds '@' is still reachable, alone or with a snapshot selector."""
    store = MemoryWorkspace()
    _session(store, starter, "ops@home", office)
    _plan_command(store, starter, "ops@home", "--snapshot")
    assert resolve_reference("ops@home", store, THIS_YEAR).kind == "session"
    assert resolve_reference("ops@home@1", store, THIS_YEAR).snapshot_id == 1


def test_reference_json_file(tmp_path: Path, starter: Questionnaire, office: dict[str, AnswerValue]) -> None:
    """A path to an exported plan is read as that plan, named by its path."""
    path = tmp_path / "plan-2025.json"
    path.write_text(render_json(compile_plan(starter, office, LAST_YEAR)), encoding="utf-8")
    source = resolve_reference(str(path), MemoryWorkspace(), THIS_YEAR)
    assert (source.kind, source.label, source.plan["metadata"]["plan_date"]) == ("file", str(path), "2025-01-15")


def test_unknown_snapshot_lists_the_available_ones(reviewed: tuple[MemoryWorkspace, SessionMeta]) -> None:
    """An unknown snapshot is a NotFound (exit code 2), naming the session and listing its snapshots."""
    store, meta = reviewed
    for ref in ("acme@3", "acme@nope", "acme@"):
        with pytest.raises(NotFound) as caught:
            resolve_reference(ref, store, THIS_YEAR)
        message = caught.value.message
        assert caught.value.exit_code == 2 and caught.value.title == "Unknown snapshot"
        assert f"'{ref}'" in message and f"'acme' ({meta.id})" in message
        assert "1 'Before review' (taken " in message and "2 'after' (taken " in message


def test_snapshot_of_a_session_without_snapshots_is_refused(
    starter: Questionnaire, office: dict[str, AnswerValue]
) -> None:
    """SESSION@latest on a session with no snapshot is a NotFound that says so and how to take one."""
    store = MemoryWorkspace()
    _session(store, starter, "fresh", office)
    with pytest.raises(NotFound, match=r"has no snapshots yet.*--snapshot"):
        resolve_reference("fresh@latest", store, THIS_YEAR)


def test_unknown_session_in_a_reference_suggests_a_name(reviewed: tuple[MemoryWorkspace, SessionMeta]) -> None:
    """A misspelt session in SESSION@N is the store's own kind of error, naming the reference and suggesting the
    near name."""
    store, _ = reviewed
    with pytest.raises(InvalidInput) as direct:
        store.resolve("acmee")
    with pytest.raises(InvalidInput) as caught:
        resolve_reference("acmee@1", store, THIS_YEAR)
    assert type(caught.value) is type(direct.value) and caught.value.title == direct.value.title
    assert "'acmee@1'" in caught.value.message and "Did you mean 'acme'" in caught.value.message


class _NoSessions:
    """A store with no session, whose resolve fails with the given kind of error."""

    def __init__(self, kind: type[InvalidInput]) -> None:
        self.kind = kind

    def snapshots(self, session_id: str) -> list[Any]:
        return []

    def sessions(self) -> list[SessionMeta]:
        return []

    def resolve(self, ref: str) -> SessionMeta:
        raise self.kind("Unknown session", f"no session '{ref}'.")


@pytest.mark.parametrize("kind", [NotFound, Ambiguous, InvalidInput])
def test_a_reference_keeps_the_kind_of_the_store_s_error(kind: type[InvalidInput]) -> None:
    """The store's error about the session in SESSION@N keeps its class, its message naming the reference."""
    with pytest.raises(InvalidInput) as caught:
        resolve_reference("nobody@1", cast(SessionStore, _NoSessions(kind)), THIS_YEAR)
    assert type(caught.value) is kind and caught.value.title == "Unknown session"
    assert caught.value.message.startswith("in the plan reference 'nobody@1': no session 'nobody'.")


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b'{"questionnaire": "starter", "version": "1.0", "answers": {}}', "looks like an answers file"),
        (b'{"hello": 1}', 'no "format": "secplan-plan"'),
        (b"[1, 2]", "holds a JSON list"),
        (b"not json at all", "is not JSON (Expecting value at line 1, column 1)"),
        (b"\xff\xfe{}", "is not UTF-8 text"),
        (b'{"format": "secplan-plan", "format_version": 9}', "written by a newer secplan"),
        (b'{"format": "secplan-plan", "format_version": 1, "risks": {}}', "'risks' must be a list"),
    ],
)
def test_a_json_file_that_is_not_a_plan_is_refused_by_name(tmp_path: Path, content: bytes, says: str) -> None:
    """A file that is not a secplan plan is an InvalidInput (exit code 2; the file is there: not a NotFound),
    naming it and what is wrong."""
    path = tmp_path / "thing.json"
    path.write_bytes(content)
    with pytest.raises(InvalidInput) as caught:
        resolve_reference(str(path), MemoryWorkspace(), THIS_YEAR)
    assert type(caught.value) is InvalidInput and caught.value.exit_code == 2
    assert str(path) in caught.value.message and says in caught.value.message


def test_missing_file_and_empty_reference_are_refused(tmp_path: Path) -> None:
    """A .json name that does not exist is a NotFound; an empty reference, and a folder, are InvalidInput."""
    with pytest.raises(NotFound, match=r"gone\.json does not exist"):
        resolve_reference(str(tmp_path / "gone.json"), MemoryWorkspace(), THIS_YEAR)
    with pytest.raises(InvalidInput, match="empty") as empty:
        resolve_reference("  ", MemoryWorkspace(), THIS_YEAR)
    assert type(empty.value) is InvalidInput
    (tmp_path / "folder.json").mkdir()
    with pytest.raises(InvalidInput, match="is a folder") as folder:
        resolve_reference(str(tmp_path / "folder.json"), MemoryWorkspace(), THIS_YEAR)
    assert type(folder.value) is InvalidInput


def test_check_plan_accepts_a_compiled_plan(starter: Questionnaire, office: dict[str, AnswerValue]) -> None:
    """The JSON of any compiled plan passes check_plan unchanged."""
    plan = json.loads(render_json(compile_plan(starter, office, LAST_YEAR)))
    assert check_plan(plan, "x") is plan


# ------------------------------------------------------------------------------------------------------------
# Files without a workspace, snapshot options, output
# ------------------------------------------------------------------------------------------------------------


def test_diff_of_two_exported_files_needs_no_session(
    tmp_path: Path, starter: Questionnaire, office: dict[str, AnswerValue], capsys: pytest.CaptureFixture[str]
) -> None:
    """Two exported JSON plans are compared without ever opening a workspace."""
    old, new = tmp_path / "2025.json", tmp_path / "2026.json"
    old.write_text(render_json(compile_plan(starter, office, LAST_YEAR)), encoding="utf-8")
    new.write_text(render_json(compile_plan(starter, {**office, **CHANGES}, THIS_YEAR)), encoding="utf-8")

    def no_workspace() -> SessionStore:
        raise AssertionError("the workspace was opened")

    text = _diff(no_workspace, capsys, str(old), str(new))
    assert f"From **{old}** to **{new}**." in text.replace("\\", "")
    assert "## Answers changed (4)" in text and "`act.auto_updates`" in text


def test_snapshot_holds_the_plan_json_and_label_defaults_to_plan_date(
    starter: Questionnaire, office: dict[str, AnswerValue]
) -> None:
    """--snapshot keeps the plan's JSON document; without --label the label is the plan date."""
    store = MemoryWorkspace()
    meta = _session(store, starter, "acme", office)
    _plan_command(store, starter, "acme")  # neither --snapshot nor --label: nothing kept
    assert store.snapshots(meta.id) == []
    _plan_command(store, starter, "acme", "--snapshot", "--date", "2025-03-01")
    (snapshot,) = store.snapshots(meta.id)
    assert snapshot.label == "2025-03-01"
    assert snapshot.plan == json.loads(render_json(compile_plan(starter, office, dt.date(2025, 3, 1))))


@pytest.mark.parametrize("label", ["", " \n ", "x" * 81])
def test_bad_snapshot_label_is_refused(starter: Questionnaire, label: str) -> None:
    """An empty or over-long label is refused and no snapshot is kept."""
    store = MemoryWorkspace()
    meta = _session(store, starter, "acme", {})
    with pytest.raises(InvalidInput, match="label") as caught:
        _plan_command(store, starter, "acme", "--snapshot", "--label", label)
    assert type(caught.value) is InvalidInput and caught.value.title == "Invalid label"
    assert store.snapshots(meta.id) == []


def test_diff_output_file_json_by_suffix(
    tmp_path: Path, reviewed: tuple[MemoryWorkspace, SessionMeta], capsys: pytest.CaptureFixture[str]
) -> None:
    """-o FILE.json writes the JSON changes (format secplan-plan-diff) and says where on stderr."""
    store, _ = reviewed
    target = tmp_path / "changes.json"
    assert _diff(store, capsys, "acme@1", "acme@2", "-o", str(target)) == ""
    doc = json.loads(target.read_text(encoding="utf-8"))
    assert doc["format"] == "secplan-plan-diff" and doc["format_version"] == 1
    assert [a["question_id"] for a in doc["answers"]] == ["cyber.mfa_email"]
    assert f"to {target}" in capsys.readouterr().err


def test_changes_since_last_snapshot(starter: Questionnaire, office: dict[str, AnswerValue]) -> None:
    """The TUI helper gives None without a snapshot, then the changes since the latest one."""
    store = MemoryWorkspace()
    meta = _session(store, starter, "acme", office)
    assert changes_since_last_snapshot(store, meta.id, starter, THIS_YEAR) is None
    _plan_command(store, starter, "acme", "--snapshot", "--label", "v1")
    unchanged = changes_since_last_snapshot(store, meta.id, starter, THIS_YEAR)
    assert unchanged is not None and unchanged.is_empty
    store.save_answer(meta.id, "physical.keys", "yes")
    diff = changes_since_last_snapshot(store, meta.id, starter, THIS_YEAR)
    assert isinstance(diff, PlanDiff)
    assert [c.question_id for c in diff.answers] == ["physical.keys"]
    assert diff.old.label.startswith('acme, snapshot 1 "v1"') and diff.new.label == "acme, current answers"
    # An action ticked off since the snapshot is reported as done, with the store's status.
    target = compile_plan(starter, store.answers(meta.id), THIS_YEAR).actions()[0].id
    store.set_action_status(meta.id, target, "done", note="Named Ann.")
    ticked = changes_since_last_snapshot(store, meta.id, starter, THIS_YEAR)
    assert ticked is not None
    statuses = {c.new.id: [f for f in c.changes if f.field == "status"] for c in ticked.actions_changed}
    assert [(f.old, f.new) for f in statuses[target]] == [("to do", "done")]


# ------------------------------------------------------------------------------------------------------------
# Hostile text
# ------------------------------------------------------------------------------------------------------------

HOSTILE = (
    "# Owned\n\n| a | b |\n[click](https://evil.example) <script>alert(1)</script> \x1b[31mred\x1b]0;title\x07 "
    "![img](x.png) *em* `code` www.evil.example me@evil.example\n- item\n1. one &amp; {x}"
)


def _blocks(tokens: list[Token]) -> list[str]:
    return [t.type for t in tokens if t.type != "inline"]


def _markup(tokens: list[Token]) -> list[list[str]]:
    """The inline markup of each inline token (links, emphasis, code, HTML...), text left out."""
    return [[c.type for c in t.children or [] if c.type != "text"] for t in tokens if t.type == "inline"]


def _hostile_diff(starter: Questionnaire, office: dict[str, AnswerValue], text: str) -> str:
    """A diff whose user text (org name, incident details, labels, titles, answers) is `text` or plain."""
    old = plan_to_dict(compile_plan(starter, {**office, "profile.org_name": "Old " + text}, LAST_YEAR))
    new = plan_to_dict(compile_plan(starter, {**office, **CHANGES, "governance.incident_details": text}, LAST_YEAR))
    # Plans from hand-edited files may hold anything, escape bytes included: put raw text in every part.
    for plan in (old, new):
        for s in plan["answers"]:
            for q in s["questions"]:
                q["question"] = q["question"] + text
                if q["question_id"] == "cyber.updates":
                    q["answer"] = q["answer"] + text
        for d in plan["domains"]:
            d["title"] = d["title"] + text
            for a in d["actions"]:
                a.update(title=a["title"] + text, owner_title=text, priority=a["priority"] + text)
        for r in plan["risks"]:
            r["title"] = r["title"] + text
            r["rating"] = text
    return render_diff_markdown(diff_plans(old, new), "snap " + text, text)


def test_hostile_text_changes_nothing_but_itself(starter: Questionnaire, office: dict[str, AnswerValue]) -> None:
    """User text full of Markdown, HTML and escapes adds no heading, link, cell or ESC byte to the changelog."""
    hostile = _hostile_diff(starter, office, HOSTILE)
    plain = _hostile_diff(starter, office, "plain words")
    assert "\x1b" not in hostile and "\x07" not in hostile
    hostile_tokens, plain_tokens = MD.parse(hostile), MD.parse(plain)
    assert _blocks(hostile_tokens) == _blocks(plain_tokens)
    assert _markup(hostile_tokens) == _markup(plain_tokens)
    assert "link_open" not in str(_markup(hostile_tokens)) and "html_inline" not in str(_markup(hostile_tokens))
    shown = ["".join(c.content for c in t.children or []) for t in hostile_tokens if t.type == "inline"]
    assert any("[click](https://evil.example) <script>alert(1)</script> red ![img](x.png) *em*" in x for x in shown)
    headings = [hostile_tokens[i + 1].content for i, t in enumerate(hostile_tokens) if t.type == "heading_open"]
    assert all("Owned" not in h for h in headings)
    assert len(headings) == len([line for line in plain.splitlines() if line.startswith("#")])
    # Every table row still has exactly its own cells.
    rows = [line for line in hostile.splitlines() if line.startswith("|")]
    assert rows and all(line.replace("\\|", "").count("|") in (4, 5) for line in rows)


def test_hostile_snapshot_label_is_cleaned_and_escaped(
    starter: Questionnaire, office: dict[str, AnswerValue], capsys: pytest.CaptureFixture[str]
) -> None:
    """A snapshot label with escapes and Markdown is stored clean and shown escaped in the changelog."""
    store = MemoryWorkspace()
    meta = _session(store, starter, "acme", office)
    _plan_command(store, starter, "acme", "--label", "# big \x1b[2J[x](http://e.example)")
    err = capsys.readouterr().err
    assert "\x1b" not in err
    (snapshot,) = store.snapshots(meta.id)
    assert snapshot.label == "# big [x](http://e.example)"
    text = _diff(store, capsys, "acme@latest", "acme")
    tokens = MD.parse(text)
    assert [t.tag for t in tokens if t.type == "heading_open"] == ["h1"]
    assert not [c for t in tokens if t.type == "inline" for c in t.children or [] if c.type == "link_open"]


def _tiny_plan(text: str, value: str) -> dict[str, Any]:
    """A minimal plan document whose user text is `text` everywhere."""
    question = {"question_id": "q.one", "question": text, "answer": text + value, "answered": True, "value": value}
    action = {
        "id": "act.one",
        "title": text,
        "domain": "cyber",
        "priority": "P1",
        "owner": "it",
        "owner_title": text,
        "due": "2025-02-14",
        "triggers": [{"question_id": "q.one"}],
    }
    return {
        "format": "secplan-plan",
        "format_version": 1,
        "metadata": {"organisation": text, "plan_date": "2025-01-15"},
        "answers": [{"section_id": "s", "title": text, "questions": [question]}],
        "domains": [
            {
                "domain": "cyber",
                "title": text,
                "maturity": {"percent": 50 if value == "a" else 60},
                "strengths": [],
                "partial": [],
                "actions": [action] if value == "a" else [],
            }
        ],
        "risks": [
            {
                "id": "risk.one",
                "title": text,
                "likelihood": 2,
                "impact": 3 if value == "a" else 4,
                "score": 6 if value == "a" else 8,
                "rating": text,
            }
        ],
    }


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=40))
def test_any_text_keeps_the_changelog_structure(text: str) -> None:
    """Whatever the user text, the changelog has the same blocks and markup as with plain text, and no ESC."""
    hostile = render_diff_markdown(diff_plans(_tiny_plan(text, "a"), _tiny_plan(text, "b")), text, text)
    plain = render_diff_markdown(diff_plans(_tiny_plan("x", "a"), _tiny_plan("x", "b")), "x", "x")
    assert "\x1b" not in hostile and "\x9b" not in hostile
    assert _blocks(MD.parse(hostile)) == _blocks(MD.parse(plain))
    assert _markup(MD.parse(hostile)) == _markup(MD.parse(plain))


# ------------------------------------------------------------------------------------------------------------
# Shape
# ------------------------------------------------------------------------------------------------------------


def test_cli_review_import_is_cheap() -> None:
    """Importing cli_review (done on every start-up to build the parser) loads no plan compiler and no store."""
    probe = (
        "import sys, secplan_tui.cli.review; "
        "print(sorted(m for m in sys.modules if m in ('secplan_tui.plan', 'secplan_tui.review', 'tinydb')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


# ------------------------------------------------------------------------------------------------------------
# Plans of the old format
# ------------------------------------------------------------------------------------------------------------

PLAN_V1 = Path(__file__).parent / "golden" / "plan-v1-starter-office.json"
"""A plan of format_version 1, written by secplan before the month-by-month schedule, for the small office."""


def test_a_version_1_plan_is_read_and_compared_with_a_version_2_plan(
    starter: Questionnaire, office: dict[str, AnswerValue]
) -> None:
    """diff reads a format_version 1 plan: its actions have no status, its maturity is rescored on what is known,
    and compared with today's plan of the same answers no answer changed and no status appears from nowhere."""
    old = json.loads(PLAN_V1.read_text(encoding="utf-8"))
    assert old["format_version"] == 1 and "capacity" not in old
    new = plan_to_dict(compile_plan(starter, office, LAST_YEAR))
    assert new["format_version"] == 2
    diff = diff_plans(old, new)
    assert diff.answers == ()
    assert all(f.field != "status" for c in diff.actions_changed for f in c.changes)
    # Version 1 counted unknown controls as missing; both sides are now scored on what is known, so a domain whose
    # counts did not change shows no change.
    v1_counts = {d["domain"]: d["maturity"] for d in old["domains"]}
    v2_counts = {d["domain"]: d["maturity"] for d in new["domains"]}
    keys = ("in_place", "partial", "not_in_place", "dont_know", "unanswered", "not_applicable")
    same = [k for k in v1_counts if all(v1_counts[k][c] == v2_counts[k][c] for c in keys)]
    assert same and not {m.domain for m in diff.maturity} & set(same)
    assert any(v1_counts[k]["dont_know"] for k in same)  # the rescoring is exercised


def test_a_plan_of_a_newer_format_is_refused_by_name(tmp_path: Path) -> None:
    """A plan of format_version 3 is refused: it was written by a newer secplan."""
    data = json.loads(PLAN_V1.read_text(encoding="utf-8"))
    data["format_version"] = 3
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InvalidInput, match="format_version 3") as caught:
        check_plan(json.loads(path.read_text(encoding="utf-8")), str(path))
    assert type(caught.value) is InvalidInput and caught.value.title == "Plan too new"


def test_status_changes_are_listed(starter: Questionnaire, office: dict[str, AnswerValue]) -> None:
    """An action done since the snapshot is a status change of that action, in words."""
    old = plan_to_dict(compile_plan(starter, office, LAST_YEAR))
    first = old["domains"][0]["actions"][0]["id"]
    statuses = {first: ActionStatus(first, "done", note="Signed.", at="2025-02-01T10:00:00Z", by="ann")}
    new = plan_to_dict(compile_plan(starter, office, LAST_YEAR, statuses=statuses))
    changed = {c.new.id: [(f.field, f.old, f.new) for f in c.changes] for c in diff_plans(old, new).actions_changed}
    assert ("status", "to do", "done") in changed[first]
    assert "Progress since then: 1 done." in render_diff_markdown(diff_plans(old, new))
