"""Maturity drawn as an inline SVG bar chart: in place, unknown and not in place apart, so "unknown" never reads
as 0%. No script, labels as text, readable in black and white (the unknown part is hatched).

The HTML renderer puts it where the Markdown has the text bar chart (:func:`secplan_tui.plan.markdown.maturity_chart`).
"""

from __future__ import annotations

from html import escape

from secplan_tui.plan.markdown import maturity_words
from secplan_tui.plan.records import Plan


def maturity_svg(plan: Plan) -> str:
    """An inline SVG bar chart of maturity per domain, with the unknown share drawn apart and said in words.

    Domain titles are fixed strings from the model; they are escaped all the same.
    """
    row, label_w, bar_w, text_w = 26, 150, 300, 150
    height = row * len(plan.domains) + 8
    width = label_w + bar_w + text_w
    summary = "; ".join(f"{d.maturity.title} {maturity_words(d.maturity)}" for d in plan.domains)
    label = escape("Maturity per domain: " + summary)
    parts = [
        f'<svg class="maturity" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{label}">',
        f"<title>{label}</title>",
        '<defs><pattern id="unknown" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#888" stroke-width="3"/></pattern></defs>',
    ]
    for i, d in enumerate(plan.domains):
        m = d.maturity
        y = 4 + i * row
        parts.append(f'<text x="0" y="{y + 15}">{escape(m.title)}</text>')
        parts.append(f'<rect class="track" x="{label_w}" y="{y + 3}" width="{bar_w}" height="16"/>')
        if m.applicable > 0:
            in_place = round(bar_w * (m.in_place + m.partial / 2) / m.applicable)
            unknown = round(bar_w * m.unknown_share)
            if in_place:
                parts.append(f'<rect class="bar" x="{label_w}" y="{y + 3}" width="{in_place}" height="16"/>')
            if unknown:
                parts.append(
                    f'<rect class="unknown" x="{label_w + in_place}" y="{y + 3}" width="{unknown}" height="16" '
                    'fill="url(#unknown)"/>'
                )
        parts.append(f'<text x="{label_w + bar_w + 8}" y="{y + 15}">{escape(maturity_words(m))}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
