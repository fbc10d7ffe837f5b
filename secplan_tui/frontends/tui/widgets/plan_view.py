"""The plan preview: Textual's Markdown widget with a safe parser (no raw HTML, no linkify) that never opens
links, and the maturity of each domain as text bars.

This module imports the Markdown widget and markdown-it-py, so it is imported only when a plan is first shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Markdown, Static
from textual.widgets._markdown import MarkdownBlock, MarkdownTable

from secplan_tui.frontends.tui.text import Glyphs, bar, join, plain, styled

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

    from secplan_tui.plan.compile import DomainPlan
    from secplan_tui.plan.markdown import Block

BAR_WIDTH = 8
TITLE_WIDTH = 12


def safe_parser() -> MarkdownIt:
    """markdown-it-py's ``js-default`` preset: CommonMark plus tables, with raw HTML and linkify off."""
    from markdown_it import MarkdownIt

    return MarkdownIt("js-default", {"html": False, "linkify": False})


class AdaptiveTable:
    """A table that draws as a grid when it fits the width (a narrow table may wrap its longer cells), and as one
    record per row when it does not.

    Wide tables (the risk register has six columns) are unreadable squeezed into 50 cells; as records each row
    reads ``Header: value``. Cells are plain text (the plan's own Markdown is what gets exported).
    """

    def __init__(self, headers: list[str], rows: list[list[str]]) -> None:
        self.headers = headers
        self.rows = [row + [""] * (len(headers) - len(row)) for row in rows]

    def _natural_width(self) -> int:
        widths = [cell_len(h) for h in self.headers]
        for row in self.rows:
            widths = [max(w, cell_len(cell)) for w, cell in zip(widths, row, strict=False)]
        return sum(widths) + 3 * len(widths) + 1

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(min(20, options.max_width), min(self._natural_width(), options.max_width))

    def _fits(self, width: int) -> bool:
        """Whether the grid fits: at its natural width, or (three columns) with the longer cells wrapped and no
        column narrower than 12 cells or its header. Two columns read well as ``Header: value`` lines, and more
        than three wrapped in 80 columns do not."""
        if self._natural_width() <= width:
            return True
        if len(self.headers) != 3:
            return False
        least = []
        for i, header in enumerate(self.headers):
            natural = max([cell_len(header), *(cell_len(row[i]) for row in self.rows)])
            least.append(min(natural, max(12, cell_len(header))))
        return sum(least) + 3 * len(least) + 1 <= width

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if self._fits(options.max_width):
            table = Table(box=box.SQUARE, expand=False, show_header=any(self.headers), header_style="bold")
            for header in self.headers:
                table.add_column(header, overflow="fold")
            for row in self.rows:
                table.add_row(*row)
            yield table
            return
        for index, row in enumerate(self.rows):
            if index and len(self.headers) > 2:
                yield Text("")
            if len(self.headers) == 2:
                yield Text.assemble((row[0], "bold"), ": ", row[1])
                continue
            yield Text(row[0], style="bold")
            for header, cell in zip(self.headers[1:], row[1:], strict=False):
                if cell:
                    yield Text.assemble("  ", (f"{header}: ", "italic"), cell)


class PlanTable(MarkdownTable):
    """A Markdown table drawn by one widget (Textual's own table is a widget per cell: slow for a long plan)."""

    DEFAULT_CSS = """
    PlanTable {
        height: auto;
    }
    """

    def compose(self) -> ComposeResult:
        headers, rows = self._get_headers_and_rows()
        yield Static(AdaptiveTable([h.plain for h in headers], [[c.plain for c in row] for row in rows]))

    async def _update_from_block(self, block: MarkdownBlock) -> None:
        await MarkdownBlock._update_from_block(self, block)


class PlanMarkdown(Markdown):
    """A Markdown view of the plan; links are shown but never opened."""

    BLOCKS = {**Markdown.BLOCKS, "table_open": PlanTable}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, parser_factory=safe_parser, open_links=False)

    def on_markdown_link_clicked(self, event: Markdown.LinkClicked) -> None:
        event.prevent_default()  # keep Markdown's own handler from opening anything
        event.stop()


def chapters(blocks: Sequence[Block]) -> list[tuple[str, str]]:
    """Split a rendered plan into chapters for paging: (title, Markdown), one per part, domain or appendix.

    The confidentiality marking stays with the chapter it opens or closes.
    """
    result: list[tuple[str, str]] = []
    prefix = ""
    for block in blocks:
        if block.kind == "marking":
            if result:
                title, text = result[-1]
                result[-1] = (title, f"{text}\n\n{block.text}")
            else:
                prefix = block.text
            continue
        heading = next((line for line in block.text.splitlines() if line.startswith("#")), "")
        title = heading.lstrip("#").strip() or block.kind.title()
        text = f"{prefix}\n\n{block.text}" if prefix else block.text
        prefix = ""
        result.append((title, text))
    if prefix:
        result.append(("Plan", prefix))
    return result


class MaturityBars(Static):
    """How far each domain's controls are in place: a bar, the percentage and a count, all as text."""

    def __init__(self, glyphs: Glyphs, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.glyphs = glyphs

    def show_domains(self, domains: Sequence[DomainPlan]) -> None:
        """Draw one line per domain."""
        lines: list[Content] = [styled("Controls in place", "bold")]
        for domain in domains:
            maturity = domain.maturity
            name = domain.title.replace(" security", "")[:TITLE_WIDTH].ljust(TITLE_WIDTH)
            percent = maturity.percent
            if percent is None:
                lines.append(join(plain(name), " ", styled(bar(None, BAR_WIDTH, self.glyphs), "dim"), "  n/a"))
                continue
            lines.append(join(plain(name), " ", bar(maturity.score, BAR_WIDTH, self.glyphs), f" {percent:>3}%"))
        lines += self._action_lines(domains)
        self.update(Content("\n").join(lines))

    def _action_lines(self, domains: Sequence[DomainPlan]) -> list[Content]:
        """Actions done per domain (won't-do ones left out), once any action has a status: a plan nobody has
        started ticking off shows only the bars."""
        if not any(a.status != "todo" for d in domains for a in d.actions):
            return []
        lines: list[Content] = [Content(""), styled("Actions done", "bold")]
        for domain in domains:
            counted = [a for a in domain.actions if a.status != "wont"]
            if not counted:
                continue
            done = sum(1 for a in counted if a.status == "done")
            name = domain.title.replace(" security", "")[:TITLE_WIDTH].ljust(TITLE_WIDTH)
            lines.append(join(plain(name), f" {done:>2} of {len(counted)}"))
        return lines
