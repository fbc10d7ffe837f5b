"""The session file format: serialising, parsing and checking a session database, its history journal and its
snapshots, the names of a session's files, and the upgrade of a format-1 database.

A session is three kinds of file in the workspace directory, so that what changes stays small and what only
grows is never rewritten:

``<id>.json``
    A TinyDB database holding what changes: ``actions`` (the current status of each action), ``answers``,
    ``journal`` (how many bytes of the history file are committed), ``meta`` and ``snapshots`` (the index: label
    and time of each). One table per line, keys sorted::

        {"actions":{"1":{"action":"act.gov.name_lead","at":"...","by":"sam","due":null,"note":"","status":"done"}},
        "answers":{"1":{"question":"cyber.mfa","value":"partly"}},
        "journal":{"1":{"bytes":812}},
        "meta":{"1":{"created":"...","format":2,"id":"3f9a0c1e","name":"Acme Ltd",
                     "progress":{"answered":1,"total":40},"questionnaire_hash":"...","questionnaire_id":"sme",
                     "questionnaire_version":"1.0","scenario":null,"status":"in_progress","updated":"..."}},
        "snapshots":{"1":{"at":"...","label":"before review"}}}

    (The meta line is shown wrapped here; in the file every table is one line, so the session list reads the
    ``meta`` line without parsing the rest: :func:`quick_meta`.)
``<id>.history.jsonl``
    The history: one JSON line per change, oldest first, appended and never rewritten:
    ``{"at","kind":"answer","question","user","value"}`` (value null: cleared) or
    ``{"action","at","by","due","kind":"action","note","status"}``. Only its first ``journal.bytes`` bytes count:
    what a writer killed before its commit appended after them (a torn line included) is ignored, and cut by the
    next append.
``<id>.snap-0001.json`` ...
    One file per snapshot, ``{"at","label","plan"}``, written once.

Format 1 (before the journal) kept the history and the snapshots inside ``<id>.json``. Such files are read as they
are; the first change upgrades them (:func:`format1_journal`, :func:`format1_snapshots`, :func:`as_format2`, put
in order by :meth:`~secplan_tui.store.base.StoreBase._upgrade`).

Nothing here touches a file: what cannot be used is an :class:`Unreadable` (or :class:`TooNew`) saying why, which
the workspaces turn into the user's error.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from typing import Any, Final, TypeAlias, cast

from secplan_tui.core.model import ACTION_STATUSES, ActionStatus, AnswerValue
from secplan_tui.core.text import terminal_safe
from secplan_tui.store.checks import check_progress, is_catalogue_id, valid_value
from secplan_tui.store.messages import show
from secplan_tui.store.records import STATUSES, HistoryEntry, SessionMeta, SessionStatus, Snapshot, progress_counts

FORMAT_VERSION: Final = 2
"""The session file format this code writes; files with a higher ``format`` are refused, never rewritten.

Format 1 kept the answer history and the snapshots inside the session file; it is read as it is and upgraded to
format 2 by the first change made to the session (see :meth:`~secplan_tui.store.base.StoreBase._upgrade`)."""

Tables: TypeAlias = dict[str, dict[str, Any]]
"""A whole TinyDB database: table name -> {doc id (a decimal string) -> document}."""

SESSION_ID_RE: Final = re.compile(r"[0-9a-f]{8}")
SESSION_FILE_RE: Final = re.compile(r"([0-9a-f]{8})\.json")
SIDE_FILE_RE: Final = re.compile(r"([0-9a-f]{8})\.(?:history\.jsonl|snap-\d{4,}\.json|json\.format1-backup)")
"""The other files of a session: its history journal, its snapshots and (briefly) the backup of an upgrade."""
BACKUP_FILE_RE: Final = re.compile(r"([0-9a-f]{8})\.json\.format1-backup")
TEMP_FILE_RE: Final = re.compile(
    r"\.([0-9a-f]{8})\.(?:json|snap-\d{4,}\.json|json\.format1-backup)\.tmp-(\d+)-([0-9a-f]+)"
)
"""A temporary file of :func:`~secplan_tui.core.files.write_atomic` writing one of a session's files."""
SECPLAN_NAME: Final = re.compile(r"[0-9a-f]{8}(\.[A-Za-z0-9._-]+)?|\.[A-Za-z0-9._-]+|exports")
"""A name secplan keeps in a workspace: a session's files (``<id>.json``, ``<id>.snap-0001.json``,
``<id>.history.jsonl``, locks), a hidden file of its own (``.workspace.lock``, temporary files), the exports."""
_MAX_META_TEXT: Final = 200
"""Characters of a meta text field kept on reading (a hand-edited file may hold megabytes in a name)."""


def journal_name(session_id: str) -> str:
    """The session's history journal: one JSON line per change of an answer or of an action's status."""
    return f"{session_id}.history.jsonl"


def snapshot_name(session_id: str, snapshot_id: int) -> str:
    """The file of one snapshot, written once."""
    return f"{session_id}.snap-{snapshot_id:04d}.json"


def backup_name(session_id: str) -> str:
    """The copy of a format-1 session file kept while it is upgraded."""
    return f"{session_id}.json.format1-backup"


# ----------------------------------------------------------------------------------------------------------
# The file format: serialising, parsing and checking a session database
# ----------------------------------------------------------------------------------------------------------


class Unreadable(Exception):
    """The session file cannot be used: not JSON, not a TinyDB database, or no valid meta."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class TooNew(Exception):
    """The session file was written by a newer secplan."""

    def __init__(self, found: int) -> None:
        super().__init__(found)
        self.found = found


class Missing(Exception):
    """The session file does not exist."""


def status_doc(action_id: str, status: str, due: str | None, note: str, at: str, by: str) -> dict[str, Any]:
    return {"action": action_id, "status": status, "due": due, "note": note, "at": at, "by": by}


def action_status(doc: Mapping[str, Any]) -> ActionStatus:
    """Check one stored status document (current or history) and turn it into an ActionStatus."""
    action, status, due, note = doc.get("action"), doc.get("status"), doc.get("due"), doc.get("note")
    at, by = doc.get("at"), doc.get("by")
    if (
        not isinstance(action, str)
        or status not in ACTION_STATUSES
        or not (due is None or isinstance(due, str))
        or not isinstance(note, str)
        or not isinstance(at, str)
        or not isinstance(by, str)
    ):
        raise Unreadable(f"an action status in it is malformed: {show(repr(dict(doc)))}")
    return ActionStatus(action_id=action, status=cast(str, status), due=due, note=note, at=at, by=by)


def dump_tables(tables: Tables) -> bytes:
    """Serialise a database: keys sorted, ASCII only, one table per line, so the layout is stable."""
    lines = [
        json.dumps(name)
        + ":"
        + json.dumps(tables[name], sort_keys=True, separators=(",", ":"), allow_nan=False)
        for name in sorted(tables)
    ]
    return ("{" + ",\n".join(lines) + "}\n").encode("ascii")


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number")


def meta_from_doc(doc: object, session_id: str) -> SessionMeta:
    """Check a ``meta`` document and turn it into a SessionMeta."""
    if not isinstance(doc, dict):
        raise Unreadable("its meta document is not an object")
    fmt = doc.get("format", 1)
    if not isinstance(fmt, int) or isinstance(fmt, bool) or fmt < 1:
        raise Unreadable(f"its format {fmt!r} is not a version number")
    if fmt > FORMAT_VERSION:
        raise TooNew(fmt)
    texts = (
        "id",
        "name",
        "questionnaire_id",
        "questionnaire_version",
        "questionnaire_hash",
        "created",
        "updated",
    )
    for key in texts:
        if not isinstance(doc.get(key), str):
            raise Unreadable(f"its meta field '{key}' is missing or not text")
    if doc["id"] != session_id:
        raise Unreadable(f"its meta id {show(doc['id'])} does not match its file name {session_id}.json")
    status = doc.get("status")
    if status not in STATUSES:
        raise Unreadable(f"its status {status!r} is not one of {', '.join(STATUSES)}")
    progress = doc.get("progress", {"answered": 0, "total": 0})
    try:
        checked = check_progress(progress)
    except ValueError:
        raise Unreadable(f"its progress {progress!r} is not {{answered, total}}") from None
    scenario = doc.get("scenario")
    if scenario is not None and not isinstance(scenario, str):
        raise Unreadable("its meta field 'scenario' is not text")
    for key, value in (("questionnaire_id", doc["questionnaire_id"]), ("scenario", scenario)):
        if value is not None and not is_catalogue_id(value):
            raise Unreadable(f"its meta field '{key}' is {show(value, 60)}, which is not an id")
    # secplan never writes an escape sequence, a bidirectional control or an invisible character in these fields,
    # but a hand-edited file may hold anything: it is made visible here, so no front end can print it raw.
    return SessionMeta(
        id=doc["id"],
        name=_safe_field(doc["name"]),
        questionnaire_id=doc["questionnaire_id"],
        questionnaire_version=_safe_field(doc["questionnaire_version"]),
        questionnaire_hash=_safe_field(doc["questionnaire_hash"]),
        created=_safe_field(doc["created"]),
        updated=_safe_field(doc["updated"]),
        status=cast(SessionStatus, status),  # checked against STATUSES above
        progress=checked or progress_counts(),
        scenario=scenario,
    )


def _safe_field(text: str) -> str:
    """A meta text as read: unsafe characters made visible (see terminal_safe), cut if a hand edit made it huge."""
    if len(text) > _MAX_META_TEXT:
        text = text[: _MAX_META_TEXT - 1] + "…"
    return terminal_safe(text)


def meta_doc(meta: SessionMeta) -> dict[str, Any]:
    return {
        "format": FORMAT_VERSION,
        "id": meta.id,
        "name": meta.name,
        "questionnaire_id": meta.questionnaire_id,
        "questionnaire_version": meta.questionnaire_version,
        "questionnaire_hash": meta.questionnaire_hash,
        "created": meta.created,
        "updated": meta.updated,
        "status": meta.status,
        "progress": dict(meta.progress),
        "scenario": meta.scenario,
    }


def _check_tables(data: object, session_id: str) -> Tables:
    """Check that parsed JSON is a usable session database; raise Unreadable saying why not.

    Checks the shape of every table, the meta document and the answers: what every load needs. History and
    snapshot documents are checked where they are read (:func:`history_entry`, :func:`snapshot_of`), so a save
    does not pay for re-checking a long history it only appends to.
    """
    if not isinstance(data, dict):
        raise Unreadable(f"its top level is {_json_type(data)}, not an object")
    for name, table in data.items():
        if (
            not isinstance(table, dict)
            or not _doc_ids_ok(table)
            or not set(map(type, table.values())) <= {dict}
        ):
            raise Unreadable(f"its table {show(name)} is not a TinyDB table (numbered documents)")
    tables: Tables = data
    meta = tables.get("meta")
    if not meta:
        raise Unreadable("it has no session metadata (table 'meta')")
    if len(meta) != 1:
        raise Unreadable(f"its table 'meta' holds {len(meta)} documents instead of one")
    meta_from_doc(next(iter(meta.values())), session_id)
    answered: set[str] = set()
    for doc in tables.get("answers", {}).values():
        question = doc.get("question")
        if (
            not isinstance(question, str)
            or not valid_value(doc.get("value"), bounded=False)
            or not isinstance(doc.get("note", ""), str)
        ):
            raise Unreadable(f"an answer in it is malformed: {show(repr(doc))}")
        if question in answered:
            raise Unreadable(f"question {show(question)} is answered twice in it")
        answered.add(question)
    journal = tables.get("journal")
    if journal is not None:
        doc = journal.get("1")
        committed = doc.get("bytes") if doc is not None else None
        if len(journal) != 1 or not isinstance(committed, int) or isinstance(committed, bool) or committed < 0:
            raise Unreadable("its table 'journal' does not hold the length of its history file")
    actions: set[str] = set()
    for doc in tables.get("actions", {}).values():
        action_id = action_status(doc).action_id
        if action_id in actions:
            raise Unreadable(f"action {show(action_id)} has two current statuses in it")
        actions.add(action_id)
    return tables


def _doc_ids_ok(table: dict[str, Any]) -> bool:
    """Whether every key is a decimal doc id (checked on the joined keys: a long history stays cheap)."""
    joined = "".join(table)
    return not table or (joined.isascii() and joined.isdigit() and all(table))


def history_entry(doc: dict[str, Any]) -> HistoryEntry:
    value = doc.get("value")
    question, at, user = doc.get("question"), doc.get("at"), doc.get("user")
    if (
        not isinstance(question, str)
        or not (value is None or valid_value(value, bounded=False))
        or not isinstance(at, str)
        or not isinstance(user, str)
    ):
        raise Unreadable(f"a history entry in it is malformed: {show(repr(doc))}")
    note = doc.get("note", "")
    if not isinstance(note, str):
        raise Unreadable(f"a history entry in it has a note that is not text: {show(repr(doc))}")
    return HistoryEntry(question=question, value=value, at=at, user=user, note=note)


def is_format1(tables: Tables) -> bool:
    """Whether the database keeps history and snapshots inline (format 1): format 2 always has a journal table."""
    return "journal" not in tables


def committed_bytes(tables: Tables) -> int:
    """How many bytes of the history journal the session file has committed (format 2)."""
    committed: int = tables["journal"]["1"]["bytes"]
    return committed


def journal_line(entry: Mapping[str, Any]) -> bytes:
    """One journal line: a JSON object, keys sorted, ASCII only, ended by a line break."""
    return (json.dumps(entry, sort_keys=True, separators=(",", ":"), allow_nan=False) + "\n").encode("ascii")


def parse_journal(raw: bytes, name: str) -> list[dict[str, Any]]:
    """The committed entries of a journal: ``raw`` is exactly the committed bytes, so every line is whole."""
    if not raw:
        return []
    if not raw.endswith(b"\n"):
        raise Unreadable(f"the last recorded line of its history file {name} is cut short")
    entries: list[dict[str, Any]] = []
    for number, line in enumerate(raw.split(b"\n")[:-1], start=1):
        try:
            entry = json.loads(line)
        except (ValueError, RecursionError):
            raise Unreadable(f"line {number} of its history file {name} is not JSON") from None
        if not isinstance(entry, dict) or entry.get("kind") not in ("answer", "action"):
            raise Unreadable(f"line {number} of its history file {name} is not a change of an answer or action")
        try:
            history_entry(entry) if entry["kind"] == "answer" else action_status(entry)
        except Unreadable as exc:
            raise Unreadable(f"line {number} of its history file {name}: {exc.reason}") from None
        entries.append(entry)
    return entries


def answer_change(
    question_id: str, value: AnswerValue | None, at: str, user: str, note: str = ""
) -> dict[str, Any]:
    """A journal entry for one change of one answer (None: cleared), with the answer's note if it has one."""
    entry = {"kind": "answer", "question": question_id, "value": value, "at": at, "user": user}
    if note:
        entry["note"] = note
    return entry


def set_answer(value: AnswerValue, note: str) -> Callable[[MutableMapping[Any, Any]], None]:
    """A TinyDB update that sets an answer's value and note (no ``note`` key when it has none)."""

    def update(doc: MutableMapping[Any, Any]) -> None:
        doc["value"] = value
        if note:
            doc["note"] = note
        else:
            doc.pop("note", None)

    return update


def snapshot_payload(label: str, at: str, plan: Mapping[str, Any]) -> bytes:
    """A snapshot file's content: ``{"at", "label", "plan"}``, keys sorted, ASCII only."""
    data = {"at": at, "label": label, "plan": plan}
    return (json.dumps(data, sort_keys=True, separators=(",", ":"), allow_nan=False) + "\n").encode("ascii")


def snapshot_of(doc_id: int, doc: dict[str, Any]) -> Snapshot:
    label, at, plan = doc.get("label"), doc.get("at"), doc.get("plan")
    if not isinstance(label, str) or not isinstance(at, str) or not isinstance(plan, dict):
        raise Unreadable(f"a snapshot in it is malformed: {show(repr(doc))}")
    return Snapshot(id=doc_id, label=label, at=at, plan=plan)


def parse_session(raw: bytes, session_id: str, *, deep: bool = False) -> Tables:
    """Parse and check a session file; ``deep`` also checks every history entry and snapshot."""
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise Unreadable(f"it is not valid JSON ({exc})") from None
    tables = _check_tables(data, session_id)
    if deep:
        for _, doc in table_docs(tables, "history"):
            history_entry(doc)
        for doc_id, doc in table_docs(tables, "snapshots"):
            snapshot_of(doc_id, doc)
        for _, doc in table_docs(tables, "action_history"):
            action_status(doc)
    return tables


_DECODER: Final = json.JSONDecoder()


def quick_meta(raw: bytes, session_id: str) -> SessionMeta | None:
    """Read the ``meta`` line of a file in our layout without parsing the rest; None if the layout differs.

    JSON strings cannot hold a raw newline, so in our one-table-per-line layout ``\\n"meta":`` can only start
    the meta table. A file in any other layout falls back to a full parse.
    """
    if not raw.endswith(b"}\n"):
        return None
    if raw.startswith(b'{"meta":'):
        start = 8
    else:
        found = raw.find(b'\n"meta":')
        if found < 0:
            return None
        start = found + 8
    end = raw.find(b"\n", start)
    if end < 0:
        return None
    try:
        table, _ = _DECODER.raw_decode(raw[start:end].decode("ascii"))
    except (ValueError, RecursionError):
        return None
    if not isinstance(table, dict) or len(table) != 1:
        return None
    try:
        return meta_from_doc(next(iter(table.values())), session_id)
    except Unreadable:
        return None


def table_docs(tables: Tables, name: str) -> list[tuple[int, dict[str, Any]]]:
    """A table's documents in doc-id order (JSON sorts the ids as text: "10" before "2")."""
    return sorted(((int(key), doc) for key, doc in tables.get(name, {}).items()), key=lambda item: item[0])


def meta_of(tables: Tables, session_id: str) -> SessionMeta:
    return meta_from_doc(next(iter(tables["meta"].values())), session_id)


def format1_journal(tables: Tables) -> list[dict[str, Any]]:
    """The history of a format-1 database as journal entries, oldest first, each checked (raises Unreadable):
    the answers' changes, then the action statuses' (kept inline for a short while before format 2)."""
    entries: list[dict[str, Any]] = []
    for _, doc in table_docs(tables, "history"):
        history_entry(doc)
        entries.append({"kind": "answer", **doc})
    for _, doc in table_docs(tables, "action_history"):
        action_status(doc)
        entries.append({"kind": "action", **doc})
    return entries


def format1_snapshots(tables: Tables) -> Iterator[tuple[int, bytes | None, dict[str, Any]]]:
    """The snapshots of a format-1 database, each checked when it is reached (raises Unreadable): its id, the
    content of its own file (None for one added by the change that upgrades, already in the new form) and its
    document in the new index."""
    for doc_id, doc in table_docs(tables, "snapshots"):
        if "plan" not in doc:
            yield doc_id, None, doc
            continue
        old = snapshot_of(doc_id, doc)
        yield doc_id, snapshot_payload(old.label, old.at, old.plan), {"label": old.label, "at": old.at}


def as_format2(tables: Tables, index: dict[str, Any], journal_bytes: int) -> None:
    """Make a format-1 database format 2, in place: its history is now the journal's first ``journal_bytes`` bytes
    and its snapshots their own files, listed in ``index``."""
    tables.pop("history", None)
    tables.pop("action_history", None)
    tables["snapshots"] = index
    tables.setdefault("actions", {})
    tables.setdefault("answers", {})
    tables["journal"] = {"1": {"bytes": journal_bytes}}
    for doc in tables["meta"].values():
        doc["format"] = FORMAT_VERSION
