"""Setting up a classroom workspace, or repairing one, as root: the classroom folder, its marker, its id register,
the trainers' area and the learners' folders, each with its owner, group and mode (docs/classroom.md).

Everything is done through file descriptors opened without following links, so a learner who swaps a folder or a
file for a symbolic link cannot make root change anything outside the classroom.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from secplan_tui.core.errors import InvalidInput, NotFound, NotPermitted, SecplanError
from secplan_tui.core.files import AtomicWriteError, fsync_dir
from secplan_tui.store.classroom import (
    CLASSROOM_FOLDER_MODE,
    CLASSROOM_IDS,
    CLASSROOM_IDS_MODE,
    CLASSROOM_MARKER,
    CLASSROOM_MARKER_MODE,
    CLASSROOM_ROOT_MODE,
    CLASSROOM_TRAINERS,
    CLASSROOM_TRAINERS_MODE,
    account_name,
    classroom_failure,
    group_name_of,
    open_folder,
    read_classroom,
    set_owner_and_mode,
)
from secplan_tui.store.files import CLASSROOM_FILE_MODE, DIR_MODE, write_file
from secplan_tui.store.format import SESSION_FILE_RE, SIDE_FILE_RE
from secplan_tui.store.messages import safe_error, show, show_path

if sys.platform != "win32":  # classrooms need POSIX users and groups
    import grp
    import pwd


def init_classroom(
    path: str | os.PathLike[str], group: str, learners: Sequence[str] = ()
) -> list[str]:
    """Set up a classroom workspace, or repair one; run by root.

    Makes the classroom folder (mode 3773, group ``group``), its marker ``.secplan-classroom`` (0644), its id
    register ``.ids`` (1733) and, for each learner named, their folder (2750, owned by them, group ``group``).
    On an existing classroom it also puts every learner's folder and session file back to the trainers' group
    with modes 2750 and 0640. Sessions are never removed. Root is required: learners trust only a classroom
    whose folder and marker belong to root (see :func:`read_classroom`).

    Args:
        path: The classroom folder (created if missing).
        group: The trainers' group, by name or number.
        learners: User names (or uids) whose folders to make now, so nobody else can take their name.

    Returns:
        What was done, one line each, for the CLI to print.

    Raises:
        NotFound: an unknown group or learner.
        InvalidInput: a folder that holds ordinary sessions, a folder inside a classroom, or a learner's folder
            that belongs to someone else.
        NotPermitted: not root.
        StoreError: a permission or disk problem, naming the path and what to do.
    """
    if sys.platform == "win32" or os.geteuid() != 0:
        raise safe_error(
            NotPermitted,
            "Classroom not set up",
            "setting up a classroom needs root (e.g. `sudo secplan classroom init DIR --group GROUP`): learners' "
            "secplan trusts a classroom only when root set it up, so nobody can mark a folder as a classroom of "
            "their own group to read others' sessions.",
        )
    gid, group_name = _find_group(group)
    uids = {account_name(uid): uid for uid in map(_find_user, learners)}
    root = Path(path).expanduser().absolute()
    inside = False
    with contextlib.suppress(SecplanError):
        inside = read_classroom(root.parent) is not None
    if inside:
        raise safe_error(
            InvalidInput,
            "Classroom not set up",
            f"{root} is a learner's folder inside the classroom {root.parent}; set up a classroom in a folder "
            "of its own.",
        )
    try:
        existing = read_classroom(root)
    except SecplanError:
        existing = None  # a broken marker: rewritten below
    else:
        if existing is None and root.is_dir():
            try:
                sessions = [n for n in os.listdir(root) if SESSION_FILE_RE.fullmatch(n)]
            except OSError as exc:
                raise classroom_failure(root, "read the folder", exc) from exc
            if sessions:
                raise safe_error(
                    InvalidInput,
                    "Classroom not set up",
                    f"{root} already holds {len(sessions)} ordinary session(s) (e.g. {sessions[0]}); a "
                    "classroom keeps each learner's sessions in their own sub-folder. Pick an empty folder.",
                )
    try:
        root.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise classroom_failure(root.parent, "create the folder", exc) from exc
    created = _make_folder(root, DIR_MODE)
    done = [
        f"{'Created' if created else 'Set up'} the classroom folder {root}: group {group_name} (gid {gid}), "
        f"mode {CLASSROOM_ROOT_MODE:04o}."
    ]
    root_fd = open_folder(root, "the classroom folder")
    try:
        # Root owns the folder, the marker and the register: learners trust nothing else (read_classroom).
        set_owner_and_mode(root_fd, root, 0, gid, CLASSROOM_ROOT_MODE, "the classroom folder")
        done.extend(_finish_classroom(root, root_fd, gid, group_name, uids, existing is not None))
    finally:
        os.close(root_fd)
    return done


def _finish_classroom(
    root: Path, root_fd: int, gid: int, group_name: str, uids: dict[str, int], existed: bool
) -> list[str]:
    """The marker, the id register, the learners' folders named, and (as root) repairs; see init_classroom."""
    done: list[str] = []
    payload = (json.dumps({"format": 1, "gid": gid, "group": group_name}, sort_keys=True) + "\n").encode()
    try:
        write_file(root / CLASSROOM_MARKER, payload, mode=CLASSROOM_MARKER_MODE)
    except AtomicWriteError as exc:
        raise classroom_failure(exc.path, f"write the classroom marker ({exc.step})", exc.error) from exc
    for name, mode, what in (
        (CLASSROOM_IDS, CLASSROOM_IDS_MODE, "the id register"),
        (CLASSROOM_TRAINERS, CLASSROOM_TRAINERS_MODE, "the trainers' area"),
    ):
        done.extend(_root_folder(root, root_fd, name, gid, mode, what))
    for name, uid in uids.items():
        folder = root / name
        made = _make_folder(folder, DIR_MODE)
        fd = open_folder(name, f"the folder of learner {name}", dir_fd=root_fd)
        try:
            found = os.fstat(fd).st_uid
            if found not in (uid, 0):
                raise safe_error(
                    InvalidInput,
                    "Classroom not set up",
                    f"the folder {folder} belongs to {account_name(found)}, not to the learner {name}: someone "
                    f"took the name first. Look inside, then remove it (`rm -r {folder}`) and run this again.",
                )
            set_owner_and_mode(fd, folder, uid, gid, CLASSROOM_FOLDER_MODE, f"the folder of learner {name}")
        finally:
            os.close(fd)
        done.append(f"{'Made' if made else 'Checked'} the folder of learner {name}: {folder}.")
    if existed:
        folders, files = _repair_learner_folders(root, root_fd, gid, set(uids))
        area_fd = open_folder(CLASSROOM_TRAINERS, "the trainers' area", dir_fd=root_fd)
        try:
            more_folders, more_files = _repair_learner_folders(root / CLASSROOM_TRAINERS, area_fd, gid, set())
        finally:
            os.close(area_fd)
        folders, files = folders + more_folders, files + more_files
        if folders or files:
            done.append(
                f"Repaired {folders} learner folder(s) and {files} session file(s): group {group_name}, "
                f"modes {CLASSROOM_FOLDER_MODE:04o} and {CLASSROOM_FILE_MODE:04o}."
            )
    fsync_dir(root)
    return done


def _root_folder(root: Path, root_fd: int, name: str, gid: int, mode: int, what: str) -> list[str]:
    """Make (or repair) a folder of the set-up that root owns: the id register, the trainers' area.

    Anything else at that name (made by a learner before a classroom set up by an older secplan is set up again:
    a folder of theirs, a file, a symbolic link) is moved aside, never followed and never removed.
    """
    done: list[str] = []
    path = root / name
    try:
        st: os.stat_result | None = os.lstat(path)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise classroom_failure(path, f"look at {what}", exc) from exc
    if st is not None and (not stat.S_ISDIR(st.st_mode) or st.st_uid != 0):
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        aside = root / f"{name}.moved-aside-{stamp}"
        try:
            os.rename(name, aside.name, src_dir_fd=root_fd, dst_dir_fd=root_fd)
        except OSError as exc:
            raise classroom_failure(path, f"move aside what was made at the place of {what} in", exc) from exc
        done.append(
            f"Moved aside {show_path(path)}, made by {show_path(account_name(st.st_uid))} and not by root, to "
            f"{show_path(aside)}; look inside, then remove it."
        )
    _make_folder(path, DIR_MODE)
    fd = open_folder(name, what, dir_fd=root_fd)
    try:
        set_owner_and_mode(fd, path, 0, gid, mode, what)
    finally:
        os.close(fd)
    return done


def _repair_learner_folders(root: Path, root_fd: int, gid: int, skip: set[str]) -> tuple[int, int]:
    """As root: give every learner folder and session file the trainers' group and the classroom modes.

    Works through file descriptors opened without following links, so a learner who swaps a folder or a
    file for a symbolic link cannot make root change anything outside the classroom.
    """
    folders = files = 0
    for name in sorted(os.listdir(root_fd)):
        if name.startswith(".") or name in skip:
            continue
        try:
            fd = open_folder(name, "a learner's folder", dir_fd=root_fd)
        except InvalidInput:
            continue  # a file or a link, not a learner's folder
        try:
            st = os.fstat(fd)
            if st.st_gid != gid or stat.S_IMODE(st.st_mode) != CLASSROOM_FOLDER_MODE:
                set_owner_and_mode(fd, root / name, st.st_uid, gid, CLASSROOM_FOLDER_MODE, "a learner's folder")
                folders += 1
            for item in os.listdir(fd):
                if (
                    SESSION_FILE_RE.fullmatch(item) or SIDE_FILE_RE.fullmatch(item)
                ) and _repair_session_file(fd, root / name / item, gid):
                    files += 1
        finally:
            os.close(fd)
    return folders, files


def _repair_session_file(folder_fd: int, path: Path, gid: int) -> bool:
    """Give one session file the trainers' group and mode 0640 (a regular file only); True if changed."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path.name, flags, dir_fd=folder_fd)
    except OSError:
        return False  # a link, or gone: nothing of ours to repair
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or (
            st.st_gid == gid and stat.S_IMODE(st.st_mode) == CLASSROOM_FILE_MODE
        ):
            return False
        set_owner_and_mode(fd, path, st.st_uid, gid, CLASSROOM_FILE_MODE, "a session file")
        return True
    finally:
        os.close(fd)


def _find_group(group: str) -> tuple[int, str]:
    """The gid and name of a group given by name or number; NotFound if the system does not know it."""
    if sys.platform != "win32":
        try:
            entry = grp.getgrnam(group)
        except KeyError:
            if group.isdigit():
                return int(group), group_name_of(int(group))
        else:
            return entry.gr_gid, entry.gr_name
    raise safe_error(
        NotFound,
        "Unknown group",
        f"there is no group {show(group)} on this system. Create it first (e.g. `groupadd {group}` as "
        "root) and add the trainers to it (`usermod -aG GROUP USER`).",
    )


def _find_user(user: str) -> int:
    """The uid of a user given by name or number; NotFound if the system does not know it."""
    if sys.platform != "win32":
        try:
            return pwd.getpwnam(user).pw_uid
        except KeyError:
            if user.isdigit():
                return int(user)
    raise safe_error(NotFound, "Unknown user", f"there is no user {show(user)} on this system; check the spelling.")


def _make_folder(path: Path, mode: int) -> bool:
    """Make a directory (mode filtered by the umask); False if something is there already."""
    try:
        os.mkdir(path, mode)
    except FileExistsError:
        return False
    except OSError as exc:
        raise classroom_failure(path, "create the folder", exc) from exc
    return True


