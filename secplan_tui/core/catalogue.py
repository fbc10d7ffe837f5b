"""Where questionnaires live, and finding one by id or path."""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from secplan_tui.core.errors import InvalidInput, SecplanError
from secplan_tui.core.files import AtomicWriteError, write_atomic
from secplan_tui.core.loader import read_yaml
from secplan_tui.core.model import Questionnaire
from secplan_tui.core.text import terminal_safe
from secplan_tui.core.validate import load_questionnaire

DEFAULT_QUESTIONNAIRE = "iso22342"
"""The questionnaire a new session uses when none is named."""



def _bundled_dir() -> Path:
    """The bundled questionnaires: ``secplan_tui/questionnaires`` in an installed wheel (read with importlib.resources),
    else ``questionnaires/`` at the top of a checkout (the source the wheel is built from; an editable install)."""
    try:
        inside = Path(str(resources.files("secplan_tui").joinpath("questionnaires")))
    except (ModuleNotFoundError, TypeError):  # pragma: no cover - the package is always importable here
        inside = Path(__file__).resolve().parent.parent / "questionnaires"
    if inside.is_dir():
        return inside
    return Path(__file__).resolve().parent.parent.parent / "questionnaires"


BUNDLED_DIR = _bundled_dir()
"""Where the bundled questionnaires, ``examples/`` and ``scenarios/`` are."""
EXAMPLES_DIR = BUNDLED_DIR / "examples"
"""The bundled example answers files (``secplan examples``)."""


def unreadable(path: Path) -> SecplanError:
    """The one-line error (exit 1) for a questionnaire, scenario or example folder or file this user cannot read."""
    return SecplanError(
        "Cannot read",
        f"{terminal_safe(str(path))} cannot be read by this user (permission denied). Ask whoever installed "
        "secplan to make it readable (e.g. chmod -R a+rX on the folder), or point SECPLAN_QUESTIONNAIRES / "
        "SECPLAN_SCENARIOS at a readable copy.",
    )


@dataclass(frozen=True)
class Entry:
    """One questionnaire file found in the questionnaire folders."""

    id: str
    path: Path
    title: str
    version: str


def questionnaire_dirs() -> list[Path]:
    """Folders searched for questionnaires: ``SECPLAN_QUESTIONNAIRES`` (os.pathsep-separated), then the bundled one."""
    dirs = [Path(p) for p in os.environ.get("SECPLAN_QUESTIONNAIRES", "").split(os.pathsep) if p]
    dirs.append(BUNDLED_DIR)
    return dirs


def questionnaire_files() -> list[Path]:
    """Every questionnaire file (``*.yaml`` directly in each folder; sub-folders hold examples, not questionnaires)."""
    files: list[Path] = []
    for d in questionnaire_dirs():
        files.extend(yaml_files_in(d))
    return files


def yaml_files_in(folder: Path) -> list[Path]:
    """The ``*.yaml`` / ``*.yml`` files directly in a folder, by name; none when it does not exist.

    Raises:
        SecplanError: the folder (or a file in it) cannot be read by this user: one line naming it (exit 1).
    """
    try:
        if not folder.is_dir():
            return []
        return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    except PermissionError:
        raise unreadable(folder) from None


def example_files() -> list[Path]:
    """The bundled example answers files, by name."""
    return yaml_files_in(EXAMPLES_DIR)


def entries() -> list[Entry]:
    """The questionnaires found, first folder first; a file that cannot be read is left out (validate reports it)."""
    found: list[Entry] = []
    seen: set[str] = set()
    for path in questionnaire_files():
        data, _raw, problems = read_yaml(path)
        if problems or not isinstance(data, dict) or not isinstance(data.get("id"), str):
            continue
        qid = data["id"]
        if qid in seen:
            continue
        seen.add(qid)
        found.append(Entry(qid, path, str(data.get("title", "")), str(data.get("version", ""))))
    return found


def find(ref: str | None) -> Path:
    """The file of a questionnaire given by id or by path.

    Raises:
        InvalidInput: no such questionnaire; the message lists those available.
    """
    ref = ref or DEFAULT_QUESTIONNAIRE
    candidate = Path(ref)
    if candidate.suffix in (".yaml", ".yml", ".json") and candidate.exists():
        return candidate
    for d in questionnaire_dirs():
        for suffix in (".yaml", ".yml"):
            p = d / f"{ref}{suffix}"
            try:
                if p.is_file():
                    return p
            except PermissionError:
                raise unreadable(d) from None
    for entry in entries():
        if entry.id == ref:
            return entry.path
    known = ", ".join(e.id for e in entries()) or "none"
    raise InvalidInput(
        "Unknown questionnaire",
        f"no questionnaire '{ref}' (known: {known}). Give an id from `secplan show` or a path to a .yaml file.",
    )


_LOADED: dict[tuple[str, int, int], Questionnaire] = {}
"""Loaded questionnaires by (file, mtime, size): checking the full questionnaire takes a noticeable fraction of a
second, and the app, a scenario and its check all ask for it. The model is frozen, so sharing it is safe."""


def load(ref: str | None) -> Questionnaire:
    """Find and load a questionnaire, checked (all but the reachability lint, which `secplan validate` runs);
    loaded once per version of its file.

    Raises:
        InvalidInput: unknown, or invalid (QuestionnaireInvalid lists every problem).
    """
    path = find(ref)
    try:
        os.close(os.open(path, os.O_RDONLY | os.O_NONBLOCK))  # non-blocking: a FIFO never makes this wait
    except PermissionError:
        raise unreadable(path) from None  # one line, exit 1: a matter of rights, not of the file's contents
    stat = path.stat()
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    found = _LOADED.get(key)
    if found is None:
        found = _from_cache(path, key)
    if found is None:
        # Every check that keeps answering and planning right; the dead-question lint is `secplan validate`'s.
        found = load_questionnaire(path, _display(path), reachability=False)
        _to_cache(key, found)
    _LOADED[key] = found
    return found


# -- the parsed-questionnaire cache ---------------------------------------------------------------------------
#
# Reading the 5,000-line questionnaire takes ~80 ms, most of the time to a session's first question. The checked
# Questionnaire is kept in the user's own cache folder (0700, files 0600) and used again only when it is the same
# file: the key names the file, its mtime and size, the Python and secplan versions and the code that builds the
# model, and the cached object's content hash must equal the sha256 of the file's bytes as they are now. A cache
# file is read only when it is a regular file of this user's that nobody else can write. Pickle is used because
# the cache is private to the user who wrote it (whoever can write there can already change the user's programs);
# any problem with it means a normal load, never an error.

_CACHE_LIMIT = 8 * 1024 * 1024
"""A cache file larger than this is not read."""
_MODEL_CODE = ("model.py", "conditions.py", "loader.py", "validate.py", "control_ids.py", "text.py", "errors.py")
"""The modules whose code shapes a loaded Questionnaire: a change to any of them makes a new cache key."""


def _cache_file(key: tuple[str, int, int]) -> Path | None:
    if os.environ.get("SECPLAN_NO_CACHE") == "1":
        return None
    import hashlib
    import sys

    from platformdirs import user_cache_dir

    from secplan_tui import __version__

    here = Path(__file__).resolve().parent
    code = []
    for name in _MODEL_CODE:
        try:
            st = (here / name).stat()
        except OSError:
            return None
        code.append(f"{name}:{st.st_mtime_ns}:{st.st_size}")
    text = "\0".join([__version__, sys.version, *map(str, key), *code])
    digest = hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:40]
    return Path(user_cache_dir("secplan")) / "questionnaires" / f"{digest}.pickle"


def _from_cache(path: Path, key: tuple[str, int, int]) -> Questionnaire | None:
    import hashlib
    import pickle  # noqa: S403 - the user's own private cache, checked below
    import stat as stat_module

    cache = _cache_file(key)
    if cache is None:
        return None
    try:
        fd = os.open(cache, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        mine = info.st_uid == os.getuid() and not info.st_mode & 0o022
        if not (stat_module.S_ISREG(info.st_mode) and mine and info.st_size <= _CACHE_LIMIT):
            return None
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(_CACHE_LIMIT + 1)
        found = pickle.loads(data)  # noqa: S301 - a private cache of this user's, see above
        if not isinstance(found, Questionnaire) or found.content_hash != hashlib.sha256(path.read_bytes()).hexdigest():
            return None
        return found
    except Exception:  # noqa: BLE001 - any trouble with the cache means a normal load, which reports real problems
        return None
    finally:
        os.close(fd)


def _to_cache(key: tuple[str, int, int], questionnaire: Questionnaire) -> None:
    import pickle  # noqa: S403 - see _from_cache

    cache = _cache_file(key)
    if cache is None:
        return
    try:
        cache.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_atomic(cache, pickle.dumps(questionnaire, protocol=pickle.HIGHEST_PROTOCOL))
    except (OSError, AtomicWriteError):
        return  # a cache that cannot be written (read-only home, full disk) only costs the next start its time


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
