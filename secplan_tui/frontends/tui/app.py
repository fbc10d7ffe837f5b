"""The secplan App and its factory: it holds the store and the services screens call, and opens the first screen.

``make_app`` is the one place the app is wired; ``run_app`` (the CLI) and the tests both call it.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import signal
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.console import RenderableType
from textual.app import App
from textual.binding import Binding, BindingType
from textual.driver import Driver
from textual.message_pump import MessagePump
from textual.screen import Screen

from secplan_tui.core.errors import SecplanError
from secplan_tui.frontends.tui.catalogues import (
    exercise_entries,
    questionnaire_entries,
)
from secplan_tui.frontends.tui.commands import SecplanCommands
from secplan_tui.frontends.tui.text import UNICODE, Glyphs

if TYPE_CHECKING:
    from secplan_tui.core.catalogue import Entry, ScenarioEntry
    from secplan_tui.core.model import Questionnaire
    from secplan_tui.frontends.tui.screens.question import QuestionScreen
    from secplan_tui.session.controller import SessionController
    from secplan_tui.store import SessionMeta, SessionStore


class SecplanApp(App[int]):
    """Walks an organisation through a questionnaire and compiles its security plan.

    Args:
        store: The workspace of sessions.
        session_id: A session to open at start (its id), or None for the home screen.
        plan_date: The date plans carry; None means today, read when a plan is compiled.
        export_dir: The folder offered for exports; None means the current folder.
    """

    CSS_PATH = "app.tcss"
    TITLE = "secplan"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (70, "-normal")]
    COMMANDS = {SecplanCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "Help", key_display="F1", priority=True, show=False, id="app.help",
                tooltip="Show how secplan works and the keys of this screen"),
        Binding("question_mark", "help", "Help", show=False, id="app.help_alt"),
        Binding("ctrl+q", "quit", "Quit", key_display="^q", priority=True, show=False, id="app.quit",
                tooltip="Leave secplan; every confirmed answer is already saved"),
    ]

    def __init__(
        self,
        store: SessionStore,
        *,
        session_id: str | None = None,
        plan_date: dt.date | None = None,
        export_dir: Path | None = None,
    ) -> None:
        super().__init__()
        self.store = store
        """Where sessions live."""
        self.start_session = session_id
        self.fixed_plan_date = plan_date
        self.export_dir = export_dir
        self.glyphs: Glyphs = UNICODE
        """The marks drawn; run_app picks ASCII ones on the Linux console."""
        self.cursor_blink = True
        """Whether text cursors blink (tests turn it off for stable screenshots)."""
        self._questionnaires: dict[str, Questionnaire] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pending_signal: int | None = None
        self._terminal_check: tuple[int, float, Callable[[], None]] | None = None
        self._first_frame_out = False
        self._after_first_frame: list[tuple[MessagePump, Callable[[], object]]] = []

    # -- services the screens use ---------------------------------------------------------------------------

    @property
    def plan_date(self) -> dt.date:
        """The date a plan compiled now carries."""
        return self.fixed_plan_date or dt.date.today()

    @property
    def export_folder(self) -> Path:
        """The folder offered for exports."""
        return self.export_dir or Path.cwd()

    def questionnaire(self, questionnaire_id: str) -> Questionnaire:
        """A questionnaire by id, loaded (and checked) once.

        Raises:
            SecplanError: unknown or invalid questionnaire.
        """
        if questionnaire_id not in self._questionnaires:
            from secplan_tui.core import catalogue

            self._questionnaires[questionnaire_id] = catalogue.load(questionnaire_id)
        return self._questionnaires[questionnaire_id]

    def questionnaire_entries(self) -> list[Entry]:
        """The questionnaires a new session can use."""
        return questionnaire_entries()

    def exercise_entries(self) -> list[ScenarioEntry]:
        """The teaching scenarios a new session can start (a learner's exercise)."""
        return exercise_entries()

    def controller(self, session_id: str) -> SessionController:
        """A controller for one session, with its questionnaire loaded.

        Raises:
            SecplanError: the session or its questionnaire cannot be read.
        """
        from secplan_tui.session.controller import SessionController

        meta = self.store.meta(session_id)
        return SessionController(self.store, meta.id, self.questionnaire(meta.questionnaire_id))

    def hold_repaint(self, delay: float = 0.02) -> None:
        """Paint once after a user action instead of once per step of it.

        One answer updates the title, the sidebar, the panel, the status line and maybe the footer, and Textual
        lays out some of that in later message rounds; each round would otherwise be a frame of its own. Holding
        repaints for a moment sends one frame (a few KB less per answer over a slow link).
        """
        self._begin_batch()

        def release() -> None:
            self._end_batch()
            self.screen.check_idle()

        self.set_timer(delay, release, name="secplan-hold-repaint")

    def after_first_frame(self, pump: MessagePump, callback: Callable[[], object]) -> None:
        """Run ``callback`` (for ``pump``, a screen or widget) once the first frame is out: work the first frame
        can do without (reading a questionnaire, compiling a plan) then never delays it.

        After the first frame this is ``pump.call_after_refresh``. Before it, that is not enough: Textual runs
        such callbacks at once whenever repaints are held (while the app starts, while a widget recomposes), so
        one queued by a screen's on_mount can run before anything was drawn. Held here until the first frame is
        sent (see _display), they are then queued to run after the refresh that follows it.
        """
        if self._first_frame_out:
            pump.call_after_refresh(callback)
        else:
            self._after_first_frame.append((pump, callback))

    def _display(self, screen: Screen[Any], renderable: RenderableType | None) -> None:
        super()._display(screen, renderable)
        if not self._first_frame_out and renderable is not None and not self._batch_count:
            # Textual sends a frame here unless repaints are held (it drops it then).
            self._first_frame_out = True
            waiting, self._after_first_frame = self._after_first_frame, []
            for pump, callback in waiting:
                pump.call_after_refresh(callback)

    def report(self, error: SecplanError) -> None:
        """Tell the user about an error they can act on (never parsed as markup); a refused answer in the owner's
        words, without ids."""
        from secplan_tui.core.engine import AnswerRejected

        message = error.reason if isinstance(error, AnswerRejected) else error.message
        self.notify(message, title=error.title, severity="error", timeout=12, markup=False)

    def tell(self, message: str, *, title: str = "", warning: bool = False) -> None:
        """A plain notice (never parsed as markup)."""
        self.notify(message, title=title, severity="warning" if warning else "information", markup=False)

    def open_session(self, session_id: str, *, at_question: str | None = None) -> bool:
        """Show a session's questions, at ``at_question`` or where it was left; False if it cannot be opened."""
        screen = self._session_screen(session_id, at_question)
        if screen is None:
            return False
        self.push_screen(screen)
        return True

    def _session_screen(self, session_id: str, at_question: str | None = None) -> QuestionScreen | None:
        """The question screen of a session, with a notice if its questionnaire changed; None (and the reason
        told) if it cannot be opened."""
        from secplan_tui.frontends.tui.screens.question import QuestionScreen
        from secplan_tui.session.answer_files import version_notes

        try:
            controller = self.controller(session_id)
        except SecplanError as exc:
            self.report(exc)
            return None
        meta: SessionMeta = controller.meta
        for note in version_notes(
            meta.name, meta.questionnaire_version, meta.questionnaire_hash, controller.questionnaire,
            controller.answers,
        ):
            self.tell(note, title="Questionnaire changed", warning=True)
        return QuestionScreen(controller, start_at=at_question)

    # -- life cycle -----------------------------------------------------------------------------------------

    def get_driver_class(self) -> type[Driver]:
        """Textual's driver for this platform, writing each frame with its style codes squashed (see tui.sgr):
        about a third fewer bytes per redraw on a 24-bit terminal."""
        from secplan_tui.frontends.tui.sgr import squash_sgr

        base = super().get_driver_class()

        class SquashingDriver(base):  # type: ignore[valid-type,misc]
            def write(self, data: str) -> None:
                super().write(squash_sgr(data))

        SquashingDriver.__name__ = SquashingDriver.__qualname__ = f"Squashing{base.__name__}"
        return SquashingDriver

    def get_default_screen(self) -> Screen[Any]:
        """The home screen is the bottom of the stack: drawn as the first frame, not over a blank one.

        ``secplan open SESSION`` starts on the session's questions instead, without building the home screen
        first (it would cost its own frame); F9 then brings the home screen up over them (see action_home).
        """
        if self.start_session is not None:
            screen = self._session_screen(self.start_session)
            self.start_session = None
            if screen is not None:
                return screen
        from secplan_tui.frontends.tui.screens.home import HomeScreen

        return HomeScreen()

    def on_mount(self) -> None:
        self._loop = asyncio.get_running_loop()
        if self._terminal_check is not None:
            _, interval, check = self._terminal_check
            self.set_interval(interval, check, name="secplan-terminal-check")
        if self._pending_signal is not None:
            self._exit_for_signal(self._pending_signal)
            return
        for notice in list(self.store.notices):
            self.tell(notice, title="Workspace", warning=True)
        self.store.notices.clear()
        if self.start_session is not None:
            self.open_session(self.start_session)

    def exit_on_signal_threadsafe(self, signum: int) -> None:
        """Ask the app to exit because of a signal; safe to call from a signal handler."""
        loop = self._loop
        if loop is None or loop.is_closed():
            self._pending_signal = signum
            return
        loop.call_soon_threadsafe(self._exit_for_signal, signum)

    def _exit_for_signal(self, signum: int) -> None:
        # Every confirmed answer is already on disk; nothing typed but unconfirmed is saved on the way out.
        if signum == signal.SIGHUP:
            self._forget_terminal()
        self.exit(return_code=128 + signum)

    def _forget_terminal(self) -> None:
        """The terminal is gone: drop the output still queued for it, and any more, so leaving cannot block.

        Textual writes through a thread with a bounded queue; once the terminal has hung up, that thread dies on
        its next write (EIO), the queue fills, and shutting down waits forever to queue its last item.
        """
        writer = getattr(self._driver, "_writer_thread", None)
        queue = getattr(writer, "_queue", None)
        if writer is None or queue is None:
            return
        writer.write = lambda text: None
        with contextlib.suppress(Exception):
            while True:
                queue.get_nowait()

    def watch_terminal(self, fd: int, interval: float = 1.0) -> None:
        """Exit as on SIGHUP when the terminal on ``fd`` goes away without a signal (a hangup seen only as EIO,
        e.g. under a wrapper that ignores SIGHUP), instead of lingering with nobody to see it."""
        import termios

        def check() -> None:
            try:
                termios.tcgetattr(fd)
            except (termios.error, OSError):
                self._exit_for_signal(signal.SIGHUP)

        self._terminal_check = (fd, interval, check)

    # -- actions --------------------------------------------------------------------------------------------

    def action_help(self) -> None:
        """Show the keys of the current screen and how the app works."""
        from secplan_tui.frontends.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss()
            return
        self.push_screen(HelpScreen(self.screen))

    def action_home(self) -> None:
        """Back to the list of sessions."""
        from secplan_tui.frontends.tui.screens.home import HomeScreen

        while len(self.screen_stack) > 1 and not isinstance(self.screen, HomeScreen):
            self.pop_screen()
        if not isinstance(self.screen, HomeScreen):
            # Started with `secplan open SESSION`: the session's questions are the bottom screen, and stay under
            # the home screen (F9 from any later screen comes back to this one).
            self.push_screen(HomeScreen())


def make_app(
    store: SessionStore,
    *,
    session_id: str | None = None,
    plan_date: dt.date | None = None,
    export_dir: Path | None = None,
) -> SecplanApp:
    """Build the app for a store; with ``session_id`` (an id or a name) it opens that session's questions.

    Raises:
        SecplanError: the session does not exist, or its questionnaire cannot be loaded.
    """
    app = SecplanApp(store, plan_date=plan_date, export_dir=export_dir)
    if session_id is not None:
        meta = store.resolve(session_id)
        app.questionnaire(meta.questionnaire_id)  # fail here, at the edge, not on a blank screen
        app.start_session = meta.id
    return app
