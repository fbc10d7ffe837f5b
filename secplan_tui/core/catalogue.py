"""The one catalogue of questionnaires and teaching scenarios: where their files are, listing and finding them, and
remembering what was read from them while the files are unchanged.

Where each kind is looked for, first folder first:

- questionnaires: the folders in ``SECPLAN_QUESTIONNAIRES`` (os.pathsep-separated), then the bundled folder;
- scenarios: the folders in ``SECPLAN_SCENARIOS``, then ``scenarios/`` inside each questionnaire folder (the
  bundled one last).

A kind's files are the ``*.yaml`` / ``*.yml`` files directly in its folders. The catalogue reads a questionnaire
file to list it (its id, title and version) and to load it checked (:func:`load`); it reads a scenario file only
as far as its id, title and questionnaire: reading and checking a scenario is ``teaching.scenario``'s job (the core
cannot import the teaching layer).

One cache, :class:`FileCache`, keeps what was read from files while each of them has the same path, mtime and
size: the two listings, the loaded questionnaires, and what a front end works out from them.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Generic, TypeVar

from secplan_tui.core.errors import NotFound, SecplanError
from secplan_tui.core.files import AtomicWriteError, write_atomic
from secplan_tui.core.loader import ID_PATTERN
from secplan_tui.core.model import Questionnaire
from secplan_tui.core.text import clean_text, terminal_safe
from secplan_tui.core.validate import load_questionnaire
from secplan_tui.core.yaml_reader import YMap, read_yaml

DEFAULT_QUESTIONNAIRE = "iso22342"
"""The questionnaire a new session uses when none is named."""

T = TypeVar("T")


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


def display(path: Path) -> str:
    """A file as users see it named: relative to the current folder when it is inside it, else as given."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def suggest(word: str, candidates: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` for the candidate nearest a misspelt name, or ``""`` when none is near."""
    near = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f"; did you mean '{near[0]}'?" if near else ""


# -- the one cache ------------------------------------------------------------------------------------------------

Stamp = tuple[str, int, int, int, int]
"""A file as the caches know it: its resolved path, mtime (ns), size, inode and ctime (ns). The inode and ctime
tell a file replaced by another of the same size and mtime (a coarse-time file system, a copy that keeps times)."""


def stamp(path: Path) -> Stamp:
    """The file's (resolved path, mtime in ns, size, inode, ctime in ns).

    Raises:
        OSError: the file cannot be looked at.
    """
    info = path.stat()
    return (str(path.resolve()), info.st_mtime_ns, info.st_size, info.st_ino, info.st_ctime_ns)


class FileCache(Generic[T]):
    """Values read or worked out from files, used again while each of those files has the same path, mtime and
    size (a changed, added or removed file means a new key, so the value is made again).

    Safe to share between threads: a value is kept in a local name once made, never read back from the cache after
    another thread may have dropped it.

    Args:
        keep: How many versions to keep; 1 for a listing (only its latest version matters), None for no limit
            (the loaded questionnaires: one per file and version).
    """

    def __init__(self, keep: int | None = None) -> None:
        self._keep = keep
        self._found: dict[tuple[Stamp, ...], T] = {}

    def get(self, files: Iterable[Path], make: Callable[[], T]) -> T:
        """``make()``, made once while ``files`` are unchanged (made each time when one cannot be looked at)."""
        try:
            key = tuple(stamp(path) for path in files)
        except OSError:
            return make()  # a file went away while listing: the next call lists again
        return self.remember(key, make)

    def remember(self, key: tuple[Stamp, ...], make: Callable[[], T]) -> T:
        """The value kept under ``key``, else ``make()``, kept under it."""
        found = self._found.get(key)
        if found is None:
            found = make()
            if self._keep is not None and len(self._found) >= self._keep:
                self._found.clear()
            self._found[key] = found
        return found

    def clear(self) -> None:
        """Forget every value."""
        self._found.clear()


# -- the folders and files of each kind -----------------------------------------------------------------------------


def questionnaire_dirs() -> list[Path]:
    """Folders searched for questionnaires: ``SECPLAN_QUESTIONNAIRES`` (os.pathsep-separated), then the bundled one."""
    dirs = [Path(p) for p in os.environ.get("SECPLAN_QUESTIONNAIRES", "").split(os.pathsep) if p]
    dirs.append(BUNDLED_DIR)
    return dirs


def scenario_dirs() -> list[Path]:
    """Folders searched for scenarios: ``SECPLAN_SCENARIOS`` (os.pathsep-separated), then ``scenarios/`` inside
    each questionnaire folder (the bundled one last)."""
    dirs = [Path(p) for p in os.environ.get("SECPLAN_SCENARIOS", "").split(os.pathsep) if p]
    dirs.extend(d / "scenarios" for d in questionnaire_dirs())
    return dirs


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


def _files_in(dirs: list[Path]) -> list[Path]:
    files: list[Path] = []
    for d in dirs:
        files.extend(yaml_files_in(d))
    return files


def questionnaire_files() -> list[Path]:
    """Every questionnaire file (``*.yaml`` directly in each folder; sub-folders hold examples, not questionnaires)."""
    return _files_in(questionnaire_dirs())


def scenario_files() -> list[Path]:
    """Every scenario file (``*.yaml`` / ``*.yml`` directly in each scenario folder), first folder first."""
    return _files_in(scenario_dirs())


def example_files() -> list[Path]:
    """The bundled example answers files, by name."""
    return yaml_files_in(EXAMPLES_DIR)


def _named_file(dirs: list[Path], name: str) -> Path | None:
    """``<name>.yaml`` (or ``.yml``) in the first folder that has it.

    Raises:
        SecplanError: a folder this user cannot enter (one line naming it, exit 1).
    """
    for d in dirs:
        for suffix in (".yaml", ".yml"):
            candidate = d / f"{name}{suffix}"
            try:
                if candidate.is_file():
                    return candidate
            except PermissionError:
                raise unreadable(d) from None
    return None


# -- the listings -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One questionnaire file found in the questionnaire folders."""

    id: str
    path: Path
    title: str
    version: str


@dataclass(frozen=True)
class ScenarioEntry:
    """A scenario as listed for choosing one: read from its file's top level, not checked."""

    id: str
    title: str
    questionnaire_id: str
    path: Path


_ENTRIES: FileCache[list[Entry]] = FileCache(keep=1)
_SCENARIOS: FileCache[dict[str, ScenarioEntry]] = FileCache(keep=1)


def entries() -> list[Entry]:
    """The questionnaires found, first folder first; a file that cannot be read is left out (validate reports it).
    Read once while the questionnaire files are unchanged (it parses every file)."""
    return list(_ENTRIES.get(questionnaire_files(), _read_entries))


def _read_entries() -> list[Entry]:
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


def scenario_entries() -> list[ScenarioEntry]:
    """The scenarios found, each read only as far as its id, title and questionnaire: quick enough to list in the
    app. The scenario with an id is the first found folder by folder (``SECPLAN_SCENARIOS`` first, the bundled
    folder last), and within a folder ``<id>.yaml`` before any other file with that id; every lookup by id
    (:func:`find_scenario`) follows the same rule. A file that cannot be read, or lacks those fields, is left
    out; choosing one runs every check (``teaching.scenario.check_new_scenario``). Read once while the scenario
    files are unchanged."""
    return list(_scenario_index().values())


def _scenario_index() -> dict[str, ScenarioEntry]:
    # A folder this user cannot read: one clear line, exit 1 (from yaml_files_in, as the listing is keyed).
    return _SCENARIOS.get(scenario_files(), _read_scenario_index)


def _read_scenario_index() -> dict[str, ScenarioEntry]:
    index: dict[str, ScenarioEntry] = {}
    for d in scenario_dirs():
        here: dict[str, ScenarioEntry] = {}
        for path in yaml_files_in(d):
            data, _raw, problems = read_yaml(path)
            if problems or not isinstance(data, YMap):
                continue
            sid, title, questionnaire = data.get("id"), data.get("title"), data.get("questionnaire")
            if not (isinstance(sid, str) and isinstance(questionnaire, str)) or sid in index:
                continue
            if sid not in here or path.stem == sid:
                here[sid] = ScenarioEntry(sid, title if isinstance(title, str) else sid, questionnaire, path)
        index.update(here)
    return index


# -- finding one --------------------------------------------------------------------------------------------------


def find(ref: str | None) -> Path:
    """The file of a questionnaire given by id or by path.

    Raises:
        NotFound: no such questionnaire; the message lists those available.
        SecplanError: a questionnaire folder this user cannot enter.
    """
    ref = ref or DEFAULT_QUESTIONNAIRE
    candidate = Path(ref)
    if candidate.suffix in (".yaml", ".yml", ".json") and candidate.exists():
        return candidate
    found = _named_file(questionnaire_dirs(), ref)
    if found is not None:
        return found
    listed = entries()
    for entry in listed:
        if entry.id == ref:
            return entry.path
    known = ", ".join(e.id for e in listed) or "none"
    raise NotFound(
        "Unknown questionnaire",
        f"no questionnaire '{ref}' (known: {known}). Give an id from `secplan show` or a path to a .yaml file.",
    )


def questionnaire_file(questionnaire_id: str) -> Path | None:
    """The file of a questionnaire by id only (never a path), as :func:`find` looks for it; None when unknown.

    Raises:
        SecplanError: a questionnaire folder this user cannot enter.
    """
    if ID_PATTERN.match(questionnaire_id):
        found = _named_file(questionnaire_dirs(), questionnaire_id)
        if found is not None:
            return found
    for entry in entries():
        if entry.id == questionnaire_id:
            return entry.path
    return None


def find_scenario(scenario_id: str) -> Path:
    """The file of the scenario with this id, by the rule of :func:`scenario_entries` (folder by folder; within a
    folder ``<id>.yaml`` first). A file named ``<id>.yaml`` that cannot be read is still found, so that loading it
    reports its problems.

    Raises:
        NotFound: no such scenario; the message suggests a near id and lists those available.
        SecplanError: a scenario folder or file this user cannot read.
    """
    index = _scenario_index()
    if scenario_id in index:
        return index[scenario_id].path
    if ID_PATTERN.match(scenario_id):
        found = _named_file(scenario_dirs(), scenario_id)  # a folder this user cannot enter: one line, exit 1
        if found is not None:
            try:
                os.close(os.open(found, os.O_RDONLY | os.O_NONBLOCK))
            except PermissionError:
                raise unreadable(found) from None
            return found
    known = list(index)
    raise NotFound(
        "Unknown scenario",
        f"no scenario '{clean_text(scenario_id)}'{suggest(scenario_id, known)} "
        f"(known: {', '.join(sorted(known)) or 'none'}). "
        "Scenarios live in questionnaires/scenarios/ or the folders in SECPLAN_SCENARIOS.",
    )


# -- loading a questionnaire --------------------------------------------------------------------------------------


_LOADED: FileCache[Questionnaire] = FileCache()
"""Loaded questionnaires, one per file and version: checking the full questionnaire takes a noticeable fraction of
a second, and the app, a scenario and its check all ask for it. The model is frozen, so sharing it is safe."""


def load(ref: str | None) -> Questionnaire:
    """Find and load a questionnaire, checked (all but the reachability lint, which `secplan validate` runs);
    loaded once per version of its file.

    Raises:
        InvalidInput: unknown (NotFound), or invalid (QuestionnaireInvalid lists every problem).
        SecplanError: the file cannot be read by this user.
    """
    path = find(ref)
    try:
        os.close(os.open(path, os.O_RDONLY | os.O_NONBLOCK))  # non-blocking: a FIFO never makes this wait
    except PermissionError:
        raise unreadable(path) from None  # one line, exit 1: a matter of rights, not of the file's contents
    key = stamp(path)
    return _LOADED.remember((key,), lambda: _load_file(path, key))


def _load_file(path: Path, key: Stamp) -> Questionnaire:
    found = _from_cache(path, key)
    if found is None:
        # Every check that keeps answering and planning right; the dead-question lint is `secplan validate`'s.
        found = load_questionnaire(path, display(path), reachability=False)
        _to_cache(key, found)
    return found


# -- the parsed-questionnaire cache on disk -----------------------------------------------------------------------
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
_MODEL_CODE = (
    "model.py", "conditions.py", "loader.py", "yaml_reader.py", "validate.py", "control_ids.py", "text.py", "errors.py"
)
"""The modules whose code shapes a loaded Questionnaire: a change to any of them makes a new cache key."""


def _cache_file(key: Stamp) -> Path | None:
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


def _from_cache(path: Path, key: Stamp) -> Questionnaire | None:
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


def _to_cache(key: Stamp, questionnaire: Questionnaire) -> None:
    import pickle  # noqa: S403 - see _from_cache

    cache = _cache_file(key)
    if cache is None:
        return
    try:
        cache.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_atomic(cache, pickle.dumps(questionnaire, protocol=pickle.HIGHEST_PROTOCOL))
    except (OSError, AtomicWriteError):
        return  # a cache that cannot be written (read-only home, full disk) only costs the next start its time
