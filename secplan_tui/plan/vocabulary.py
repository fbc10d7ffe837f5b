"""The words and numbers every part of a plan shares: the control domains, priorities, efforts, skills, risk
ratings and how an unknown or missing answer reads.

The compiler's modules and the renderers import these from here (and, for older callers, through
:mod:`secplan_tui.plan.compile`).
"""

from __future__ import annotations

from collections.abc import Mapping

from secplan_tui.core.model import DOMAINS, DONT_KNOW, NOT_APPLICABLE

CONTROL_DOMAINS: tuple[str, ...] = tuple(d for d in DOMAINS if d != "profile")
"""The five domains that carry controls and actions, in plan order."""

PRIORITY_ORDER: Mapping[str, int] = {"P1": 0, "P2": 1, "P3": 2}
PRIORITY_LABELS: Mapping[str, str] = {"P1": "first 30 days", "P2": "within 90 days", "P3": "within 12 months"}
EFFORT_LABELS: Mapping[str, str] = {"S": "small (hours)", "M": "medium (days)", "L": "large (weeks)"}
SKILL_LABELS: Mapping[str, str] = {
    "anyone": "anyone can do it",
    "technical": "needs someone technical",
    "specialist": "needs a specialist or provider",
}

DEFAULT_HOURS = 8.0
"""Hours a month assumed when the questionnaire says nothing about the organisation's time."""

HIGH_SCORE = 10
"""Scores from here up are High or Very high."""
RISK_BANDS: tuple[tuple[int, int, str], ...] = (
    (1, 4, "Low"),
    (5, 9, "Medium"),
    (10, 16, "High"),
    (17, 25, "Very high"),
)
"""Score ranges (likelihood x impact, inclusive) and their rating. Products 17-19 cannot occur."""

ANSWER_LABELS: Mapping[str, str] = {DONT_KNOW: "Don't know", NOT_APPLICABLE: "Not applicable"}
NOT_ANSWERED = "not answered"
BLANK_ANSWER = "(blank)"
