"""The living plan's arithmetic (secplan_tui.plan.living): statuses, due dates, overdue, counts, filters, flags."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from secplan_tui.core import catalogue
from secplan_tui.core.model import ActionStatus
from secplan_tui.plan import Plan, compile_plan
from secplan_tui.plan.living import (
    action_progress,
    by_domain,
    by_due_date,
    counts,
    done_but_missing,
    filter_actions,
    plan_statuses,
    roles_of,
    status_changes,
    suggest_ids,
)
from secplan_tui.plan.plan_json import plan_to_dict
from secplan_tui.session.answer_files import read_answers

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "questionnaires" / "examples" / "starter-small-office.yaml"
PLAN_DATE = dt.date(2026, 1, 15)


@pytest.fixture(scope="module")
def plan() -> Plan:
    """The starter example's plan."""
    starter = catalogue.load("starter")
    return compile_plan(starter, read_answers(str(EXAMPLE), starter).answers, PLAN_DATE)


def test_no_status_is_todo_and_nothing_overdue_on_the_plan_date(plan: Plan) -> None:
    """Every action starts as to do; none is due before the plan date."""
    items = action_progress(plan.actions(), {}, PLAN_DATE)
    assert items and {p.status for p in items} == {"todo"}
    assert not any(p.overdue for p in items)
    assert counts(items).text() == f"done 0 of {len(items)}"


def test_overdue_counts_open_actions_past_due(plan: Plan) -> None:
    """A year later every open action is overdue; done and won't-do ones are not."""
    first, second, third = plan.actions()[:3]
    statuses = {first.id: ActionStatus(first.id, "done"), second.id: ActionStatus(second.id, "wont", note="no")}
    later = PLAN_DATE + dt.timedelta(days=800)
    items = action_progress(plan.actions(), statuses, later)
    got = {p.id: p for p in items}
    assert not got[first.id].overdue and not got[second.id].overdue and got[third.id].overdue
    c = counts(items)
    assert (c.done, c.total, c.overdue, c.wont) == (1, len(items) - 1, len(items) - 2, 1)
    assert c.text().endswith(f"· {len(items) - 2} overdue")


def test_deferred_action_takes_its_new_date(plan: Plan) -> None:
    """A deferred action is due on its new date, and is not overdue before it."""
    action = plan.actions()[0]
    new_due = action.due + dt.timedelta(days=400)
    statuses = {action.id: ActionStatus(action.id, "deferred", due=new_due.isoformat())}
    day = action.due + dt.timedelta(days=10)
    (item,) = [p for p in action_progress(plan.actions(), statuses, day) if p.id == action.id]
    assert item.due == new_due and not item.overdue
    assert by_due_date(action_progress(plan.actions(), statuses, day))[-1].id == action.id


def test_done_action_still_in_plan_is_flagged_with_its_questions(plan: Plan) -> None:
    """An action marked done that the answers still trigger names the questions to update."""
    action = next(a for a in plan.actions() if a.triggers)
    items = action_progress(plan.actions(), {action.id: ActionStatus(action.id, "done")}, PLAN_DATE)
    (flagged,) = done_but_missing(items)
    assert flagged.id == action.id
    assert flagged.still_missing == tuple(f.question_id for f in action.triggers)


def test_filters(plan: Plan) -> None:
    """Role (id or title), status, overdue, this month and domain each narrow the list."""
    items = action_progress(plan.actions(), {}, PLAN_DATE)
    role, title = roles_of(plan.actions())[0]
    mine = filter_actions(items, PLAN_DATE, role=title.upper())
    assert mine and all(p.action.owner == role for p in mine)
    assert filter_actions(items, PLAN_DATE, role=role) == mine
    assert filter_actions(items, PLAN_DATE, status="done") == []
    assert filter_actions(items, PLAN_DATE, status="open") == items
    assert filter_actions(items, PLAN_DATE, overdue=True) == []
    month = filter_actions(items, PLAN_DATE, this_month=True)
    assert month and all(p.due.month == 1 and p.due.year == 2026 for p in month)
    assert len(month) < len(items)
    domain = items[0].action.domain
    assert all(p.action.domain == domain for p in filter_actions(items, PLAN_DATE, domain=domain))


def test_per_domain_counts_add_up(plan: Plan) -> None:
    """Per-domain totals add up to the plan's."""
    first = plan.actions()[0]
    items = action_progress(plan.actions(), {first.id: ActionStatus(first.id, "done")}, PLAN_DATE)
    per = by_domain(items)
    assert sum(c.total for c in per.values()) == len(items)
    assert per[first.domain].done == 1


def test_status_changes_between_reviews() -> None:
    """Done, deferred (new or moved) and dropped are told apart; unchanged ones are not listed."""
    old = {"a": ActionStatus("a", "doing"), "c": ActionStatus("c", "deferred", due="2026-03-01"),
           "e": ActionStatus("e", "done")}
    new = {"a": ActionStatus("a", "done"), "b": ActionStatus("b", "wont", note="x"),
           "c": ActionStatus("c", "deferred", due="2026-06-01"), "d": ActionStatus("d", "deferred", due="2026-05-01"),
           "e": ActionStatus("e", "done")}
    changes = status_changes(old, new)
    assert (changes.done, changes.deferred, changes.dropped) == (("a",), ("c", "d"), ("b",))
    assert changes.text() == "1 done, 2 deferred, 1 dropped"
    assert status_changes(new, new).is_empty


def test_plan_statuses_read_from_plan_json(plan: Plan) -> None:
    """The status words come back out of a plan's JSON document, as a snapshot keeps it."""
    starter = catalogue.load("starter")
    first = plan.actions()[0]
    again = compile_plan(starter, read_answers(str(EXAMPLE), starter).answers, PLAN_DATE,
                         statuses={first.id: ActionStatus(first.id, "done")})
    old, new = plan_statuses(plan_to_dict(plan)), plan_statuses(plan_to_dict(again))
    assert new[first.id] == "done" and old[first.id] == "todo"
    assert status_changes(old, new).done == (first.id,)


def test_suggest_ids() -> None:
    """A misspelt id gets the near ones."""
    assert suggest_ids("act.mfa_emial", ["act.mfa_email", "act.backup"]) == ["act.mfa_email"]


def test_plan_start_is_last_review_else_first_status_change_else_today() -> None:
    """A plan starts living at its last snapshot's plan date, else on the day of the first action-status change,
    else it is a fresh plan dated today."""
    from secplan_tui.core.model import ActionStatus
    from secplan_tui.plan.living import plan_start

    today = dt.date(2026, 5, 9)
    assert plan_start((), (), today) == today
    history = [ActionStatus("act.b", "doing", at="2026-04-02T08:00:00Z"),
               ActionStatus("act.a", "done", at="2026-03-14T23:59:00Z"),
               ActionStatus("act.c", "todo", at="")]
    assert plan_start((), history, today) == dt.date(2026, 3, 14)
    snaps: list[dict[str, object]] = [
        {"metadata": {"plan_date": "2026-03-01"}},
        {"metadata": {"plan_date": "2027-03-02"}},
        {"x": 1},
    ]
    assert plan_start(snaps, history, today) == dt.date(2027, 3, 2)
    assert plan_start([{"x": 1}], history, today) == dt.date(2026, 3, 14)


def test_updating_the_answer_takes_a_done_action_out_and_its_status_comes_back_with_it(plan: Plan) -> None:
    """A done action whose answer is updated leaves the plan (no flag, not counted); undoing the answer brings
    it back with its status (the store keeps statuses of actions that left)."""
    from secplan_tui.store import MemoryWorkspace

    starter = catalogue.load("starter")
    answers = dict(read_answers(str(EXAMPLE), starter).answers)
    store = MemoryWorkspace(clock=lambda: dt.datetime(2026, 1, 15, tzinfo=dt.UTC), user=lambda: "t")
    meta = store.create("x", starter.id, starter.version, starter.content_hash)
    found = None
    for action in plan.actions():
        for fact in action.triggers:
            question = starter.question(fact.question_id)
            for choice in question.choices if question is not None else ():
                changed = {**answers, fact.question_id: choice.id}
                if compile_plan(starter, changed, PLAN_DATE).action(action.id) is None:
                    found = (action, changed)
                    break
            if found:
                break
        if found:
            break
    assert found is not None
    action, changed = found
    store.set_action_status(meta.id, action.id, "done", note="did it")
    before = action_progress(plan.actions(), store.action_statuses(meta.id), PLAN_DATE)
    assert [p.id for p in done_but_missing(before)] == [action.id]
    after_plan = compile_plan(starter, changed, PLAN_DATE)
    after = action_progress(after_plan.actions(), store.action_statuses(meta.id), PLAN_DATE)
    assert action.id not in {p.id for p in after} and not done_but_missing(after)
    assert counts(after).done == 0
    back = action_progress(plan.actions(), store.action_statuses(meta.id), PLAN_DATE)
    assert {p.id: p.status for p in back}[action.id] == "done"


def test_progress_imports_no_store_and_no_ui() -> None:
    """progress is core: importing it brings in no store, textual, questionary, prompt_toolkit or tinydb."""
    import subprocess
    import sys

    code = (
        "import sys, secplan_tui.plan.living; "
        "bad = [m for m in ('secplan_tui.store', 'textual', 'questionary', 'prompt_toolkit', 'tinydb') "
        "if m in sys.modules]; print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout  # noqa: S603
    assert out.strip() == "[]"
