"""The list of sessions on the home screen: one row each, in columns sized to the terminal's width."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from textual import events
from textual.content import Content
from textual.message import Message
from textual.widgets.option_list import Option

from secplan_tui.core.text import clean_text
from secplan_tui.frontends.tui.text import Glyphs, join, plain, styled
from secplan_tui.frontends.tui.widgets.marked import GUTTER_DEFAULT, MarkedOptionList
from secplan_tui.store import SessionMeta

if TYPE_CHECKING:
    from secplan_tui.core.engine import Flow

QUESTIONNAIRE_WIDTH = 14
PROGRESS_WIDTH = 12
PLAN_WIDTH = 17
"""The living plan's column: ``done 3 of 12``, or ``3/12 · 2 overdue`` when there is something overdue."""
UPDATED_WIDTH, UPDATED_DAY_WIDTH = 16, 10
NAME_MIN, NAME_MAX = 10, 32
HEADINGS = ("Name", "Questionnaire", "Answered", "Actions", "Last change")
DAY_HEADING = "Changed"
"""The last column's heading when it shows only the day."""


def plan_cell(text: str, done: int = 0, total: int = 0, overdue: int = 0) -> str:
    """The plan column's text: ``done n of m · k overdue`` when it fits, else ``n/m · k overdue``."""
    if len(text) <= PLAN_WIDTH:
        return text
    short = f"{done}/{total} · {overdue} overdue"
    return short if len(short) <= PLAN_WIDTH else f"{done}/{total} · {overdue}!"


def when(iso: str) -> str:
    """``2026-01-15T09:30:12.123Z`` -> ``2026-01-15 09:30``."""
    return iso[:16].replace("T", " ")


def pass_text(flow: Flow) -> str:
    """Where the answering stands, by pass: ``essentials 12/27``, ``essentials 27/27 · first pass done``,
    ``details 12/53``, or ``all 80/80 answered``."""
    from secplan_tui.core.engine import DETAILS, DONE, ESSENTIALS

    current = flow.current_pass()
    if current == DONE or not flow.has_essentials:
        answered, visible = flow.pass_counts()
        return f"all {answered}/{visible} answered" if current == DONE else f"{answered}/{visible} answered"
    if current == DETAILS:
        answered, visible = flow.pass_counts(DETAILS)
        if answered == 0:
            done, essentials = flow.pass_counts(ESSENTIALS)
            return f"essentials {done}/{essentials} · first pass done"
        return f"details {answered}/{visible}"
    answered, visible = flow.pass_counts(ESSENTIALS)
    return f"essentials {answered}/{visible}"


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
        self._plan: Callable[[SessionMeta], str] = lambda meta: ""

    def _fixed(self, updated: int) -> int:
        return GUTTER_DEFAULT + QUESTIONNAIRE_WIDTH + PROGRESS_WIDTH + PLAN_WIDTH + updated + 5

    def updated_width(self) -> int:
        """Cells for the last change: the day and time, or only the day when the name would be squeezed."""
        width = self.scrollable_content_region.width or 78
        return UPDATED_WIDTH if width - self._fixed(UPDATED_WIDTH) >= 16 else UPDATED_DAY_WIDTH

    def name_width(self) -> int:
        """Cells for the name column at the current width."""
        width = self.scrollable_content_region.width or 78
        room = width - self._fixed(self.updated_width())
        return max(NAME_MIN, min(NAME_MAX, room))

    def _widths(self) -> tuple[int, ...]:
        return (self.name_width(), QUESTIONNAIRE_WIDTH, PROGRESS_WIDTH, PLAN_WIDTH, self.updated_width())

    def header(self) -> Content:
        """The column headings, aligned with the rows."""
        widths = self._widths()
        headings = HEADINGS if widths[-1] == UPDATED_WIDTH else (*HEADINGS[:-1], DAY_HEADING)
        return styled(" " * GUTTER_DEFAULT + " ".join(fit(h, w) for h, w in zip(headings, widths, strict=True)),
                      "bold")

    def show_sessions(self, metas: Sequence[SessionMeta], keep: str | None = None,
                      plan: Callable[[SessionMeta], str] | None = None) -> None:
        """Show these sessions, keeping the cursor on ``keep`` (a session id) if it is still there; ``plan``
        gives a session's living-plan progress (``done 3 of 12 · 1 overdue``, "" before any status)."""
        self.metas = list(metas)
        if plan is not None:
            self._plan = plan
        self.set_options(Option(self._row(meta)) for meta in self.metas)
        ids = [meta.id for meta in self.metas]
        if ids:
            self.highlighted = ids.index(keep) if keep in ids else 0

    def _row(self, meta: SessionMeta) -> Content:
        done = meta.status == "complete"
        progress = f"{meta.answered}/{meta.total}" if meta.total else "0"
        if done:
            progress += f" {self.glyphs.done}"  # complete (the next column's "done" is the plan's actions)
        questionnaire = clean_text(f"{meta.questionnaire_id} {meta.questionnaire_version}")
        name = ("! " if meta.suspect else "") + clean_text(meta.name)
        return join(
            plain(fit(name, self.name_width())), " ",
            plain(fit(questionnaire, QUESTIONNAIRE_WIDTH)), " ",
            fit(progress, PROGRESS_WIDTH), " ",
            plain(fit(self._plan(meta), PLAN_WIDTH)), " ",
            when(meta.updated)[: self.updated_width()],
        )

    @property
    def selected(self) -> SessionMeta | None:
        """The session under the cursor."""
        if self.highlighted is None or not 0 <= self.highlighted < len(self.metas):
            return None
        return self.metas[self.highlighted]

    def redraw_rows(self) -> None:
        """Draw every row again (the plan column of a session may have been filled in since)."""
        for index, meta in enumerate(self.metas):
            self.replace_option_prompt_at_index(index, self._row(meta))

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._width:
            self._width = event.size.width
            self.redraw_rows()
            self.post_message(self.Resized())

    class Resized(Message):
        """The columns changed width (the screen redraws the headings)."""
