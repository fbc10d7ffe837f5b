"""Read-only documents over the whole screen: a scenario's briefing, the check against the model, and what
changed since the last snapshot. Each is Markdown shown through the plan preview's safe widget (no raw HTML,
links never opened), scrolled from the keyboard, and closed with the key that opened it or F5.

The text is made in a thread (loading a scenario the first time reads the whole questionnaire), so the screen
shows at once and fills in when the text is ready. Imported only when one of them is first opened.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from secplan_tui.core.errors import SecplanError
from secplan_tui.frontends.tui.screens.base import SecplanScreen, TitleBar
from secplan_tui.frontends.tui.text import join, plain, styled
from secplan_tui.frontends.tui.widgets.footer import KeyFooter
from secplan_tui.frontends.tui.widgets.plan_view import PlanMarkdown


@dataclass(frozen=True)
class Document:
    """What a document screen shows."""

    markdown: str
    """The body, as Markdown (already escaped where it holds user or scenario text)."""
    header: Content = field(default_factory=lambda: Content(""))
    """Lines that stay in place above the body (the score), literal text."""
    intro: Content = field(default_factory=lambda: Content(""))
    """Literal text above the Markdown that scrolls with it (the question on screen and its hint)."""


DocumentSource = Callable[[], Document]
"""Makes the document; runs in a thread, and may raise SecplanError (shown as a notice and in the body)."""


class DocumentScreen(SecplanScreen[None]):
    """A Markdown document made in a thread, with a fixed header line, scrolled with the keyboard.

    Args:
        title: The title bar's text (user text already literal).
        source: Makes the document (called in a thread).
        what: What the document is, for the line shown while it is being made ("the briefing").
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f5", "back", "Back", key_display="F5", priority=True, id="document.back",
                tooltip="Back to where you were"),
        Binding("b,escape", "back", "Back", show=False, id="document.back_key"),
        Binding("f9", "app.home", "Home", key_display="F9", priority=True, id="document.home",
                tooltip="Back to the list of sessions"),
    ]

    def __init__(self, title: Content, source: DocumentSource, *, what: str) -> None:
        super().__init__()
        self.title_content = title
        self.source = source
        self.what = what
        self.document: Document | None = None
        """The document on show, once made."""
        self.failure: SecplanError | None = None
        """Why the document could not be made, if it could not."""

    def compose(self) -> ComposeResult:
        yield TitleBar()
        header = Static(Content(""), id="doc-header")
        header.display = False
        yield header
        with VerticalScroll(id="doc-body"):
            yield Static(Content(f"Preparing {self.what}..."), id="doc-intro")
            yield PlanMarkdown(id="doc-markdown")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(TitleBar).set_title(self.title_content)
        self.query_one("#doc-body", VerticalScroll).focus()
        self.run_worker(self._make(), name="secplan-document", exclusive=True)

    async def _make(self) -> None:
        try:
            document = await asyncio.to_thread(self.source)
        except SecplanError as exc:
            self.failure = exc
            self.secplan.report(exc)
            self._set_intro(join(styled(f"Cannot show {self.what}: ", "bold"), plain(exc.message, keep_newlines=True)))
            return
        await self.show_document(document)

    async def show_document(self, document: Document) -> None:
        """Show a document in place of what is on screen."""
        self.document = document
        header = self.query_one("#doc-header", Static)
        header.update(document.header)
        header.display = bool(document.header.plain)
        self._set_intro(document.intro)
        await self.query_one("#doc-markdown", PlanMarkdown).update(document.markdown)
        self.query_one("#doc-body", VerticalScroll).scroll_home(animate=False)

    def _set_intro(self, content: Content) -> None:
        intro = self.query_one("#doc-intro", Static)
        intro.update(content)
        intro.display = bool(content.plain)

    def action_back(self) -> None:
        """Back to the screen underneath."""
        self.dismiss(None)

    def action_close(self) -> None:
        """Close with the key that opened the document (the same as Back)."""
        self.dismiss(None)


class BriefingScreen(DocumentScreen, inherit_bindings=False):
    """The scenario's briefing for a learner session; F10 or i (the keys that opened it) close it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f10", "close", "Close", key_display="F10", priority=True, id="briefing.close",
                tooltip="Close the briefing (F10 or i opens it again)"),
        Binding("i", "close", "Close", show=False, id="briefing.close_key"),
        *DocumentScreen.BINDINGS,
    ]


class CheckScreen(DocumentScreen, inherit_bindings=False):
    """The learner's answers and plan checked against the scenario's model; F12 or m close it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f12", "close", "Close", key_display="F12", priority=True, id="check.close",
                tooltip="Close the check"),
        Binding("m", "close", "Close", show=False, id="check.close_key"),
        *DocumentScreen.BINDINGS,
    ]


class ChangesScreen(DocumentScreen, inherit_bindings=False):
    """What changed in the plan since the session's last snapshot; g closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("g", "close", "Close", id="changes.close", tooltip="Close the list of changes"),
        *DocumentScreen.BINDINGS,
    ]
