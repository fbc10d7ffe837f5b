"""The Actions screen (the living plan in the app): ticking off, deferring, won't do, notes, filters, the home
screen's and the plan's progress, and a snapshot at 80x24.

Regenerate the snapshot with ``.venv/bin/pytest tests/test_tui_actions.py --snapshot-update`` and look at the SVG
in ``tests/__snapshots__/test_tui_actions/`` before committing it.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList, Static

from secplan_tui.core import catalogue
from secplan_tui.frontends.tui.app import SecplanApp, make_app
from secplan_tui.frontends.tui.screens.actions import ActionsScreen, StatusDialog
from secplan_tui.frontends.tui.screens.home import HomeScreen
from secplan_tui.frontends.tui.screens.plan import PlanScreen
from secplan_tui.session.answer_files import progress_of, read_answers
from secplan_tui.store import MemoryWorkspace

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "questionnaires" / "examples" / "starter-small-office.yaml"
NOW = dt.datetime(2026, 1, 15, 9, 30, tzinfo=dt.UTC)
PLAN_DATE = dt.date(2026, 1, 15)

SnapCompare = Callable[..., bool]


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> MemoryWorkspace:
    """A memory workspace with a fixed clock and session ids 00000001, 00000002, ..."""
    counter = itertools.count(1)
    monkeypatch.setattr("secplan_tui.store.operations._new_session_id", lambda: f"{next(counter):08x}")
    return MemoryWorkspace(clock=lambda: NOW, user=lambda: "tester")


def add_session(store: MemoryWorkspace, name: str = "Riverside Travel Ltd") -> str:
    """A starter session with every example answer."""
    starter = catalogue.load("starter")
    answers = read_answers(str(EXAMPLE), starter).answers
    meta = store.create(name, starter.id, starter.version, starter.content_hash)
    store.save_answers(meta.id, answers, progress=progress_of(starter, answers))
    store.update_meta(meta.id, status="complete")
    return meta.id


def app_for(store: MemoryWorkspace, tmp_path: Path, session_id: str | None = None,
            today: dt.date = PLAN_DATE) -> SecplanApp:
    app = make_app(store, session_id=session_id, plan_date=today, export_dir=tmp_path)
    app.cursor_blink = False
    return app


async def open_actions(pilot: Pilot[Any]) -> ActionsScreen:
    """From the home screen, a opens the highlighted session's actions."""
    await pilot.pause()
    assert isinstance(pilot.app.screen, HomeScreen)
    await pilot.press("a")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, ActionsScreen)
    return screen


def status_of(store: MemoryWorkspace, session: str, action_id: str) -> str | None:
    found = store.action_statuses(session).get(action_id)
    return found.status if found else None


async def test_tick_three_defer_one_and_see_progress(store: MemoryWorkspace, tmp_path: Path) -> None:
    """x ticks off three actions, s defers one with a date; the store has them, the title and home show it."""
    session = add_session(store)
    app = app_for(store, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_actions(pilot)
        first = [p.id for p in screen.shown[:4]]
        await pilot.press("x", "x", "x")  # the cursor stays on its row: each x ticks off the next action
        await pilot.pause()
        assert [status_of(store, session, a) for a in first[:3]] == ["done", "done", "done"]
        assert screen.shown[0].id == first[3]
        # the cursor is on the fourth now: done ones sort to the end, so find it again
        listing = screen.query_one("#actions-list", OptionList)
        listing.highlighted = [p.id for p in screen.shown].index(first[3])
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, StatusDialog)
        await pilot.press("down", "down", "down", "enter")  # to do -> deferred
        await pilot.pause()
        await pilot.press(*"2026-9-1", "enter")  # not a date: asked again, with what was typed
        await pilot.pause()
        assert status_of(store, session, first[3]) is None
        await pilot.press(*["backspace"] * 8, *"2026-09-01", "enter")
        await pilot.pause()
        assert store.action_statuses(session)[first[3]].due == "2026-09-01"
        assert status_of(store, session, first[3]) == "deferred"
        assert "Done 3 of" in str(screen.query_one("#actions-filter", Static).render())
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert "plan done 3 of" in str(app.screen.query_one("#session-details", Static).render())


async def test_x_again_undoes_and_note_is_kept(store: MemoryWorkspace, tmp_path: Path) -> None:
    """x twice goes back to to do; n saves a note without changing the status; hostile text stays text."""
    session = add_session(store)
    app = app_for(store, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_actions(pilot)
        action_id = screen.shown[0].id
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"[b]x[/b] \\[red]", "enter")
        await pilot.pause()
        stored = store.action_statuses(session)[action_id]
        assert (stored.status, stored.note) == ("todo", "[b]x[/b] \\[red]")
        assert "[b]x[/b]" in str(screen.query_one("#actions-detail", Static).render())
        await pilot.press("x")
        await pilot.pause()
        assert status_of(store, session, action_id) == "done"
        listing = screen.query_one("#actions-list", OptionList)
        listing.highlighted = [p.id for p in screen.shown].index(action_id)
        await pilot.press("x")
        await pilot.pause()
        assert status_of(store, session, action_id) == "todo"
        assert store.action_statuses(session)[action_id].note == "[b]x[/b] \\[red]"


async def test_wont_needs_a_reason(store: MemoryWorkspace, tmp_path: Path) -> None:
    """Won't do with an empty reason asks again; with one, it is saved with it."""
    session = add_session(store)
    app = app_for(store, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_actions(pilot)
        action_id = screen.shown[0].id
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("end", "enter")
        await pilot.pause()
        await pilot.press("enter")  # empty reason
        await pilot.pause()
        assert status_of(store, session, action_id) is None
        await pilot.press(*"landlord does it", "enter")
        await pilot.pause()
        stored = store.action_statuses(session)[action_id]
        assert (stored.status, stored.note) == ("wont", "landlord does it")


async def test_filters(store: MemoryWorkspace, tmp_path: Path) -> None:
    """o, t, m and d narrow the list, and each pressed again (or cycled through) shows everything."""
    add_session(store)
    app = app_for(store, tmp_path, today=PLAN_DATE + dt.timedelta(days=400))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_actions(pilot)
        everything = len(screen.shown)
        screen.query_one("#actions-list", OptionList).highlighted = 0
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("o")
        await pilot.pause()
        assert len(screen.shown) == everything - 1 and all(p.overdue for p in screen.shown)
        await pilot.press("o", "m")
        await pilot.pause()
        role = screen.role
        assert role and all(p.action.owner == role for p in screen.shown) and len(screen.shown) < everything
        while screen.role is not None:
            await pilot.press("m")
        await pilot.press("d")
        await pilot.pause()
        domain = screen.domain
        assert domain and all(p.action.domain == domain for p in screen.shown)
        while screen.domain is not None:
            await pilot.press("d")
        await pilot.pause()
        assert len(screen.shown) == everything


async def test_done_but_still_missing_is_flagged_and_u_opens_the_question(store: MemoryWorkspace,
                                                                          tmp_path: Path) -> None:
    """A done action the answers still trigger shows ? and the questions; u opens the first of them."""
    add_session(store)
    app = app_for(store, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_actions(pilot)
        index = next(i for i, p in enumerate(screen.shown) if p.action.triggers)
        action_id = screen.shown[index].id
        screen.query_one("#actions-list", OptionList).highlighted = index
        await pilot.press("x")
        await pilot.pause()
        screen.query_one("#actions-list", OptionList).highlighted = [p.id for p in screen.shown].index(action_id)
        await pilot.pause()
        detail = str(screen.query_one("#actions-detail", Static).render())
        assert "still say this control is missing" in detail
        question = screen.shown[[p.id for p in screen.shown].index(action_id)].still_missing[0]
        await pilot.press("u")
        await pilot.pause()
        from secplan_tui.frontends.tui.screens.question import QuestionScreen

        assert isinstance(app.screen, QuestionScreen)
        assert app.screen.current == question


async def test_from_the_plan_screen(store: MemoryWorkspace, tmp_path: Path) -> None:
    """a on the plan opens the actions; after ticking one off, the plan's side shows actions done per domain."""
    session = add_session(store)
    app = app_for(store, tmp_path, session)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f8")
        await pilot.pause()
        assert isinstance(app.screen, PlanScreen)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ActionsScreen)
        await pilot.press("x")
        await pilot.pause()
        assert "done" in {s.status for s in store.action_statuses(session).values()}
        await pilot.press("f5")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, PlanScreen)
        side = str(app.screen.query_one("#maturity", Static).render())
        assert "Actions done" in side and " 1 of " in side


def test_actions_screen_snapshot(snap_compare: SnapCompare, store: MemoryWorkspace, tmp_path: Path) -> None:
    """Actions by due date, two done, one deferred, one won't do, overdue ones marked, the details below."""
    session = add_session(store)
    starter = catalogue.load("starter")
    from secplan_tui.plan import compile_plan

    plan = compile_plan(starter, store.answers(session), PLAN_DATE)
    ids = [a.id for a in plan.actions()]
    store.set_action_status(session, ids[0], "done", note="all laptops")
    store.set_action_status(session, ids[1], "done")
    store.set_action_status(session, ids[2], "deferred", due="2026-09-01", note="after the office move")
    store.set_action_status(session, ids[3], "wont", note="landlord covers it")
    app = app_for(store, tmp_path, today=dt.date(2026, 4, 20))

    async def go(pilot: Pilot[Any]) -> None:
        await open_actions(pilot)
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=go)


async def test_changes_since_snapshot_count_actions_done_deferred_dropped(store: MemoryWorkspace,
                                                                          tmp_path: Path) -> None:
    """g on the plan: the header counts the actions done, deferred and dropped since the last snapshot."""
    from secplan_tui.frontends.tui.screens.document import ChangesScreen
    from secplan_tui.plan import compile_plan
    from secplan_tui.review import take_snapshot

    session = add_session(store)
    plan = compile_plan(catalogue.load("starter"), store.answers(session), PLAN_DATE)
    take_snapshot(store, session, plan, "review 2026")
    ids = [a.id for a in plan.actions()]
    store.set_action_status(session, ids[0], "done")
    store.set_action_status(session, ids[1], "done")
    store.set_action_status(session, ids[2], "deferred", due="2026-10-01")
    store.set_action_status(session, ids[3], "wont", note="not for us")
    store.set_action_status(session, ids[4], "doing")
    app = app_for(store, tmp_path, session)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f8")
        await pilot.pause()
        await pilot.press("g")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ChangesScreen)
        header = str(app.screen.query_one("#doc-header", Static).render())
        assert "actions since then: 2 done, 1 deferred, 1 dropped" in header.replace("\n", " ")


def test_plan_export_formats_keep_the_chosen_view() -> None:
    """The plan's export offers the full plan first; a file name's suffix picks the format of the chosen view."""
    from secplan_tui.frontends.tui.exporting import choose_format
    from secplan_tui.frontends.tui.screens.plan import PLAN_EXPORTS

    assert next(iter(PLAN_EXPORTS)) == "md"
    assert choose_format("plan.html", "summary.md", PLAN_EXPORTS) == ("summary.html", "plan.html")
    assert choose_format("plan.htm", "checklist.md", PLAN_EXPORTS) == ("checklist.html", "plan.htm")
    assert choose_format("plan.md", "html", PLAN_EXPORTS) == ("md", "plan.md")
    assert choose_format("plan", "summary.html", PLAN_EXPORTS) == ("summary.html", "plan.html")
    assert choose_format("plan.json", "summary.md", PLAN_EXPORTS) == ("json", "plan.json")


def test_exports_go_to_a_private_folder_in_the_workspace(tmp_path: Path) -> None:
    """With no export folder fixed, an ordinary workspace offers its own exports/ folder, made 0700 on first use."""
    from secplan_tui.frontends.tui.exporting import default_export_folder, make_private_folder
    from secplan_tui.store import Workspace

    workspace = Workspace(tmp_path / "ws")
    app = make_app(workspace)
    folder = default_export_folder(app)
    assert folder == tmp_path / "ws" / "exports" and not folder.exists()
    make_private_folder(folder)
    assert folder.is_dir() and folder.stat().st_mode & 0o777 == 0o700
    fixed = make_app(workspace, export_dir=tmp_path)
    assert default_export_folder(fixed) == tmp_path


async def test_the_plan_exports_the_full_plan_whatever_the_view(store: MemoryWorkspace, tmp_path: Path) -> None:
    """Reading the summary, e then Enter writes the full plan; choosing the summary in the dialog writes it."""
    from secplan_tui.frontends.tui.dialogs import ExportDialog
    from secplan_tui.plan import render_markdown

    session = add_session(store)
    app = app_for(store, tmp_path, session)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f8")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PlanScreen) and screen.plan is not None
        await pilot.press("v")  # the summary
        await pilot.pause()
        assert screen.view == "summary"
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExportDialog)
        await pilot.press("enter")
        await pilot.pause()
        written = sorted(tmp_path.glob("*.md"))
        assert len(written) == 1 and written[0].read_text(encoding="utf-8") == render_markdown(screen.plan, "full")
        written[0].unlink()
        await pilot.press("e")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        dialog.query_one("#format", OptionList).highlighted = list(dialog.format_ids).index("summary.md")
        await pilot.pause()
        dialog.query_one("#file-name").focus()
        await pilot.press("enter")
        await pilot.pause()
        written = sorted(tmp_path.glob("*.md"))
        assert len(written) == 1 and written[0].read_text(encoding="utf-8") == render_markdown(screen.plan, "summary")


async def test_home_list_has_a_plan_column_and_the_details_the_pass(store: MemoryWorkspace, tmp_path: Path) -> None:
    """Every session in the home list shows its living plan's progress within 80 columns; the details line says
    where the answering stands by pass, not "n of m answered"."""
    from secplan_tui.frontends.tui.widgets.sessions import SessionList

    ticked = add_session(store, "Ticked Ltd")
    add_session(store, "Untouched Ltd")
    app = app_for(store, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_actions(pilot)
        plan_actions = [p.id for p in screen.shown]
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        listing = app.screen.query_one(SessionList)
        for action in plan_actions[:2]:
            store.set_action_status(ticked, action, "done")
        app.screen.refresh_sessions(select=ticked)
        await pilot.pause()
        rows = {m.name: str(listing.get_option_at_index(i).prompt) for i, m in enumerate(listing.metas)}
        assert f"done 2 of {len(plan_actions)}" in rows["Ticked Ltd"]
        assert " of " not in rows["Untouched Ltd"]  # no status yet: no compile, an empty plan column
        assert "Actions" in str(app.screen.query_one("#sessions-header", Static).render())
        assert all(len(row) + 2 <= 80 for row in rows.values())
        details = str(app.screen.query_one("#session-details", Static).render())
        assert "all " in details and " answered" in details and "of" in details


async def test_an_unreadable_questionnaire_folder_is_reported_not_fatal(store: MemoryWorkspace, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """n with a questionnaire or scenario folder that cannot be read says why, and the app carries on."""
    from secplan_tui.core.errors import SecplanError

    add_session(store)
    app = app_for(store, tmp_path)
    told: list[str] = []

    def unreadable(self: SecplanApp) -> list[object]:
        raise SecplanError("Cannot read questionnaires", "/srv/q cannot be read (permission denied)")

    monkeypatch.setattr(SecplanApp, "exercise_entries", unreadable)
    monkeypatch.setattr(SecplanApp, "report", lambda self, exc: told.append(exc.message))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and app.is_running
        assert told == ["/srv/q cannot be read (permission denied)"]
