"""Render a Plan as one self-contained HTML5 page: the Markdown view through markdown-it-py, with print CSS.

markdown-it-py runs with the ``js-default`` preset (raw HTML off, so any ``<`` in the source is shown, not
obeyed) and tables on. The page has no JavaScript, no external resource and a Content-Security-Policy that
forbids both.
Each Markdown block becomes a ``<section>`` so print styles can start every domain on a new page.
"""

from __future__ import annotations

from functools import lru_cache
from html import escape

from markdown_it import MarkdownIt

from secplan_tui.plan.charts import maturity_svg
from secplan_tui.plan.markdown import markdown_blocks, maturity_chart
from secplan_tui.plan.records import Plan

PLAN_CSS = """\
:root { color-scheme: light; }
* { box-sizing: border-box; }
body {
  margin: 0 auto; max-width: 60rem; padding: 0 1.5rem 3rem;
  font: 11pt/1.5 "Segoe UI", "Helvetica Neue", Arial, sans-serif; color: #1a1a1a; background: #fff;
}
header.marking, footer.marking {
  text-align: center; font-weight: 700; letter-spacing: .12em; text-transform: uppercase;
  padding: .35rem 0; color: #8b0000; border-bottom: 2px solid #8b0000;
}
footer.marking { border-bottom: 0; border-top: 2px solid #8b0000; margin-top: 2rem; }
h1 { font-size: 1.9em; margin: 1.2rem 0 .6rem; }
h2 { font-size: 1.45em; margin-top: 2rem; border-bottom: 1px solid #bbb; padding-bottom: .2rem; }
h3 { font-size: 1.2em; margin-top: 1.6rem; }
h4 { font-size: 1.05em; margin-top: 1.3rem; }
h5 {
  font-size: 1em; margin: 1.2rem 0 .4rem; padding: .3rem .5rem;
  background: #eef2f7; border-left: 4px solid #2c5282;
}
table { border-collapse: collapse; width: 100%; margin: .6rem 0 1rem; font-size: .95em; }
th, td { border: 1px solid #999; padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #e8e8e8; }
tbody tr:nth-child(even) td { background: #f7f7f7; }
code { font-family: "Cascadia Mono", Consolas, "DejaVu Sans Mono", monospace; font-size: .9em; }
svg.maturity { display: block; max-width: 40rem; margin: .6rem 0 1rem; }
svg.maturity .track { fill: #e6e6e6; }
svg.maturity .bar { fill: #2c5282; }
svg.maturity .unknown { stroke: #888; stroke-width: 1; }
svg.maturity text { font: 13px "Segoe UI", Arial, sans-serif; fill: #1a1a1a; }
pre { background: #f4f4f4; border: 1px solid #ccc; padding: .6rem .8rem; overflow-x: auto; }
li { margin: .15rem 0; }
section.marking { display: none; }
body.view-summary { font-size: 10pt; }
body.view-summary h2 { margin-top: 1rem; }
ul.contains-task-list { list-style: none; padding-left: 1.2rem; }
li.task-list-item input { margin: 0 .45rem 0 -1.2rem; width: .9em; height: .9em; vertical-align: -.1em; }
@page { size: A4; margin: 20mm 16mm 20mm 16mm; }
@page {
  @bottom-right { content: counter(page) " / " counter(pages); font: 8pt Arial, sans-serif; color: #000; }
}
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; color: #000; }
  * { background: transparent !important; box-shadow: none !important; }
  /* The marking is printed in the page margin of every page (@page margin boxes, added with the marking) and
     once in the flow at the start and the end; never fixed over the text. */
  header.marking, footer.marking { position: static; border: 0; padding: 0 0 .3rem; margin: 0; }
  footer.marking { padding: .3rem 0 0; }
  main { margin: 1.2rem 0; }
  section.domain, section.appendix { break-before: page; page-break-before: always; }
  h1, h2, h3, h4, h5 { break-after: avoid; page-break-after: avoid; }
  h5 { border-left: 3px solid #000; }
  table { font-size: 9pt; }
  th, td { border: 1px solid #000; }
  svg.maturity .track { fill: #fff !important; stroke: #000; }
  svg.maturity .bar { fill: #555 !important; }
  thead { display: table-header-group; }
  tr, pre, li { break-inside: avoid; page-break-inside: avoid; }
  pre { white-space: pre-wrap; border: 1px solid #000; }
  body.view-summary { font-size: 9pt; }
  body.view-summary section.front { break-before: auto; }
}
"""
"""The stylesheet embedded in every HTML plan."""

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; base-uri 'none'; form-action 'none'"
"""Content-Security-Policy of the page: no script, no external resource."""


UNUSED_RULES: tuple[str, ...] = (
    "code",
    "blockquote",
    "hr",
    "reference",
    "html_block",
    "lheading",
    "linkify",
    "link",
    "image",
    "autolink",
    "html_inline",
    "entity",
    "strikethrough",
    "replacements",
    "smartquotes",
)
"""markdown-it rules the plan never needs. Escaping already stops answers from reaching them; switching them
off as well means a link, an image or raw HTML cannot appear in the page even if an escape were missed."""


@lru_cache(maxsize=1)
def _renderer() -> MarkdownIt:
    from mdit_py_plugins.tasklists import tasklists_plugin

    md = MarkdownIt("js-default", {"html": False, "linkify": False, "typographer": False})
    # The checklist's "- [ ]" / "- [x]" as (disabled) checkboxes, ticked on paper.
    return md.enable("table").disable(list(UNUSED_RULES)).use(tasklists_plugin)


def render_html(plan: Plan, view: str = "full") -> str:
    """Render a plan as a standalone HTML5 document.

    Args:
        plan: A compiled plan.
        view: ``full``, ``summary`` or ``checklist``.

    Returns:
        The HTML text, ending with one newline.

    Raises:
        InvalidInput: the view is unknown.
    """
    md = _renderer()
    blocks = markdown_blocks(plan, view)
    body = "\n".join(f'<section class="{escape(b.kind)}">\n{md.render(b.text)}</section>' for b in blocks)
    if plan.domains:
        # The text bar chart of the Markdown becomes a drawn one; the maturity table beside it stays.
        body = body.replace(md.render(maturity_chart(plan)), maturity_svg(plan))
    meta = plan.metadata
    return html_page(
        f"{meta.marking}: {meta.title}" + ("" if view == "full" else f" ({view})"),
        body,
        body_class=f"view-{view}",
        marking=meta.marking,
        generator=meta.generated_by,
    )


def render_markdown_page(markdown: str, title: str, *, body_class: str, extra_css: str = "") -> str:
    """Any Markdown secplan writes (a class report, say) as a page like a plan's: the same renderer, stylesheet
    and Content-Security-Policy."""
    return html_page(title, _renderer().render(markdown), body_class=body_class, extra_css=extra_css)


def html_page(
    title: str,
    body: str,
    *,
    body_class: str,
    extra_css: str = "",
    marking: str | None = None,
    generator: str | None = None,
) -> str:
    """A standalone HTML5 page around rendered ``body`` HTML: no script, a Content-Security-Policy that forbids
    it and any outside resource, the plan's print stylesheet, and the marking above and below when given.

    Args:
        title: The page title (plain text; escaped here).
        body: The HTML of the page's content, already safe.
        body_class: The class of ``<body>`` (plain text; escaped here).
        extra_css: Styles added after the plan's.
        marking: A protective marking ("CONFIDENTIAL") shown in the header and footer.
        generator: What made the page, for the generator meta tag.
    """
    head_extra = "" if generator is None else f'<meta name="generator" content="{escape(generator)}">\n'
    header = footer = ""
    if marking is not None:
        header = f'<header class="marking">{escape(marking)}</header>\n'
        footer = f'<footer class="marking">{escape(marking)}</footer>\n'
        extra_css = marking_page_css(marking) + extra_css
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="robots" content="noindex, nofollow">\n'
        f"{head_extra}"
        f"<title>{escape(title)}</title>\n"
        f"<style>\n{PLAN_CSS}{extra_css}</style>\n"
        "</head>\n"
        f'<body class="{escape(body_class)}">\n'
        f"{header}"
        f"<main>\n{body}\n</main>\n"
        f"{footer}"
        "</body>\n"
        "</html>\n"
    )


def marking_page_css(marking: str) -> str:
    """The marking in the top and bottom margins of every printed page (``@page`` margin boxes: never over text)."""
    text = css_string(marking)
    box = f"content: {text}; font: 700 8pt Arial, sans-serif; letter-spacing: .12em; color: #8b0000;"
    return f"@page {{\n  @top-center {{ {box} }}\n  @bottom-center {{ {box} }}\n}}\n"


def css_string(text: str) -> str:
    """Text as a quoted CSS string that cannot end the string, the rule or the ``<style>`` element: anything but
    letters, digits, spaces and a few punctuation marks becomes a CSS escape (``\\3c `` for ``<``)."""
    safe = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:;-_()/+&!?'")
    out = "".join(ch if ch in safe else f"\\{ord(ch):x} " for ch in text if ch.isprintable())
    return f'"{out.upper()}"'
