"""The living plan: the plan's actions by due date, with filters, a key to tick one off or change its status, and
one to add a note. Opened from the plan screen and the home screen (``a``).

The screen only reacts: where each action stands comes from ``secplan_tui.plan.living``, statuses are saved through
the store the moment they are given.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from secplan_tui.core.errors import SecplanError
from secplan_tui.core.text import clean_text
from secplan_tui.frontends.tui.screens.base import SecplanScreen, TitleBar
from secplan_tui.frontends.tui.text import join, plain, styled
from secplan_tui.frontends.tui.widgets.footer import KeyFooter
from secplan_tui.frontends.tui.widgets.marked import MarkedOptionList
from secplan_tui.plan import Plan
from secplan_tui.plan.compile import CONTROL_DOMAINS
from secplan_tui.plan.living import (
    STATUS_WORDS,
    ActionProgress,
    action_progress,
    by_due_date,
    counts,
    filter_actions,
    roles_of,
)
from secplan_tui.session.controller import SessionController

STATUS_CHOICES: tuple[tuple[str, str], ...] = (
    ("todo", "To do"),
    ("doing", "Doing"),
    ("done", "Done"),
    ("deferred", "Deferred: give a new date"),
    ("wont", "Won't do: give the reason (a risk the director accepts)"),
)
"""The statuses offered by the status dialog, in order."""


class StatusDialog(ModalScreen[str | None]):
    """Pick an action's status; dismisses with the status id, or None when cancelled."""

    DEFAULT_CSS = """
    StatusDialog {
        align: center middle;
    }
    StatusDialog > Vertical {
        width: 64;
        max-width: 100%;
        height: auto;
        border: round $primary;
        padding: 0 1;
        background: $surface;
    }
    StatusDialog .dialog-title {
        text-style: bold;
    }
    StatusDialog OptionList {
        height: auto;
        border: none;
        &:focus {
            border: none;
        }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", show=False, id="dialog.cancel"),
    ]

    def __init__(self, title: Content, current: str) -> None:
        super().__init__()
        self.title_content = title
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_content, classes="dialog-title")
            yield MarkedOptionList(
                *(Option(Content(label), id=status) for status, label in STATUS_CHOICES), id="status-choices"
            )
            yield Static(Content("Enter: choose · Esc: cancel"), classes="dialog-keys")

    def on_mount(self) -> None:
        choices = self.query_one("#status-choices", OptionList)
        choices.highlighted = [s for s, _ in STATUS_CHOICES].index(self.current)
        choices.focus()

    @on(OptionList.OptionSelected, "#status-choices")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        """Close without changing anything."""
        self.dismiss(None)


class ActionsScreen(SecplanScreen[None]):
    """The plan's actions by due date, with where each stands."""

    # The screen's layout is here rather than in app.tcss (another helper's file); a request is in the report.
    DEFAULT_CSS = """
    #actions-filter {
        height: 1;
        padding: 0 1;
        color: $text-muted;
    }
    #actions-list {
        height: 1fr;
        border: none;
        &:focus {
            border: none;
        }
    }
    #actions-detail {
        height: 5;
        padding: 0 1;
        border-top: solid $primary;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("x", "toggle_done", "Done", tooltip="Tick the action off as done (again: back to to do)",
                id="actions.done"),
        Binding("s", "status", "Status", tooltip="Set the status: to do, doing, done, deferred, won't do",
                id="actions.status"),
        Binding("n", "note", "Note", tooltip="Add a note: what was done, or why", id="actions.note"),
        Binding("m", "mine", "Role", tooltip="Show one role's actions (again: the next role, then all)",
                id="actions.role"),
        Binding("o", "overdue", "Overdue", tooltip="Show only overdue actions (again: all)", id="actions.overdue"),
        Binding("t", "this_month", "Month", tooltip="Show only what is due this month or overdue",
                id="actions.month"),
        Binding("d", "domain", "Domain", tooltip="Show one domain (again: the next, then all)",
                id="actions.domain"),
        # Not in the footer (full at 80 columns): the details say "press u" on the actions it applies to.
        Binding("u", "update_answer", "Answer", show=False, id="actions.answer",
                tooltip="Open the question whose answer still says this control is missing"),
        Binding("f5", "back", "Back", key_display="F5", priority=True, id="actions.back",
                tooltip="Back to where you were"),
        Binding("b", "back", "Back", show=False, id="actions.back_key"),
        Binding("f9", "app.home", "Home", key_display="F9", priority=True, show=False, id="actions.home",
                tooltip="Back to the list of sessions"),
    ]

    def __init__(self, controller: SessionController) -> None:
        super().__init__()
        self.controller = controller
        self.plan: Plan | None = None
        self.items: list[ActionProgress] = []
        self.shown: list[ActionProgress] = []
        self.role: str | None = None
        self.domain: str | None = None
        self.overdue_only = False
        self.this_month = False

    @property
    def today(self) -> dt.date:
        """The day overdue counts from (the app's plan date: today, or fixed in tests)."""
        return self.secplan.plan_date

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(id="actions-filter")
        yield MarkedOptionList(id="actions-list")
        yield Static(id="actions-detail")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.refresh_actions()
        self.query_one("#actions-list", OptionList).focus()

    def on_screen_resume(self) -> None:
        # Back from a question: the answers may have changed the plan.
        self.controller.reload()
        self.refresh_actions()

    # -- showing ------------------------------------------------------------------------------------------------

    def refresh_actions(self, keep: str | None = None, *, reread: str = "plan") -> None:
        """Show the actions that pass the filters, keeping the cursor.

        Args:
            keep: The action to keep the cursor on (default: the one under it).
            reread: "plan" compiles the living plan again (the answers may have changed) and reads the statuses;
                "statuses" reads only the statuses (one was just set: the living plan does not depend on them);
                "nothing" only applies the filters again.
        """
        current = keep or self._selected_id()
        if reread != "nothing" or self.plan is None:
            try:
                if reread == "plan" or self.plan is None:
                    self.plan = self.controller.living_plan(self.today)
                statuses = self.controller.store.action_statuses(self.controller.meta.id)
            except SecplanError as exc:
                self.secplan.report(exc)
                return
            self.items = action_progress(self.plan.actions(), statuses, self.today)
        self.shown = by_due_date(filter_actions(
            self.items, self.today, role=self.role, overdue=self.overdue_only, this_month=self.this_month,
            domain=self.domain,
        ))
        meta = self.controller.meta
        self.query_one(TitleBar).set_title(join(
            styled(meta.name, "bold"), " · actions",
        ))
        self.query_one("#actions-filter", Static).update(self._filter_words())
        listing = self.query_one("#actions-list", OptionList)
        listing.set_options(Option(self._line(p), id=p.id) for p in self.shown)
        if not self.shown:
            listing.add_option(Option(Content(
                "No action matches these filters." if self.items else "The plan has no actions yet."
            ), disabled=True))
        ids = [p.id for p in self.shown]
        listing.highlighted = ids.index(current) if current in ids else (0 if ids else None)
        self._show_detail()
        self.refresh_bindings()

    def _filter_words(self) -> Content:
        words: list[str] = []
        if self.role is not None:
            words.append(next((t for r, t in roles_of(self.plan.actions() if self.plan else ()) if r == self.role),
                              self.role))
        if self.overdue_only:
            words.append("overdue")
        if self.this_month:
            words.append("due this month")
        if self.domain is not None:
            words.append(self.domain)
        shown = " · ".join(words) if words else "all"
        total = counts(self.items).text()
        return join(total[:1].upper(), total[1:], " · showing ", plain(shown), f" ({len(self.shown)}) by due date")

    def _line(self, p: ActionProgress) -> Content:
        """One line: due date (closed: the day), a mark (! overdue, ? done but still missing), status, title."""
        mark = "!" if p.overdue else "?" if p.still_missing else " "
        # A done or dropped action shows the day it was closed rather than a due date that no longer matters.
        day = p.set_on if p.closed and p.set_on else p.due.isoformat()
        head = f"{day} {mark} {STATUS_WORDS[p.status]:<8} "
        # The list's gutter, padding and scroll bar take about eight cells.
        room = max(12, self.app.size.width - MarkedOptionList.GUTTER - 6 - len(head))
        title = clean_text(p.action.title)
        if len(title) > room:
            title = title[: room - 3].rstrip() + "..."
        return join(head, plain(title))

    def _selected(self) -> ActionProgress | None:
        listing = self.query_one("#actions-list", OptionList)
        index = listing.highlighted
        if index is None or not 0 <= index < len(self.shown):
            return None
        return self.shown[index]

    def _selected_id(self) -> str | None:
        p = self._selected() if self.is_mounted else None
        return p.id if p else None

    def _show_detail(self) -> None:
        detail = self.query_one("#actions-detail", Static)
        p = self._selected()
        if p is None:
            detail.update(Content("! overdue · ? done, but the answers still say the control is missing"))
            return
        a = p.action
        state = STATUS_WORDS[p.status]
        if p.status == "deferred":
            state += f" until {p.due.isoformat()}"
        if p.overdue:
            state += " · overdue"
        lines: list[Content] = [
            join(styled(a.title, "bold")),
            join(state[:1].upper(), state[1:], f" · {a.priority} · {a.domain} · ", plain(a.owner_title)),
        ]
        if p.note:
            lines.append(join("Note: ", plain(p.note)))
        if p.still_missing:
            lines.append(join("? Marked done, but the answers still say this control is missing: press u to "
                              "update ", plain(", ".join(p.still_missing)), "."))
        elif not p.note:
            lines.append(join("Id ", plain(a.id), " · x done · s status · n note"))
        detail.update(Content("\n").join(lines))

    @on(OptionList.OptionHighlighted, "#actions-list")
    def _highlighted(self) -> None:
        self._show_detail()
        self.refresh_bindings()

    @on(OptionList.OptionSelected, "#actions-list")
    def _chosen(self) -> None:
        self.action_status()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("toggle_done", "status", "note"):
            return self._selected() is not None if self.is_mounted else False
        if action == "update_answer":
            p = self._selected() if self.is_mounted else None
            return p is not None and bool(p.still_missing)
        return True

    # -- changes ------------------------------------------------------------------------------------------------

    def _save(self, p: ActionProgress, status: str, *, due: str | None = None, note: str | None = None) -> bool:
        """Save a status; True when saved. The note kept unless a new one is given."""
        try:
            self.controller.store.set_action_status(
                self.controller.meta.id, p.id, status, due=due, note=p.note if note is None else note
            )
        except SecplanError as exc:
            self.secplan.report(exc)
            return False
        row = self.query_one("#actions-list", OptionList).highlighted
        # The living plan depends on the statuses only through its date, which the first status ever set fixes.
        first = all(item.status == "todo" for item in self.items)
        self.refresh_actions(keep=p.id, reread="plan" if first else "statuses")
        if status in ("done", "wont") and row is not None and self.shown:
            # A closed action sorts to the end: the cursor stays on the row, now the next action, so x ticks
            # off one after another.
            self.query_one("#actions-list", OptionList).highlighted = min(row, len(self.shown) - 1)
            self._show_detail()
        return True

    def action_toggle_done(self) -> None:
        """Done, or back to to do when it was done."""
        p = self._selected()
        if p is None:
            return
        if p.status == "done":
            self._save(p, "todo")
            return
        # No notice: the list's "?" and the details say when the answers still call for it (a notice per tick
        # would cover the list).
        self._save(p, "done")

    def action_status(self) -> None:
        """Choose a status; deferred asks for the new date, won't do for the reason."""
        p = self._selected()
        if p is None:
            return

        def chosen(status: str | None) -> None:
            if status is None or (status == p.status and status not in ("deferred", "wont")):
                return
            if status == "deferred":
                self._ask_date(p)
            elif status == "wont":
                self._ask_reason(p)
            else:
                self._save(p, status)

        self.app.push_screen(StatusDialog(join("Status of ", styled(p.action.title, "bold")), p.status), chosen)

    def _ask_date(self, p: ActionProgress, value: str = "", error: str = "") -> None:
        from secplan_tui.frontends.tui.dialogs import TextDialog

        # The suggestion is the placeholder, taken by a bare Enter: typing a date needs no deleting first.
        suggested = (max(p.due, self.today) + dt.timedelta(days=30)).isoformat()

        def given(text: str | None) -> None:
            if text is None:
                return
            try:
                day = dt.date.fromisoformat(text.strip() or suggested)
            except ValueError:
                self._ask_date(p, text, "Write the date as YYYY-MM-DD, e.g. 2026-09-01.")
                return
            self._save(p, "deferred", due=day.isoformat())

        self.app.push_screen(TextDialog("Defer the action", f"The new due date, YYYY-MM-DD (Enter: {suggested}):",
                                        value=value, placeholder=suggested, max_length=10, error=error,
                                        ok="Defer"), given)

    def _ask_reason(self, p: ActionProgress, error: str = "") -> None:
        from secplan_tui.frontends.tui.dialogs import TextDialog

        def given(text: str | None) -> None:
            if text is None:
                return
            if not text.strip():
                self._ask_reason(p, "Say why: the plan lists it as a risk the director accepts.")
                return
            self._save(p, "wont", note=text.strip())

        self.app.push_screen(TextDialog("Won't do", "Why will it not be done? (shown as a risk accepted)",
                                        value=p.note, max_length=500, error=error, ok="Save"), given)

    def action_note(self) -> None:
        """Add or change the note of the highlighted action (its status stays)."""
        from secplan_tui.frontends.tui.dialogs import TextDialog

        p = self._selected()
        if p is None:
            return

        def given(text: str | None) -> None:
            if text is None:
                return
            if p.status == "wont" and not text.strip():
                self.secplan.tell("A won't-do action keeps its reason; set another status first.", warning=True)
                return
            self._save(p, p.status, due=p.due.isoformat() if p.status == "deferred" else None, note=text.strip())

        self.app.push_screen(TextDialog("Note", "What was done, or why (one line):", value=p.note,
                                        max_length=500, ok="Save"), given)

    # -- filters ------------------------------------------------------------------------------------------------

    def action_mine(self) -> None:
        """All roles -> the first role -> the next ... -> all."""
        roles = [r for r, _ in roles_of(self.plan.actions() if self.plan else ())]
        if not roles:
            return
        index = roles.index(self.role) + 1 if self.role in roles else 0
        self.role = roles[index] if index < len(roles) else None
        self.refresh_actions(reread="nothing")

    def action_overdue(self) -> None:
        """Only overdue actions, or all."""
        self.overdue_only = not self.overdue_only
        self.refresh_actions(reread="nothing")

    def action_this_month(self) -> None:
        """Only what is due this month (and overdue), or all."""
        self.this_month = not self.this_month
        self.refresh_actions(reread="nothing")

    def action_domain(self) -> None:
        """All domains -> each domain with actions in turn -> all."""
        domains = [d for d in CONTROL_DOMAINS if any(p.action.domain == d for p in self.items)]
        if not domains:
            return
        index = domains.index(self.domain) + 1 if self.domain in domains else 0
        self.domain = domains[index] if index < len(domains) else None
        self.refresh_actions(reread="nothing")

    def action_update_answer(self) -> None:
        """Open the first question whose answer still triggers the highlighted done action."""
        p = self._selected()
        if p is not None and p.still_missing and self.secplan.open_session(
            self.controller.meta.id, at_question=p.still_missing[0]
        ):
            # The question screen's F5 is "previous question", so say how to come back.
            self.secplan.tell("Update the answer, then F8 (the plan) and a (actions) bring you back here.",
                              title="Update the answer")

    def action_back(self) -> None:
        """Back to where the actions were opened from."""
        self.dismiss(None)
