"""The section sidebar: each section with its progress in words and numbers; Enter jumps to a section.

Each section is its own two-line widget, so an answer repaints only the sections whose progress changed.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content

from secplan_tui.core.engine import SectionProgress
from secplan_tui.core.text import clean_text
from secplan_tui.frontends.tui.messages import SectionChosen
from secplan_tui.frontends.tui.text import Glyphs, join, plain, styled
from secplan_tui.frontends.tui.widgets.quiet import QuietStatic


class SectionEntry(QuietStatic):
    """One section: its title, then ``✓ 10/10``, ``3/5``, ``– does not apply`` (decided by an answer given) or
    ``depends on answers`` (its questions wait on one not given yet)."""

    DEFAULT_CSS = """
    SectionEntry {
        height: auto;
    }
    """

    def __init__(self, index: int) -> None:
        super().__init__(Content(""))
        self.index = index
        self.content_now = Content("")

    def show(self, content: Content) -> None:
        """Draw new content, if it differs."""
        if not content.is_same(self.content_now):
            self.content_now = content
            self.update(content)

    def on_click(self, event: events.Click) -> None:
        event.stop()
        sidebar = self.parent
        if isinstance(sidebar, SectionSidebar):
            sidebar.choose(self.index)


class SectionSidebar(VerticalScroll, can_focus=True):
    """The sections, with a cursor (``>``) while focused; up/down move it, Enter jumps to that section."""

    DEFAULT_CSS = """
    SectionSidebar {
        height: 1fr;
        scrollbar-size-vertical: 1;
    }
    SectionSidebar:focus SectionEntry.-cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: bold;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", "Previous section", show=False, id="sections.up"),
        Binding("down", "move(1)", "Next section", show=False, id="sections.down"),
        Binding("home", "move_to(0)", "First section", show=False, id="sections.first"),
        Binding("end", "move_to(-1)", "Last section", show=False, id="sections.last"),
        Binding("enter,space", "select", "Go to section", show=False, id="sections.go"),
    ]

    def __init__(self, glyphs: Glyphs, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.glyphs = glyphs
        self._ids: list[str] = []
        self._progress: list[SectionProgress] = []
        self._current: str | None = None
        self._focused = False
        self._elsewhere_label = "asked in another pass"
        self.cursor = 0

    @property
    def highlighted(self) -> int | None:
        """The section under the cursor (None when there are no sections)."""
        return self.cursor if self._ids else None

    def show_progress(self, progress: Sequence[SectionProgress], current_section: str | None,
                      elsewhere: str = "asked in another pass") -> None:
        """Show each section's progress and mark the one being answered; redraws only what changed.

        Args:
            progress: Each section's progress, over one pass or over every question.
            current_section: The section of the question on show.
            elsewhere: What a section with questions only in the other pass says ("in the details").
        """
        self._elsewhere_label = elsewhere
        ids = [p.section.id for p in progress]
        self._progress, self._current = list(progress), current_section
        if ids != self._ids:
            self._ids = ids
            self.remove_children()
            self.mount_all(SectionEntry(index) for index in range(len(ids)))
            self.call_after_refresh(self._draw)
            return
        self._draw()

    def select_section(self, section_id: str) -> None:
        """Move the cursor to a section."""
        if section_id in self._ids:
            self._move_cursor(self._ids.index(section_id))

    def choose(self, index: int) -> None:
        """Jump to the section at ``index``."""
        self._move_cursor(index)
        self.post_message(SectionChosen(self._ids[index]))

    def _move_cursor(self, index: int) -> None:
        if not self._ids:
            return
        self.cursor = max(0, min(index, len(self._ids) - 1))
        self._draw()
        entries = list(self.query(SectionEntry))
        if self.cursor < len(entries):
            self.scroll_to_widget(entries[self.cursor], animate=False)

    def _draw(self) -> None:
        for entry in self.query(SectionEntry):
            if entry.index < len(self._progress):
                progress = self._progress[entry.index]
                at_cursor = entry.index == self.cursor
                entry.set_class(at_cursor, "-cursor")
                entry.show(self._prompt(progress, progress.section.id == self._current, at_cursor and self._focused))

    def _prompt(self, progress: SectionProgress, current: bool, cursor: bool) -> Content:
        g = self.glyphs
        marker = (">" if cursor else " ") + (g.current if current else " ")
        # Long titles wrap under themselves, not under the marks.
        width = max(8, (self.scrollable_content_region.width or 27) - 3)
        lines = textwrap.wrap(clean_text(progress.section.title), width) or [""]
        text = "\n   ".join(lines)
        title = styled(text, "bold", keep_newlines=True) if current else plain(text, keep_newlines=True)
        if progress.ruled_out:
            state = f"{g.skipped} does not apply"
        elif progress.skipped:
            state = "depends on answers"
        elif not progress.visible:
            state = self._elsewhere_label
        else:
            state = f"{g.done} " if progress.complete else ""
            state += f"{progress.answered}/{progress.visible}"
            if progress.dont_know:
                state += f" · {progress.dont_know} unsure"
        state = "\n   ".join(textwrap.wrap(state, width) or [""])
        return join(marker, " ", title, "\n   ", styled(state, "italic", keep_newlines=True) if progress.skipped
                    else plain(state, keep_newlines=True))

    def on_resize(self) -> None:
        self._draw()

    def on_focus(self) -> None:
        self._focused = True
        self._draw()

    def on_blur(self) -> None:
        self._focused = False
        self._draw()

    def action_move(self, step: int) -> None:
        """Move the cursor up or down."""
        self._move_cursor(self.cursor + step)

    def action_move_to(self, index: int) -> None:
        """Move the cursor to the first (0) or last (-1) section."""
        self._move_cursor(len(self._ids) - 1 if index < 0 else index)

    def action_select(self) -> None:
        """Enter: jump to the section under the cursor."""
        if self._ids:
            self.post_message(SectionChosen(self._ids[self.cursor]))
