"""Answers to a security plan: compile a pure Plan object, then render it as Markdown, HTML or JSON.

Typical use::

    plan = compile_plan(questionnaire, answers, date(2025, 1, 31), session_name="Acme")
    text = render_markdown(plan, view="full")      # or "summary", "checklist"

The HTML renderer imports markdown-it-py only when first called, so importing this package stays cheap.
"""

from __future__ import annotations

from secplan_tui.plan.compile import compile_plan
from secplan_tui.plan.markdown import VIEWS, render_markdown
from secplan_tui.plan.plan_json import render_json
from secplan_tui.plan.records import Plan

__all__ = ["VIEWS", "Plan", "compile_plan", "render_html", "render_json", "render_markdown"]


def render_html(plan: Plan, view: str = "full") -> str:
    """Render a plan as a standalone HTML5 document (see :func:`secplan_tui.plan.html.render_html`).

    Args:
        plan: A compiled plan.
        view: ``full``, ``summary`` or ``checklist``.

    Returns:
        The HTML text.
    """
    from secplan_tui.plan.html import render_html as _render_html

    return _render_html(plan, view)
