"""The yearly review on the command line: ``secplan plan SESSION --snapshot`` and ``secplan diff A B``.

``cli.py`` wires these in: :func:`add_snapshot_options` and :func:`after_plan` extend the ``plan`` command,
:func:`add_review_commands` and :func:`run_diff` add ``diff``. Resolving a plan reference (a session, one of its
snapshots, or an exported JSON plan; see :data:`REFERENCE_HELP` and docs/review.md) lives here too.

Importing this module stays cheap (the parser is built on every start-up): the plan compiler, the review core
and the store are imported only when a command runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

from secplan_tui.core.errors import Ambiguous, InvalidInput, NotFound, SecplanError
from secplan_tui.core.text import one_line, terminal_safe

if TYPE_CHECKING:
    from secplan_tui.plan import Plan
    from secplan_tui.store import SessionMeta, SessionStore, Snapshot

MAX_PLAN_FILE_BYTES = 50 * 1024 * 1024
"""Largest plan file read (a full plan is tens of kilobytes)."""
MAX_LISTED = 20
"""Snapshots listed in an "unknown snapshot" message (the latest ones)."""
LATEST = "latest"
"""The snapshot selector for a session's latest snapshot: ``SESSION@latest``."""

REFERENCE_HELP = """\
A and B each name a plan:
  SESSION          the session's current answers and action statuses, compiled for its plan date (or --date)
  SESSION@N        snapshot number N of the session
  SESSION@latest   the session's latest snapshot
  SESSION@LABEL    the latest snapshot with that label (case ignored)
  FILE.json        a plan exported by `secplan plan SESSION --format json -o FILE.json`
  -                a JSON plan read from standard input
SESSION is an id or a name. Take snapshots with `secplan plan SESSION --snapshot [--label TEXT]`.
Examples:
  secplan diff acme@latest acme          what changed since the last snapshot
  secplan diff acme@"review 2025" acme   since the snapshot labelled "review 2025"
  secplan diff plan-2025.json plan-2026.json
"""

# ------------------------------------------------------------------------------------------------------------
# Wiring
# ------------------------------------------------------------------------------------------------------------


def add_snapshot_options(plan_parser: argparse.ArgumentParser) -> None:
    """Add ``--snapshot`` and ``--label TEXT`` to the ``plan`` subparser."""
    plan_parser.add_argument(
        "--snapshot",
        action="store_true",
        help="also keep this plan in the session as a snapshot, to compare with `secplan diff` later",
    )
    plan_parser.add_argument(
        "--label",
        metavar="TEXT",
        help="the snapshot's label (implies --snapshot; default: the plan date)",
    )


def add_review_commands(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add ``diff A B [--json] [-o FILE] [--date YYYY-MM-DD]`` to the CLI's subparsers."""
    p = subparsers.add_parser(
        "diff",
        help="what changed between two plans (sessions, snapshots or JSON plans)",
        description="Compare two security plans and print a Markdown changelog: answers changed, actions "
        "added and done or dropped, maturity per domain, risks.",
        epilog=REFERENCE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("old", metavar="A", help="the earlier plan")
    p.add_argument("new", metavar="B", help="the later plan")
    p.add_argument("--json", action="store_true", help="print the changes as JSON (default: Markdown)")
    p.add_argument("-o", "--output", metavar="FILE", help="file to write, or - for stdout (default: stdout)")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="plan date for a SESSION's current plan (default: "
                   "its last snapshot's, else the day its first action's status was set, else today)")


def after_plan(args: argparse.Namespace, store: SessionStore, meta: SessionMeta, plan: Plan) -> None:
    """After ``secplan plan`` compiled a plan: keep it as a snapshot when ``--snapshot`` or ``--label`` was given.

    The snapshot holds the plan's JSON document (docs/plan-json.md), whatever ``--format`` and ``--view`` say,
    so it can be compared later even after the questionnaire changes.

    Raises:
        InvalidInput: the label is empty or too long (nothing is saved).
        SecplanError: the session could not be written.
    """
    raw_label = getattr(args, "label", None)
    if not getattr(args, "snapshot", False) and raw_label is None:
        return
    from secplan_tui.review import take_snapshot

    taken = take_snapshot(store, meta.id, plan, raw_label)
    snapshot, earlier = taken.snapshot, taken.same_label
    sys.stderr.write(f"Saved snapshot {snapshot.id} {_quote(snapshot.label)} of session {meta.label}.\n")
    if earlier:
        ids = ", ".join(str(i) for i in earlier)
        sys.stderr.write(
            f"secplan: note: snapshot{'s' if len(earlier) != 1 else ''} {ids} of this session "
            f"{'have' if len(earlier) != 1 else 'has'} the same label; SESSION@LABEL names the latest, "
            f"SESSION@N any of them.\n"
        )
    sys.stderr.write(f"Compare with it later: secplan diff {meta.id}@{snapshot.id} {meta.id}\n")


def run_diff(args: argparse.Namespace, store: SessionStore | Callable[[], SessionStore]) -> int:
    """``secplan diff A B``: compare two plans and write the changelog; returns the exit status (0).

    Args:
        args: Parsed arguments (``old``, ``new``, ``json``, ``output``, ``date``).
        store: The workspace, or a function that opens it: with a function, comparing two files never opens
            the workspace.

    Raises:
        NotFound: a reference names no plan (an unknown session, snapshot or file).
        InvalidInput: a reference is not usable otherwise (empty, ambiguous, a file that is not a plan...).
        SecplanError: a file or session could not be read, or the output could not be written.
    """
    from secplan_tui.review import diff_plans, render_diff_json, render_diff_markdown
    from secplan_tui.session.answer_files import write_output

    given = getattr(args, "date", None)
    plan_date = parse_date(given) if given is not None else None
    stores = _Stores(store)
    old = resolve_reference(args.old, stores, plan_date)
    new = resolve_reference(args.new, stores, plan_date)
    diff = diff_plans(old.plan, new.plan, old_label=old.label, new_label=new.label)
    output = getattr(args, "output", None)
    as_json = bool(getattr(args, "json", False)) or (
        output not in (None, "-") and Path(output).suffix.lower() == ".json"
    )
    replaced = write_output(render_diff_json(diff) if as_json else render_diff_markdown(diff), output)
    if replaced and output is not None:
        from secplan_tui.session.answer_files import replaced_line

        sys.stderr.write(f"secplan: note: {replaced_line(output)}\n")
    if output not in (None, "-"):
        summary = "no changes" if diff.is_empty else "the changes"
        sys.stderr.write(f"Wrote {summary} from {_quote(old.label)} to {_quote(new.label)} to "
                         f"{terminal_safe(output)}.\n")
    return 0


def parse_date(text: str | None) -> dt.date:
    """``--date YYYY-MM-DD``, or today.

    Raises:
        InvalidInput: not a date.
    """
    if text is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInput("Invalid date", f"{_quote(text)} is not a date; write YYYY-MM-DD, e.g. 2026-12-01") from None


# ------------------------------------------------------------------------------------------------------------
# Plan references
# ------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanSource:
    """A plan found from a reference, ready to compare."""

    kind: Literal["session", "snapshot", "file"]
    label: str
    """How the changelog names it."""
    plan: dict[str, Any]
    """The ``secplan-plan`` JSON document, checked."""
    session_id: str = ""
    snapshot_id: int = 0


class _Stores:
    """Opens the workspace on first use, so that comparing two files never touches it."""

    def __init__(self, source: SessionStore | Callable[[], SessionStore]) -> None:
        self._source = source
        self._store: SessionStore | None = None

    def get(self) -> SessionStore:
        """The workspace, opened now if it was given as a function."""
        if self._store is None:
            source = self._source
            # A store has `snapshots`; anything else given is the function that opens one.
            self._store = cast("SessionStore", source) if hasattr(source, "snapshots") else cast(Any, source)()
        return self._store


def resolve_reference(
    ref: str, store: SessionStore | Callable[[], SessionStore] | _Stores, plan_date: dt.date | None = None
) -> PlanSource:
    """Find the plan a reference names (see :data:`REFERENCE_HELP`).

    Rules, in order: ``-`` is standard input; a name ending in ``.json`` is a file; ``SESSION@SELECTOR`` when
    the text before an ``@`` (the first one that works) names a session; a session id or name; an existing file.

    Args:
        ref: The reference as typed.
        store: The workspace, or a function that opens it.
        plan_date: The date a session's current plan is compiled for; None: the session's own plan date
            (its last snapshot's, else the day of its first action-status change, else today).

    Raises:
        NotFound: no session, snapshot or file of that name (with the session's snapshots listed for an unknown
            snapshot).
        Ambiguous: several sessions have that name.
        InvalidInput: the reference is empty, or names a folder or a file that is not a secplan plan.
        SecplanError: a file could not be read.
    """
    stores = store if isinstance(store, _Stores) else _Stores(store)
    if not ref.strip():
        raise InvalidInput("No plan given", f"the plan reference is empty. {_ref_hint()}")
    if ref == "-":
        return _from_stdin()
    if ref.lower().endswith(".json"):
        return _from_file(ref)
    st = stores.get()
    sessions = st.sessions()
    for i, char in enumerate(ref):
        if char == "@" and _names_session(sessions, ref[:i]):
            return _from_snapshot(st, st.resolve(ref[:i]), ref[i + 1 :], ref)
    if _names_session(sessions, ref):
        return _from_session(st, st.resolve(ref), plan_date)
    if Path(ref).is_file():
        return _from_file(ref)
    key = ref.split("@", 1)[0]
    try:
        st.resolve(key)
    except InvalidInput as exc:
        raise _in_reference(exc, ref) from None
    raise NotFound("Unknown plan", f"{_quote(ref)} names no plan. {_ref_hint()}")


def _in_reference(exc: InvalidInput, ref: str) -> InvalidInput:
    """The store's error about the session of a reference, of the same kind (NotFound, Ambiguous...), its
    message saying which reference it was found in."""
    kind = type(exc) if type(exc) in (NotFound, Ambiguous) else InvalidInput
    return kind(exc.title, f"in the plan reference {_quote(ref)}: {exc.message} {_ref_hint()}")


def _ref_hint() -> str:
    return "A plan is named SESSION, SESSION@N, SESSION@latest, SESSION@LABEL or FILE.json (see `secplan diff --help`)."


def _names_session(sessions: list[SessionMeta], key: str) -> bool:
    key = key.strip()
    if not key:
        return False
    folded = key.casefold()
    return any(m.id == key.lower() or m.name.casefold() == folded for m in sessions)


def _from_session(store: SessionStore, meta: SessionMeta, plan_date: dt.date | None) -> PlanSource:
    from secplan_tui.core import catalogue
    from secplan_tui.plan import compile_plan
    from secplan_tui.plan.plan_json import plan_to_dict
    from secplan_tui.session.answer_files import version_notes

    questionnaire = catalogue.load(meta.questionnaire_id)
    answers = store.answers(meta.id)
    for note in version_notes(meta.name, meta.questionnaire_version, meta.questionnaire_hash, questionnaire, answers):
        sys.stderr.write(f"secplan: note: {terminal_safe(note)}\n")
    if plan_date is None:
        from secplan_tui.session.controller import living_plan_date

        plan_date = living_plan_date(store, meta.id)
    # With the statuses, `secplan diff S@latest S` shows the progress made since the snapshot.
    plan = compile_plan(questionnaire, answers, plan_date, session_name=meta.name,
                        statuses=store.action_statuses(meta.id))
    return PlanSource("session", f"{one_line(meta.name)}, current answers", plan_to_dict(plan), meta.id)


def _from_snapshot(store: SessionStore, meta: SessionMeta, selector: str, ref: str) -> PlanSource:
    from secplan_tui.plan.plan_json import check_plan
    from secplan_tui.review import snapshot_label

    snapshots = store.snapshots(meta.id)
    if not snapshots:
        raise NotFound(
            "No snapshots",
            f"in the plan reference {_quote(ref)}: session {meta.label} has no snapshots yet. Take one with "
            f"`secplan plan {meta.id} --snapshot --label TEXT`, or compare its current answers with "
            f"`secplan diff ... {meta.id}`.",
        )
    found = _select(snapshots, selector)
    if found is None:
        what = (
            f"session {meta.label} has no snapshot {_quote(selector)}"
            if one_line(selector)
            else f"write a snapshot number, '{LATEST}' or a label after the @ for session {meta.label}"
        )
        raise NotFound(
            "Unknown snapshot",
            f"in the plan reference {_quote(ref)}: {what}. Its snapshots: {_listing(snapshots)}. "
            f"Write for example {meta.id}@{snapshots[-1].id} or {meta.id}@{LATEST}.",
        )
    source = f"snapshot {found.id} {_quote(found.label)} of session {meta.label}"
    plan = check_plan(found.plan, source)
    return PlanSource("snapshot", snapshot_label(meta.name, found), plan, meta.id, found.id)


def _select(snapshots: list[Snapshot], selector: str) -> Snapshot | None:
    """``latest``, a snapshot number, else the latest snapshot with that label (case ignored)."""
    key = one_line(selector)
    if not key:
        return None
    if key.casefold() == LATEST:
        return snapshots[-1]
    if key.isascii() and key.isdigit():
        for snapshot in snapshots:
            if snapshot.id == int(key):
                return snapshot
    labelled = [s for s in snapshots if one_line(s.label).casefold() == key.casefold()]
    return labelled[-1] if labelled else None


def _listing(snapshots: list[Snapshot]) -> str:
    shown = snapshots[-MAX_LISTED:]
    items = [f"{s.id} {_quote(s.label)} (taken {s.at[:10]})" for s in shown]
    earlier = len(snapshots) - len(shown)
    return "; ".join(items) + (f"; and {earlier} earlier" if earlier else "")


def _from_file(path_text: str) -> PlanSource:
    path = Path(path_text)
    if not path.exists():
        raise NotFound("File not found", f"{path_text} does not exist. {_ref_hint()}")
    if path.is_dir():
        raise InvalidInput("Not a file", f"{path_text} is a folder; give a plan file such as plan-2025.json")
    try:
        size = path.stat().st_size
        if size > MAX_PLAN_FILE_BYTES:
            raise InvalidInput(
                "Not a secplan plan",
                f"{path_text} is not a secplan plan: it is {size} bytes long (a plan is far smaller)",
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise SecplanError("Cannot read file", f"{path_text}: {exc.strerror or exc}") from None
    return PlanSource("file", path_text, _parse_plan(raw, path_text))


def _from_stdin() -> PlanSource:
    raw = sys.stdin.buffer.read(MAX_PLAN_FILE_BYTES + 1)
    if len(raw) > MAX_PLAN_FILE_BYTES:
        raise InvalidInput("Not a secplan plan", "standard input is not a secplan plan: it is too long")
    return PlanSource("file", "standard input", _parse_plan(raw, "standard input"))


def _parse_plan(raw: bytes, source: str) -> dict[str, Any]:
    """Decode and check a plan document read from a file or standard input."""
    from secplan_tui.plan.plan_json import check_plan

    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            "Not a secplan plan", f"{source} is not a secplan plan: it is not UTF-8 text (bad byte at {exc.start})"
        ) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            "Not a secplan plan",
            f"{source} is not a secplan plan: it is not JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); "
            "export a plan with `secplan plan SESSION --format json -o FILE`",
        ) from None
    except RecursionError:
        raise InvalidInput("Not a secplan plan", f"{source} is not a secplan plan: it is nested too deeply") from None
    return check_plan(data, source)


def _quote(text: str, limit: int = 60) -> str:
    """User text for a message: one clean line, cut when long, in quotes."""
    line = terminal_safe(one_line(text))
    if len(line) > limit:
        line = line[: limit - 1] + "…"
    return f"'{line}'"
