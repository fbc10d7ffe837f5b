"""The list of sessions on the home screen: one row each, in columns sized to the terminal's width."""

from __future__ import annotations

from collections.abc import Sequence

from textual import events
from textual.content import Content
from textual.message import Message
from textual.widgets.option_list import Option

from secplan_tui.sanitize import clean_text
from secplan_tui.store import SessionMeta
from secplan_tui.tui.text import Glyphs, join, plain, styled
from secplan_tui.tui.widgets.marked import GUTTER_DEFAULT, MarkedOptionList

QUESTIONNAIRE_WIDTH = 14
PROGRESS_WIDTH = 12
UPDATED_WIDTH = 16
NAME_MIN, NAME_MAX = 10, 32
HEADINGS = ("Name", "Questionnaire", "Progress", "Last change")


def when(iso: str) -> str:
    """``2026-01-15T09:30:12.123Z`` -> ``2026-01-15 09:30``."""
    return iso[:16].replace("T", " ")


def fit(text: str, width: int) -> str:
    """Text cut to ``width`` cells with an ellipsis, or padded to it."""
    return text[: width - 1] + "…" if len(text) > width else text.ljust(width)


class SessionList(MarkedOptionList):
    """Sessions with name, questionnaire, progress and last change; Enter opens the one under the cursor."""

    DEFAULT_CSS = """
    SessionList {
        height: 1fr;
        border: none;
        &:focus {
            border: none;
        }
    }
    """

    def __init__(self, glyphs: Glyphs, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.glyphs = glyphs
        self.metas: list[SessionMeta] = []
        self._width = 0

    def name_width(self) -> int:
        """Cells for the name column at the current width."""
        width = self.scrollable_content_region.width or 78
        room = width - GUTTER_DEFAULT - QUESTIONNAIRE_WIDTH - PROGRESS_WIDTH - UPDATED_WIDTH - 4
        return max(NAME_MIN, min(NAME_MAX, room))

    def header(self) -> Content:
        """The column headings, aligned with the rows."""
        widths = (self.name_width(), QUESTIONNAIRE_WIDTH, PROGRESS_WIDTH, UPDATED_WIDTH)
        return styled(" " * GUTTER_DEFAULT + " ".join(fit(h, w) for h, w in zip(HEADINGS, widths, strict=True)),
                      "bold")

    def show_sessions(self, metas: Sequence[SessionMeta], keep: str | None = None) -> None:
        """Show these sessions, keeping the cursor on ``keep`` (a session id) if it is still there."""
        self.metas = list(metas)
        self.set_options(Option(self._row(meta)) for meta in self.metas)
        ids = [meta.id for meta in self.metas]
        if ids:
            self.highlighted = ids.index(keep) if keep in ids else 0

    def _row(self, meta: SessionMeta) -> Content:
        done = meta.status == "complete"
        progress = f"{meta.answered}/{meta.total}" if meta.total else "0"
        if done:
            progress += f" {self.glyphs.done} done"
        questionnaire = clean_text(f"{meta.questionnaire_id} {meta.questionnaire_version}")
        return join(
            plain(fit(clean_text(meta.name), self.name_width())), " ",
            plain(fit(questionnaire, QUESTIONNAIRE_WIDTH)), " ",
            fit(progress, PROGRESS_WIDTH), " ",
            when(meta.updated),
        )

    @property
    def selected(self) -> SessionMeta | None:
        """The session under the cursor."""
        if self.highlighted is None or not 0 <= self.highlighted < len(self.metas):
            return None
        return self.metas[self.highlighted]

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._width:
            self._width = event.size.width
            for index, meta in enumerate(self.metas):
                self.replace_option_prompt_at_index(index, self._row(meta))
            self.post_message(self.Resized())

    class Resized(Message):
        """The columns changed width (the screen redraws the headings)."""
