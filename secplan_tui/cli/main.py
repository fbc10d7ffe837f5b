"""The ``secplan`` command: parses arguments, calls the core and the store, and turns errors into one stderr line
and an exit code (0 success, 1 runtime failure, 2 bad usage or invalid input)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shlex
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from secplan_tui import __version__
from secplan_tui.core.errors import InvalidInput, NotFound, SecplanError, Severity
from secplan_tui.core.text import clean_text, terminal_safe

if TYPE_CHECKING:
    from secplan_tui.core.model import Questionnaire
    from secplan_tui.store import SessionMeta, SessionStore

PLAN_FORMATS = ("md", "html", "json")
PLAN_SUFFIXES = {".md": "md", ".markdown": "md", ".txt": "md", ".html": "html", ".htm": "html", ".json": "json"}
"""File name endings `plan -o FILE` accepts, and the format each one means."""
PLAN_VIEWS = ("full", "summary", "checklist")


class _Parser(argparse.ArgumentParser):
    """argparse that exits 2 with one clear line and a pointer to help, never a wall of usage."""

    def error(self, message: str) -> Any:
        self.exit(2, f"{self.prog}: error: {message}\nRun `{self.prog} --help` for usage.\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the CLI contract."""
    parser = _Parser(
        prog="secplan",
        description="Guided security planning for small and medium organisations (after ISO 22342:2023).",
        epilog="SESSION is a session id or an unambiguous name. Exit status: 0 success, 1 failure, 2 bad usage "
        "or invalid input. Set SECPLAN_DEBUG=1 to see tracebacks.",
    )
    parser.add_argument("--data-dir", metavar="DIR", help="workspace folder (default: $SECPLAN_DATA_DIR, "
                        "else the user data folder)")
    parser.add_argument("--version", action="version", version=f"secplan {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("new", help="create a session and print its id")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--questionnaire", metavar="ID", help="questionnaire id or file (default: iso22342)")
    p.add_argument("--scenario", metavar="ID", help="a teaching scenario")
    p.add_argument("--json", action="store_true", help="print {id, name, ...} as JSON")

    p = sub.add_parser("list", help="sessions with progress and last update")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("open", help="open one session in the full-screen app")
    p.add_argument("session", metavar="SESSION")

    p = sub.add_parser("ask", help="answer a session one question at a time, as plain lines")
    p.add_argument("session", metavar="SESSION")
    p.add_argument("--plain", action="store_true", help="line mode: no cursor movement, colour or escapes")

    p = sub.add_parser("answers", help="import or export a session's answers")
    asub = p.add_subparsers(dest="answers_command", metavar="import|export", parser_class=_Parser)
    a = asub.add_parser("import", help="set answers from a YAML or JSON file; all or nothing")
    a.add_argument("session", metavar="SESSION")
    a.add_argument("file", metavar="FILE", help="answers file, or - for stdin")
    a = asub.add_parser("export", help="write a session's answers as YAML or JSON")
    a.add_argument("session", metavar="SESSION")
    a.add_argument("-o", "--output", metavar="FILE", help="file to write (default: stdout)")
    a.add_argument("--format", choices=("yaml", "json"), help="default: from the file name, else yaml")

    p = sub.add_parser("plan", help="compile a session's security plan")
    p.add_argument("session", metavar="SESSION")
    p.add_argument("-o", "--output", metavar="FILE", help="file to write (.md, .html or .json), or - for stdout "
                   "(default: stdout)")
    p.add_argument("--format", choices=PLAN_FORMATS, help="default: from the file name, else md")
    p.add_argument("--view", choices=PLAN_VIEWS, default="full")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="plan date, from which due dates count (default: the "
                   "last snapshot's, else the day the first action's status was set, else today)")
    from secplan_tui.cli.review import add_review_commands, add_snapshot_options

    add_snapshot_options(p)

    p = sub.add_parser("show", help="the logic table of a questionnaire")
    p.add_argument("questionnaire", metavar="QUESTIONNAIRE", nargs="?", help="id or file (default: iso22342)")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("examples", help="list the bundled example answers files, or print one")
    p.add_argument("example", metavar="ID", nargs="?", help="print this example (import it with "
                   "`secplan answers import SESSION -` from stdin, or save it with -o)")
    p.add_argument("-o", "--output", metavar="FILE", help="file to write the example to (default: stdout)")

    p = sub.add_parser("validate", help="check questionnaire files; exit 2 on any error")
    p.add_argument("paths", metavar="PATH", nargs="*", help="files or folders (default: every questionnaire)")

    add_review_commands(sub)
    from secplan_tui.cli.exercise import add_exercise_commands

    add_exercise_commands(sub)
    from secplan_tui.cli.classroom import add_classroom_commands

    add_classroom_commands(sub)
    from secplan_tui.cli.actions import add_action_commands

    add_action_commands(sub)

    p = sub.add_parser("serve", help="serve the app in a web browser (needs: pip install 'secplan[serve]')")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine "
                   "only; see docs/serve.md before using any other)")
    p.add_argument("--port", type=int, default=8000, help="port (default: 8000)")

    p = sub.add_parser("delete", help="delete a session")
    p.add_argument("session", metavar="SESSION")
    p.add_argument("-y", "--yes", action="store_true", help="do not ask for confirmation")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    _opened.clear()
    try:
        code = _dispatch(parser, args)
        sys.stdout.flush()
        _late_notices()
        return code
    except SecplanError as exc:
        _late_notices()
        _error(f"{exc.title}: {exc.message}")
        return exc.exit_code
    except KeyboardInterrupt:
        _error("interrupted; every answer confirmed before this point is saved")
        return 130
    except BrokenPipeError:
        # The reader went away (`secplan plan x | head`): it had what it wanted. Quietly, with status 0, whatever
        # the format and however much was written before the pipe closed (documented in the README).
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as exc:
        if os.environ.get("SECPLAN_DEBUG") == "1":
            raise
        _error(f"internal error: {type(exc).__name__}: {clean_text(str(exc))}. No answer was lost. "
               "Run again with SECPLAN_DEBUG=1 and report the traceback.")
        return 1


def _error(message: str) -> None:
    sys.stderr.write(f"secplan: error: {terminal_safe(message, keep_newlines=True)}\n")


def _note(message: str) -> None:
    """A ``secplan: note:`` line on stderr, safe for the terminal."""
    sys.stderr.write(f"secplan: note: {terminal_safe(message)}\n")


def _dispatch(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    commands: dict[str, Callable[[argparse.Namespace], int]] = {
        "new": cmd_new,
        "list": cmd_list,
        "answers": cmd_answers,
        "plan": cmd_plan,
        "show": cmd_show,
        "validate": cmd_validate,
        "delete": cmd_delete,
    }
    commands["diff"] = cmd_diff
    commands["exercise"] = cmd_exercise
    commands["classroom"] = cmd_classroom
    commands["open"] = cmd_open
    commands["ask"] = cmd_ask
    commands["actions"] = commands["action"] = cmd_actions
    commands["examples"] = cmd_examples
    commands["serve"] = cmd_serve
    if args.command is None:
        return cmd_home(args)
    return commands[args.command](args)


_opened: list[tuple[SessionStore, list[int]]] = []
"""The workspaces this command opened, each with how many of its notices were shown."""


def _store(args: argparse.Namespace) -> SessionStore:
    from secplan_tui.store import Workspace, default_data_dir

    workspace = Workspace(default_data_dir(args.data_dir))
    _opened.append((workspace, [0]))
    _late_notices()
    return workspace


def _late_notices() -> None:
    """Show, as warnings, the notices the store made since the last look (a damaged session left out of a list,
    a snapshot file that cannot be read): before the command's own error, so it reads as its cause."""
    for workspace, shown in _opened:
        for notice in workspace.notices[shown[0]:]:
            sys.stderr.write(f"secplan: warning: {terminal_safe(notice)}\n")
        shown[0] = len(workspace.notices)


def _questionnaire_for(store: SessionStore, meta: SessionMeta) -> Questionnaire:
    from secplan_tui.core import catalogue
    from secplan_tui.session.answer_files import version_notes

    questionnaire = catalogue.load(meta.questionnaire_id)
    for note in version_notes(meta.name, meta.questionnaire_version, meta.questionnaire_hash, questionnaire,
                              store.answers(meta.id)):
        _note(note)
    return questionnaire


# -- commands -------------------------------------------------------------------------------------------------


def _no_terminal() -> bool:
    """Whether the full-screen app cannot run: stdin or stdout is not a terminal, or TERM is dumb.

    Kept here (the same rule as plain.needs_line_mode) so that starting the app imports nothing of plain mode.
    """
    from secplan_tui.frontends.tui.web import under_web_driver

    if under_web_driver():
        return False  # `secplan serve`: stdin/stdout are pipes to textual-serve, and the app runs in the browser
    if os.environ.get("TERM", "").strip().lower() == "dumb":
        return True
    try:
        return not (sys.stdin.isatty() and sys.stdout.isatty())
    except (AttributeError, ValueError):
        return True


def _no_app_reason() -> str:
    """Why the app cannot run here (plain.no_app_reason), in words a user can act on."""
    from secplan_tui.frontends.plain.interactive import no_app_reason

    return no_app_reason(sys.stdin, sys.stdout, os.environ) or "no terminal, so no full-screen app"


def cmd_home(args: argparse.Namespace) -> int:
    """The full-screen app's home screen; without a terminal, plain line mode on the latest session."""
    store = _store(args)
    if _no_terminal():
        open_sessions = [m for m in store.sessions() if m.status != "complete"] or store.sessions()
        if not open_sessions:
            command = _command(args)
            sys.stderr.write(f"secplan: {_no_app_reason()}. Create a session with "
                             f"`{command} new NAME`, then answer it with `{command} ask NAME`.\n")
            return 2
        meta = open_sessions[0]
        sys.stderr.write(f"secplan: {_no_app_reason()}; using plain line mode on the latest session "
                         f"'{terminal_safe(meta.name)}' ({meta.id}); `{_command(args)} ask SESSION` picks another.\n")
        return _plain(args, store, meta, "line")
    from secplan_tui.frontends.tui import run_app

    return run_app(store)


def cmd_open(args: argparse.Namespace) -> int:
    """One session in the full-screen app; without a terminal, plain line mode."""
    store = _store(args)
    meta = store.resolve(args.session)
    if _no_terminal():
        sys.stderr.write(f"secplan: {_no_app_reason()}; using plain line mode for '{terminal_safe(meta.name)}' "
                         f"({meta.id}).\n")
        return _plain(args, store, meta, "line")
    from secplan_tui.frontends.tui import run_app  # make_app fails early, with a message, on a bad questionnaire

    return run_app(store, session_id=meta.id)


def cmd_diff(args: argparse.Namespace) -> int:
    """Compare two plans (sessions, snapshots or exported JSON plans) as a Markdown changelog."""
    from secplan_tui.cli.review import run_diff

    return run_diff(args, lambda: _store(args))


def cmd_exercise(args: argparse.Namespace) -> int:
    """Teaching exercises: check a learner's session against the model; report on a class."""
    from secplan_tui.cli.exercise import run_exercise_command

    return run_exercise_command(args, _store(args))


def cmd_actions(args: argparse.Namespace) -> int:
    """The living plan: list the plan's actions with where they stand, or change one."""
    from secplan_tui.cli.actions import run_actions_command

    return run_actions_command(args, _store(args))


def cmd_examples(args: argparse.Namespace) -> int:
    """List the bundled example answers files, or print one (reachable without a clone of the repository)."""
    from secplan_tui.core import catalogue
    from secplan_tui.session.answer_files import write_output

    files = {p.stem: p for p in catalogue.example_files()}
    if args.example is None:
        if not files:
            sys.stderr.write(f"secplan: no bundled examples found in {terminal_safe(str(catalogue.EXAMPLES_DIR))}.\n")
            return 1
        for stem, listed in files.items():
            sys.stdout.write(f"{stem}\t{_example_title(listed)}\n")
        sys.stdout.write(f"\nImport one: {_command(args)} examples ID | {_command(args)} answers import SESSION -\n")
        return 0
    path = files.get(args.example)
    if path is None:
        known = ", ".join(files) or "none"
        raise NotFound("Unknown example", f"no example '{clean_text(args.example)}' (known: {known}). "
                           f"List them with `{_command(args)} examples`.")
    try:
        text = path.read_text(encoding="utf-8")
    except PermissionError:
        raise catalogue.unreadable(path) from None
    _wrote(write_output(text, args.output), args.output)
    return 0


def _wrote(replaced: bool, target: str | None) -> None:
    """After ``write_output``: a note when ``-o`` replaced an existing file."""
    if replaced and target is not None:
        from secplan_tui.session.answer_files import replaced_line

        sys.stderr.write(f"secplan: note: {replaced_line(target)}\n")


def _example_title(path: Path) -> str:
    """The example's description: its leading comment, after "...questionnaire:", to the first full stop."""
    lines: list[str] = []
    try:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if not line.startswith("#"):
                    break
                lines.append(line.lstrip("# ").strip())
    except OSError:
        return ""
    text = " ".join(lines)
    text = text.split(": ", 1)[1] if ": " in text else text
    text = text.split(". ", 1)[0].rstrip(".")
    return clean_text(text if len(text) <= 72 else text[:71].rstrip(" ,;") + "…")


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the full-screen app in a web browser (textual-serve)."""
    from secplan_tui.cli.serve import run_serve

    return run_serve(args)


def cmd_classroom(args: argparse.Namespace) -> int:
    """Set up a classroom workspace (root only)."""
    from secplan_tui.cli.classroom import run_classroom_command

    return run_classroom_command(args)


def cmd_ask(args: argparse.Namespace) -> int:
    """Plain mode: questionary in a terminal, line mode otherwise or with --plain."""
    store = _store(args)
    meta = store.resolve(args.session)
    return _plain(args, store, meta, "line" if args.plain else "auto")


def _plain(args: argparse.Namespace, store: SessionStore, meta: SessionMeta,
           mode: Literal["auto", "interactive", "line"]) -> int:
    from secplan_tui.frontends.plain.interactive import run_plain

    questionnaire = _questionnaire_for(store, meta)
    return run_plain(store, meta.id, questionnaire, mode=mode, command=_command(args))


def _command(args: argparse.Namespace) -> str:
    """How the user runs secplan on this workspace, for the commands we suggest: with ``--data-dir`` when they
    gave it, so that the suggestion works when pasted."""
    if args.data_dir is None:
        return "secplan"
    from secplan_tui.store import default_data_dir

    # Absolute, so that it works from any folder (and never starts with "-").
    return f"secplan --data-dir {shlex.quote(str(default_data_dir(args.data_dir)))}"


def cmd_new(args: argparse.Namespace) -> int:
    """Create a session."""
    from secplan_tui.core import catalogue

    name = clean_text(args.name).strip()
    if not name:
        raise InvalidInput("Invalid name", "the session name is empty; give a name such as 'acme-2026'")
    if len(name) > 80:
        raise InvalidInput("Invalid name", "the session name is longer than 80 characters")
    scenario_id, ref = None, args.questionnaire
    if args.scenario:
        from secplan_tui.cli.exercise import check_new_scenario

        ref, scenario_id = check_new_scenario(args.scenario, args.questionnaire)
    questionnaire = catalogue.load(ref)
    store = _store(args)
    from secplan_tui.session.answer_files import progress_of

    meta = store.create(name, questionnaire.id, questionnaire.version, questionnaire.content_hash,
                        scenario=scenario_id)
    meta = store.update_meta(meta.id, progress=progress_of(questionnaire, {}))
    if args.json:
        print(json.dumps(_meta_json(meta), sort_keys=True))
    else:
        print(meta.id)
        command = _command(args)
        _tell(f"Created session '{terminal_safe(meta.name)}' ({meta.id}) on questionnaire "
              f"'{terminal_safe(questionnaire.id)}' version {terminal_safe(questionnaire.version)}.\n"
              f"Answer it with `{command} open {meta.id}` (the app) or `{command} ask {meta.id}` (line by line).\n")
    return 0


def _tell(text: str) -> None:
    """Write text to stderr, folded at word breaks to the terminal's width when stderr is a terminal (never when
    it goes to a pipe or a file, whose reader folds it)."""
    try:
        folding = sys.stderr.isatty()
    except (AttributeError, ValueError):
        folding = False
    if folding:
        import shutil

        from secplan_tui.frontends.plain.driver import wrap

        text = wrap(text.rstrip("\n"), shutil.get_terminal_size().columns - 1) + "\n"
    sys.stderr.write(text)


def _meta_json(meta: SessionMeta) -> dict[str, object]:
    return {
        "id": meta.id,
        "name": meta.name,
        "questionnaire": meta.questionnaire_id,
        "version": meta.questionnaire_version,
        "created": meta.created,
        "updated": meta.updated,
        "status": meta.status,
        "answered": meta.answered,
        "total": meta.total,
        "scenario": meta.scenario,
    }


LIST_WIDTH = 80
"""`secplan list` in a classroom keeps its table within this many columns (an 80x24 SSH terminal)."""


def cmd_list(args: argparse.Namespace) -> int:
    """List sessions; in a classroom workspace, with the learner (or trainer) who owns each one."""
    from secplan_tui.store import Workspace

    store = _store(args)
    sessions = store.sessions()
    # owner_of is None in an ordinary workspace, whose output stays exactly as it was.
    owners = (
        {m.id: terminal_safe(m.owner or store.owner_of(m.id) or "") for m in sessions}
        if isinstance(store, Workspace) and store.classroom is not None
        else None
    )
    if args.json:
        items = [_meta_json(m) for m in sessions]
        for item, m in zip(items, sessions, strict=True):
            if owners is not None:
                item["owner"] = owners[m.id]
            item["suspect"] = m.suspect
        print(json.dumps(items, sort_keys=True, indent=2))
        return 0
    if not sessions:
        print("No sessions yet. Start one with: secplan new NAME")
        return 0
    head = ("ID", "NAME", "QUESTIONNAIRE", "PROGRESS", "UPDATED")
    rows: list[tuple[str, ...]] = []
    for m in sessions:
        progress = f"{m.answered}/{m.total}" if m.total else "-"
        # "! " marks a session whose file is not to be trusted as its owner's work; why is said below the table.
        name = ("! " if m.suspect else "") + terminal_safe(m.name)
        rows.append((m.id, name, terminal_safe(f"{m.questionnaire_id} {m.questionnaire_version}"), progress,
                     terminal_safe(m.updated[:16].replace("T", " "))))
    if owners is None:
        rows = [(r[0], _cut(r[1], 30), *r[2:]) for r in rows]
        _print_table([head, *rows])
        _suspect_notes(sessions)
        return 0
    # A classroom: OWNER after the id. NAME gives way first (to 12 columns), then OWNER (to 8), so that a trainer's
    # list of 30 learners fits an 80-column terminal.
    table = [("ID", "OWNER", *head[1:]), *((r[0], owners[r[0]], *r[1:]) for r in rows)]
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
    widths[2] = min(widths[2], 30)
    for column, least in ((2, 12), (1, 8)):
        over = sum(widths) + 2 * (len(widths) - 1) - LIST_WIDTH
        if over > 0:
            widths[column] = max(min(least, widths[column]), widths[column] - over)
    _print_table([tuple(_cut(cell, w) for cell, w in zip(r, widths, strict=True)) for r in table])
    _suspect_notes(sessions)
    return 0


def _suspect_notes(sessions: Sequence[SessionMeta]) -> None:
    """Below the list: one line per suspect session (marked "!"), saying why."""
    for m in sessions:
        if m.suspect:
            print(f"! {m.id}: {terminal_safe(m.suspect)}")


def _cut(text: str, width: int) -> str:
    """Text cut to ``width`` columns, ending in ``...`` when cut, so a shortened name does not pass for whole."""
    return text if len(text) <= width else text[: width - 3] + "..."


def _print_table(rows: Sequence[Sequence[str]]) -> None:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip())


def cmd_answers(args: argparse.Namespace) -> int:
    """Import or export answers."""
    from secplan_tui.session.answer_files import export_answers, write_output

    if args.answers_command is None:
        raise InvalidInput("Missing command", "use `secplan answers import SESSION FILE` or "
                           "`secplan answers export SESSION`")
    store = _store(args)
    meta = store.resolve(args.session)
    questionnaire = _questionnaire_for(store, meta)
    if args.answers_command == "import":
        from secplan_tui.session.controller import SessionController

        controller = SessionController(store, meta.id, questionnaire)
        if args.file == "-":
            import tempfile

            with tempfile.NamedTemporaryFile("wb", suffix=".yaml", delete=False) as fh:
                fh.write(sys.stdin.buffer.read())
            try:
                parsed = controller.import_file(fh.name)
            finally:
                Path(fh.name).unlink(missing_ok=True)
        else:
            if not Path(args.file).exists():
                raise NotFound("File not found", f"{terminal_safe(args.file)} does not exist")
            parsed = controller.import_file(args.file)
        for note in parsed.notes:
            _note(note)
        from secplan_tui.session.answer_files import imported_line

        sys.stderr.write(terminal_safe(imported_line(len(parsed.answers), meta.name, meta.id)) + "\n")
        return 0
    fmt = args.format or ("json" if (args.output or "").endswith(".json") else "yaml")
    text = export_answers(questionnaire, store.answers(meta.id), fmt, notes=store.answer_notes(meta.id))
    _wrote(write_output(text, args.output), args.output)
    return 0


def _plan_date(text: str | None) -> dt.date:
    if text is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInput("Invalid date", f"'{clean_text(text)}' is not a date; write YYYY-MM-DD, "
                           "e.g. 2026-12-01") from None


def _plan_format(given: str | None, output: str | None) -> str:
    """The plan's format from --format and the file name, which must agree.

    Raises:
        InvalidInput: a file name ending the plan cannot be written as, or one that contradicts --format.
    """
    if not output or output == "-":
        return given or "md"
    suffix = Path(output).suffix.lower()
    formats = ", ".join(f"{fmt} ({' '.join(s for s, f in PLAN_SUFFIXES.items() if f == fmt)})" for fmt in PLAN_FORMATS)
    if suffix and suffix not in PLAN_SUFFIXES:
        raise InvalidInput("Unknown output format", f"cannot write a plan as '{clean_text(suffix)}'; the formats are "
                           f"{formats}. Name the file with one of these endings (a PDF: print the .html file).")
    from_name = PLAN_SUFFIXES.get(suffix)
    if given and from_name and given != from_name:
        raise InvalidInput("Formats disagree", f"--format {given} but the file name ends in '{suffix}' "
                           f"({from_name}); make them agree.")
    return given or from_name or "md"


def cmd_plan(args: argparse.Namespace) -> int:
    """Compile a plan."""
    from secplan_tui.plan import compile_plan, render_html, render_json, render_markdown
    from secplan_tui.session.answer_files import write_output

    given_date = _plan_date(args.date) if args.date is not None else None
    fmt = _plan_format(args.format, args.output)
    store = _store(args)
    meta = store.resolve(args.session)
    questionnaire = _questionnaire_for(store, meta)
    from secplan_tui.session.controller import living_plan_date

    # A living plan keeps its plan date (its last review, else its first ticked action); --date overrides. A new
    # snapshot is the review that starts the next plan, so without --date it is dated today.
    reviewing = bool(getattr(args, "snapshot", False) or getattr(args, "label", None))
    plan_date = given_date or (dt.date.today() if reviewing else living_plan_date(store, meta.id))
    plan = compile_plan(questionnaire, store.answers(meta.id), plan_date, session_name=meta.name,
                        statuses=store.action_statuses(meta.id))
    from secplan_tui.cli.review import after_plan

    after_plan(args, store, meta, plan)
    if fmt == "html":
        text = render_html(plan, view=args.view)
    elif fmt == "json":
        if args.view != "full":
            raise InvalidInput("Invalid option", "--view applies to md and html; JSON always holds the full plan")
        text = render_json(plan)
    else:
        text = render_markdown(plan, view=args.view)
    _wrote(write_output(text, args.output), args.output)
    if args.output not in (None, "-"):
        sys.stderr.write(f"Wrote the {args.view} plan for '{terminal_safe(meta.name)}' to "
                         f"{terminal_safe(args.output)}.\n")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    """Print the logic table."""
    from secplan_tui.cli.show import logic_json, logic_table
    from secplan_tui.core import catalogue

    questionnaire = catalogue.load(args.questionnaire)
    if args.json:
        print(json.dumps(logic_json(questionnaire), indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(logic_table(questionnaire))
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """Validate questionnaire files."""
    from secplan_tui.core import catalogue
    from secplan_tui.core.validate import validate_path
    from secplan_tui.teaching.scenario import is_scenario_file, validate_scenario_path

    files: list[tuple[Path, str]] = []
    if not args.paths:
        listed = catalogue.questionnaire_files() + catalogue.scenario_files()
        files = [(p, catalogue.display(p)) for p in listed]
        if not files:
            raise InvalidInput("Nothing to validate", "no questionnaire files found; give a PATH")
    for raw in args.paths:
        p = Path(raw)
        if p.is_dir():
            found = sorted(x for x in p.glob("*.y*ml") if x.is_file())
            if not found:
                raise InvalidInput("Nothing to validate", f"no .yaml files in folder {terminal_safe(raw)}")
            files.extend((x, terminal_safe(str(x))) for x in found)
        elif not p.exists():
            raise NotFound("File not found", f"{terminal_safe(raw)} does not exist")
        else:
            files.append((p, terminal_safe(raw)))
    errors = warnings = 0
    for path, display in files:
        checker = validate_scenario_path if is_scenario_file(path) else validate_path
        for prob in checker(path, display):
            print(clean_text(str(prob)))
            if prob.severity is Severity.ERROR:
                errors += 1
            else:
                warnings += 1
    n = len(files)
    sys.stderr.write(f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''} "
                     f"in {n} file{'s' if n != 1 else ''}.\n")
    return 2 if errors else 0




def cmd_delete(args: argparse.Namespace) -> int:
    """Delete a session."""
    store = _store(args)
    meta = store.resolve(args.session)
    if not args.yes and sys.stdin.isatty():
        sys.stderr.write(f"Delete session '{terminal_safe(meta.name)}' ({meta.id}) with {meta.answered} answers? "
                         "This cannot be undone. [y/N] ")
        sys.stderr.flush()
        reply = sys.stdin.readline().strip().lower()
        if reply not in ("y", "yes"):
            sys.stderr.write("Kept the session.\n")
            return 1
    store.delete(meta.id)
    sys.stderr.write(f"Deleted session '{terminal_safe(meta.name)}' ({meta.id}).\n")
    return 0
