"""Classrooms: what makes a workspace a classroom (its marker, read and trusted only when root set it up), and the
rules for one user in it (:class:`Seat`): where their own sessions go, which folders they see, whose each session
is and whether its file is suspect, and that only a folder's owner changes its sessions (docs/classroom.md).

A workspace directory holding the marker ``.secplan-classroom`` is a classroom: each user's sessions go in
``<dir>/<user>/`` (mode 2750, the trainers' group, set-group-id) as files 0640, so the learner writes them, the
trainers' group reads them and other learners cannot open them. A learner lists only their own folder; a trainer
(group member or root) lists every folder; only a folder's owner changes its sessions. A trainer's (and root's)
own sessions live in ``<dir>/.trainers/<user>/``, where no learner can make anything; each listed session is
attributed to its folder's owner, and a file that is not what it claims (a copy under another's id, a folder named
after someone else) is flagged in ``SessionMeta.suspect`` and never hides or replaces the genuine one.

Setting a classroom up (as root) is :mod:`secplan_tui.store.classroom_setup`.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import stat
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from secplan_tui.core.errors import InvalidInput, NotPermitted, SecplanError, StoreError
from secplan_tui.core.files import fsync_dir
from secplan_tui.core.text import is_terminal_safe, terminal_safe
from secplan_tui.store.files import DIR_MODE, FILE_MODE, read_owned
from secplan_tui.store.format import Unreadable
from secplan_tui.store.messages import counted, os_advice, os_reason, safe_error, show, show_path

if sys.platform != "win32":  # classrooms need POSIX users and groups
    import grp
    import pwd

CLASSROOM_MARKER: Final = ".secplan-classroom"
"""The file that makes a directory a classroom workspace: ``{"format": 1, "gid": N, "group": "NAME"}``."""
CLASSROOM_MARKER_MODE: Final = 0o644
CLASSROOM_ROOT_MODE: Final = 0o3773
"""The classroom folder: set-group-id (sub-folders inherit the trainers' group), sticky (only an entry's owner
removes or renames it), rwx for the owner and the trainers, write and search but no listing for the others."""
CLASSROOM_FOLDER_MODE: Final = 0o2750
"""A learner's folder ``<root>/<user>/``: the learner writes, the trainers read, nobody else gets in."""
CLASSROOM_IDS: Final = ".ids"
"""The classroom's id register: one empty file per session id ever used, so ids stay unique in the class."""
CLASSROOM_IDS_MODE: Final = 0o1733
CLASSROOM_TRAINERS: Final = ".trainers"
"""The trainers' own area: ``<root>/.trainers/<login>/`` holds each trainer's (and root's) own sessions, where no
learner can make anything (root:trainers, 3770), so nothing a learner makes in the classroom folder can stop a
trainer or root from working."""
CLASSROOM_TRAINERS_MODE: Final = 0o3770
_MARKER_LIMIT: Final = 4096


@dataclass(frozen=True)
class Classroom:
    """The set-up of a classroom workspace, as its marker file ``.secplan-classroom`` records it."""

    root: Path
    """The classroom folder: the workspace directory that learners and trainers give to --data-dir."""
    group: str
    """The trainers' group name, for messages."""
    gid: int
    """The trainers' group id: every learner's folder and session file carries it."""

    def folder_of(self, uid: int) -> Path:
        """The folder that holds the sessions of the user with this uid: ``<root>/<user name>``."""
        return self.root / account_name(uid)


def account_name(uid: int) -> str:
    """The user name of a uid, or the number itself when the system has no name for it.

    A numeric folder name cannot clash with a real user's: useradd refuses all-digit names.
    """
    if sys.platform != "win32":
        with contextlib.suppress(KeyError):
            return pwd.getpwuid(uid).pw_name
    return str(uid)


def group_name_of(gid: int) -> str:
    """The name of a group id, or the number itself when the system has no name for it."""
    if sys.platform != "win32":
        with contextlib.suppress(KeyError):
            return grp.getgrgid(gid).gr_name
    return str(gid)


def trusted_area(st: os.stat_result, gid: int) -> bool:
    """Whether the trainers' area is as classroom init makes it: root's folder of the trainers' group that no
    one else may write to (so no learner can have made anything in it)."""
    return (
        stat.S_ISDIR(st.st_mode) and st.st_uid == 0 and st.st_gid == gid and not st.st_mode & (stat.S_IWOTH | 0o005)
    )


def _broken_marker(marker: Path, why: str) -> StoreError:
    return safe_error(
        StoreError,
        "Classroom set-up broken",
        f"the classroom marker {show_path(marker)} cannot be used: {why}. Ask the trainer to run "
        f"`secplan classroom init {show_path(marker.parent)} --group GROUP` again: it repairs the set-up and keeps "
        "every session.",
    )


def read_classroom(path: str | os.PathLike[str]) -> Classroom | None:
    """The classroom set-up of a workspace directory, or None when it is an ordinary workspace.

    A classroom is trusted only when its folder and its marker belong to root (or to the user running secplan):
    otherwise anyone could make a folder where a victim will save (say under /tmp), mark it as a classroom of
    their own group, and read the victim's sessions.

    Args:
        path: The workspace directory.

    Raises:
        SecplanError: the marker exists but cannot be read, makes no sense, or is not to be trusted.
    """
    root = Path(path).expanduser().absolute()
    marker = root / CLASSROOM_MARKER
    try:
        raw, marker_owner = read_owned(marker, _MARKER_LIMIT)
        root_owner = os.stat(root).st_uid
    except (FileNotFoundError, NotADirectoryError):
        return None
    except Unreadable as exc:
        raise _broken_marker(marker, exc.reason) from None
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EPERM) and not os.access(root, os.X_OK):
            # A folder you cannot enter is no classroom of yours (a classroom lets everyone in: mode 3773); what
            # is wrong with it as a workspace is told by the workspace (whose it is, its mode).
            return None
        raise _broken_marker(marker, os_reason(exc)) from exc
    trusted = (0, os.geteuid())
    if marker_owner not in trusted or root_owner not in trusted:
        raise safe_error(
            StoreError,
            "Untrusted classroom",
            f"{show_path(root)} is marked as a classroom, but it was set up by "
            f"{show_path(account_name(root_owner))} (marker by {show_path(account_name(marker_owner))}), not by root, "
            "so secplan will not share your sessions there. Nothing was saved. Use another folder, or ask an "
            f"administrator to run `sudo secplan classroom init {show_path(root)} --group GROUP`.",
        )
    if len(raw) > _MARKER_LIMIT:
        raise _broken_marker(marker, f"it is {len(raw)} bytes long, more than a marker ever is")
    try:
        data = json.loads(raw)
    except ValueError:
        raise _broken_marker(marker, "it is not JSON") from None
    if not isinstance(data, dict):
        raise _broken_marker(marker, "it is not a JSON object")
    fmt, group, gid = data.get("format", 1), data.get("group"), data.get("gid")
    if not isinstance(fmt, int) or isinstance(fmt, bool) or fmt < 1:
        raise _broken_marker(marker, f"its format {fmt!r} is not a version number")
    if fmt > 1:
        raise _broken_marker(marker, f"it was written by a newer secplan (format {fmt}); upgrade secplan")
    if not isinstance(group, str) or not isinstance(gid, int) or isinstance(gid, bool) or gid < 0:
        raise _broken_marker(marker, "it must name the trainers' group ('group') and its number ('gid')")
    return Classroom(root=root, group=group, gid=gid)


def classroom_failure(path: Path, doing: str, error: OSError) -> StoreError:
    advice = (
        "Even root may be refused on some file systems (NFS with root_squash): set up the classroom on a local "
        "disk."
        if error.errno in (errno.EPERM, errno.EACCES)
        else os_advice(error)
    )
    return safe_error(StoreError, "Classroom not set up", f"cannot {doing} {path}: {os_reason(error)}. {advice}")


def open_folder(path: Path | str, what: str, dir_fd: int | None = None) -> int:
    """Open a directory of the set-up without following a symbolic link (a learner may swap their folder for
    a link to somewhere root should not touch); InvalidInput if it is not a folder."""
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        return os.open(path, flags, dir_fd=dir_fd)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR):
            raise safe_error(
                InvalidInput,
                "Classroom not set up",
                f"{path} should be {what} but is not a folder (a file or a symbolic link); move it away first.",
            ) from None
        raise classroom_failure(Path(path), f"open {what}", exc) from exc


def set_owner_and_mode(fd: int, path: Path, uid: int, gid: int, mode: int, what: str) -> None:
    """fchown and fchmod an open file or folder of the set-up."""
    try:
        st = os.fstat(fd)
        if st.st_uid != uid or st.st_gid != gid:
            os.fchown(fd, uid, gid)
        os.fchmod(fd, mode)  # after fchown, which clears the set-group-id bit
    except OSError as exc:
        raise classroom_failure(path, f"set the owner and mode {mode:04o} of {what}", exc) from exc


@dataclass(frozen=True)
class Place:
    """A folder whose sessions a classroom user sees."""

    folder: Path
    uid: int
    """Its owner: the sessions in it are this user's."""
    misnamed: bool = False
    """Its name is not its owner's login (someone made a folder at another's name)."""


@dataclass(frozen=True)
class Candidate:
    """A session file found while listing a classroom."""

    place: Place
    path: Path
    file_uid: int


def owns(folder: Path) -> bool:
    """Whether a folder is a folder (not a link) of the user running secplan."""
    try:
        st = os.lstat(folder)
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and st.st_uid == os.geteuid()


def owner_name(folder: Path) -> str:
    """The login of a folder's owner, for messages."""
    try:
        return terminal_safe(account_name(os.lstat(folder).st_uid))
    except OSError:
        return show_path(folder.name)


class Seat:
    """One user's place in a classroom: where their own sessions go, whether they are a trainer, and the rules of
    what they see and change.

    Taking a seat works out the user's folder (a learner's ``<root>/<login>``, a trainer's in the trainers' area
    when it is sound) and tells in ``notice`` what is wrong with the set-up; a folder of the user's that is not
    theirs is refused at once (a trainer is only told: they still read every learner's work).

    Args:
        classroom: The classroom set-up, from its marker.
        st: The classroom folder's stat.
        notice: Called with what the user should be told.

    Raises:
        NotPermitted: a learner's folder exists but belongs to someone else.
        StoreError: a learner's folder cannot be opened.
    """

    def __init__(self, classroom: Classroom, st: os.stat_result, notice: Callable[[str], None]) -> None:
        self.classroom = classroom
        self.root = classroom.root
        """The classroom folder (the workspace directory)."""
        self.location = show_path(self.root)
        self._notice = notice
        euid = os.geteuid()
        self.home = classroom.folder_of(euid)
        """Where this user's sessions are written: ``<root>/<user>`` for a learner, ``<root>/.trainers/<user>``
        for a trainer or root."""
        self.legacy_home = self.home
        """``<root>/<user>``, where a trainer's sessions went before the trainers' area."""
        self.trainer = euid == 0 or classroom.gid == os.getegid() or classroom.gid in os.getgroups()
        """A member of the trainers' group, or root: reads every learner's sessions."""
        self.area_trusted = False
        """The trainers' area exists as ``classroom init`` makes it (root's, the trainers' group, nobody else may
        write)."""
        self._home_checked = False
        if self.trainer:
            # A trainer's (and root's) own sessions live in the trainers' area, where no learner can make anything:
            # a learner's folder or link named after a trainer's login cannot stop the trainer from working.
            area = self.root / CLASSROOM_TRAINERS
            try:
                area_st: os.stat_result | None = os.lstat(area)
            except OSError:
                area_st = None
            self.area_trusted = area_st is not None and trusted_area(area_st, classroom.gid)
            if self.area_trusted or (area_st is None and euid == 0):
                self.home = area / account_name(euid)  # root makes the area on its first save if it is missing
            elif area_st is None:
                self._notice(
                    f"The classroom {self.location} has no trainers' area ({CLASSROOM_TRAINERS}), so your own "
                    f"sessions go in {show_path(self.home)}, where a learner could take the name first. Ask root to "
                    f"run `{self.init_command()}` again: it makes the area and keeps every session."
                )
            else:
                self._notice(
                    f"The trainers' area {show_path(area)} of the classroom is not as `classroom init` makes it (it "
                    f"belongs to {account_name(area_st.st_uid)}, mode {stat.S_IMODE(area_st.st_mode):04o}), so it is "
                    f"not used: your own sessions go in {show_path(self.home)}. Ask root to run "
                    f"`{self.init_command()}` again: it moves the impostor aside and makes the area."
                )
        problems = []
        if st.st_gid != classroom.gid:
            problems.append(f"its group is {group_name_of(st.st_gid)}, not {classroom.group}")
        if not st.st_mode & stat.S_ISGID:
            problems.append("it is not set-group-id, so learners' folders would not get the trainers' group")
        if st.st_mode & stat.S_IROTH:
            problems.append("anyone can list it")
        if problems:
            self._notice(
                f"The classroom {self.location} is not set up as it should be: {'; '.join(problems)}. Ask the "
                f"trainer to run `{self.init_command()}` again."
            )
        if os.path.lexists(self.home):
            try:
                self.ensure_home()  # now, so that what is wrong with it is told when the workspace opens
            except SecplanError as exc:
                if not self.trainer:
                    raise
                self._notice(exc.message)  # a trainer still reads every learner's work; their own saves are refused

    def init_command(self) -> str:
        """The command that repairs the set-up, for messages."""
        return f"secplan classroom init {self.root} --group {self.classroom.group}"

    def ensure_home(self) -> None:
        """Make sure this user's folder exists, is theirs and carries the trainers' group.

        Raises:
            NotPermitted: the folder (or the trainers' area) was made by someone else.
            StoreError: the folder cannot be made or opened.
        """
        if self._home_checked:
            return
        classroom, home = self.classroom, self.home
        try:
            try:
                st = os.lstat(home)
            except FileNotFoundError:
                if home.parent != self.root and not os.path.lexists(home.parent) and os.geteuid() == 0:
                    self._make_trainers_area(classroom)
                self._make_home(classroom)
                st = os.lstat(home)
        except OSError as exc:
            raise safe_error(
                StoreError,
                "Cannot open workspace",
                f"cannot create or open your folder {show_path(home)} in the classroom {self.location}: "
                f"{os_reason(exc)}. Ask the trainer to run `{self.init_command()}` again.",
            ) from exc
        if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.geteuid():
            owner = account_name(st.st_uid)
            what = "is not a folder" if not stat.S_ISDIR(st.st_mode) else f"belongs to {owner}"
            raise safe_error(
                NotPermitted,
                "Not your folder",
                f"your folder {show_path(home)} in the classroom {self.location} {what}, not to you "
                f"({account_name(os.geteuid())}): someone made it before you. Nothing was saved. Ask the "
                "trainer to look inside and remove it; your secplan makes a new one.",
            )
        if st.st_gid != classroom.gid or not st.st_mode & stat.S_ISGID:
            self._notice(
                f"Your folder {show_path(home)} does not carry the trainers' group {classroom.group} (group "
                f"{group_name_of(st.st_gid)}, mode {stat.S_IMODE(st.st_mode):04o}), so your sessions are "
                f"saved private (0600) and the trainers cannot read them. Ask the trainer to run "
                f"`{self.init_command()}` again as root."
            )
        self._home_checked = True

    def _make_home(self, classroom: Classroom) -> None:
        # The folder gets the trainers' group and the set-group-id bit from the classroom folder (itself
        # set-group-id). A learner outside that group cannot chmod it afterwards without the kernel clearing
        # the set-group-id bit, so the mode is given at mkdir time, under a umask that keeps it (umask is
        # per process: this is the one place secplan changes it, for one system call).
        old = os.umask(0o027)
        try:
            os.mkdir(self.home, CLASSROOM_FOLDER_MODE)
        except FileExistsError:
            return  # made a moment ago by our other process; checked by the caller
        finally:
            os.umask(old)
        st = os.stat(self.home)
        if st.st_gid != classroom.gid or stat.S_IMODE(st.st_mode) != CLASSROOM_FOLDER_MODE:
            # The classroom folder was not set-group-id: a trainer (member of the group) or root can mend it.
            with contextlib.suppress(OSError):
                os.chown(self.home, -1, classroom.gid)
                os.chmod(self.home, CLASSROOM_FOLDER_MODE)
        try:
            fsync_dir(self.home.parent)
        except PermissionError:
            os.sync()  # a learner may not read the classroom folder, so cannot sync it; this happens once

    def _make_trainers_area(self, classroom: Classroom) -> None:
        """As root, make the trainers' area of a classroom set up before it existed (classroom init makes it)."""
        area = self.root / CLASSROOM_TRAINERS
        with contextlib.suppress(FileExistsError):
            os.mkdir(area, DIR_MODE)
        fd = open_folder(area, "the trainers' area")
        try:
            if os.fstat(fd).st_uid != 0:
                raise safe_error(
                    NotPermitted,
                    "Not your folder",
                    f"the trainers' area {show_path(area)} was made by {account_name(os.fstat(fd).st_uid)}, not by "
                    f"root. Nothing was saved. Run `{self.init_command()}` again: it moves it aside and makes the "
                    "area.",
                )
            set_owner_and_mode(fd, area, 0, classroom.gid, CLASSROOM_TRAINERS_MODE, "the trainers' area")
        finally:
            os.close(fd)
        self.area_trusted = True

    def folders(self) -> list[Place]:
        """The folders whose sessions this user sees: their own, and for a trainer every learner's and trainer's.

        Entries of the classroom folder that are not folders (a file, a symbolic link named after a trainer), or
        whose names are not printable, are ignored and told in one notice; a folder not named after its owner
        is listed as that owner's, its sessions flagged (see :meth:`_suspicion`). Nothing there can stop a
        trainer or root: their own sessions live in the trainers' area, where learners cannot write.
        """
        euid = os.geteuid()
        places = [Place(self.home, euid)] if owns(self.home) else []
        if not self.trainer:
            return places
        known = {self.home}
        if self.legacy_home != self.home and owns(self.legacy_home):
            places.append(Place(self.legacy_home, euid))  # a trainer's sessions from before the trainers' area
            known.add(self.legacy_home)
        ignored: list[str] = []
        folders: list[tuple[str, Path]] = []
        area = self.root / CLASSROOM_TRAINERS
        if self.area_trusted:
            with contextlib.suppress(OSError):
                folders.extend((entry.name, Path(entry.path)) for entry in os.scandir(area))
        try:
            folders.extend((e.name, Path(e.path)) for e in os.scandir(self.root) if not e.name.startswith("."))
        except OSError as exc:
            self._notice(
                f"As a trainer you should be able to list the classroom {self.location}, but: {os_reason(exc)}. "
                "Only your own sessions are shown."
            )
        for name, folder in sorted(folders, key=lambda item: str(item[1])):
            if folder in known:
                continue
            try:
                st = os.lstat(folder)
            except OSError:
                continue  # gone while we listed
            owner = account_name(st.st_uid)
            if stat.S_ISLNK(st.st_mode) or not stat.S_ISDIR(st.st_mode) or not is_terminal_safe(name):
                kind = (
                    "a symbolic link" if stat.S_ISLNK(st.st_mode)
                    else "a folder whose name is not printable" if stat.S_ISDIR(st.st_mode)
                    else "not a folder"
                )
                ignored.append(f"{show(name, 40)} ({kind}, {owner}'s)")
                continue
            places.append(Place(folder, st.st_uid, misnamed=name != owner))
        if ignored:
            what = "is not a learner's folder" if len(ignored) == 1 else "are not learners' folders"
            more = f" and {len(ignored) - 5} more" if len(ignored) > 5 else ""
            self._notice(
                f"Ignored in the classroom {self.location}: {counted(len(ignored), 'entry', 'entries')} that "
                f"{what}: {', '.join(ignored[:5])}{more}. They change nothing; root may remove them."
            )
        return places

    def check_writable(self, folder: Path, label: Callable[[], str], what: str) -> None:
        """Only the owner of a session's folder changes it; refuse anyone else (root too).

        Args:
            folder: The folder holding the session.
            label: The session as messages name it (asked only when refusing).
            what: What was to be changed, for the message ("The deletion").

        Raises:
            NotPermitted: the session is not this user's to change (or their own folder was made by another).
            StoreError: their own folder cannot be made or opened.
        """
        if folder == self.home:
            self.ensure_home()
            return
        if folder == self.legacy_home and self.trainer and owns(folder):
            return  # a trainer's own sessions from before the trainers' area
        owner = owner_name(folder)
        denied = os_reason(PermissionError(errno.EACCES, os.strerror(errno.EACCES)))
        raise safe_error(
            NotPermitted,
            "Not yours to change",
            f"session {label()} belongs to {owner}, and in a classroom only {owner} can change "
            f"it ({denied}). Refused: {what[:1].lower()}{what[1:]}; nothing was changed. You can still read it "
            "(e.g. `secplan plan` or `secplan exercise check`).",
        )

    def claim_id(self, session_id: str) -> bool:
        """Take the id in the class's id register, so no two learners ever get the same id; False if taken."""
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
        try:
            os.close(os.open(self.root / CLASSROOM_IDS / session_id, flags, FILE_MODE))
        except FileExistsError:
            return False
        except OSError:
            pass  # no register (a hand-made classroom): 8 random hex digits are unique enough in one class
        return True

    def _registered_owner(self, session_id: str) -> int | None:
        """The uid that took this id in the class's id register (``.ids/<id>``), None if it cannot be told."""
        try:
            return os.lstat(self.root / CLASSROOM_IDS / session_id).st_uid
        except OSError:
            return None

    def _suspicion(self, candidate: Candidate, registered: int | None) -> str | None:
        """Why a session file is not to be trusted as the work of its folder's owner, or None."""
        place, reasons = candidate.place, []
        folder_owner = account_name(place.uid)
        if place.misnamed:
            reasons.append(
                f"it is in a folder named {show(place.folder.name)} that belongs to {folder_owner}, so it is "
                f"{folder_owner}'s, not {show(place.folder.name)}'s"
            )
        if candidate.file_uid != place.uid:
            reasons.append(
                f"the file belongs to {account_name(candidate.file_uid)}, not to {folder_owner} whose folder holds it"
            )
        if registered is not None and registered != place.uid:
            reasons.append(
                f"its id {candidate.path.stem} was taken by {account_name(registered)} (the class's id register), "
                f"but this file is in {folder_owner}'s folder"
            )
        return "; ".join(reasons) or None

    def attribute(self, session_id: str, candidates: list[Candidate]) -> tuple[Candidate, str | None]:
        """Which file holds the session of this id, and why it is suspect (None if it is not).

        The genuine file is the one with nothing suspect about it; it is listed and used, whatever the order of
        the folders. Every other file with the same id is left out of the list and named in one notice each,
        saying whose it is and why it is suspect. When no file, or more than one, is beyond suspicion, the first
        (your own, then by folder name) is listed, flagged, and the others are reported.
        """
        registered = self._registered_owner(session_id)
        judged = [(candidate, self._suspicion(candidate, registered)) for candidate in candidates]
        judged.sort(key=lambda item: (item[0].place.folder != self.home, str(item[0].path)))
        clean = [candidate for candidate, why in judged if why is None]
        if len(clean) == 1:
            chosen, suspect = clean[0], None
        else:
            chosen, suspect = judged[0]
            if len(judged) > 1:
                others = ", ".join(f"{account_name(c.place.uid)}'s" for c, _ in judged[1:])
                ambiguity = (
                    f"{len(judged)} files carry the id {session_id} (this one and {others}) and nothing tells which "
                    "is genuine"
                )
                suspect = f"{suspect}; {ambiguity}" if suspect else ambiguity
        owner = account_name(chosen.place.uid)
        for candidate, why in judged:
            if candidate is chosen:
                continue
            whose = account_name(candidate.place.uid)
            self._notice(
                f"Suspect session file {show_path(candidate.path)} ({whose}'s): it carries the id {session_id} of "
                f"the session in {owner}'s folder ({show_path(chosen.path)}), which is the one shown"
                + (f"; {why}" if why else "")
                + f". The suspect file is not listed and changes nothing; ask {whose} (or root) to remove it."
            )
        return chosen, suspect

