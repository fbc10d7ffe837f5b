"""The ``secplan exercise`` commands (check one learner, report on a class) and the scenario check of ``secplan new``.

cli.py wires them in::

    add_exercise_commands(sub)                    # in build_parser, with the other sub-commands
    "exercise": lambda a: run_exercise_command(a, _store(a))        # in _dispatch
    questionnaire_id, scenario_id = check_new_scenario(args.scenario)   # in cmd_new

Errors are raised as SecplanError / InvalidInput for cli.main to report at the edge.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from secplan_tui.core.errors import InvalidInput
from secplan_tui.core.text import terminal_safe

if TYPE_CHECKING:
    from secplan_tui.store import SessionStore

REPORT_FORMATS = ("md", "html")


def add_exercise_commands(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add ``exercise check SESSION [--json]`` and ``exercise report [--scenario ID] [-o FILE] [--anonymous]
    [--format md|html]`` to the CLI's sub-commands.

    Args:
        subparsers: What ``parser.add_subparsers(...)`` returned in cli.build_parser; the nested parsers use the
            same parser class, so usage errors read like every other command's.
    """
    parser = subparsers.add_parser("exercise", help="teaching exercises: check a learner, report on a class")
    esub = parser.add_subparsers(dest="exercise_command", metavar="check|report", parser_class=type(parser))
    p = esub.add_parser("check", help="compare a learner session with its scenario's model answers")
    p.add_argument("session", metavar="SESSION")
    p.add_argument("--json", action="store_true", help="print the check as JSON")
    p = esub.add_parser("report", help="the class report over the learner sessions of the workspace")
    p.add_argument("--scenario", metavar="ID", help="only sessions on this scenario")
    p.add_argument("-o", "--output", metavar="FILE", help="file to write, or - for stdout (default: stdout)")
    p.add_argument("--anonymous", action="store_true", help="pseudonyms (Learner 01...) instead of session names")
    p.add_argument("--format", choices=REPORT_FORMATS, help="default: from the file name, else md")


def run_exercise_command(args: argparse.Namespace, store: SessionStore) -> int:
    """Run ``secplan exercise ...`` on a workspace; returns the exit status.

    Raises:
        InvalidInput: no sub-command, a session that is not an exercise, an unknown or invalid scenario.
        SecplanError: the report cannot be written.
    """
    command = getattr(args, "exercise_command", None)
    if command == "check":
        return _check(args, store)
    if command == "report":
        return _report(args, store)
    raise InvalidInput("Missing command", "use `secplan exercise check SESSION` or `secplan exercise report`")


def check_new_scenario(scenario_id: str, questionnaire: str | None = None) -> tuple[str, str]:
    """Check the scenario named by ``secplan new NAME --scenario ID`` (see scenario.check_new_scenario).

    Returns:
        (questionnaire id, scenario id): create the session on that questionnaire, with ``scenario=`` the id.

    Raises:
        InvalidInput: unknown or invalid scenario, or a ``--questionnaire`` other than the scenario's.
    """
    from secplan_tui.teaching import scenario as scenarios

    scenario = scenarios.check_new_scenario(scenario_id, questionnaire)
    return scenario.questionnaire_id, scenario.id


def _check(args: argparse.Namespace, store: SessionStore) -> int:
    from secplan_tui.core import catalogue
    from secplan_tui.teaching.check import check_exercise, render_check_json, render_check_markdown
    from secplan_tui.teaching.scenario import learner_scenario

    meta = store.resolve(args.session)
    scenario = learner_scenario(meta)
    questionnaire = catalogue.load(scenario.questionnaire_id)
    check = check_exercise(scenario, questionnaire, store.answers(meta.id), learner=meta.name,
                           notes=store.answer_notes(meta.id), suspect=meta.suspect)
    if args.json:
        sys.stdout.write(render_check_json(check))
    else:
        sys.stdout.write(render_check_markdown(check))
    if not check.complete:
        missing = check.visible - check.answered
        sys.stderr.write(f"secplan: note: {missing} question{'s' if missing != 1 else ''} still unanswered in "
                         f"{meta.label}; they count as disagreeing.\n")
    return 0


def _report(args: argparse.Namespace, store: SessionStore) -> int:
    from secplan_tui.session.answer_files import write_output
    from secplan_tui.teaching.report import class_report, learner_sessions, render_report_html, render_report_markdown
    from secplan_tui.teaching.scenario import load_scenario

    if args.scenario is not None:
        load_scenario(args.scenario)  # an unknown or invalid scenario is an error, not an empty report
    fmt = args.format
    if fmt is None:
        suffix = Path(args.output).suffix.lower() if args.output and args.output != "-" else ""
        fmt = "html" if suffix in (".html", ".htm") else "md"
    report = class_report(learner_sessions(store), scenario_id=args.scenario, anonymous=args.anonymous,
                          report_date=dt.date.today())
    text = render_report_html(report) if fmt == "html" else render_report_markdown(report)
    if write_output(text, args.output):
        from secplan_tui.session.answer_files import replaced_line

        sys.stderr.write(f"secplan: note: {replaced_line(args.output)}\n")
    if args.output not in (None, "-"):
        sys.stderr.write(f"Wrote the class report ({len(report.rows)} learner sessions) to "
                         f"{terminal_safe(args.output)}.\n")
    return 0
