"""The ``secplan classroom init`` command: a trainer sets up one workspace for a class (see docs/classroom.md).

cli.py wires it in::

    add_classroom_commands(sub)                              # in build_parser, with the other sub-commands
    "classroom": run_classroom_command                       # in _dispatch (it needs no store)

Errors are raised as SecplanError / InvalidInput for cli.main to report at the edge.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from typing import Any

from secplan_tui.core.errors import InvalidInput


def add_classroom_commands(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add ``classroom init [DIR] --group GROUP [--learner USER ...]`` to the CLI's sub-commands.

    Args:
        subparsers: What ``parser.add_subparsers(...)`` returned in cli.build_parser; the nested parsers use the
            same parser class, so usage errors read like every other command's.
    """
    parser = subparsers.add_parser("classroom", help="set up a workspace for a class (as root)")
    csub = parser.add_subparsers(dest="classroom_command", metavar="init", parser_class=type(parser))
    p = csub.add_parser(
        "init",
        help="make (or repair) a classroom workspace: one folder per learner, readable by the trainers",
        description="Make DIR a classroom workspace: each learner's sessions go in DIR/<user>/, writable only "
        "by that learner and readable by GROUP (the trainers), never by other learners. Run it as root (learners "
        "trust only a classroom set up by root). Running it again repairs the set-up; sessions are never removed.",
    )
    p.add_argument("dir", metavar="DIR", nargs="?", help="the classroom folder (default: --data-dir or "
                   "$SECPLAN_DATA_DIR)")
    p.add_argument("--group", required=True, metavar="GROUP", help="the trainers' group (name or number)")
    p.add_argument("--learner", action="append", default=[], metavar="USER",
                   help="make this learner's folder now (needs root; repeat for each learner)")


def run_classroom_command(args: argparse.Namespace) -> int:
    """Run ``secplan classroom ...``; returns the exit status.

    Raises:
        InvalidInput: no sub-command or folder, an unknown group or learner, a folder unfit for a classroom.
        SecplanError: a permission or disk problem.
    """
    if getattr(args, "classroom_command", None) != "init":
        raise InvalidInput("Missing command", "say what to do: `secplan classroom init DIR --group GROUP`.")
    from secplan_tui.store import init_classroom

    target = args.dir or getattr(args, "data_dir", None) or os.environ.get("SECPLAN_DATA_DIR", "")
    if not target:
        raise InvalidInput(
            "No classroom folder",
            "name the folder for the class: `secplan classroom init /srv/secplan/class-a --group trainers`.",
        )
    from secplan_tui.store import default_data_dir

    root = default_data_dir(target)
    for line in init_classroom(root, args.group, args.learner):
        print(line)
    where = shlex.quote(str(root))
    print(
        "\nThe classroom is ready. Learners run, each under their own login:\n"
        f"  secplan --data-dir {where} new \"Their Name\" --scenario SCENARIO   (the report shows this name)\n"
        f"  secplan --data-dir {where} open \"Their Name\"\n"
        "Trainers (members of the group) see every learner's sessions:\n"
        f"  secplan --data-dir {where} list\n"
        f"  secplan --data-dir {where} exercise report -o report.md"
    )
    sys.stdout.flush()
    return 0
