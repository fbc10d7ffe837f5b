"""What every secplan screen shares: a one-line title bar with the keys a newcomer needs first."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar, cast

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.reactive import Reactive
from textual.screen import Screen
from textual.types import NoActiveAppError
from textual.widget import Widget
from textual.widgets import Static

if TYPE_CHECKING:
    from secplan_tui.frontends.tui.app import SecplanApp


WIDE_KEYS = "F1 Help  ^p Commands  ^q Quit"


class TitleBar(Horizontal):
    """The screen's title on the left; on the right the keys that work everywhere (the footer has the rest)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="title-bar")

    def compose(self) -> ComposeResult:
        yield Static(Content(""), classes="title-text")
        yield Static(Content(WIDE_KEYS), classes="title-keys")

    def on_resize(self) -> None:
        # Under 70 columns the title needs the room; F1's help names the rest.
        self.query_one(".title-keys", Static).update(Content(WIDE_KEYS if self.size.width >= 70 else "F1 Help"))

    def set_title(self, title: Content) -> None:
        """Show a title (Content: user text already literal)."""
        self.query_one(".title-text", Static).update(title)


ResultType = TypeVar("ResultType")


class SecplanScreen(Screen[ResultType]):
    """A screen of this app, with typed access to the app's services."""

    focused: Reactive[Widget | None] = Reactive(None, repaint=False)
    """As Screen's, but a focus move repaints only the widgets whose focus style changes, not the whole screen:
    every answer moves the focus, and a full repaint costs several KB over a slow SSH link."""

    def __init__(self) -> None:
        super().__init__()
        self._start_with_breakpoint()

    def _start_with_breakpoint(self) -> None:
        """Take the width's breakpoint class (``-narrow``, ``-normal``) now, before the widgets are styled.

        Textual gives it on the screen's first resize, which restyles every widget of the screen a second time
        before the first frame; with the class already there, that resize changes nothing.
        """
        try:
            width = self.app.size.width
        except NoActiveAppError:
            return
        breakpoints = self.HORIZONTAL_BREAKPOINTS
        if breakpoints is None:
            breakpoints = self.app.HORIZONTAL_BREAKPOINTS
        for threshold, name in sorted(breakpoints or [], reverse=True):
            if width >= threshold:
                self.add_class(name, update=False)
                return

    @property
    def secplan(self) -> SecplanApp:
        """The app, typed."""
        return cast("SecplanApp", self.app)
