"""The Textual app driven from the keyboard with Textual's pilot: the flow through the starter questionnaire, saves
and failed saves, review, plan preview and export, home screen actions, keys, help and the command palette."""

from __future__ import annotations

import datetime as dt
import io
import signal
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, Markdown

from secplan_tui.core import catalogue
from secplan_tui.core.errors import NotFound, SecplanError
from secplan_tui.core.model import AnswerValue
from secplan_tui.frontends.tui import configure_from_environment, default_theme, parse_keymap
from secplan_tui.frontends.tui.app import SecplanApp, make_app, questionnaire_entries
from secplan_tui.frontends.tui.dialogs import ConfirmDialog, ExportDialog, NewSessionDialog, PathDialog
from secplan_tui.frontends.tui.screens.help import HelpScreen
from secplan_tui.frontends.tui.screens.home import HomeScreen
from secplan_tui.frontends.tui.screens.plan import PlanScreen
from secplan_tui.frontends.tui.screens.question import QuestionScreen
from secplan_tui.frontends.tui.screens.review import ReviewScreen
from secplan_tui.frontends.tui.text import ASCII, UNICODE, glyphs_for
from secplan_tui.plan import compile_plan, render_html, render_markdown
from secplan_tui.session.answer_files import progress_of, read_answers
from secplan_tui.store import MemoryWorkspace, SessionMeta, SessionStore, Workspace

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "questionnaires" / "examples" / "starter-small-office.yaml"
NOW = dt.datetime(2026, 1, 15, 9, 30, tzinfo=dt.UTC)
PLAN_DATE = dt.date(2026, 1, 15)
SIZE = (80, 24)


def fixed_clock() -> dt.datetime:
    return NOW


def user_name() -> str:
    return "tester"


def new_app(store: SessionStore, export_dir: Path, **kwargs: Any) -> SecplanApp:
    """The app as the CLI builds it, with a fixed plan date, an export folder and no cursor blink."""
    app = make_app(store, plan_date=PLAN_DATE, export_dir=export_dir, **kwargs)
    app.cursor_blink = False
    return app


def screen_text(app: SecplanApp) -> str:
    """What the terminal shows now, as plain text."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), record=True, force_terminal=True,
                      color_system=None, legacy_windows=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text()


async def keys(pilot: Pilot[Any], *pressed: str) -> None:
    """Press keys; the pilot waits for each to be handled and the screen to settle."""
    await pilot.press(*pressed)


async def type_text(pilot: Pilot[Any], text: str) -> None:
    """Type text key by key (space included)."""
    await keys(pilot, *["space" if ch == " " else ch for ch in text])


async def paste(pilot: Pilot[Any], text: str) -> None:
    """Paste text into the focused widget, as the terminal driver delivers a bracketed paste."""
    pilot.app.post_message(events.Paste(text))
    await pilot.pause()


def starter_session(store: SessionStore, name: str = "Acme", answers: Mapping[str, AnswerValue] | None = None
                    ) -> SessionMeta:
    """A session on the starter questionnaire, with some answers saved."""
    questionnaire = catalogue.load("starter")
    meta = store.create(name, questionnaire.id, questionnaire.version, questionnaire.content_hash)
    if answers:
        store.save_answers(meta.id, dict(answers), progress=progress_of(questionnaire, answers))
    return meta


def question_screen(app: SecplanApp) -> QuestionScreen:
    screen = app.screen
    assert isinstance(screen, QuestionScreen), f"expected the question screen, found {type(screen).__name__}"
    return screen


def starter_position_in_dialog() -> int:
    """How far down the new-session dialog lists the starter questionnaire (the default comes first)."""
    entries = sorted(questionnaire_entries(), key=lambda e: e.id != catalogue.DEFAULT_QUESTIONNAIRE)
    return [e.id for e in entries].index("starter")


# One way through the starter questionnaire from the keyboard: (question on screen, keys, value saved).
WALK: list[tuple[str, tuple[str, ...], AnswerValue]] = [
    ("profile.org_name", ("paste:Acme Ltd", "enter"), "Acme Ltd"),
    ("profile.headcount", ("2",), "small"),
    ("profile.people", ("text:12", "enter"), 12),
    ("profile.premises", ("2",), "office"),  # opens profile.remote and the premises section
    ("profile.remote", ("1",), "yes"),
    ("profile.cloud", ("1", "2", "enter"), ["email", "files"]),
    ("profile.it_support", ("4",), "provider"),
    ("profile.cards", ("2",), "no"),
    ("profile.personal_data", ("1",), "yes"),
    ("profile.servers", ("2",), "no"),
    ("governance.owner", ("3",), "named"),
    ("governance.legal", ("2",), "partly"),
    ("governance.suppliers", ("3",), "no"),
    ("governance.incident_plan", ("f2",), "dont_know"),
    ("governance.past_incidents", ("2",), "minor"),  # opens governance.incident_details
    ("governance.incident_details", ("text:Phish", "enter", "paste:We phone first now", "ctrl+s"),
     "Phish\nWe phone first now"),
    ("people.training", ("1",), "none"),
    ("people.payment_checks", ("1",), "yes"),
    ("people.leavers", ("2",), "partly"),
    ("people.remote_rules", ("3",), "no"),
    ("information.backup", ("3",), "automatic"),
    ("information.backup_offline", ("1",), "yes"),
    ("information.encryption", ("2",), "partly"),
    ("information.breach_process", ("d",), "dont_know"),
    ("cyber.mfa_email", ("1",), "yes"),
    ("cyber.passwords", ("3",), "manager"),
    ("cyber.updates", ("1",), "yes"),
    ("cyber.malware", ("1",), "yes"),
    ("physical.keys", ("1",), "yes"),
    ("physical.alarm", ("2",), "local"),
    ("physical.zoning", ("3",), "no"),
]


async def walk(pilot: Pilot[Any], app: SecplanApp, steps: list[tuple[str, tuple[str, ...], AnswerValue]]) -> None:
    for question_id, pressed, _ in steps:
        assert question_screen(app).current == question_id
        for key in pressed:
            if key.startswith("text:"):
                await type_text(pilot, key[5:])
            elif key.startswith("paste:"):
                await paste(pilot, key[6:])
            else:
                await keys(pilot, key)


async def test_keyboard_only_session_from_creation_to_export_and_resume(tmp_path: Path) -> None:
    """Create, answer to the end through branches that open and close, go back, review, preview, export, resume."""
    data, out = tmp_path / "ws", tmp_path / "out"
    out.mkdir()
    store = Workspace(data, clock=fixed_clock, user=user_name)
    app = new_app(store, out)
    starter = catalogue.load("starter")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await keys(pilot, "n")
        assert isinstance(app.screen, NewSessionDialog)
        await type_text(pilot, "Acme")
        await keys(pilot, "enter", *["down"] * starter_position_in_dialog(), "enter")
        [meta] = store.sessions()
        assert (meta.name, meta.questionnaire_id) == ("Acme", "starter")
        screen = question_screen(app)
        assert screen.current == "profile.org_name"
        assert not screen.controller.flow.is_visible("profile.remote")

        await walk(pilot, app, WALK)
        assert screen.current is None  # the end of the questionnaire
        saved = store.answers(meta.id)
        assert saved == {question_id: value for question_id, _, value in WALK}
        assert store.meta(meta.id).status == "complete"
        assert "All 31 questions that apply are answered" in screen_text(app)

        # Back to an earlier answer: no incident after all; the follow-up question closes at once.
        await keys(pilot, "f6", "down", "enter")
        assert screen.current == "governance.owner"
        await keys(pilot, "f4", "f4", "f4", "f4")
        assert screen.current == "governance.past_incidents"
        await keys(pilot, "1")
        assert store.answers(meta.id)["governance.past_incidents"] == "none"
        assert not screen.controller.flow.is_visible("governance.incident_details")
        assert "governance.incident_details" in store.answers(meta.id)  # kept, out of the plan
        assert "1 question no longer applies" in screen_text(app)
        assert screen.current == "people.training"
        await keys(pilot, "f5")  # back skips the closed question
        assert screen.current == "governance.past_incidents"

        # Review: the two "don't know" answers, one key each.
        await keys(pilot, "f7")
        assert isinstance(app.screen, ReviewScreen)
        text = screen_text(app)
        assert "0 not answered, 2 \"don't know\"" in text
        await keys(pilot, "1")
        assert question_screen(app).current == "governance.incident_plan"
        await keys(pilot, "1")
        assert store.answers(meta.id)["governance.incident_plan"] == "yes"

        # Plan: preview in three views, then export.
        await keys(pilot, "f8")
        plan_screen = app.screen
        assert isinstance(plan_screen, PlanScreen)
        await pilot.pause()
        answers = store.answers(meta.id)
        plan = compile_plan(starter, answers, PLAN_DATE, session_name="Acme")
        shown = plan_screen.query_one(Markdown)
        assert "Security plan: Acme Ltd" in shown.source
        assert "Full plan" in screen_text(app)
        views = (("summary", "Security plan summary"), ("checklist", "Checklist"), ("full", "Security plan"))
        for view, words in views:
            await keys(pilot, "v")
            assert plan_screen.view == view
            assert words in plan_screen.query_one(Markdown).source
        await keys(pilot, "e")
        assert isinstance(app.screen, ExportDialog)
        await keys(pilot, "enter")
        written = out / "acme-plan.md"
        assert written.read_text(encoding="utf-8") == render_markdown(plan, "full")
        # A name with .html writes HTML; the same name again asks before replacing.
        await keys(pilot, "e")
        await paste(pilot, "acme.html")
        await keys(pilot, "enter")
        assert (out / "acme.html").read_text(encoding="utf-8") == render_html(plan, "full")
        await keys(pilot, "e", "enter")
        assert isinstance(app.screen, ConfirmDialog)
        written.write_text("old", encoding="utf-8")
        await keys(pilot, "n")  # keep it: the export dialog comes back; Tab to Cancel
        assert isinstance(app.screen, ExportDialog)
        assert written.read_text(encoding="utf-8") == "old"
        await keys(pilot, "tab", "tab", "tab", "enter")
        assert isinstance(app.screen, PlanScreen)
        await keys(pilot, "e", "enter", "y")
        assert written.read_text(encoding="utf-8") == render_markdown(plan, "full")
        assert sorted(p.name for p in out.iterdir()) == ["acme-plan.md", "acme.html"]

        # Back to the questions; servers after all: two more questions open, left unanswered for now.
        await keys(pilot, "f5")
        screen = question_screen(app)
        await keys(pilot, "f6", "home", "enter", *["f4"] * 9)
        assert screen.current == "profile.servers"
        await keys(pilot, "1")
        assert "2 more questions now apply" in screen_text(app)
        await keys(pilot, "ctrl+q")
    assert app.return_code == 0

    # A new app on the same workspace: the session resumes at its first unanswered question.
    again = new_app(Workspace(data, clock=fixed_clock, user=user_name), out)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(again.screen, HomeScreen)
        assert "Acme" in screen_text(again)
        await keys(pilot, "enter")
        screen = question_screen(again)
        assert screen.current == "cyber.remote_access"
        await keys(pilot, "1", "enter")
        assert Workspace(data).answers(meta.id)["cyber.remote_access"] == ["vpn"]
        assert screen.current == "cyber.remote_mfa"


async def test_open_session_resumes_at_first_unanswered_question(tmp_path: Path) -> None:
    """make_app with a session (id or name) opens its question flow where it was left."""
    store = MemoryWorkspace(clock=fixed_clock, user=user_name)
    meta = starter_session(store, answers={"profile.org_name": "Acme", "profile.headcount": "micro"})
    app = new_app(store, tmp_path, session_id="acme")  # by name, in any case
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = question_screen(app)
        assert screen.controller.session_id == meta.id
        assert screen.current == "profile.people"
        assert "2/" in screen_text(app).splitlines()[0]  # the title counts the answers


def test_make_app_refuses_unknown_session_before_the_screen_is_taken() -> None:
    """An unknown session is a NotFound (a SecplanError) from make_app, for the CLI to report."""
    with pytest.raises(NotFound):
        make_app(MemoryWorkspace(), session_id="nope")


class FailingStore(MemoryWorkspace):
    """A store whose answer saves fail, as on a full disk."""

    def save_answer(self, *args: Any, **kwargs: Any) -> SessionMeta:
        raise SecplanError("Not saved", "the disk is full; the old answers are unchanged")


async def test_failed_save_says_so_and_keeps_the_value_on_screen(tmp_path: Path) -> None:
    """A save that fails is reported (notify, error) and the typed value stays, with the question."""
    store = FailingStore(clock=fixed_clock, user=user_name)
    starter_session(store)
    app = new_app(store, tmp_path, session_id="Acme")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = question_screen(app)
        await type_text(pilot, "Acme Ltd")
        await keys(pilot, "enter")
        assert screen.current == "profile.org_name"
        assert screen.query_one("#answer-text", Input).value == "Acme Ltd"
        errors = [n for n in app._notifications if n.severity == "error"]
        assert errors and "disk is full" in errors[-1].message
        assert "Not saved" in screen_text(app)
        assert store.answers(screen.controller.session_id) == {}


async def test_invalid_number_is_not_saved_and_stays_for_correction(tmp_path: Path) -> None:
    """A number out of bounds is refused with the reason; correcting it saves and moves on."""
    store = MemoryWorkspace(clock=fixed_clock, user=user_name)
    meta = starter_session(store, answers={"profile.org_name": "Acme", "profile.headcount": "micro"})
    app = new_app(store, tmp_path, session_id=meta.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = question_screen(app)
        assert screen.current == "profile.people"
        await keys(pilot, "9", "0", "0", "enter")
        assert screen.current == "profile.people"
        assert "at most 500" in screen_text(app)
        assert "profile.people" not in store.answers(meta.id)
        await keys(pilot, "backspace", "backspace", "enter")
        assert store.answers(meta.id)["profile.people"] == 9
        assert screen.current == "profile.premises"


async def test_dont_know_where_not_offered_is_explained_not_saved(tmp_path: Path) -> None:
    """F2 on a plain-fact question saves nothing and says why."""
    store = MemoryWorkspace(clock=fixed_clock, user=user_name)
    meta = starter_session(store)
    app = new_app(store, tmp_path, session_id=meta.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await keys(pilot, "f2", "f3")
        assert question_screen(app).current == "profile.org_name"
        assert store.answers(meta.id) == {}
        messages = [n.message for n in app._notifications]
        assert any("don't know" in m for m in messages) and any("not applicable" in m for m in messages)


HOSTILE = "\x1b]0;owned\x07[@click=app.quit][b]x[/b] \x1b[2J"


async def test_user_text_is_shown_literally_and_markup_never_acts(tmp_path: Path) -> None:
    """Session names and answers with markup and escapes show as their text; the app keeps running."""
    store = MemoryWorkspace(clock=fixed_clock, user=user_name)
    meta = starter_session(store, name="[@click=app.quit]Evil [b]co[/b]",
                           answers={"profile.org_name": HOSTILE})
    app = new_app(store, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "[@click=app.quit]Evil [b]co[/b]" in screen_text(app)
        await keys(pilot, "enter", "f6", "enter")
        text = screen_text(app)
        assert "[@click=app.quit][b]x[/b]" in text
        assert "\x1b" not in text and "owned" not in text
        await pilot.click("#q-answer")  # a click on the text would run app.quit if it were markup
        await keys(pilot, "f8")
        await pilot.pause()
        assert "[@click=app.quit]" in screen_text(app)
        assert app.is_running
    assert store.answers(meta.id)["profile.org_name"] == HOSTILE  # shown cleaned, stored as given


async def test_plan_preview_does_not_open_links(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A link in the preview is not followed: no browser, no navigation."""
    store = MemoryWorkspace(clock=fixed_clock, user=user_name)
    meta = starter_session(store, answers={"profile.org_name": "Acme"})
    opened: list[str] = []
    app = new_app(store, tmp_path, session_id=meta.id)
    monkeypatch.setattr(app, "open_url", lambda url, **kw: opened.append(url))
    async with app.run_test(size=SIZE) as pilot:
        await keys(pilot, "f8")
        markdown = app.screen.query_one(Markdown)
        await markdown.update("[evil](https://example.invalid/) and <https://example.invalid/x>")
        await pilot.pause()
        markdown.post_message(Markdown.LinkClicked(markdown, "https://example.invalid/"))
        await pilot.pause()
        assert opened == []
        assert isinstance(app.screen, PlanScreen)


async def test_export_refuses_names_that_leave_the_folder(tmp_path: Path) -> None:
    """Paths, '..' and control characters in the file name are refused in the dialog; nothing is written."""
    out = tmp_path / "out"
    out.mkdir()
    store = MemoryWorkspace(clock=fixed_clock, user=user_name)
    meta = starter_session(store, answers={"profile.org_name": "Acme"})
    app = new_app(store, out, session_id=meta.id)
    async with app.run_test(size=SIZE) as pilot:
        await keys(pilot, "f8", "e")
        for bad, reason in (("../evil.md", "without /"), ("a\\b.md", "without /"), ("x..md", "'..'")):
            assert isinstance(app.screen, ExportDialog)
            await paste(pilot, bad)
            await keys(pilot, "enter")
            assert isinstance(app.screen, ExportDialog)
            assert reason in screen_text(app)
        assert list(out.iterdir()) == []
        assert not (tmp_path / "evil.md").exists()


async def test_home_delete_asks_first(tmp_path: Path) -> None:
    """Delete asks; n keeps the session, y deletes it."""
    store = MemoryWorkspace(clock=fixed_clock, user=user_name)
    starter_session(store, "Keep me")
    app = new_app(store, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await keys(pilot, "d")
        assert isinstance(app.screen, ConfirmDialog)
        await keys(pilot, "n")
        assert [m.name for m in store.sessions()] == ["Keep me"]
        await keys(pilot, "d", "enter")  # Enter presses the focused button, which is "keep"
        assert [m.name for m in store.sessions()] == ["Keep me"]
        await keys(pilot, "d", "y")
        assert store.sessions() == []
        assert "No sessions yet" in screen_text(app)


async def test_new_session_name_taken_keeps_the_dialog_with_the_reason(tmp_path: Path) -> None:
    """A name already used is refused in the dialog, which stays open with the name typed."""
    store = MemoryWorkspace(clock=fixed_clock, user=user_name)
    starter_session(store, "Acme")
    app = new_app(store, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await keys(pilot, "n")
        await paste(pilot, "acme")
        await keys(pilot, "enter", "enter")
        assert isinstance(app.screen, NewSessionDialog)
        assert app.screen.query_one("#session-name", Input).value == "acme"
        assert "already" in screen_text(app)
        assert len(store.sessions()) == 1


async def test_home_exports_and_imports_answers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """e writes the answers file into the export folder; i reads one back into another session."""
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    store = MemoryWorkspace(clock=fixed_clock, user=user_name)
    starter = catalogue.load("starter")
    example = read_answers(str(EXAMPLE), starter).answers
    source = starter_session(store, "Source", answers=example)
    app = new_app(store, out)
    async with app.run_test(size=SIZE) as pilot:
        await keys(pilot, "e")
        assert isinstance(app.screen, ExportDialog)
        await keys(pilot, "enter")
        exported = out / "source-answers.yaml"
        assert read_answers(str(exported), starter).answers == example
        target = starter_session(store, "Target")
        app.screen.refresh_sessions(select=target.id)
        await pilot.pause()
        await keys(pilot, "i")
        assert isinstance(app.screen, PathDialog)
        await paste(pilot, "out/source-answers.yaml")
        await keys(pilot, "enter")
        assert store.answers(target.id) == store.answers(source.id)
        assert store.meta(target.id).status == "complete"
        await keys(pilot, "i")
        await paste(pilot, "missing.yaml")
        await keys(pilot, "enter")
        assert any(n.severity == "error" and "does not exist" in n.message for n in app._notifications)


async def test_works_at_60_by_20(tmp_path: Path) -> None:
    """At 60x20 every screen still shows the question, its choices and the footer keys."""
    store = MemoryWorkspace(clock=fixed_clock, user=user_name)
    meta = starter_session(store, answers={"profile.org_name": "Acme"})
    app = new_app(store, tmp_path, session_id=meta.id)
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "How big is the organisation?" in text and "1 ( ) 1 to 9 people" in text
        assert "F2 Don't know" in text.splitlines()[-1]
        await keys(pilot, "f7")
        assert "not answered" in screen_text(app) and "F5 Back" in screen_text(app)
        await keys(pilot, "f5", "f8")
        assert "Controls in place" in screen_text(app)


async def test_help_lists_this_screens_keys_with_ids(tmp_path: Path) -> None:
    """F1 opens help with the current screen's keys and binding ids; F1 closes it."""
    store = MemoryWorkspace(clock=fixed_clock, user=user_name)
    meta = starter_session(store)
    app = new_app(store, tmp_path, session_id=meta.id)
    async with app.run_test(size=SIZE) as pilot:
        await keys(pilot, "f1")
        assert isinstance(app.screen, HelpScreen)
        help_text = str(app.screen.query_one("#help-keys").render())
        for words in ("F2 or d", "question.dont_know", "F7 or r", "question.review", "^q"):
            assert words in help_text
        await keys(pilot, "f1")
        assert isinstance(app.screen, QuestionScreen)


async def test_command_palette_lists_our_commands(tmp_path: Path) -> None:
    """ctrl+p's commands are the screen's actions and a jump to each section."""
    from secplan_tui.frontends.tui.commands import SecplanCommands

    store = MemoryWorkspace(clock=fixed_clock, user=user_name)
    meta = starter_session(store)
    app = new_app(store, tmp_path, session_id=meta.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        names = [command.name for command in SecplanCommands(app.screen)._commands()]
        for name in ("Don't know", "Skip", "Back", "Review", "Plan", "Help", "Quit",
                     "Go to section: About your organisation"):
            assert name in names
        await keys(pilot, "ctrl+p")
        await type_text(pilot, "review")
        await pilot.pause(0.3)
        await keys(pilot, "enter")
        assert isinstance(app.screen, ReviewScreen)


def all_bindings() -> list[Any]:
    from textual.binding import Binding

    from secplan_tui.frontends.tui import dialogs
    from secplan_tui.frontends.tui.screens import document
    from secplan_tui.frontends.tui.widgets.choices import ChoiceList
    from secplan_tui.frontends.tui.widgets.sidebar import SectionSidebar

    classes: list[type[Any]] = [
        SecplanApp, HomeScreen, QuestionScreen, ReviewScreen, PlanScreen, HelpScreen, ChoiceList, SectionSidebar,
        dialogs.ConfirmDialog, dialogs.NewSessionDialog, dialogs.PathDialog, dialogs.ExportDialog, dialogs.TextDialog,
        document.BriefingScreen, document.CheckScreen, document.ChangesScreen,
    ]
    return [(cls.__name__, b) for cls in classes for b in cls.BINDINGS if isinstance(b, Binding)]


def test_bindings_have_ids_and_need_no_escape_or_alt() -> None:
    """Every binding has a unique id; no key is Alt-something; every action escape triggers has another key."""
    bindings = all_bindings()
    assert all(b.id for _, b in bindings), [f"{owner}:{b.key}" for owner, b in bindings if not b.id]
    by_owner: dict[str, list[str | None]] = {}
    action_of_id: dict[str | None, str] = {}
    for owner, binding in bindings:
        by_owner.setdefault(owner, []).append(binding.id)
        # An id shared between dialogs means the same thing in each (one remap moves them all).
        assert action_of_id.setdefault(binding.id, binding.action) == binding.action, binding.id
    for owner, ids in by_owner.items():
        assert len(ids) == len(set(ids)), owner
    keys_by_action: dict[tuple[str, str], set[str]] = {}
    for owner, binding in bindings:
        for key in binding.key.split(","):
            assert not key.startswith("alt+"), f"{owner}: {key}"
            keys_by_action.setdefault((owner, binding.action), set()).add(key)
    with_cancel_button = {"NewSessionDialog", "PathDialog", "ExportDialog", "TextDialog"}  # Tab to Cancel, Enter
    for (owner, action), bound in keys_by_action.items():
        if owner in with_cancel_button and action == "cancel":
            continue
        assert bound - {"escape"}, f"{owner}.{action} needs Escape"


async def test_keymap_from_environment_remaps_by_id(tmp_path: Path) -> None:
    """SECPLAN_KEYMAP moves a binding to another key by its id."""
    assert parse_keymap("question.skip=ctrl+k, junk ,=x,app.help=f11") == {"question.skip": "ctrl+k",
                                                                           "app.help": "f11"}
    store = MemoryWorkspace(clock=fixed_clock, user=user_name)
    meta = starter_session(store)
    app = new_app(store, tmp_path, session_id=meta.id)
    configure_from_environment(app, {"SECPLAN_KEYMAP": "question.skip=ctrl+k", "TERM": "xterm-256color"})
    async with app.run_test(size=SIZE) as pilot:
        await keys(pilot, "ctrl+k")
        assert question_screen(app).current == "profile.headcount"


def test_terminal_settings_pick_marks_and_theme() -> None:
    """ASCII marks and the ANSI theme on the Linux console; the ANSI theme over SSH; SECPLAN_THEME wins."""
    assert glyphs_for({"TERM": "linux"}) is ASCII
    assert glyphs_for({"TERM": "xterm-256color"}) is UNICODE
    assert glyphs_for({"TERM": "xterm-256color", "SECPLAN_ASCII": "1"}) is ASCII
    assert default_theme({"TERM": "linux"}) == "ansi-dark"
    assert default_theme({"TERM": "xterm-256color", "SSH_CONNECTION": "1 2 3 4"}) == "ansi-dark"
    assert default_theme({"TERM": "xterm-256color"}) is None
    app = make_app(MemoryWorkspace())
    configure_from_environment(app, {"TERM": "linux", "SECPLAN_THEME": "ansi-light"})
    assert app.theme == "ansi-light" and app.glyphs is ASCII


async def test_signal_exits_cleanly_with_128_plus_signal(tmp_path: Path) -> None:
    """A SIGTERM delivered to a running app ends it through app.exit with status 143."""
    store = MemoryWorkspace(clock=fixed_clock, user=user_name)
    app = new_app(store, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.exit_on_signal_threadsafe(signal.SIGTERM)
        await pilot.pause()
    assert app.return_code == 128 + signal.SIGTERM


async def test_no_color_and_ansi_theme_keep_every_state_in_text(tmp_path: Path) -> None:
    """In the 16-colour theme with ASCII marks, the sidebar, choices and saves read the same without colour."""
    store = MemoryWorkspace(clock=fixed_clock, user=user_name)
    starter = catalogue.load("starter")
    example = read_answers(str(EXAMPLE), starter).answers
    meta = starter_session(store, answers={k: v for k, v in example.items() if k.startswith("profile.")})
    app = new_app(store, tmp_path, session_id=meta.id)
    configure_from_environment(app, {"TERM": "linux"})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await keys(pilot, "2")
        text = screen_text(app)
        assert "+ 10/10" in text  # complete section, in ASCII
        assert "+ Saved" in text
        assert "> 1 ( )" in text  # the cursor as a mark, the choice's state as ( ) / (*)


def test_adaptive_table_keeps_a_narrow_table_a_grid_and_stacks_wide_ones() -> None:
    """In the app's Markdown, a three-column table a little too wide wraps its longer cells and stays a grid (the
    "changes since the last snapshot" table at 80 columns); two columns and wide tables read as records."""
    from rich.console import Console

    from secplan_tui.frontends.tui.widgets.plan_view import AdaptiveTable

    def drawn(table: AdaptiveTable, width: int = 76) -> str:
        console = Console(width=width, record=True, file=io.StringIO(), color_system=None)
        console.print(table)
        return console.export_text()

    rows = [["Open questions (don't know)", "Riverside Travel Ltd", "Riverside Travel Ltd (trading)"],
            ["Actions", "17", "19"]]
    grid = drawn(AdaptiveTable(["", "Before", "After"], rows))
    assert "┌" in grid and "Riverside" in grid
    assert max(len(line) for line in grid.splitlines()) <= 76
    pairs = drawn(AdaptiveTable(["Field", "Value"], [["Questionnaire hash", "f" * 70]]))
    assert "┌" not in pairs and "Questionnaire hash: " in pairs
    wide = drawn(AdaptiveTable([f"Column {i}" for i in range(6)], [["x" * 20] * 6]))
    assert "┌" not in wide and "Column 1: " in wide


# -- two passes, one count, nothing below the fold ------------------------------------------------------------

PASSES_YAML = """\
id: twopass
version: "1"
title: Two passes
roles:
  - {id: manager, title: Manager}
sections:
  - id: profile
    title: Your organisation
    domain: profile
    questions:
      - id: profile.premises
        essential: true
        type: single
        text: Where do you work?
        why: Premises bring locks, alarms and visitors into the plan.
        hint: Pick the main site.
        dont_know: false
        choices:
          - {id: home, label: At home}
          - {id: office, label: In an office}
      - id: profile.people
        essential: true
        type: number
        text: How many people work here?
        why: Every person is a login to protect.
        hint: Count part-timers.
        min: 1
        max: 1000
        dont_know: false
      - id: profile.notes
        type: text
        text: Anything else about the organisation?
        why: Context helps.
        hint: One line.
        dont_know: false
  - id: cyber
    title: Cyber security
    domain: cyber
    questions:
      - id: cyber.backup
        essential: true
        type: yesno
        text: Are files backed up every day?
        why: A backup is the way back from ransomware, theft and mistakes.
        hint: Ask who set it up.
        discover: {ask: manager, how: Ask IT.}
      - id: cyber.mfa
        type: yesno
        text: Is there a second sign-in step for email?
        why: It stops stolen passwords.
        hint: Look in the admin centre.
        discover: {ask: manager, how: Ask IT.}
  - id: physical
    title: Premises
    domain: physical
    when: "profile.premises == 'office'"
    questions:
      - id: physical.locks
        type: yesno
        text: Are doors locked when the office is empty?
        why: Locks keep people out.
        hint: Check every door.
        discover: {ask: manager, how: Walk round.}
"""


@pytest.fixture
def twopass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A small questionnaire with essentials in two domains, found through SECPLAN_QUESTIONNAIRES; its id."""
    folder = tmp_path / "questionnaires"
    folder.mkdir()
    (folder / "twopass.yaml").write_text(PASSES_YAML, encoding="utf-8")
    monkeypatch.setenv("SECPLAN_QUESTIONNAIRES", str(folder))
    return "twopass"


def twopass_session(store: SessionStore, name: str = "Acme", scenario: str | None = None) -> SessionMeta:
    """A new session on the two-pass questionnaire."""
    questionnaire = catalogue.load("twopass")
    if scenario is None:
        return store.create(name, questionnaire.id, questionnaire.version, questionnaire.content_hash)
    return store.create(name, questionnaire.id, questionnaire.version, questionnaire.content_hash,
                        scenario=scenario)


def title_text(app: SecplanApp) -> str:
    """The first line of the screen: the title bar."""
    return screen_text(app).split("\n")[0]


async def test_essentials_first_then_a_pause_offering_the_plan_then_the_details(
    tmp_path: Path, twopass: str
) -> None:
    """The essentials of every domain come first, counted as a pass; after the last one the app says the first
    pass is done and offers the plan (F8) or the details (Enter); the details are counted as their own pass."""
    store = Workspace(tmp_path / "ws", clock=fixed_clock, user=user_name)
    meta = twopass_session(store)
    app = new_app(store, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        assert app.open_session(meta.id)
        await pilot.pause()
        screen = question_screen(app)
        assert screen.current == "profile.premises"
        text = screen_text(app)
        assert "Question 1 of 3 (essentials)" in text
        assert "Essentials 0/3 · 1 min left" in title_text(app)
        assert "0/2" in text and "0/1" in text  # the sidebar counts the same pass: 2 + 1 essentials
        await keys(pilot, "2")  # an office: the premises section now applies (in the details)
        assert screen.current == "profile.people"
        await type_text(pilot, "12")
        await keys(pilot, "enter")
        assert screen.current == "cyber.backup"  # the essentials of the next domain, before any detail
        assert "Essentials 2/3 · 1 min left" in title_text(app)
        await keys(pilot, "1")
        assert screen.current is None and screen.pause == ("cyber.backup", "profile.notes")
        text = screen_text(app)
        assert "First pass done: 3 of 3 essential questions" in text
        assert "Essentials 3/3" in title_text(app) and "min left" not in title_text(app)
        assert "F8 (or p): see the plan now" in text
        assert "Enter: carry on with the details" in text and "3 questions" in text
        await keys(pilot, "f5")  # back to the last essential
        assert screen.current == "cyber.backup"
        await keys(pilot, "1")  # the same answer again: the pause again
        assert screen.pause is not None
        await keys(pilot, "f8")
        assert isinstance(app.screen, PlanScreen)
        await keys(pilot, "f5")
        assert app.screen is screen
        await keys(pilot, "enter")
        assert screen.current == "profile.notes"
        assert "Question 1 of 3 (details)" in screen_text(app)
        assert "Details 0/3 · 1 min left" in title_text(app)


async def test_sidebar_says_does_not_apply_only_once_the_answer_decides(tmp_path: Path, twopass: str) -> None:
    """Before "where do you work" is answered the premises section depends on answers; "at home" rules it out."""
    store = Workspace(tmp_path / "ws", clock=fixed_clock, user=user_name)
    meta = twopass_session(store)
    app = new_app(store, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        assert app.open_session(meta.id)
        await pilot.pause()
        text = screen_text(app)
        assert "depends on answers" in text and "does not apply" not in text
        await keys(pilot, "1")
        text = screen_text(app)
        assert "does not apply" in text and "depends on answers" not in text


async def test_refused_number_is_explained_in_the_owners_words(tmp_path: Path, twopass: str) -> None:
    """A number over the limit is refused with the limit, without the question's id, on screen and in the
    status line."""
    store = Workspace(tmp_path / "ws", clock=fixed_clock, user=user_name)
    meta = twopass_session(store)
    app = new_app(store, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        assert app.open_session(meta.id)
        await pilot.pause()
        await keys(pilot, "2")
        await type_text(pilot, "5000")
        await keys(pilot, "enter")
        text = screen_text(app)
        assert "The answer can be at most 1000." in text
        assert "profile.people" not in text and "question '" not in text
        await keys(pilot, *["backspace"] * 4)
        await keys(pilot, "enter")
        assert "Type a whole number, such as 12, or skip the question for now." in screen_text(app)


async def test_status_line_keeps_the_counts_and_cuts_the_answer(tmp_path: Path) -> None:
    """After an answer that opens and closes questions, the counts come first and whole; a long answer echo is
    cut to fit the line."""
    store = Workspace(tmp_path / "ws", clock=fixed_clock, user=user_name)
    meta = starter_session(store)
    app = new_app(store, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        assert app.open_session(meta.id)
        await pilot.pause()
        screen = question_screen(app)
        long_name = "Riverside Travel and Holiday Lettings Limited of the Upper Thames Valley and the Cotswolds"
        assert 80 < len(long_name) <= 120
        await screen.save("profile.org_name", long_name)
        await pilot.pause()
        [status] = [line for line in screen_text(app).split("\n") if "Saved" in line and "\u2026" in line]
        assert status.startswith(" \u2713 Saved \u00b7 \"Riverside Travel") and len(status.rstrip()) <= 80
        from secplan_tui.frontends.tui.screens.question import saved_status

        line = saved_status("*", "x" * 200, 2, 16, 80).plain
        assert line.startswith("* Saved · 2 more questions now apply · 16 questions no longer apply · \"")
        assert len(line) <= 80 and line.endswith("\u2026\"")


async def test_page_keys_scroll_the_question_wherever_the_focus_is(tmp_path: Path, twopass: str) -> None:
    """PgDn and Ctrl+Down scroll the question while the choice list has the focus; PgUp goes back to the top."""
    store = Workspace(tmp_path / "ws", clock=fixed_clock, user=user_name)
    meta = twopass_session(store)
    app = new_app(store, tmp_path)
    async with app.run_test(size=(80, 12)) as pilot:  # short, so that the question needs scrolling
        assert app.open_session(meta.id)
        await pilot.pause()
        screen = question_screen(app)
        assert app.focused is not None and app.focused.id == "answer-choices"
        assert screen.panel.scroll_y == 0 and screen.panel.max_scroll_y > 0
        await keys(pilot, "pagedown")
        assert screen.panel.scroll_y > 0
        assert app.focused.id == "answer-choices"
        await keys(pilot, "pageup")
        assert screen.panel.scroll_y == 0
        await keys(pilot, "ctrl+down")
        assert screen.panel.scroll_y == 1
        await keys(pilot, "ctrl+up")
        assert screen.panel.scroll_y == 0


def footer_keys(app: SecplanApp) -> list[str]:
    """The keys the footer shows now."""
    return [binding.key for (_, binding, enabled, _) in app.screen.active_bindings.values()
            if binding.show and enabled]


async def test_footer_keeps_the_keys_that_fit(tmp_path: Path, twopass: str) -> None:
    """At 60 columns the footer shows fewer keys, in one line; a teaching exercise at 80 columns shows F12."""
    store = Workspace(tmp_path / "ws", clock=fixed_clock, user=user_name)
    meta = twopass_session(store)
    learner = twopass_session(store, "Ann", scenario="bike_shop")
    app = new_app(store, tmp_path)
    async with app.run_test(size=(60, 20)) as pilot:
        assert app.open_session(meta.id)
        await pilot.pause()
        shown = footer_keys(app)
        assert "f2" in shown and "f8" in shown and "ctrl+s" not in shown
        footer = screen_text(app).rstrip("\n").split("\n")[-1]
        assert "F8 Plan" in footer and "F2 Don't know" in footer
    app = new_app(store, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        assert app.open_session(learner.id)
        await pilot.pause()
        await pilot.press("escape")  # the briefing opens first in a new exercise
        await pilot.pause()
        footer = screen_text(app).rstrip("\n").split("\n")[-1]
        assert "F12 Check" in footer and "F10 Briefing" in footer


async def test_new_session_dialog_says_how_long_each_questionnaire_takes(tmp_path: Path, twopass: str) -> None:
    """Each questionnaire shows its first pass and its whole length in questions and minutes; the starter is
    named the older and short one, on one line, so the exercises still show."""
    from secplan_tui.core.engine import ESSENTIALS, Flow

    store = Workspace(tmp_path / "ws", clock=fixed_clock, user=user_name)
    app = new_app(store, tmp_path)
    flow = Flow(catalogue.load("twopass"), {})
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await keys(pilot, "n")
        assert isinstance(app.screen, NewSessionDialog)
        dialog = app.screen
        text = "\n".join(dialog._entry_prompt(index).plain for index in range(len(dialog.entries)))
        minutes = flow.minutes_left(ESSENTIALS)
        assert f"Two passes\n    first pass 3 questions, {minutes} min; all up to 1 min" in text
        assert "Starter security plan \u00b7 older and short, 16 min" in text
        assert "first pass 3 questions" in screen_text(app)  # the first entries show whole


async def test_a_long_name_is_cut_in_the_title_never_the_count(tmp_path: Path, twopass: str) -> None:
    """At 60 columns a long session name gives way: the pass, its count and the time left stay whole."""
    store = Workspace(tmp_path / "ws", clock=fixed_clock, user=user_name)
    meta = twopass_session(store, "Riverside Travel and Holiday Lettings of the Upper Thames")
    app = new_app(store, tmp_path)
    async with app.run_test(size=(60, 20)) as pilot:
        assert app.open_session(meta.id)
        await pilot.pause()
        await pilot.pause()
        title = title_text(app)
        assert "Essentials 0/3 · 1 min left" in title and "\u2026" in title and "F1 Help" in title


async def test_maturity_bars_do_not_wrap_at_60_by_20(tmp_path: Path) -> None:
    """On a 60-column terminal each domain's bar keeps its percentage on its own line."""
    store = Workspace(tmp_path / "ws", clock=fixed_clock, user=user_name)
    starter = catalogue.load("starter")
    meta = starter_session(store, answers=read_answers(str(EXAMPLE), starter).answers)
    app = new_app(store, tmp_path)
    async with app.run_test(size=(60, 20)) as pilot:
        assert app.open_session(meta.id)
        await pilot.pause()
        await keys(pilot, "f8")
        assert isinstance(app.screen, PlanScreen)
        await pilot.pause()
        side = [line[:30] for line in screen_text(app).split("\n")]
        for domain in ("Governance", "People", "Information", "Cyber", "Physical"):
            [line] = [x for x in side if x.startswith(f" {domain} ")]
            assert line.rstrip().endswith(("%", "n/a")), side


async def test_open_session_starts_on_its_questions_and_f9_brings_the_home_screen(tmp_path: Path) -> None:
    """`secplan open SESSION` draws the session's question first (no home screen built before it); F9 shows the
    home screen over it, and F9 from a session opened there comes back to that home screen."""
    store = Workspace(tmp_path / "ws", clock=fixed_clock, user=user_name)
    meta = starter_session(store)
    other = starter_session(store, "Bakery")
    app = new_app(store, tmp_path, session_id=meta.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert question_screen(app).controller.session_id == meta.id
        assert len(app.screen_stack) == 1
        await keys(pilot, "f9")
        assert isinstance(app.screen, HomeScreen)
        assert app.open_session(other.id)
        await pilot.pause()
        assert question_screen(app).controller.session_id == other.id
        await keys(pilot, "f9")
        assert isinstance(app.screen, HomeScreen) and len(app.screen_stack) == 2
