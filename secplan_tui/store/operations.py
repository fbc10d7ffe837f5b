"""The :class:`~secplan_tui.store.records.SessionStore` interface, implemented once for both workspaces: creating,
finding, reading and changing sessions, each change one transaction of :class:`~secplan_tui.store.base.StoreBase`.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import secrets
from collections.abc import Mapping
from typing import Any

from tinydb import TinyDB

from secplan_tui.core.errors import AlreadyExists, Ambiguous, InvalidInput, NotFound, WriteFailed
from secplan_tui.core.files import AtomicWriteError
from secplan_tui.core.model import ActionStatus, AnswerValue
from secplan_tui.store.base import StoreBase
from secplan_tui.store.checks import (
    check_action_id,
    check_due,
    check_name,
    check_note,
    check_progress,
    check_question_id,
    check_status,
    check_text,
    check_value,
    checked_progress,
    is_catalogue_id,
    same_value,
)
from secplan_tui.store.files import MAX_SNAPSHOT_BYTES
from secplan_tui.store.format import (
    Tables,
    Unreadable,
    action_status,
    answer_change,
    history_entry,
    is_format1,
    meta_doc,
    meta_from_doc,
    meta_of,
    set_answer,
    snapshot_name,
    snapshot_of,
    snapshot_payload,
    status_doc,
    table_docs,
)
from secplan_tui.store.messages import os_advice, os_reason, safe_error, show
from secplan_tui.store.records import (
    COMPLETE,
    IN_PROGRESS,
    STATUSES,
    UNSET,
    HistoryEntry,
    Progress,
    SessionMeta,
    SessionStatus,
    Snapshot,
    Unset,
    progress_counts,
)


def _new_session_id() -> str:
    """A short random id, 8 lowercase hex characters: easy to type, and 4 billion of them."""
    return secrets.token_hex(4)


class StoreOperations(StoreBase):
    """The public interface of both workspaces (see SessionStore); subclasses supply what StoreBase asks for."""

    @staticmethod
    def _current_meta(db: TinyDB) -> SessionMeta:
        docs = db.table("meta").all()
        return meta_from_doc(dict(docs[0]), docs[0]["id"])

    @staticmethod
    def _write_meta(db: TinyDB, meta: SessionMeta) -> None:
        db.table("meta").update(meta_doc(meta))

    def _refuse_taken_name(self, name: str, sessions: list[SessionMeta], except_id: str | None) -> None:
        folded = name.casefold()
        for other in sessions:
            if other.id == except_id:
                continue
            if other.name.casefold() == folded:
                raise safe_error(
                    AlreadyExists,
                    "Name already used",
                    f"a session named {show(other.name)} already exists (id {other.id}) in {self.location}. "
                    f"Choose another name, or open that one with `secplan open {other.id}`.",
                )
            if other.id == folded:
                raise safe_error(
                    AlreadyExists,
                    "Name already used",
                    f"{show(name)} is the id of another session; choose a name that is not a session id.",
                )

    # -- the public interface (see SessionStore) -------------------------------------------------------------

    def create(
        self,
        name: str,
        questionnaire_id: str,
        questionnaire_version: str,
        questionnaire_hash: str,
        scenario: str | None = None,
    ) -> SessionMeta:
        """Create an empty session and return its metadata.

        Raises:
            InvalidInput: the name is empty, has control characters or is too long.
            AlreadyExists: the name is already used (ignoring case) by another session.
            WriteFailed: the session file could not be written (nothing is left behind).
        """
        name = check_name(name)
        if not is_catalogue_id(check_text("questionnaire_id", questionnaire_id)):
            raise ValueError(f"questionnaire_id must be an id, not a path: {questionnaire_id!r}")
        check_text("questionnaire_version", questionnaire_version)
        if not isinstance(questionnaire_hash, str):
            raise ValueError(f"questionnaire_hash must be a string, not {questionnaire_hash!r}")
        if scenario is not None and not is_catalogue_id(check_text("scenario", scenario)):
            raise ValueError(f"scenario must be an id, not a path: {scenario!r}")
        with self._names_locked():
            existing = self._list()
            self._refuse_taken_name(name, existing, except_id=None)
            taken = {m.id for m in existing} | {m.name.casefold() for m in existing}
            session_id = _new_session_id()
            while session_id in taken or self._exists(session_id) or not self._claim_id(session_id):
                session_id = _new_session_id()
            now = self._timestamp()
            meta = SessionMeta(
                id=session_id,
                name=name,
                questionnaire_id=questionnaire_id,
                questionnaire_version=questionnaire_version,
                questionnaire_hash=questionnaire_hash,
                created=now,
                updated=now,
                status=IN_PROGRESS,
                progress=progress_counts(),
                scenario=scenario,
            )
            tables: Tables = {
                "actions": {},
                "answers": {},
                "journal": {"1": {"bytes": 0}},
                "meta": {"1": meta_doc(meta)},
                "snapshots": {},
            }
            try:
                self._storage(session_id).save(tables)
            except AtomicWriteError as exc:
                raise self._not_saved(session_id, meta_doc(meta), "The new session", exc, new=True) from exc
        return meta

    def sessions(self) -> list[SessionMeta]:
        """Every readable session, the most recently updated first (ties: newest created, then id)."""
        return sorted(self._list(), key=lambda m: (m.updated, m.created, m.id), reverse=True)

    def resolve(self, ref: str) -> SessionMeta:
        """Find a session by id (any case) or else by name (ignoring case and surrounding spaces).

        Raises:
            InvalidInput: no reference given.
            NotFound: no session matches (with a did-you-mean).
            Ambiguous: several sessions have that name (listing their ids).
        """
        key = ref.strip() if isinstance(ref, str) else ""
        if not key:
            raise safe_error(
                InvalidInput, "No session given", "name a session by its id or its name; see `secplan list`."
            )
        metas = self.sessions()
        for meta in metas:
            if meta.id == key.lower():
                return meta
        folded = key.casefold()
        named = [meta for meta in metas if meta.name.casefold() == folded]
        if len(named) == 1:
            return named[0]
        if named:
            ids = "; ".join(f"{m.id} (updated {m.updated})" for m in named)
            raise safe_error(
                Ambiguous,
                "Ambiguous session",
                f"{len(named)} sessions are named {show(key)}: {ids}. Use the id instead, "
                f"e.g. `secplan open {named[0].id}`, or rename one of them.",
            )
        candidates: dict[str, SessionMeta] = {}
        for meta in metas:
            candidates.setdefault(meta.name.casefold(), meta)
            candidates.setdefault(meta.id, meta)
        close = difflib.get_close_matches(folded, list(candidates), n=3, cutoff=0.6)
        suggestion = ""
        if close:
            shown = ", ".join(dict.fromkeys(candidates[c].label for c in close))
            suggestion = f" Did you mean {shown}?"
        raise safe_error(
            NotFound,
            "Unknown session",
            f"there is no session with id or name {show(key)} in {self.location}.{suggestion} "
            "Run `secplan list` to see the sessions.",
        )

    def meta(self, session_id: str) -> SessionMeta:
        """The session's metadata, read fresh from the store."""
        return meta_of(self._read(session_id), session_id)

    def answers(self, session_id: str) -> dict[str, AnswerValue]:
        """The current answers by question id, in the order the questions were first answered."""
        tables = self._read(session_id)
        return {doc["question"]: doc["value"] for _, doc in table_docs(tables, "answers")}

    def answer_notes(self, session_id: str) -> dict[str, str]:
        """The notes of the current answers that have one, by question id, in the order first answered."""
        tables = self._read(session_id)
        return {doc["question"]: doc["note"] for _, doc in table_docs(tables, "answers") if doc.get("note")}

    def history(self, session_id: str) -> list[HistoryEntry]:
        """Every change of every answer, oldest first.

        Raises:
            SessionUnreadable: the history cannot be read (in format 2 its journal is then set aside, see
                :meth:`_journal_unreadable`; in format 1 the session file is moved aside).
        """
        try:
            return [history_entry(doc) for doc in self._history_entries(session_id, "answer", "history")]
        except Unreadable as exc:
            if is_format1(self._read(session_id)):
                raise self._unreadable(session_id, exc.reason) from None
            raise self._journal_unreadable(session_id, exc.reason) from None

    def _change_answers(
        self,
        session_id: str,
        values: Mapping[str, AnswerValue],
        clear: tuple[str, ...],
        progress: Progress,
        what: str,
        notes: Mapping[str, str] | None = None,
    ) -> SessionMeta:
        """Apply answer changes, their history entries and the meta update in one locked, durable write.

        ``notes`` gives a new note for some of ``values`` ("" removes it); the others keep theirs.
        """
        notes = notes or {}
        with self._edit(session_id, what) as (db, changes):
            answers = db.table("answers")
            current = {doc["question"]: doc for doc in answers.all()}
            now, user = self._timestamp(), self._user()
            new_answers: list[dict[str, Any]] = []
            for question_id, value in values.items():
                doc = current.get(question_id)
                old_note = doc.get("note", "") if doc is not None else ""
                note = notes.get(question_id, old_note)
                if doc is not None and same_value(doc["value"], value) and note == old_note:
                    continue
                if doc is None:
                    new_answers.append({"question": question_id, "value": value, **({"note": note} if note else {})})
                else:
                    answers.update(set_answer(value, note), doc_ids=[doc.doc_id])
                changes.journal.append(answer_change(question_id, value, now, user, note))
            for question_id in clear:
                doc = current.get(question_id)
                if doc is not None:
                    answers.remove(doc_ids=[doc.doc_id])
                    changes.journal.append(answer_change(question_id, None, now, user))
            meta = self._current_meta(db)
            counts, status = dict(meta.progress), meta.status
            if callable(progress):
                # Counted here, inside the lock, from every answer the session now holds: another process's
                # import since the caller last looked is counted too, so progress is never written stale.
                final = {q: doc["value"] for q, doc in current.items() if q not in clear}
                final.update(values)
                checked = check_progress(progress(final))
                assert checked is not None  # noqa: S101 - a mapping in, a mapping out
                counts = dict(checked)
                status = COMPLETE if counts["answered"] >= counts["total"] > 0 else IN_PROGRESS
            elif progress is not None:
                counts = dict(progress)
            if not changes.journal and counts == dict(meta.progress) and status == meta.status:
                return meta  # nothing changed: no write at all
            if new_answers:
                answers.insert_multiple(new_answers)
            meta = dataclasses.replace(meta, updated=now, progress=counts, status=status)
            self._write_meta(db, meta)
        return meta

    def save_answer(
        self,
        session_id: str,
        question_id: str,
        value: AnswerValue,
        progress: Progress = None,
        *,
        note: str | None = None,
    ) -> SessionMeta:
        """Save one answer, its history entry and the meta update in one durable write.

        ``note`` (optional) says where the answer came from or who to ask: None keeps the answer's note, ""
        removes it, text replaces it (cleaned of escape sequences and control characters, on one line, at most
        :data:`MAX_NOTE_LENGTH` characters). A new note on the same value is a change, with its history entry.

        Saving the value the question already has writes nothing. Returns only once the save is on disk.
        ``progress`` (see :data:`Progress`) may be a function counting progress from the session's answers: it
        is then called inside the lock, and the session's status follows it, all in this one write.

        Raises:
            NotFound: unknown session.
            InvalidInput: a value that is not an answer.
            NotPermitted: in a classroom, another user's session.
            StoreBusy: the session is busy in another process.
            WriteFailed: the write failed (the file is unchanged).
        """
        question_id = check_question_id(question_id)
        checked = check_value(question_id, value)
        return self._change_answers(
            session_id,
            {question_id: checked},
            (),
            checked_progress(progress),
            f"The answer to {show(question_id)}",
            None if note is None else {question_id: check_note(note)},
        )

    def clear_answer(self, session_id: str, question_id: str, progress: Progress = None) -> SessionMeta:
        """Remove one answer, recording None in the history, in one durable write (no-op if unanswered)."""
        question_id = check_question_id(question_id)
        return self._change_answers(
            session_id,
            {},
            (question_id,),
            checked_progress(progress),
            f"Clearing the answer to {show(question_id)}",
        )

    def save_answers(
        self,
        session_id: str,
        answers: Mapping[str, AnswerValue],
        progress: Progress = None,
        *,
        notes: Mapping[str, str] | None = None,
    ) -> SessionMeta:
        """Save many answers in one durable write: all values are checked first, then all saved or none.

        ``notes`` gives notes for some of these answers (as :meth:`save_answer`'s ``note``); the others keep theirs.

        Raises:
            InvalidInput: a bad question id, value or note, or a note for a question not among ``answers``.
        """
        checked = {check_question_id(q): check_value(q, v) for q, v in answers.items()}
        checked_notes = {q: check_note(n) for q, n in (notes or {}).items()}
        stray = sorted(set(checked_notes) - set(checked))
        if stray:
            raise safe_error(
                InvalidInput,
                "Note without an answer",
                f"a note is given for {', '.join(map(show, stray))} but no answer; give the answer with its note.",
            )
        count = f"{len(checked)} answer{'s' if len(checked) != 1 else ''}"
        return self._change_answers(
            session_id, checked, (), checked_progress(progress), f"The {count}", checked_notes
        )

    def update_meta(
        self,
        session_id: str,
        *,
        name: str | Unset = UNSET,
        status: SessionStatus | Unset = UNSET,
        questionnaire_version: str | Unset = UNSET,
        questionnaire_hash: str | Unset = UNSET,
        scenario: str | None | Unset = UNSET,
        progress: Mapping[str, int] | Unset = UNSET,
    ) -> SessionMeta:
        """Change metadata fields given as keywords; ``updated`` is set to now. Returns the new meta.

        Raises:
            InvalidInput: a new name that is invalid.
            AlreadyExists: the new name is already used.
            ValueError: a status other than ``in_progress``/``complete`` or malformed progress (a caller bug).
        """
        changes: dict[str, Any] = {}
        if not isinstance(name, Unset):
            changes["name"] = check_name(name)
        if not isinstance(status, Unset):
            if status not in STATUSES:
                raise ValueError(f"status must be one of {STATUSES}, not {status!r}")
            changes["status"] = status
        if not isinstance(questionnaire_version, Unset):
            changes["questionnaire_version"] = check_text("questionnaire_version", questionnaire_version)
        if not isinstance(questionnaire_hash, Unset):
            if not isinstance(questionnaire_hash, str):
                raise ValueError(f"questionnaire_hash must be a string, not {questionnaire_hash!r}")
            changes["questionnaire_hash"] = questionnaire_hash
        if not isinstance(scenario, Unset):
            if scenario is not None and not is_catalogue_id(check_text("scenario", scenario)):
                raise ValueError(f"scenario must be an id, not a path: {scenario!r}")
            changes["scenario"] = scenario
        if not isinstance(progress, Unset):
            changes["progress"] = check_progress(progress)
        if "name" not in changes:
            return self._update_meta(session_id, changes)
        self._check_writable(session_id, "The new name")
        with self._names_locked():
            self._refuse_taken_name(changes["name"], self._list(), except_id=session_id)
            return self._update_meta(session_id, changes)

    def _update_meta(self, session_id: str, changes: dict[str, Any]) -> SessionMeta:
        with self._edit(session_id, "The change to the session's details") as (db, _):
            meta = self._current_meta(db)
            if all(getattr(meta, key) == value for key, value in changes.items()):
                return meta
            meta = dataclasses.replace(meta, updated=self._timestamp(), **changes)
            self._write_meta(db, meta)
        return meta

    def rename(self, session_id: str, name: str) -> SessionMeta:
        """Give the session a new name, refused if another session uses it (ignoring case)."""
        return self.update_meta(session_id, name=name)

    def add_snapshot(self, session_id: str, label: str, plan: Mapping[str, Any]) -> Snapshot:
        """Keep a copy of a plan in the session, in one durable write.

        Raises:
            ValueError: the plan is not a JSON object of JSON values (a caller bug).
        """
        label = check_text("snapshot label", label)
        try:
            copy = json.loads(json.dumps(dict(plan), allow_nan=False))
        except (TypeError, ValueError) as exc:
            raise ValueError(f"a snapshot plan must be a JSON object: {exc}") from None
        with self._edit(session_id, f"The snapshot {show(label)}") as (db, changes):
            now = self._timestamp()
            snapshot_id = db.table("snapshots").insert({"label": label, "at": now})
            changes.snapshots.append((snapshot_id, snapshot_payload(label, now, copy)))
            self._write_meta(db, dataclasses.replace(self._current_meta(db), updated=now))
        return Snapshot(id=snapshot_id, label=label, at=now, plan=json.loads(json.dumps(copy)))

    def snapshots(self, session_id: str) -> list[Snapshot]:
        """The kept plans, oldest first.

        In format 2 each plan is its own file; one that cannot be read is left out and reported in
        :attr:`notices` (it is left as it is), so the others stay usable.
        """
        tables = self._read(session_id)
        if is_format1(tables):
            try:
                return [snapshot_of(doc_id, doc) for doc_id, doc in table_docs(tables, "snapshots")]
            except Unreadable as exc:
                raise self._unreadable(session_id, exc.reason) from None
        found: list[Snapshot] = []
        for doc_id, doc in table_docs(tables, "snapshots"):
            name = snapshot_name(session_id, doc_id)
            try:
                data = json.loads(self._side_read(session_id, name, MAX_SNAPSHOT_BYTES))
                if not isinstance(data, dict) or any(data.get(k) != doc.get(k) for k in ("label", "at")):
                    raise Unreadable("it does not hold the snapshot the session lists")
                found.append(snapshot_of(doc_id, data))
            except (OSError, ValueError, RecursionError, Unreadable) as exc:
                if isinstance(exc, Unreadable):
                    why = exc.reason
                else:
                    why = os_reason(exc) if isinstance(exc, OSError) else "it is not JSON"
                self._notice(
                    f"Snapshot {doc_id} of session {session_id} cannot be read from "
                    f"{self._side_where(session_id, name)}: {why}. It is left out; restore the file from a backup."
                )
        return found

    def action_statuses(self, session_id: str) -> dict[str, ActionStatus]:
        """The current status of every action ever given one, by action id, in the order first set.

        Actions that have left the plan keep theirs; which of them the plan still has is the caller's concern.
        """
        tables = self._read(session_id)
        return {doc["action"]: action_status(doc) for _, doc in table_docs(tables, "actions")}

    def set_action_status(
        self, session_id: str, action_id: str, status: str, *, due: str | None = None, note: str = ""
    ) -> ActionStatus:
        """Set one action's status, with its history entry and the meta update, in one durable write.

        Args:
            session_id: The session.
            action_id: The action's id; only its shape is checked here (the caller checks it is in the plan).
            status: One of ``model.ACTION_STATUSES``: todo, doing, done, deferred, wont.
            due: The new due date ``YYYY-MM-DD`` (or a ``date``): required for ``deferred``, refused otherwise.
            note: Why, or what was done; cleaned of escape sequences and control characters, put on one line,
                at most :data:`MAX_NOTE_LENGTH` characters.

        Returns:
            The status as stored, with when (UTC) and by whom (the OS user). Setting exactly the status, date
            and note the action already has writes nothing and returns the stored one.

        Raises:
            NotFound: unknown session.
            InvalidInput: a malformed action id, an unknown status, a bad or missing date, a note that is not
                text or too long (nothing is saved).
            NotPermitted: in a classroom, another user's session.
            StoreBusy: the session is busy in another process.
            WriteFailed: the write failed (the file is unchanged).
        """
        action_id = check_action_id(action_id)
        status = check_status(status)
        checked_due = check_due(status, due)
        checked_note = check_note(note)
        with self._edit(session_id, f"The status of action {show(action_id)}") as (db, changes):
            table = db.table("actions")
            current = next((doc for doc in table.all() if doc.get("action") == action_id), None)
            if current is not None and (current["status"], current["due"], current["note"]) == (
                status,
                checked_due,
                checked_note,
            ):
                return action_status(current)
            now = self._timestamp()
            doc = status_doc(action_id, status, checked_due, checked_note, now, self._user())
            if current is None:
                table.insert(doc)
            else:
                table.update(doc, doc_ids=[current.doc_id])
            changes.journal.append({"kind": "action", **doc})
            self._write_meta(db, dataclasses.replace(self._current_meta(db), updated=now))
        return action_status(doc)

    def action_history(self, session_id: str) -> list[ActionStatus]:
        """Every status change of every action, oldest first, including actions no longer in the plan."""
        try:
            return [action_status(doc) for doc in self._history_entries(session_id, "action", "action_history")]
        except Unreadable as exc:
            if is_format1(self._read(session_id)):
                raise self._unreadable(session_id, exc.reason) from None
            raise self._journal_unreadable(session_id, exc.reason) from None

    def delete(self, session_id: str) -> SessionMeta:
        """Delete the session file and everything in it (answers, history, snapshots); returns what it was.

        Raises:
            NotFound: unknown session.
            NotPermitted: in a classroom, another user's session.
            StoreBusy: busy in another process.
            WriteFailed: the file could not be removed (it is unchanged).
        """
        sid = self._known_id(session_id)
        self._check_writable(sid, "The deletion")
        with self._session_locked(sid, "The deletion"):
            meta = meta_of(self._read(sid), sid)
            try:
                self._remove(sid)
            except OSError as exc:
                raise safe_error(
                    WriteFailed,
                    "Not deleted",
                    f"session {meta.label} was NOT deleted: {os_reason(exc)} while removing "
                    f"{self._file_of(sid)}. {os_advice(exc)}",
                ) from exc
        self._forget(sid)
        return meta

