"""Render a Plan as Markdown: the full plan, a one-page executive summary, or a checklist grouped by owner.

Every string that comes from an answer or from the questionnaire passes through :func:`md_inline` (or
:func:`md_code` for identifiers) before it is placed, so it renders as itself and cannot add structure. The
output is a pure function of the Plan and the view: the same plan gives byte-identical Markdown.

The document is built as a list of :class:`Block` values (marking, front matter, parts, domains, appendices);
the Markdown is their concatenation, and the HTML renderer wraps each block in its own ``<section>`` so print
styles can break pages before domains.

This module picks the view; each view has its own module (:mod:`.markdown_full` with :mod:`.markdown_controls`
and :mod:`.markdown_appendices`, :mod:`.markdown_summary`, :mod:`.markdown_checklist`), and the pieces they share
are in :mod:`.markdown_common`.
"""

from __future__ import annotations

from secplan_tui.core.errors import InvalidInput
from secplan_tui.plan.escape import one_line
from secplan_tui.plan.markdown_checklist import checklist_view
from secplan_tui.plan.markdown_common import Block, maturity_chart, maturity_words
from secplan_tui.plan.markdown_full import full_view
from secplan_tui.plan.markdown_summary import summary_view
from secplan_tui.plan.records import Plan

__all__ = ["VIEWS", "Block", "markdown_blocks", "maturity_chart", "maturity_words", "render_markdown"]

VIEWS: tuple[str, ...] = ("full", "summary", "checklist")
"""The views every renderer accepts."""


def render_markdown(plan: Plan, view: str = "full") -> str:
    """Render a plan as Markdown.

    Args:
        plan: A compiled plan.
        view: ``full``, ``summary`` or ``checklist``.

    Returns:
        The Markdown text, ending with exactly one newline.

    Raises:
        InvalidInput: the view is not one of VIEWS.
    """
    return "\n\n".join(b.text for b in markdown_blocks(plan, view)) + "\n"


def markdown_blocks(plan: Plan, view: str = "full") -> list[Block]:
    """The blocks of a view, in order.

    Args:
        plan: A compiled plan.
        view: ``full``, ``summary`` or ``checklist``.

    Raises:
        InvalidInput: the view is not one of VIEWS.
    """
    if view == "full":
        return full_view(plan)
    if view == "summary":
        return summary_view(plan)
    if view == "checklist":
        return checklist_view(plan)
    raise InvalidInput("Unknown view", f"'{one_line(view)}' is not a plan view; use one of {', '.join(VIEWS)}")
