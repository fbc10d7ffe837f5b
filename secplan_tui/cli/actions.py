"""The living plan on the command line: ``secplan actions SESSION`` lists the plan's actions with where they
stand, ``secplan action SESSION ACTION_ID --status ...`` changes one.

Wiring in ``cli.py`` (two lines, like the review commands):

- in ``build_parser()``: ``from secplan_tui.cli.actions import add_action_commands`` then
  ``add_action_commands(sub)`` (registers ``actions`` and ``action``);
- in ``_dispatch()``: ``commands["actions"] = commands["action"] = cmd_actions`` with

  .. code-block:: python

      def cmd_actions(args: argparse.Namespace) -> int:
          from secplan_tui.cli.actions import run_actions_command
          return run_actions_command(args, _store(args))

Importing this module stays cheap (the parser is built on every start-up): the plan compiler and the progress
core are imported only when a command runs. Errors are raised as ``SecplanError``/``InvalidInput`` (exit 1/2);
``cli.main`` prints them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import TYPE_CHECKING, Any

from secplan_tui.core.errors import InvalidInput, NotFound
from secplan_tui.core.model import ACTION_STATUSES
from secplan_tui.core.text import terminal_safe

if TYPE_CHECKING:
    from secplan_tui.plan import Plan
    from secplan_tui.plan.living import ActionProgress
    from secplan_tui.store import SessionMeta, SessionStore

LINE_WIDTH = 80
"""Columns a listed line fits in when printing to a terminal."""
STATUS_CHOICES = ("open", *ACTION_STATUSES)
"""What ``--status`` filters on: a status, or "open" (neither done nor won't do)."""

ACTIONS_EPILOG = """\
Each line: due date (for a done or dropped action, the day it was closed), status, action id, then its title
and owner. "!" marks an overdue action, "?" an action
marked done while the answers still say its control is missing.
Examples:
  secplan actions acme --overdue
  secplan actions acme --role "IT lead" --status open
  secplan actions acme --json
"""

ACTION_EPILOG = """\
Examples:
  secplan action acme act.mfa_email --status done --note "on for all 6 mailboxes"
  secplan action acme act.backup_offline --status deferred --due 2026-09-01 --note "after the move"
  secplan action acme act.cctv --status wont --note "landlord covers the building"
"""


def add_action_commands(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add ``actions`` (list) and ``action`` (change one) to the CLI's subparsers."""
    p = subparsers.add_parser(
        "actions",
        help="the plan's actions with their status, due date and what is overdue",
        description="List the actions of a session's plan by due date, with where each stands.",
        epilog=ACTIONS_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("session", metavar="SESSION")
    p.add_argument("--json", action="store_true", help="print the actions as JSON")
    p.add_argument("--role", metavar="ROLE", help="only the actions this role owns (its id or title)")
    p.add_argument("--status", choices=STATUS_CHOICES, help="only actions with this status (open: not done "
                   "nor won't do)")
    p.add_argument("--overdue", action="store_true", help="only overdue actions")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="the day that counts as today, for what is overdue "
                   "(default: today); due dates count from the session's last snapshot, else its creation")

    p = subparsers.add_parser(
        "action",
        help="change one action's status: todo, doing, done, deferred (with --due) or wont (with --note)",
        description="Set where one action of the plan stands; saved at once, with the date and your user name.",
        epilog=ACTION_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("session", metavar="SESSION")
    p.add_argument("action_id", metavar="ACTION_ID", help="the action's id, as `secplan actions` lists it")
    p.add_argument("--status", required=True, choices=ACTION_STATUSES)
    p.add_argument("--due", metavar="YYYY-MM-DD", help="the new due date (required with --status deferred)")
    p.add_argument("--note", metavar="TEXT", default=None,
                   help="what was done, or why (required with wont; without it the action keeps its note)")


def run_actions_command(args: argparse.Namespace, store: SessionStore) -> int:
    """Run ``actions`` or ``action``; returns the exit status (0).

    Raises:
        InvalidInput: unknown session or action, a bad date, a missing --due or --note (nothing is saved).
        SecplanError: the session could not be read or written.
    """
    if args.command == "action":
        return _change(args, store)
    return _list(args, store)


# ------------------------------------------------------------------------------------------------------------


def _parse_date(text: str | None, option: str) -> dt.date:
    if text is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            "Invalid date", f"{option} {_quote(text)} is not a date; write YYYY-MM-DD, e.g. 2026-12-01"
        ) from None


def _quote(text: str) -> str:
    return "'" + terminal_safe(text) + "'"


def _plan(store: SessionStore, meta: SessionMeta) -> Plan:
    """The session's living plan: due dates as given at its last review (see progress.living_plan)."""
    from secplan_tui.core import catalogue
    from secplan_tui.session.controller import SessionController

    return SessionController(store, meta.id, catalogue.load(meta.questionnaire_id)).living_plan()


def _list(args: argparse.Namespace, store: SessionStore) -> int:
    from secplan_tui.plan.living import action_progress, by_due_date, counts, filter_actions

    today = _parse_date(args.date, "--date")
    meta = store.resolve(args.session)
    plan = _plan(store, meta)
    items = action_progress(plan.actions(), store.action_statuses(meta.id), today)
    shown = by_due_date(filter_actions(items, today, role=args.role, status=args.status, overdue=args.overdue))
    if args.role and not filter_actions(items, today, role=args.role):
        from secplan_tui.plan.living import roles_of

        known = ", ".join(f"{rid} ({title})" for rid, title in roles_of(plan.actions()))
        raise NotFound("Unknown role", f"no action of session {_quote(meta.name)} is owned by "
                           f"{_quote(args.role)}; the roles with actions are: {terminal_safe(known)}")
    total = counts(items)
    if args.json:
        doc = {
            "session": {"id": meta.id, "name": meta.name},
            "date": today.isoformat(),
            "counts": {"done": total.done, "total": total.total, "overdue": total.overdue, "wont": total.wont},
            "actions": [_json(p) for p in shown],
        }
        sys.stdout.write(json.dumps(doc, indent=2) + "\n")
        return 0
    width = LINE_WIDTH if sys.stdout.isatty() else None
    out = [_cut(f"{terminal_safe(meta.name)} · {total.text()} · {today.isoformat()}", width)]
    if not shown:
        out.append("No action matches." if items else "The plan has no actions yet: answer some questions first.")
    for p in shown:
        out.append(_line(p, width))
    flagged = [p for p in shown if p.still_missing]
    if flagged:
        import textwrap

        questions = ", ".join(dict.fromkeys(terminal_safe(q) for p in flagged for q in p.still_missing))
        note = (f"? marked done, but the answers still say the control is missing; update them with "
                f"`secplan ask {meta.id}`: {questions}")
        out.append("")
        out += textwrap.wrap(note, width, subsequent_indent="  ", break_on_hyphens=False) if width else [note]
    sys.stdout.write("\n".join(out) + "\n")
    return 0


def _json(p: ActionProgress) -> dict[str, Any]:
    a = p.action
    return {
        "id": a.id,
        "title": a.title,
        "domain": a.domain,
        "owner": a.owner,
        "owner_title": a.owner_title,
        "priority": a.priority,
        "due": p.due.isoformat(),
        "status": p.status,
        "overdue": p.overdue,
        "note": p.note,
        "set_on": p.set_on,
        "by": p.by,
        "still_missing": list(p.still_missing),
    }


def _cut(text: str, width: int | None) -> str:
    if width is None or len(text) <= width:
        return text
    return text[: width - 3] + "..."


def _line(p: ActionProgress, width: int | None) -> str:
    from secplan_tui.plan.living import STATUS_WORDS

    mark = "!" if p.overdue else "?" if p.still_missing else " "
    day = p.set_on if p.closed and p.set_on else p.due.isoformat()  # done or dropped: the day it was closed
    head = f"{terminal_safe(day)} {mark} {STATUS_WORDS[p.status]:<8}  {terminal_safe(p.action.id)}"
    tail = f"{terminal_safe(p.action.title)} ({terminal_safe(p.action.owner_title)})"
    if p.note:
        tail += f" — {terminal_safe(p.note)}"
    if width is None:
        return f"{head}  {tail}"
    # In a terminal: the id on the first line, the title indented below, each within the width.
    return _cut(head, width) + "\n" + _cut("    " + tail, width)


def _change(args: argparse.Namespace, store: SessionStore) -> int:
    from secplan_tui.plan.living import STATUS_WORDS, suggest_ids

    due: dt.date | None = None
    if args.due is not None:
        due = _parse_date(args.due, "--due")
    if args.status == "deferred" and due is None:
        raise InvalidInput("Missing date", "a deferred action needs its new date: add --due YYYY-MM-DD")
    if args.status != "deferred" and due is not None:
        raise InvalidInput("Invalid option", "--due goes with --status deferred only")
    meta = store.resolve(args.session)
    plan = _plan(store, meta)
    action_id = args.action_id
    action = plan.action(action_id)
    if action is None:
        from secplan_tui.core import catalogue

        library = [a.id for a in catalogue.load(meta.questionnaire_id).actions]
        if action_id in library:
            raise InvalidInput(
                "Action not in the plan",
                f"{_quote(action_id)} is not in the current plan of {_quote(meta.name)}: the answers do not call "
                f"for it, so its status cannot be set. List the plan's actions with `secplan actions {meta.id}`.",
            )
        near = suggest_ids(action_id, [a.id for a in plan.actions()]) or suggest_ids(action_id, library)
        hint = f"; did you mean {', '.join(_quote(n) for n in near)}?" if near else "."
        raise NotFound(
            "Unknown action",
            f"session {_quote(meta.name)} has no action {_quote(action_id)}{hint} "
            f"List them with `secplan actions {meta.id}`.",
        )
    before = store.action_statuses(meta.id).get(action_id)
    # Without --note the action keeps the note it has (as the app does); --note "" clears it.
    note = args.note if args.note is not None else (before.note if before is not None else "")
    if args.status == "wont" and not note.strip():
        raise InvalidInput("Missing reason", "say why the action will not be done: add --note TEXT (the plan "
                           "shows it as a risk the director accepts)")
    stored = store.set_action_status(meta.id, action_id, args.status, due=due.isoformat() if due else None,
                                     note=note)
    was = STATUS_WORDS.get(before.status, before.status) if before is not None else "to do"
    words = STATUS_WORDS.get(stored.status, stored.status)
    if stored.due:
        words += f" until {stored.due}"
    sys.stdout.write(f"{terminal_safe(action_id)}: {words} (was {was}).\n")
    if stored.status == "done" and action.triggers:
        questions = ", ".join(terminal_safe(f.question_id) for f in action.triggers)
        sys.stderr.write(f"secplan: note: the answers still say this control is missing ({questions}); update "
                         f"them with `secplan ask {meta.id}` so the plan agrees.\n")
    return 0
