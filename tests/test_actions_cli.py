"""`secplan actions` and `secplan action`: list the living plan's actions, change one; exit codes and messages."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from secplan_tui.cli import main as cli
from secplan_tui.core.errors import SecplanError

ROOT = Path(__file__).resolve().parents[1]
OFFICE = ROOT / "questionnaires" / "examples" / "starter-small-office.yaml"
DATE = "2026-01-15"

Run = Callable[..., tuple[int, str, str]]


def _wired() -> bool:
    """Whether cli.py already registers the commands (else the test wires them as the module docstring says)."""
    sub = next(a for a in cli.build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return "actions" in sub.choices


def _main(argv: list[str]) -> int:
    if _wired() or argv[2] not in ("actions", "action"):
        return cli.main(argv)
    from secplan_tui.cli.actions import add_action_commands, run_actions_command
    from secplan_tui.store import Workspace

    parser = cli.build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    add_action_commands(sub)
    args = parser.parse_args(argv)
    try:
        return run_actions_command(args, Workspace(Path(args.data_dir)))
    except SecplanError as exc:
        cli._error(f"{exc.title}: {exc.message}")
        return exc.exit_code


@pytest.fixture
def run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Run:
    """Run the CLI in process against a workspace with one answered starter session "acme"."""
    data = tmp_path / "ws"

    def _run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        try:
            status = _main(["--data-dir", str(data), *args])
        except SystemExit as exc:
            status = int(exc.code or 0)
        out, err = capsys.readouterr()
        return status, out, err

    assert _run("new", "acme", "--questionnaire", "starter")[0] == 0
    assert _run("answers", "import", "acme", str(OFFICE))[0] == 0
    return _run


def _ids(run: Run) -> list[str]:
    status, out, _ = run("actions", "acme", "--json", "--date", DATE)
    assert status == 0
    return [a["id"] for a in json.loads(out)["actions"]]


def test_list_and_tick_off(run: Run) -> None:
    """Ticking three actions off and deferring one shows in the counts, the JSON and the lines."""
    ids = _ids(run)
    assert len(ids) >= 4
    for action_id in ids[:3]:
        status, out, _ = run("action", "acme", action_id, "--status", "done", "--note", "did it")
        assert status == 0 and f"{action_id}: done (was to do)." in out
    status, out, _ = run("action", "acme", ids[3], "--status", "deferred", "--due", "2027-03-01")
    assert status == 0 and "deferred until 2027-03-01" in out
    status, out, _ = run("actions", "acme", "--json", "--date", DATE)
    doc = json.loads(out)
    assert doc["counts"]["done"] == 3 and doc["counts"]["total"] == len(ids)
    got = {a["id"]: a for a in doc["actions"]}
    assert got[ids[3]]["due"] == "2027-03-01" and got[ids[3]]["status"] == "deferred"
    assert got[ids[0]]["note"] == "did it" and got[ids[0]]["by"]
    status, out, _ = run("actions", "acme", "--date", DATE)
    assert status == 0 and f"done 3 of {len(ids)}" in out.splitlines()[0]
    assert "\x1b" not in out
    status, out, _ = run("actions", "acme", "--status", "done", "--date", DATE)
    assert sum(1 for line in out.splitlines()[1:] if " done " in line) == 3


def test_overdue_and_role_filters(run: Run) -> None:
    """Two years on, everything open is overdue; a role filter keeps that role's actions; an unknown role is refused."""
    ids = _ids(run)
    run("action", "acme", ids[0], "--status", "done")
    status, out, _ = run("actions", "acme", "--overdue", "--json", "--date", "2028-06-01")
    doc = json.loads(out)
    assert status == 0 and len(doc["actions"]) == len(ids) - 1 and doc["counts"]["overdue"] == len(ids) - 1
    role = doc["actions"][0]["owner"]
    status, out, _ = run("actions", "acme", "--role", role, "--json", "--date", DATE)
    assert status == 0 and {a["owner"] for a in json.loads(out)["actions"]} == {role}
    status, _, err = run("actions", "acme", "--role", "nobody-at-all", "--date", DATE)
    assert status == 2 and "Unknown role" in err and role in err


def test_bad_changes_are_refused_with_exit_2(run: Run) -> None:
    """Deferred without --due, won't do without a reason, a misspelt id and a bad date save nothing."""
    action_id = _ids(run)[0]
    assert run("action", "acme", action_id, "--status", "deferred")[0] == 2
    status, _, err = run("action", "acme", action_id, "--status", "wont")
    assert status == 2 and "--note" in err
    status, _, err = run("action", "acme", action_id + "x", "--status", "done")
    assert status == 2 and f"did you mean '{action_id}'" in err
    assert run("action", "acme", action_id, "--status", "deferred", "--due", "next year")[0] == 2
    status, out, _ = run("actions", "acme", "--json", "--date", DATE)
    assert json.loads(out)["counts"]["done"] == 0
    assert {a["status"] for a in json.loads(out)["actions"]} == {"todo"}


def test_action_not_in_plan_is_refused(run: Run) -> None:
    """An action of the library that the answers do not call for cannot be given a status."""
    from secplan_tui.core import catalogue

    ids = set(_ids(run))
    outside = next(a.id for a in catalogue.load("starter").actions if a.id not in ids)
    status, _, err = run("action", "acme", outside, "--status", "done")
    assert status == 2 and "not in the current plan" in err


def test_done_but_still_missing_is_noted(run: Run) -> None:
    """Marking done an action the answers still trigger says which answers to update."""
    status, out, _ = run("actions", "acme", "--json", "--date", DATE)
    action = next(a for a in json.loads(out)["actions"] if a)
    status, out, err = run("action", "acme", action["id"], "--status", "done")
    status, out, _ = run("actions", "acme", "--json", "--date", DATE)
    (got,) = [a for a in json.loads(out)["actions"] if a["id"] == action["id"]]
    if got["still_missing"]:
        assert "still say this control is missing" in err
    status, out, _ = run("actions", "acme", "--status", "done", "--date", DATE)
    assert ("?" in out) == bool(got["still_missing"])


def test_hostile_note_reaches_no_terminal(run: Run) -> None:
    """A note with escape sequences and markup is printed with no escape byte."""
    action_id = _ids(run)[0]
    assert run("action", "acme", action_id, "--status", "doing", "--note", "\x1b[31mred\x1b]0;t\x07 [b]x[/b]")[0] == 0
    status, out, _ = run("actions", "acme", "--date", DATE)
    assert status == 0 and "\x1b" not in out and "\x07" not in out and "red" in out


def test_due_dates_stay_put_when_others_are_ticked_off(run: Run) -> None:
    """Ticking actions off does not move the other actions' due dates (they are those given at the review)."""
    status, out, _ = run("actions", "acme", "--json", "--date", DATE)
    before = {a["id"]: a["due"] for a in json.loads(out)["actions"]}
    ids = list(before)
    for action_id in ids[:3]:
        assert run("action", "acme", action_id, "--status", "done")[0] == 0
    status, out, _ = run("actions", "acme", "--json", "--date", DATE)
    after = {a["id"]: a["due"] for a in json.loads(out)["actions"]}
    assert {k: after[k] for k in ids[3:]} == {k: before[k] for k in ids[3:]}


def test_statuses_survive_an_answers_import_that_keeps_the_action(run: Run) -> None:
    """Importing the answers again keeps every status of the actions still in the plan."""
    ids = _ids(run)
    assert run("action", "acme", ids[0], "--status", "done", "--note", "kept?")[0] == 0
    assert run("action", "acme", ids[1], "--status", "deferred", "--due", "2027-01-31")[0] == 0
    assert run("answers", "import", "acme", str(OFFICE))[0] == 0
    status, out, _ = run("actions", "acme", "--json", "--date", DATE)
    got = {a["id"]: a for a in json.loads(out)["actions"]}
    assert (got[ids[0]]["status"], got[ids[0]]["note"]) == ("done", "kept?")
    assert (got[ids[1]]["status"], got[ids[1]]["due"]) == ("deferred", "2027-01-31")


def test_plan_date_is_last_snapshot_else_first_status_change_else_today(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`plan`, `actions` and `diff` date a living plan from its last snapshot, else from the day of its first
    action-status change, else today; --date overrides."""
    import datetime as dt

    from secplan_tui.store.base import StoreBase

    def plan_date(*extra: str) -> str:
        status, out, err = run("plan", "acme", "--format", "json", *extra)
        assert status == 0, err
        return str(json.loads(out)["metadata"]["plan_date"])

    assert plan_date() == dt.date.today().isoformat()  # a fresh plan
    first = _ids(run)[0]
    monkeypatch.setattr(StoreBase, "_now", lambda self: dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC))
    assert run("action", "acme", first, "--status", "doing")[0] == 0
    monkeypatch.undo()
    assert run("action", "acme", first, "--status", "done", "--note", "did it")[0] == 0
    assert plan_date() == "2026-01-05"  # living since its first status change
    assert plan_date("--date", "2026-06-30") == "2026-06-30"
    status, out, _ = run("actions", "acme", "--json", "--date", DATE)
    due = {a["id"]: a["due"] for a in json.loads(out)["actions"]}
    assert run("plan", "acme", "--snapshot", "--date", "2025-12-01")[0] == 0
    assert plan_date() == "2025-12-01"  # the last review's date
    status, out, _ = run("actions", "acme", "--json", "--date", DATE)
    assert status == 0 and {a["id"]: a["due"] for a in json.loads(out)["actions"]} != due


def test_plan_and_diff_carry_the_statuses(run: Run) -> None:
    """`plan` compiles with the stored statuses, and `diff S@latest S` reports the progress since the snapshot."""
    first = _ids(run)[0]
    assert run("plan", "acme", "--snapshot")[0] == 0
    assert run("action", "acme", first, "--status", "done", "--note", "did it")[0] == 0
    status, out, err = run("plan", "acme", "--format", "json")
    assert status == 0, err
    statuses = {a["id"]: a["status"]["status"] for d in json.loads(out)["domains"] for a in d["actions"]}
    assert statuses[first] == "done"
    status, out, err = run("diff", "acme@latest", "acme", "--json")
    assert status == 0, err
    changed = {c["new"]["id"]: c["changes"] for c in json.loads(out)["actions"]["changed"]}
    assert {"field": "status", "old": "to do", "new": "done"} in changed[first]


def test_a_status_change_without_note_keeps_the_note(run: Run) -> None:
    """`--status done` after `--status doing --note ...` keeps the note (as the app does); `--note ""` clears it;
    won't do still needs a reason, which a kept note gives."""
    ids = _ids(run)
    assert run("action", "acme", ids[0], "--status", "doing", "--note", "ticket 123 with the bank")[0] == 0
    assert run("action", "acme", ids[0], "--status", "done")[0] == 0
    got = {a["id"]: a for a in json.loads(run("actions", "acme", "--json", "--date", DATE)[1])["actions"]}
    assert (got[ids[0]]["status"], got[ids[0]]["note"]) == ("done", "ticket 123 with the bank")
    assert run("action", "acme", ids[0], "--status", "wont")[0] == 0  # the kept note is the reason
    assert run("action", "acme", ids[1], "--status", "wont")[0] == 2  # no note at all: refused
    assert run("action", "acme", ids[0], "--status", "done", "--note", "")[0] == 0
    got = {a["id"]: a for a in json.loads(run("actions", "acme", "--json", "--date", DATE)[1])["actions"]}
    assert got[ids[0]]["note"] == ""


def test_a_review_snapshot_without_date_starts_the_next_plan_today(run: Run) -> None:
    """`plan --snapshot` without --date is dated today (the review starts the next plan), whatever the last
    snapshot's date; with --date it takes that date."""
    import datetime as dt

    assert run("plan", "acme", "--date", "2025-01-02", "--snapshot", "-o", "-", "--format", "json")[0] == 0
    status, out, _ = run("plan", "acme", "--snapshot", "--label", "review", "-o", "-", "--format", "json")
    assert status == 0
    assert json.loads(out)["metadata"]["plan_date"] == dt.date.today().isoformat()
    status, out, _ = run("plan", "acme", "-o", "-", "--format", "json")
    assert json.loads(out)["metadata"]["plan_date"] == dt.date.today().isoformat()  # the living plan follows it
