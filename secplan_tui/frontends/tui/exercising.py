"""Teaching exercises and the yearly review in the app: what the keys for the briefing, the check against the
model, the changes since the last snapshot and taking a snapshot do.

The question and plan screens call these; the work is done by the services (``teaching.check``,
``teaching.scenario``, ``review``), and the documents are made in a thread by
:class:`~secplan_tui.frontends.tui.screens.document.DocumentScreen`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content

from secplan_tui.core.errors import InvalidInput, SecplanError
from secplan_tui.frontends.tui.text import join, plain, styled

if TYPE_CHECKING:
    from secplan_tui.core.model import Question
    from secplan_tui.frontends.tui.app import SecplanApp
    from secplan_tui.frontends.tui.screens.document import Document
    from secplan_tui.plan import Plan
    from secplan_tui.session.controller import SessionController
    from secplan_tui.teaching.check import ExerciseCheck



def is_learner(controller: SessionController) -> bool:
    """Whether the session is a teaching exercise (started with ``secplan new NAME --scenario ID``)."""
    return controller.meta.scenario is not None


# -- the briefing -------------------------------------------------------------------------------------------------


def show_briefing(app: SecplanApp, controller: SessionController, question: Question | None = None) -> None:
    """Open the scenario's briefing, with the question on screen and its hint above it (when there is one)."""
    from secplan_tui.frontends.tui.screens.document import BriefingScreen, Document

    meta = controller.meta
    intro = question_intro(question)

    def make() -> Document:
        from secplan_tui.teaching.scenario import briefing_markdown, learner_scenario

        return Document(briefing_markdown(learner_scenario(meta)), intro=intro)

    title = join(styled(meta.name, "bold"), " · briefing")
    app.push_screen(BriefingScreen(title, make, what="the briefing"))


def question_intro(question: Question | None) -> Content:
    """The question on screen and its hint, to read beside the briefing (the hint may be below the fold on a small
    terminal)."""
    if question is None:
        return Content("")
    lines = [join(styled("Question on screen: ", "bold"), plain(question.text))]
    if question.hint:
        lines.append(join(styled("Hint: ", "bold"), plain(question.hint)))
    lines.append(styled("F10 or i: back to the question · arrows, PgUp/PgDn: scroll", "$text-muted"))
    return Content("\n").join(lines)


# -- the check against the model ---------------------------------------------------------------------------------


def show_check(app: SecplanApp, controller: SessionController) -> None:
    """Open the check against the scenario's model; while questions are left, ask first (it shows the model
    answers)."""
    from secplan_tui.frontends.tui.dialogs import ConfirmDialog

    answered, visible = controller.flow.counts()
    if answered >= visible:
        _open_check(app, controller)
        return
    message = Content(
        f"You have answered {answered} of {visible} questions. The check shows the model answers and the "
        "reasoning behind them, so it is best read once you have finished; unanswered questions count as "
        "disagreeing."
    )
    app.push_screen(
        ConfirmDialog("Check against the model now?", message, yes="Show the check", no="Not yet"),
        lambda show: _open_check(app, controller) if show else None,
    )


def _open_check(app: SecplanApp, controller: SessionController) -> None:
    from secplan_tui.frontends.tui.screens.document import CheckScreen, Document

    meta = controller.meta
    questionnaire = controller.questionnaire
    answers = dict(controller.answers)
    notes = controller.answer_notes

    def make() -> Document:
        from secplan_tui.teaching.check import check_exercise, render_check_markdown
        from secplan_tui.teaching.scenario import learner_scenario

        check = check_exercise(learner_scenario(meta), questionnaire, answers, learner=meta.name, notes=notes,
                               suspect=meta.suspect)
        return Document(render_check_markdown(check, differences_table=True, narrow=True), header=score_header(check))

    title = join(styled(meta.name, "bold"), " · check against the model")
    app.push_screen(CheckScreen(title, make, what="the check"))


def score_header(check: ExerciseCheck) -> Content:
    """The score and what it is made of, and the formula in one line."""
    from secplan_tui.teaching.check import SCORE_FORMULA, share_percent

    answers, actions = share_percent(check.answer_agreement), share_percent(check.action_f1)
    return Content("\n").join([
        join(styled(f"Score {check.score} / 100", "bold"),
             f" · answer agreement A = {answers}% · action overlap F = {actions}%"),
        styled(f"{SCORE_FORMULA}, explained in docs/exercise.md", "$text-muted"),
    ])


# -- the yearly review ------------------------------------------------------------------------------------------


NO_SNAPSHOT = (
    "This session has no snapshot yet, so there is nothing to compare with. A snapshot keeps the plan as it "
    "stands, for example at this year's review; after you change answers, this screen lists what changed since.\n\n"
    "Take one with t on the plan screen (F5 goes back there), or on the command line with "
    "secplan plan {session} --snapshot --label \"review {year}\"."
)


def show_changes(app: SecplanApp, controller: SessionController) -> None:
    """Open what changed between the session's last snapshot and its plan as the answers stand now."""
    from secplan_tui.frontends.tui.screens.document import ChangesScreen, Document

    store, meta, questionnaire = app.store, controller.meta, controller.questionnaire
    plan_date = app.plan_date

    def make() -> Document:
        from secplan_tui.review import changes_since_last_snapshot, render_diff_markdown, summarise_diff

        # The current plan at the living plan's date (as the plan screen and `secplan diff S@latest S` use).
        living_date = controller.plan_date(plan_date)
        diff = changes_since_last_snapshot(store, meta.id, questionnaire, living_date)
        if diff is None:
            return Document("", intro=plain(NO_SNAPSHOT.format(session=meta.id, year=plan_date.year),
                                             keep_newlines=True))
        return Document(render_diff_markdown(diff), header=styled(summarise_diff(diff) + _progress_since(), "bold"))

    def _progress_since() -> str:
        """The living plan since the snapshot: " · actions since then: 3 done, 1 deferred", or ""."""
        from secplan_tui.plan.living import plan_statuses, status_changes

        snapshots = store.snapshots(meta.id)
        if not snapshots:
            return ""
        moved = status_changes(plan_statuses(snapshots[-1].plan), store.action_statuses(meta.id)).text()
        return f" · actions since then: {moved}" if moved else ""

    title = join(styled(meta.name, "bold"), " · changes since the last snapshot")
    app.push_screen(ChangesScreen(title, make, what="the changes"))


def ask_snapshot(app: SecplanApp, controller: SessionController, plan: Plan, *, label: str = "",
                 error: str = "") -> None:
    """Ask for a label (optional), then keep the plan in the session as a snapshot."""
    from secplan_tui.frontends.tui.dialogs import TextDialog
    from secplan_tui.review import MAX_LABEL_LENGTH

    default = plan.metadata.plan_date.isoformat()
    dialog = TextDialog(
        "Take a snapshot of the plan",
        f"Label, for example \"review {plan.metadata.plan_date.year}\" (leave it empty for {default}):",
        value=label,
        placeholder=default,
        max_length=MAX_LABEL_LENGTH,
        error=error,
        ok="Take snapshot",
    )

    def chosen(text: str | None) -> None:
        if text is not None:
            _take(app, controller, plan, text)

    app.push_screen(dialog, chosen)


def _take(app: SecplanApp, controller: SessionController, plan: Plan, text: str) -> None:
    from secplan_tui.review import take_snapshot

    try:
        taken = take_snapshot(app.store, controller.session_id, plan, text if text.strip() else None)
    except InvalidInput as exc:
        ask_snapshot(app, controller, plan, label=text, error=exc.message)
        return
    except SecplanError as exc:
        app.report(exc)
        return
    snapshot = taken.snapshot
    message = (f"Kept the plan as snapshot {snapshot.id} \"{snapshot.label}\". After you change answers, "
               "g on the plan screen shows what changed since.")
    if taken.same_label:
        ids = ", ".join(str(i) for i in taken.same_label)
        message += f" Snapshot{'s' if len(taken.same_label) != 1 else ''} {ids} had the same label."
    app.tell(message, title="Snapshot saved")
