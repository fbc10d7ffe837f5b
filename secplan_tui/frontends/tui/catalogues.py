"""The lists the app shows before a session is open: the questionnaires, the teaching exercises, and how long each
questionnaire takes; each remembered while its files are unchanged (the home screen fills them in a thread).

Kept apart from ``app.py`` so that the screens and dialogs that show these lists need not import the app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from secplan_tui.core.errors import SecplanError

if TYPE_CHECKING:
    from secplan_tui.core.catalogue import Entry
    from secplan_tui.teaching.scenario import ScenarioEntry


T = TypeVar("T")

_ENTRIES: dict[tuple[tuple[str, int, int], ...], list[Entry]] = {}
_LENGTHS: dict[tuple[tuple[str, int, int], ...], list[QuestionnaireLength]] = {}
_EXERCISES: dict[tuple[tuple[str, int, int], ...], list[ScenarioEntry]] = {}


def _stamp(path: Path) -> tuple[str, int, int]:
    stat = path.stat()
    return (str(path.resolve()), stat.st_mtime_ns, stat.st_size)


def _remembered(cache: dict[tuple[tuple[str, int, int], ...], list[T]], files: list[Path],
                build: Callable[[], list[T]]) -> list[T]:
    """``build()``, remembered while ``files`` are unchanged. The home screen's thread fills the caches too, so
    the result is kept in a local name, never read back from the cache after someone else may have cleared it."""
    key = tuple(_stamp(path) for path in files)
    found = cache.get(key)
    if found is None:
        found = build()
        cache.clear()
        cache[key] = found
    return list(found)


def questionnaire_entries() -> list[Entry]:
    """catalogue.entries, remembered while the questionnaire files are unchanged (it parses every file)."""
    from secplan_tui.core import catalogue

    return _remembered(_ENTRIES, catalogue.questionnaire_files(), catalogue.entries)


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


def questionnaire_lengths() -> dict[str, QuestionnaireLength]:
    """How long each questionnaire takes, by id; remembered while the questionnaire files are unchanged."""
    from secplan_tui.core import catalogue

    return {length.id: length for length in _remembered(_LENGTHS, catalogue.questionnaire_files(), _lengths)}


def exercise_entries() -> list[ScenarioEntry]:
    """scenario.scenario_entries, remembered while the scenario files are unchanged."""
    from secplan_tui.teaching import scenario

    return _remembered(_EXERCISES, scenario.scenario_files(), scenario.scenario_entries)


def read_catalogues() -> None:
    """Read the questionnaire and scenario lists into their caches (the home screen does it in a thread)."""
    questionnaire_entries()
    exercise_entries()
    questionnaire_lengths()


