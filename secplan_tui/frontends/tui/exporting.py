"""Writing a file the user asked for: ask folder, name and format; check the name; ask before replacing; write.

The same steps serve the plan (Markdown, HTML, JSON) and the answers file (YAML, JSON). In a browser (``secplan
serve``: the app runs under Textual's web driver) the file is delivered as a download instead: the folder asked
for would be on the server, not on the user's machine.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from secplan_tui.core.errors import InvalidInput, SecplanError, WriteFailed
from secplan_tui.core.text import terminal_safe
from secplan_tui.frontends.tui.dialogs import ConfirmDialog, ExportDialog, ExportRequest
from secplan_tui.frontends.tui.files import check_folder, target_in
from secplan_tui.frontends.tui.text import join, plain

if TYPE_CHECKING:
    from secplan_tui.frontends.tui.app import SecplanApp

ALIASES = {".htm": "html", ".yml": "yaml", ".markdown": "md"}
MIME_TYPES = {"md": "text/markdown", "html": "text/html", "json": "application/json", "yaml": "application/yaml"}
"""What a download of each format is sent as."""


def in_browser() -> bool:
    """Whether the app runs in a web browser (textual-serve starts it with Textual's web driver)."""
    from secplan_tui.frontends.tui.web import under_web_driver

    return under_web_driver()


EXPORTS_FOLDER = "exports"
"""The private folder in the workspace that exports go to by default."""


def default_export_folder(app: SecplanApp) -> Path:
    """The folder an export is offered: the app's fixed one (tests, the CLI), else the workspace's private
    ``exports/`` folder (made 0700 when first written to) in an ordinary workspace, else the current folder (a
    classroom, whose workspace is shared)."""
    if getattr(app, "export_dir", None) is None:
        from secplan_tui.store import Workspace

        store = getattr(app, "store", None)
        if isinstance(store, Workspace) and store.classroom is None:
            return store.path / EXPORTS_FOLDER
    return app.export_folder


def make_private_folder(folder: Path) -> None:
    """Make the exports folder on first use, readable by its owner only (a plan is confidential).

    Raises:
        SecplanError: it cannot be made.
    """
    if folder.exists():
        return
    try:
        folder.mkdir(mode=0o700)
        folder.chmod(0o700)
    except OSError as exc:
        raise WriteFailed("Cannot make the folder",
                           f"{terminal_safe(str(folder))}: {terminal_safe(exc.strerror or str(exc))}; "
                           "type another folder") from None


def choose_format(name: str, chosen: str, formats: Mapping[str, tuple[str, str]]) -> tuple[str, str]:
    """The format and file name to write: a known suffix in the name decides the format, else the chosen
    format's suffix is added.

    Formats may share a suffix (the plan's views: ``md``, ``summary.md``...): a suffix then picks the format of
    the chosen one's kind (its part before the last ``.``; the full plan has none).
    """
    stripped = name.strip()
    suffix = Path(stripped).suffix.lower()
    kind = chosen.rpartition(".")[0]

    def of_kind(fmt: str) -> bool:
        return fmt.rpartition(".")[0] == kind

    by_suffix: dict[str, str] = {}
    for f, (_, s) in formats.items():
        if s not in by_suffix or of_kind(f):
            by_suffix[s] = f
    for s, base in ALIASES.items():  # .htm is .html's, whatever the format's id
        target = by_suffix.get("." + base)
        if target is not None:
            by_suffix[s] = target
    if suffix in by_suffix:
        return by_suffix[suffix], stripped
    return chosen, stripped + formats[chosen][1]


class ExportFlow:
    """One export, from the dialog to the file on disk.

    Args:
        app: The app (for dialogs and notices).
        title: The dialog's title.
        formats: Format id -> (label, suffix).
        name: The file name offered first.
        render: Returns the text to write in a format; may raise SecplanError.
        on_written: Called with the path once the file is written.
    """

    def __init__(
        self,
        app: SecplanApp,
        title: str,
        formats: Mapping[str, tuple[str, str]],
        name: str,
        render: Callable[[str], str],
        on_written: Callable[[Path], None] | None = None,
    ) -> None:
        self.app = app
        self.title = title
        self.formats = formats
        self.name = name
        self.default_folder = default_export_folder(app)
        self.folder = str(self.default_folder)
        self.format = next(iter(formats))
        self.render = render
        self.on_written = on_written

    def start(self, error: str = "") -> None:
        """Open the dialog (again, with the reason, after a refused attempt)."""
        dialog = ExportDialog(
            self.title, folder=self.folder, name=self.name, formats=self.formats, format=self.format, error=error
        )
        self.app.push_screen(dialog, self._chosen)

    def _chosen(self, request: ExportRequest | None) -> None:
        if request is None:
            return
        self.folder, self.name, self.format = request.folder, request.name, request.format
        if in_browser():
            self._download(request)
            return
        try:
            if Path(request.folder.strip()).expanduser() == self.default_folder:
                make_private_folder(self.default_folder)
            folder = check_folder(request.folder)
            fmt, name = choose_format(request.name, request.format, self.formats)
            target = target_in(folder, name)
        except SecplanError as exc:
            self.start(error=exc.message)
            return
        self.format, self.name = fmt, name
        if target.exists():
            question = join("A file named ", plain(target.name), " is already in ", plain(str(folder)),
                            ". Replace it?")
            self.app.push_screen(
                ConfirmDialog("Replace the file?", question, yes="Replace", no="Keep it"),
                lambda replace: self._write(target, fmt) if replace else self.start(),
            )
            return
        self._write(target, fmt)

    def _download(self, request: ExportRequest) -> None:
        """In a browser: send the file to the user's browser as a download (the folder is not used)."""
        try:
            fmt, name = choose_format(request.name, request.format, self.formats)
            name = Path(name).name  # a download is named, never placed
            if not name.strip(". "):
                raise InvalidInput("Invalid file name", "give the file a name")
            text = self.render(fmt)
        except InvalidInput as exc:
            self.start(error=exc.message)
            return
        except SecplanError as exc:
            self.app.report(exc)
            return
        self.format, self.name = fmt, name
        self.app.deliver_text(io.StringIO(text), save_filename=name, open_method="download",
                              mime_type=MIME_TYPES.get(fmt, "text/plain"), encoding="utf-8")
        self.app.tell(f"Sent {name} to your browser as a download", title="Exported")

    def _write(self, target: Path, fmt: str) -> None:
        from secplan_tui.session.answer_files import write_output

        try:
            write_output(self.render(fmt), str(target))
        except SecplanError as exc:
            self.app.report(exc)
            return
        self.app.tell(f"Wrote {target}", title="Exported")
        if self.on_written is not None:
            self.on_written(target)
