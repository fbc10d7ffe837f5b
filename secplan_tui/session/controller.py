"""One session being answered: checks each value, saves it the moment it is given, and keeps the flow current.

The TUI and plain mode both drive a session through this class, so they save, validate and count progress the
same way. It talks to any ``SessionStore`` (the disk workspace or its memory twin) and imports no TinyDB.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING

from secplan_tui.core.engine import Flow, check_answer
from secplan_tui.core.errors import NotFound
from secplan_tui.core.model import AnswerValue, Question, Questionnaire
from secplan_tui.core.text import terminal_safe
from secplan_tui.session.answer_files import AnswerFile, read_answers

if TYPE_CHECKING:
    from secplan_tui.plan import Plan
    from secplan_tui.store import SessionMeta, SessionStore


def living_plan_date(store: SessionStore, session_id: str, today: dt.date | None = None) -> dt.date:
    """The date a session's living plan counts from (progress.plan_start): its last snapshot's plan date, else the
    day of its first action-status change, else ``today`` (default: the system's) for a fresh plan."""
    from secplan_tui.plan.living import plan_start

    return plan_start([s.plan for s in store.snapshots(session_id)], store.action_history(session_id), today)


class SessionController:
    """A session's answers and flow, with every change saved durably before it is reported done.

    Args:
        store: Where sessions live.
        session_id: The session's id.
        questionnaire: The questionnaire the session answers.
    """

    def __init__(self, store: SessionStore, session_id: str, questionnaire: Questionnaire) -> None:
        self.store = store
        self.session_id = session_id
        self.questionnaire = questionnaire
        self.meta: SessionMeta = store.meta(session_id)
        self._answers: dict[str, AnswerValue] = store.answers(session_id)
        self.flow = Flow(questionnaire, self._answers)
        self._counted: Flow | None = None
        """The flow the store's last save counted progress with, inside its lock (see :meth:`_progress`)."""

    @property
    def answers(self) -> Mapping[str, AnswerValue]:
        """Every stored answer, hidden ones included."""
        return dict(self._answers)

    @property
    def answer_notes(self) -> dict[str, str]:
        """The notes of the answers that have one, by question id, read from the store."""
        return self.store.answer_notes(self.session_id)

    def reload(self) -> None:
        """Read the answers again from the store (another process may have changed them)."""
        self.meta = self.store.meta(self.session_id)
        self._answers = self.store.answers(self.session_id)
        self.flow = Flow(self.questionnaire, self._answers)

    def question(self, question_id: str) -> Question:
        """The question with this id.

        Raises:
            InvalidInput: no such question in this questionnaire.
        """
        question = self.questionnaire.question(question_id)
        if question is None:
            shown = terminal_safe(str(question_id)[:200])
            raise NotFound("Unknown question", f"no question '{shown}' in '{self.questionnaire.id}'")
        return question

    def answer(self, question_id: str, value: object, note: str | None = None) -> AnswerValue:
        """Check a value and save it durably (with a note if given: None keeps the answer's note, "" removes it);
        returns the stored form.

        Raises:
            InvalidInput: the value does not fit the question (nothing is saved).
            SecplanError: the save failed (the old answer stays; the message says why and where).
        """
        stored = check_answer(self.question(question_id), value)
        self._counted = None
        self.meta = self.store.save_answer(
            self.session_id, question_id, stored, progress=self._progress, note=note
        )
        # Only after the store returned: the answer is on disk.
        self._adopt({**self._answers, question_id: stored})
        return stored

    def clear(self, question_id: str) -> None:
        """Remove an answer (the question becomes unanswered), saved durably."""
        if question_id not in self._answers:
            return
        self._counted = None
        self.meta = self.store.clear_answer(self.session_id, question_id, progress=self._progress)
        self._adopt({k: v for k, v in self._answers.items() if k != question_id})

    def import_file(self, path: str) -> AnswerFile:
        """Read an answers file, check every entry, and save its answers in one durable write: all or nothing.

        Answers not in the file are kept. Used by ``secplan answers import`` and the app's import.

        Raises:
            InvalidInput: the file cannot be read or has any invalid entry (nothing is saved).
            SecplanError: the save failed (nothing is saved).
        """
        parsed = read_answers(path, self.questionnaire, self._answers)
        self._counted = None
        self.meta = self.store.save_answers(
            self.session_id, parsed.answers, progress=self._progress, notes=parsed.answer_notes
        )
        self._adopt({**self._answers, **parsed.answers})
        return parsed

    def _progress(self, answers: Mapping[str, AnswerValue]) -> dict[str, int]:
        """Progress counted from every answer the session holds; the store calls it inside its lock, so the
        answer, the progress and the status (complete or not) go to disk in one write and are never stale.

        The flow built for the count is kept: once the save returns it becomes the controller's, so a save
        builds one flow, and the controller sees what another process saved meanwhile.
        """
        self._counted = Flow(self.questionnaire, answers)
        answered, total = self._counted.counts()
        return {"answered": answered, "total": total}

    def _adopt(self, expected: dict[str, AnswerValue]) -> None:
        """After a save: take the session's answers as the store saw them (``expected`` if it did not say)."""
        counted, self._counted = self._counted, None
        self.flow = counted if counted is not None else Flow(self.questionnaire, expected)
        self._answers = dict(self.flow.answers)

    def resume_point(self) -> Question | None:
        """Where to carry on: the first visible unanswered question, or None when all are answered."""
        return self.flow.first_unanswered()

    def plan_date(self, today: dt.date | None = None) -> dt.date:
        """The date this session's living plan counts from (:func:`living_plan_date`)."""
        return living_plan_date(self.store, self.session_id, today)

    def living_plan(self, today: dt.date | None = None) -> Plan:
        """The plan whose actions the living plan tracks, at :meth:`plan_date`, without the statuses (so ticking
        one off moves no other date); see progress.living_plan."""
        from secplan_tui.plan.living import living_plan

        store, session = self.store, self.session_id
        return living_plan(self.questionnaire, self.answers, [s.plan for s in store.snapshots(session)],
                           store.action_history(session), session_name=self.meta.name, today=today)
