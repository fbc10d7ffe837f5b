"""The lists the app shows before a session is open: the questionnaires and the teaching exercises (the catalogue's
listings, which it keeps while their files are unchanged), and how long each questionnaire takes (kept the same
way, in a ``catalogue.FileCache``). The home screen reads them in a thread.

Kept apart from ``app.py`` so that the screens and dialogs that show these lists need not import the app. The
catalogue itself is imported only when a list is first wanted: it loads the questionnaire checks, which the first
frame of the home screen does not need.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from secplan_tui.core.errors import SecplanError

if TYPE_CHECKING:
    from secplan_tui.core.catalogue import Entry, FileCache, ScenarioEntry


def questionnaire_entries() -> list[Entry]:
    """The questionnaires found (catalogue.entries, read once while their files are unchanged)."""
    from secplan_tui.core import catalogue

    return catalogue.entries()


@dataclass(frozen=True)
class QuestionnaireLength:
    """How long a questionnaire takes a new session, for the new-session dialog."""

    id: str
    essentials: int
    """Minutes for the essential questions that apply to an empty session (0: no essentials marked)."""
    essential_count: int
    """Essential questions that apply to an empty session."""
    everything: int
    """Minutes for every question that applies or may still apply to an empty session: the most it takes."""
    count: int
    """Questions that apply or may still apply to an empty session."""

    def describe(self) -> str:
        """"first pass 18 questions, 12 min; all up to 83 min" when essentials are marked, else "35 questions,
        16 min" (at most)."""
        if self.essential_count:
            return (f"first pass {self.essential_count} questions, {self.essentials} min; "
                    f"all up to {self.everything} min")
        return f"{self.count} questions, {self.everything} min"


def _lengths() -> list[QuestionnaireLength]:
    from secplan_tui.core import catalogue
    from secplan_tui.core.engine import ESSENTIALS, Flow, minutes_for, question_words

    found = []
    for entry in questionnaire_entries():
        try:
            questionnaire = catalogue.load(str(entry.path))
        except SecplanError:
            continue  # the dialog lists it without a length; opening it reports the problem
        flow = Flow(questionnaire, {})
        may = flow.may_appear()
        every = [q for q in questionnaire.questions() if flow.is_visible(q.id) or q.id in may]
        found.append(QuestionnaireLength(
            entry.id, flow.minutes_left(ESSENTIALS), len(flow.essential_pass_questions()),
            minutes_for(sum(question_words(q) for q in every)), len(every),
        ))
    return found


@functools.cache
def _lengths_cache() -> FileCache[list[QuestionnaireLength]]:
    from secplan_tui.core.catalogue import FileCache

    return FileCache(keep=1)


def questionnaire_lengths() -> dict[str, QuestionnaireLength]:
    """How long each questionnaire takes, by id; worked out once while the questionnaire files are unchanged."""
    from secplan_tui.core import catalogue

    return {length.id: length for length in _lengths_cache().get(catalogue.questionnaire_files(), _lengths)}


def exercise_entries() -> list[ScenarioEntry]:
    """The teaching scenarios found (catalogue.scenario_entries, read once while their files are unchanged)."""
    from secplan_tui.core import catalogue

    return catalogue.scenario_entries()


def read_catalogues() -> None:
    """Read the questionnaire and scenario lists into their caches (the home screen does it in a thread)."""
    questionnaire_entries()
    exercise_entries()
    questionnaire_lengths()


