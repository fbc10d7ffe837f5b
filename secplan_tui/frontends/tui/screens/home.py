"""The home screen: the sessions in the workspace; new, open, delete, import and export answers."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Static

from secplan_tui.core.errors import SecplanError
from secplan_tui.core.text import clean_text, terminal_safe
from secplan_tui.frontends.tui.catalogues import read_catalogues
from secplan_tui.frontends.tui.screens.base import SecplanScreen, TitleBar
from secplan_tui.frontends.tui.text import join, plain, styled
from secplan_tui.frontends.tui.widgets.footer import KeyFooter
from secplan_tui.frontends.tui.widgets.sessions import SessionList, plan_cell, when
from secplan_tui.store import SessionMeta

if TYPE_CHECKING:
    from secplan_tui.frontends.tui.dialogs import NewSession
    from secplan_tui.session.controller import SessionController


class HomeScreen(SecplanScreen[None]):
    """The sessions, most recently changed first."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new", "New", tooltip="Start a new session", id="home.new"),
        Binding("o", "open", "Open", tooltip="Carry on with the highlighted session", id="home.open"),
        Binding("d", "delete", "Delete", tooltip="Delete the highlighted session", id="home.delete"),
        Binding("i", "import_answers", "Import", tooltip="Import answers from a YAML or JSON file",
                id="home.import"),
        Binding("e", "export_answers", "Export", tooltip="Export the answers to a YAML or JSON file",
                id="home.export"),
        Binding("a", "actions", "Actions", tooltip="The plan's actions: tick them off, see what is overdue",
                id="home.actions"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.metas: list[SessionMeta] = []
        self._progress: dict[str, str] = {}
        """"done n of m · k overdue" by session id, while the list is shown (read again on refresh)."""
        self._painted = False
        """Whether the first frame is out: until then a session's plan column waits (see _plan_progress)."""
        self._deferred: set[str] = set()
        """Sessions whose plan column waits for the first frame."""

    def compose(self) -> ComposeResult:
        # The sessions are read first, so that the keys that need one (open, delete, ...) are right when the
        # footer is built: else it is built for an empty list, then again, before the first frame.
        self._read_sessions()
        yield TitleBar()
        yield Static(id="home-intro")
        yield Static(id="sessions-header")
        yield SessionList(self.secplan.glyphs, id="sessions")
        yield Static(id="session-details")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(TitleBar).set_title(Content("secplan · security plans"))
        self._show_sessions()
        self.query_one(SessionList).focus()
        self.secplan.after_first_frame(self, self._after_first_frame)
        # Reading every questionnaire and scenario file takes a moment: do it in a thread once the screen is up
        # (not before the first frame, which it would slow down), rather than when n is pressed.
        self.set_timer(0.5, self._read_questionnaires)

    def _after_first_frame(self) -> None:
        """Fill in the plan column of the sessions whose actions are being ticked off (each a compile)."""
        self._painted = True
        deferred, self._deferred = self._deferred, set()
        waiting = [meta for meta in self.metas if meta.id in deferred]
        if not waiting:
            return
        for meta in waiting:
            self._plan_progress(meta)
        self.query_one(SessionList).redraw_rows()
        self._show_details()

    def _read_questionnaires(self) -> None:
        def read() -> None:
            try:
                read_catalogues()
            except SecplanError as exc:  # said again when n is pressed; the app goes on
                self.app.call_from_thread(self.secplan.report, exc)

        self.run_worker(read, thread=True, exclusive=True, group="entries", exit_on_error=False)

    def on_screen_resume(self) -> None:
        if self._painted:  # else on_mount has just shown them
            self.refresh_sessions()

    # -- reactions ----------------------------------------------------------------------------------------------

    def refresh_sessions(self, select: str | None = None) -> None:
        """Read the sessions again and show them, keeping (or moving) the cursor."""
        current = select or self._selected_id()
        self._read_sessions()
        self._show_sessions(current)

    def _read_sessions(self) -> None:
        self._progress.clear()
        try:
            self.metas = self.secplan.store.sessions()
        except SecplanError as exc:
            self.secplan.report(exc)
            self.metas = []

    def _show_sessions(self, current: str | None = None) -> None:
        listing = self.query_one(SessionList)
        listing.show_sessions(self.metas, keep=current, plan=self._plan_cell)
        self.query_one("#sessions-header", Static).update(listing.header() if self.metas else Content(""))
        intro = self.query_one("#home-intro", Static)
        if self.metas:
            intro.update(Content("Your sessions. Enter or o opens one; n starts a new one."))
        else:
            intro.update(Content(
                "No sessions yet. Press n to start one: you name it, pick a questionnaire, and answer one "
                "question at a time. Every answer is saved the moment you give it."
            ))
        self._show_details()
        self.refresh_bindings()

    def _selected(self) -> SessionMeta | None:
        return self.query_one(SessionList).selected

    def _selected_controller(self) -> SessionController | None:
        """The highlighted session, opened; None (the problem reported) when there is none or it cannot be read."""
        meta = self._selected()
        if meta is None:
            return None
        try:
            return self.secplan.controller(meta.id)
        except SecplanError as exc:
            self.secplan.report(exc)
            return None

    def _selected_id(self) -> str | None:
        meta = self._selected()
        return meta.id if meta else None

    def _show_details(self) -> None:
        meta = self._selected()
        details = self.query_one("#session-details", Static)
        if meta is None:
            details.update(Content(""))
            return
        state = "complete" if meta.status == "complete" else "in progress"
        exercise: list[Content | str] = [" · exercise ", plain(meta.scenario)] if meta.scenario is not None else []
        progress = self._plan_progress(meta)
        # Once the plan's actions are being ticked off, their progress takes the place of the start date (the
        # details have two lines at most).
        started = f"plan {progress}" if progress else f"started {when(meta.created)}"
        suspect: list[Content | str] = (
            [styled(f" · ! suspect: {terminal_safe(meta.suspect)}", "bold")] if meta.suspect else []
        )
        details.update(join(
            styled(meta.name, "bold"),
            f" · {self._answering(meta)}, {state} · {started} · id {meta.id}",
            *exercise,
            *suspect,
        ))

    def _answering(self, meta: SessionMeta) -> str:
        """Where the answering stands, by pass (``essentials 27/27 · first pass done``, ``details 12/53``); the
        stored count when the session cannot be read."""
        key = "pass:" + meta.id
        if key not in self._progress:
            # Counting by pass loads the questionnaire: done after the first frame, which shows the stored count.
            self.secplan.after_first_frame(self, partial(self._count_by_pass, meta))
            return f"{meta.answered} of {meta.total} answered"
        return self._progress[key]

    def _count_by_pass(self, meta: SessionMeta) -> None:
        from secplan_tui.frontends.tui.widgets.sessions import pass_text

        key = "pass:" + meta.id
        if key in self._progress:
            return
        try:
            self._progress[key] = pass_text(self.secplan.controller(meta.id).flow)
        except SecplanError:
            self._progress[key] = f"{meta.answered} of {meta.total} answered"
        selected = self._selected()
        if selected is not None and selected.id == meta.id:
            self._show_details()

    def _plan_progress(self, meta: SessionMeta) -> str:
        """"done n of m · k overdue" for the session's living plan; "" before any action has a status, or when
        the session cannot be read."""
        key = meta.id
        if key not in self._progress:
            try:
                statuses = self.secplan.store.action_statuses(meta.id)
            except SecplanError:
                return ""  # opening the session says why
            if not statuses:
                # A plan nobody has started ticking off costs no compile (nor the compiler's import); its actions
                # screen shows it.
                self._progress[key] = self._progress["cell:" + key] = ""
                return ""
            if not self._painted:
                # Compiling loads the questionnaire and the compiler: done after the first frame (see on_mount).
                self._deferred.add(meta.id)
                return ""
            from secplan_tui.plan.living import action_progress, counts

            try:
                plan = self.secplan.controller(meta.id).living_plan(self.secplan.plan_date)
            except SecplanError:
                return ""  # opening the session says why
            items = action_progress(plan.actions(), statuses, self.secplan.plan_date)
            total = counts(items)
            self._progress[key] = total.text() if items else ""
            self._progress["cell:" + key] = plan_cell(total.text(), total.done, total.total, total.overdue) \
                if items else ""
        return self._progress[key]

    def _plan_cell(self, meta: SessionMeta) -> str:
        """The home list's plan column for a session (see _plan_progress)."""
        self._plan_progress(meta)
        return self._progress.get("cell:" + meta.id, "")

    @on(SessionList.Resized)
    def _columns_resized(self) -> None:
        listing = self.query_one(SessionList)
        self.query_one("#sessions-header", Static).update(listing.header() if self.metas else Content(""))

    @on(SessionList.OptionHighlighted, "#sessions")
    def _highlighted(self) -> None:
        self._show_details()

    @on(SessionList.OptionSelected, "#sessions")
    def _selected_row(self) -> None:
        self.action_open()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("open", "delete", "import_answers", "export_answers", "actions"):
            return bool(self.metas)
        return True

    # -- actions ------------------------------------------------------------------------------------------------

    def action_new(self, name: str = "", error: str = "", chosen: NewSession | None = None) -> None:
        """Ask for a name and a questionnaire, then create the session and open it."""
        from secplan_tui.frontends.tui.dialogs import NewSessionDialog

        try:
            entries = self.secplan.questionnaire_entries()
            exercises = self.secplan.exercise_entries() if entries else []
        except SecplanError as exc:  # an unreadable questionnaire or scenario folder: say so, keep the app
            self.secplan.report(exc)
            return
        if not entries:
            self.secplan.tell("No questionnaires were found; see `secplan validate`.", title="Cannot start",
                              warning=True)
            return
        self.app.push_screen(NewSessionDialog(entries, exercises, name=name, error=error, chosen=chosen),
                             self._create)

    def _create(self, request: NewSession | None) -> None:
        from secplan_tui.session.answer_files import progress_of

        if request is None:
            return
        name = clean_text(request.name).strip()
        store = self.secplan.store
        try:
            questionnaire_id, scenario_id = request.questionnaire_id, None
            if request.scenario_id is not None:
                from secplan_tui.teaching.scenario import check_new_scenario

                scenario = check_new_scenario(request.scenario_id)
                questionnaire_id, scenario_id = scenario.questionnaire_id, scenario.id
            questionnaire = self.secplan.questionnaire(questionnaire_id)
            meta = store.create(name, questionnaire.id, questionnaire.version, questionnaire.content_hash,
                                scenario=scenario_id)
            meta = store.update_meta(meta.id, progress=progress_of(questionnaire, {}))
        except SecplanError as exc:
            self.action_new(name=name, error=exc.message, chosen=request)
            return
        self.refresh_sessions(select=meta.id)
        self.secplan.open_session(meta.id)

    def action_open(self) -> None:
        """Open the highlighted session where it was left."""
        meta = self._selected()
        if meta is not None:
            self.secplan.open_session(meta.id)

    def action_actions(self) -> None:
        """The highlighted session's actions: tick them off, defer, add notes."""
        from secplan_tui.frontends.tui.screens.actions import ActionsScreen

        controller = self._selected_controller()
        if controller is not None:
            self.app.push_screen(ActionsScreen(controller))

    def action_delete(self) -> None:
        """Ask, then delete the highlighted session."""
        from secplan_tui.frontends.tui.dialogs import ConfirmDialog

        meta = self._selected()
        if meta is None:
            return
        message = join(
            "Delete the session ", styled(meta.name, "bold"),
            f" and its {meta.answered} answers? This cannot be undone.",
        )

        def delete(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.secplan.store.delete(meta.id)
            except SecplanError as exc:
                self.secplan.report(exc)
            else:
                self.secplan.tell(f"Deleted session '{clean_text(meta.name)}'.", title="Deleted")
            self.refresh_sessions()

        self.app.push_screen(ConfirmDialog("Delete the session?", message, yes="Delete", no="Keep"), delete)

    def action_import_answers(self) -> None:
        """Ask for an answers file and import it into the highlighted session (all or nothing)."""
        meta = self._selected()
        if meta is None:
            return

        def do_import(path: str | None) -> None:
            from secplan_tui.frontends.tui.importing import import_answers

            if not path:
                return
            try:
                parsed = import_answers(self.secplan.controller(meta.id), path)
            except SecplanError as exc:
                self.secplan.report(exc)
                return
            from secplan_tui.session.answer_files import imported_line

            for note in parsed.notes:
                self.secplan.tell(terminal_safe(note), title="Note", warning=True)
            self.secplan.tell(terminal_safe(imported_line(len(parsed.answers), meta.name, meta.id)),
                              title="Imported")
            self.refresh_sessions(select=meta.id)

        from secplan_tui.frontends.tui.dialogs import PathDialog

        prompt = f"Answers file (YAML or JSON) to import into '{clean_text(meta.name)}':"
        self.app.push_screen(PathDialog("Import answers", prompt), do_import)

    def action_export_answers(self) -> None:
        """Ask where, then write the highlighted session's answers as YAML or JSON."""
        from secplan_tui.frontends.tui.exporting import ExportFlow
        from secplan_tui.frontends.tui.files import ANSWER_FORMATS, suggested_name
        from secplan_tui.session.answer_files import export_answers

        meta = self._selected()
        controller = self._selected_controller()
        if meta is None or controller is None:
            return

        def render(fmt: str) -> str:
            return export_answers(controller.questionnaire, controller.answers, fmt,
                                  notes=controller.answer_notes)

        ExportFlow(self.secplan, "Export answers", ANSWER_FORMATS, suggested_name(meta.name, "answers", ".yaml"),
                   render).start()

