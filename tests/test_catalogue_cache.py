"""The parsed-questionnaire cache: used again only for the very same file, read only when it is the user's own and
private, and any trouble with it means a normal load."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from secplan_tui.core import catalogue

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the starter questionnaire, a cache folder of the test's own, and an empty in-process cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(catalogue, "_LOADED", catalogue.FileCache())
    path = tmp_path / "starter.yaml"
    shutil.copy(ROOT / "questionnaires" / "starter.yaml", path)
    return path


def cache_files(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "cache" / "secplan" / "questionnaires").glob("*.pickle"))


def test_the_second_start_reads_the_cache_and_gets_the_same_questionnaire(
    copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first load writes one private cache file; a second start uses it and gets an equal questionnaire."""
    first = catalogue.load(str(copy))
    [cache] = cache_files(tmp_path)
    assert cache.stat().st_mode & 0o777 == 0o600 and cache.parent.stat().st_mode & 0o777 == 0o700
    monkeypatch.setattr(catalogue, "_LOADED", catalogue.FileCache())
    monkeypatch.setattr(catalogue, "load_questionnaire", lambda *a, **k: pytest.fail("parsed, cache not used"))
    assert catalogue.load(str(copy)) == first


def test_a_changed_file_is_never_served_from_the_cache(copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same size and mtime with other bytes still loads the file as it is now (the content hash decides)."""
    catalogue.load(str(copy))
    stat = copy.stat()
    text = copy.read_text(encoding="utf-8")
    changed = text.replace("title: Starter security plan", "title: Starter security plaN", 1)
    assert len(changed) == len(text) and changed != text
    copy.write_text(changed, encoding="utf-8")
    os.utime(copy, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    monkeypatch.setattr(catalogue, "_LOADED", catalogue.FileCache())
    assert catalogue.load(str(copy)).title.endswith("plaN")


@pytest.mark.parametrize("damage", ["garbage", "writable", "link"])
def test_a_damaged_or_unsafe_cache_means_a_normal_load(
    copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    """Garbage in the cache file, a cache file others can write, or a link in its place: the file is parsed
    again, with no error."""
    expected = catalogue.load(str(copy))
    [cache] = cache_files(tmp_path)
    if damage == "garbage":
        cache.write_bytes(b"\x80\x05not a pickle")
    elif damage == "writable":
        cache.chmod(0o666)
    else:
        target = tmp_path / "elsewhere.pickle"
        cache.rename(target)
        cache.symlink_to(target)
    monkeypatch.setattr(catalogue, "_LOADED", catalogue.FileCache())
    parsed: list[bool] = []
    from secplan_tui.core.validate import load_questionnaire as real

    def counting(*args: object, **kwargs: object) -> object:
        parsed.append(True)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(catalogue, "load_questionnaire", counting)
    assert catalogue.load(str(copy)) == expected
    assert parsed == [True]


def test_no_cache_when_asked(copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SECPLAN_NO_CACHE=1 writes and reads no cache."""
    monkeypatch.setenv("SECPLAN_NO_CACHE", "1")
    catalogue.load(str(copy))
    assert cache_files(tmp_path) == []


# -- the listings, in the same cache ------------------------------------------------------------------------------


def _counting_reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every file the catalogue parses from now on."""
    from secplan_tui.core.yaml_reader import read_yaml as real

    read: list[Path] = []

    def counting(path: Path, *args: object) -> object:
        read.append(Path(path))
        return real(path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(catalogue, "read_yaml", counting)
    return read


def test_the_listings_are_read_once_while_their_files_are_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Listing the questionnaires or the scenarios twice parses their files once; a changed file or a new one is
    read again, and the listing shows it."""
    questionnaires, scenarios = tmp_path / "questionnaires", tmp_path / "scenarios"
    questionnaires.mkdir()
    scenarios.mkdir()
    shutil.copy(ROOT / "questionnaires" / "starter.yaml", questionnaires / "mine.yaml")
    shutil.copy(ROOT / "questionnaires" / "scenarios" / "bike_shop.yaml", scenarios / "bikes.yaml")
    monkeypatch.setenv("SECPLAN_QUESTIONNAIRES", str(questionnaires))
    monkeypatch.setenv("SECPLAN_SCENARIOS", str(scenarios))
    read = _counting_reads(monkeypatch)
    first = catalogue.entries(), catalogue.scenario_entries()
    assert read and questionnaires / "mine.yaml" in read and scenarios / "bikes.yaml" in read
    read.clear()
    assert (catalogue.entries(), catalogue.scenario_entries()) == first
    assert read == []
    text = (scenarios / "bikes.yaml").read_text(encoding="utf-8")
    (scenarios / "bikes.yaml").write_text(text.replace("\ntitle: ", "\ntitle: Changed ", 1), encoding="utf-8")
    [bikes] = [e for e in catalogue.scenario_entries() if e.id == "bike_shop"]
    assert bikes.title.startswith("Changed ") and bikes.path == scenarios / "bikes.yaml"
    assert scenarios / "bikes.yaml" in read and questionnaires / "mine.yaml" not in read
    (questionnaires / "other.yaml").write_text((questionnaires / "mine.yaml").read_text(encoding="utf-8")
                                               .replace("id: starter", "id: other_starter", 1), encoding="utf-8")
    assert "other_starter" in {e.id for e in catalogue.entries()}


def test_a_file_cache_keeps_what_was_made_while_the_files_are_unchanged(tmp_path: Path) -> None:
    """FileCache makes a value once per version of its files, and keep=1 holds only the latest version."""
    path = tmp_path / "a.yaml"
    path.write_text("id: a\n", encoding="utf-8")
    cache: catalogue.FileCache[str] = catalogue.FileCache(keep=1)
    made: list[str] = []

    def make() -> str:
        made.append(path.read_text(encoding="utf-8"))
        return made[-1]

    assert cache.get([path], make) == cache.get([path], make) == "id: a\n" and len(made) == 1
    path.write_text("id: bb\n", encoding="utf-8")
    assert cache.get([path], make) == "id: bb\n" and len(made) == 2
    assert len(cache._found) == 1
    assert cache.get([tmp_path / "gone.yaml"], lambda: "made, not kept") == "made, not kept"


def test_the_cache_key_names_modules_that_exist() -> None:
    """Every module named as shaping a loaded questionnaire exists (a missing one would turn the cache off
    without a word), and every module the loader and the checks import from the core is among them."""
    import ast

    here = Path(catalogue.__file__).parent
    named = set(catalogue._MODEL_CODE)
    assert all((here / name).is_file() for name in named), named
    for module in ("loader.py", "validate.py"):
        tree = ast.parse((here / module).read_text(encoding="utf-8"))
        used = {
            node.module.rsplit(".", 1)[1] + ".py"
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("secplan_tui.core.")
        }
        assert used <= named, f"{module} imports {sorted(used - named)}, which the cache key does not cover"


def test_a_file_replaced_by_one_of_the_same_size_and_mtime_is_read_again(tmp_path: Path) -> None:
    """A file swapped for another of the same size with its mtime set back (a coarse-time file system, a copy that
    keeps times) is a new version: the stamp has the inode and ctime too."""
    path = tmp_path / "x.yaml"
    path.write_text("id: shop_a\n", encoding="utf-8")
    before = path.stat()
    cache: catalogue.FileCache[str] = catalogue.FileCache(keep=1)
    assert cache.get([path], lambda: path.read_text(encoding="utf-8")) == "id: shop_a\n"
    swap = tmp_path / "x.yaml.new"
    swap.write_text("id: shop_b\n", encoding="utf-8")
    os.utime(swap, ns=(before.st_atime_ns, before.st_mtime_ns))
    os.replace(swap, path)
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    assert cache.get([path], lambda: path.read_text(encoding="utf-8")) == "id: shop_b\n"
