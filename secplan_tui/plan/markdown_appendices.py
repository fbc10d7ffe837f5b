"""The full plan's appendices as Markdown blocks: A, the answers given; B, the control references; C, the
identifiers for tracking tools.
"""

from __future__ import annotations

from secplan_tui.plan.escape import md_code, md_inline
from secplan_tui.plan.markdown_common import Block, md_table
from secplan_tui.plan.records import Plan


def appendix_answers(plan: Plan) -> Block:
    """Appendix A: every question shown, with its answer and note, by section."""
    parts = [
        "## Appendix A. Answers given",
        md_inline("Every question shown for these answers, by section. Questions that the answers hide are left out."),
    ]
    for section in plan.answers:
        parts.append(f"### {md_inline(section.title)}")
        parts.append(
            md_table(
                ["Id", "Question", "Answer"],
                (
                    [md_code(r.question_id), md_inline(r.question),
                     md_inline(r.answer) + (f" (note: {md_inline(r.note)})" if r.note else "")]
                    for r in section.rows
                ),
            )
        )
    if not plan.answers:
        parts.append(md_inline("No question is shown."))
    return Block("appendix", "\n\n".join(parts))


def appendix_references(plan: Plan) -> Block:
    """Appendix B: each control reference and the actions that cite it."""
    parts = [
        "## Appendix B. Control references",
        md_inline(
            "Identifiers only: ISO/IEC 27001:2022 Annex A, NIST CSF 2.0, CIS Controls v8.1 and Cyber "
            "Essentials, with the actions of this plan that cite each (their ids are in appendix C)."
        ),
    ]
    if plan.references:
        parts.append(
            md_table(
                ["Reference", "Catalogue", "Actions"],
                (
                    [md_code(r.reference), md_inline(r.catalogue), ", ".join(md_code(a) for a in r.actions)]
                    for r in plan.references
                ),
            )
        )
    else:
        parts.append(md_inline("No action of this plan cites a control reference."))
    return Block("appendix", "\n\n".join(parts))


def appendix_ids(plan: Plan) -> Block:
    """Identifiers for tracking tools and the questionnaire's author: actions, risks, the questionnaire."""
    m = plan.metadata
    parts = [
        "## Appendix C. Identifiers",
        md_inline("For tracking tools and for whoever maintains the questionnaire; the plan itself needs none."),
        md_table(
            ["Item", "Identifier"],
            [
                ["Questionnaire", md_code(m.questionnaire_id)],
                ["Questionnaire hash", md_code(m.questionnaire_hash) if m.questionnaire_hash else "not recorded"],
            ],
        ),
    ]
    if plan.actions():
        parts.append(md_table(
            ["Action", "Id", "References"],
            ([md_inline(a.title), md_code(a.id), ", ".join(md_code(r) for r in a.references) or "none"]
             for a in plan.actions()),
        ))
    if plan.conditional:
        parts.append(md_table(
            ["Conditional action", "Id", "References"],
            ([md_inline(c.title), md_code(c.id), ", ".join(md_code(r) for r in c.references) or "none"]
             for c in plan.conditional),
        ))
    if plan.risks:
        parts.append(md_table(["Risk", "Id"], ([md_inline(r.title), md_code(r.id)] for r in plan.risks)))
    return Block("appendix", "\n\n".join(parts))
