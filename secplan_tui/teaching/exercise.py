"""Teaching exercises in one import: the check of one learner against a scenario's model (``teaching.check``, where
the score's formula is explained) and the class report (``teaching.report``).

The code lives in those two modules, one job each; this one only gathers their public names, so that callers that
import the exercise as a whole (``from secplan_tui.teaching.exercise import check_exercise, class_report``) keep
working. New code imports from ``check`` or ``report`` directly.
"""

from __future__ import annotations

from secplan_tui.teaching.check import (
    ACTION_WEIGHT,
    ANSWER_WEIGHT,
    DRIVER_WEIGHT,
    NUMBER_TOLERANCE,
    PLAIN_WEIGHT,
    PLAN_DATE,
    SCORE_FORMULA,
    ActionDifference,
    DomainAgreement,
    ExerciseCheck,
    QuestionResult,
    answer_credit,
    check_exercise,
    check_json,
    driving_questions,
    is_scored,
    render_check_json,
    render_check_markdown,
    share_percent,
)
from secplan_tui.teaching.report import (
    HISTOGRAM_BUCKETS,
    REPORT_CSS,
    TOP_MISSED,
    ClassReport,
    LearnerRow,
    LearnerSession,
    MissCount,
    ScenarioLoader,
    class_report,
    histogram_lines,
    learner_sessions,
    load_with_questionnaire,
    pseudonyms,
    render_report_html,
    render_report_markdown,
)
from secplan_tui.teaching.scenario import learner_scenario

__all__ = [
    "ACTION_WEIGHT",
    "ANSWER_WEIGHT",
    "DRIVER_WEIGHT",
    "HISTOGRAM_BUCKETS",
    "NUMBER_TOLERANCE",
    "PLAIN_WEIGHT",
    "PLAN_DATE",
    "REPORT_CSS",
    "SCORE_FORMULA",
    "TOP_MISSED",
    "ActionDifference",
    "ClassReport",
    "DomainAgreement",
    "ExerciseCheck",
    "LearnerRow",
    "LearnerSession",
    "MissCount",
    "QuestionResult",
    "ScenarioLoader",
    "answer_credit",
    "check_exercise",
    "check_json",
    "class_report",
    "driving_questions",
    "histogram_lines",
    "is_scored",
    "learner_scenario",
    "learner_sessions",
    "load_with_questionnaire",
    "pseudonyms",
    "render_check_json",
    "render_check_markdown",
    "render_report_html",
    "render_report_markdown",
    "share_percent",
]
