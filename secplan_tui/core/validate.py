"""Every static check of a questionnaire: ids, conditions, types, reachability, roles, references, help text.

Problems are collected, never raised one at a time; ``load_questionnaire`` raises only after every check ran.
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from secplan_tui.core import control_ids as controls
from secplan_tui.core.conditions import Call, Compare, Condition, ListLit, Literal, Node, Operand, Ref, compares
from secplan_tui.core.errors import Code, Problem, QuestionnaireInvalid, Severity, problem
from secplan_tui.core.loader import LoadResult, SourceMap, load_file
from secplan_tui.core.model import (
    LEGACY_EFFORT_HOURS,
    SPECIAL_VALUES,
    AnswerValue,
    Question,
    Questionnaire,
    QuestionType,
)

MAX_LEAVES = 20_000
WHY_WORD_LIMIT = 60


@dataclass(frozen=True)
class _Use:
    """One condition and where it sits."""

    record: str
    """Source-map key, e.g. ``question:cyber.mfa``."""
    where: str
    """How messages name the place."""
    condition: Condition
    line: int
    position: int | None
    """For section and question conditions: the index of the first question guarded (refs come before it)."""


def _suggest(word: str, candidates: list[str]) -> str:
    near = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    return f"; did you mean '{near[0]}'?" if near else ""


def validate(result: LoadResult, *, reachability: bool = True) -> list[Problem]:
    """Run every semantic check on a loaded file; returns all problems, structure ones included, sorted.

    Args:
        result: The loaded file.
        reachability: Also look for questions that can never be shown and actions that can never trigger (the
            slowest check, and a lint: such records make no plan wrong, they are only dead). ``secplan validate``
            and the tests always run it; opening a questionnaire to answer it does not.
    """
    problems = list(result.problems)
    q = result.questionnaire
    if q is not None:
        problems.extend(_Checker(q, result.path, result.source_map).run(reachability=reachability))
    unique = sorted(set(problems), key=lambda p: (p.file, p.line, p.code, p.message))
    return unique


def validate_path(path: str | Path, display: str | None = None) -> list[Problem]:
    """Load and check one file; never raises for anything the file contains."""
    return validate(load_file(path, display))


def load_questionnaire(path: str | Path, display: str | None = None, *, reachability: bool = True) -> Questionnaire:
    """Load a questionnaire and run every check (the reachability lint only when asked, see :func:`validate`).

    Raises:
        QuestionnaireInvalid: with every problem, when any is an error.
    """
    result = load_file(path, display)
    problems = validate(result, reachability=reachability)
    if result.questionnaire is None or any(p.severity is Severity.ERROR for p in problems):
        raise QuestionnaireInvalid(problems)
    return result.questionnaire


class _Checker:
    def __init__(self, questionnaire: Questionnaire, name: str, source_map: SourceMap) -> None:
        self.q = questionnaire
        self.name = name
        self.map = source_map
        self.problems: list[Problem] = []
        self.order = [qu.id for qu in questionnaire.questions()]
        self.position = {qid: i for i, qid in enumerate(self.order)}
        self.questions = {qu.id: qu for qu in questionnaire.questions()}
        self.unreachable: set[str] = set()
        self.cyclic: set[str] = set()
        """Questions in a condition cycle, set by check_cycles; reachability leaves them out."""

    def add(self, code: Code, line: int, **kwargs: object) -> None:
        self.problems.append(problem(code, self.name, line, **kwargs))

    def run(self, *, reachability: bool = True) -> list[Problem]:
        self.check_ids()
        uses = list(self.uses())
        bad_refs = self.check_refs(uses)
        self.check_types(uses)
        self.check_roles_and_refs()
        self.check_actions()
        self.check_planning()
        self.check_help()
        if not bad_refs:
            self.check_cycles(uses)
            if reachability:
                self.check_reachability(uses)
        self.check_unused(uses)
        return self.problems

    # -- ids -------------------------------------------------------------------------------------------------

    def check_ids(self) -> None:
        def dupes(kind: str, items: list[tuple[str, int]]) -> None:
            first: dict[str, int] = {}
            for ident, line in items:
                if not ident:
                    continue
                if ident in first:
                    self.add(Code.DUPLICATE_ID, line, id=ident, first_line=first[ident])
                else:
                    first[ident] = line

        def line(loc: object) -> int:
            return int(getattr(loc, "line", 0))

        dupes("section", [(s.id, line(s.location)) for s in self.q.sections])
        dupes("question", [(qu.id, line(qu.location)) for qu in self.q.questions()])
        dupes("action", [(a.id, line(a.location)) for a in self.q.actions])
        dupes("role", [(r.id, line(r.location)) for r in self.q.roles])
        dupes("risk", [(r.id, line(r.location)) for r in self.q.risks])
        for qu in self.q.questions():
            dupes("choice", [(c.id, line(c.location) or line(qu.location)) for c in qu.choices])
            if qu.id and not qu.id.startswith(f"{qu.section}."):
                self.add(Code.ID_OUTSIDE_SECTION, line(qu.location), id=qu.id, section=qu.section)

    # -- conditions ------------------------------------------------------------------------------------------

    def uses(self) -> Iterator[_Use]:
        for section in self.q.sections:
            first = section.questions[0].id if section.questions else None
            pos = self.position.get(first, len(self.order)) if first else len(self.order)
            if section.when is not None:
                yield _Use(f"section:{section.id}", f"section '{section.id}'", section.when,
                           self.map.line(f"section:{section.id}", "when", _line(section.location)), pos)
            for qu in section.questions:
                if qu.when is not None:
                    yield _Use(f"question:{qu.id}", f"question '{qu.id}'", qu.when,
                               self.map.line(f"question:{qu.id}", "when", _line(qu.location)),
                               self.position.get(qu.id))
        for role in self.q.roles:
            for case in role.cases:
                yield _Use(f"role:{role.id}", f"role '{role.id}'", case.when,
                           self.map.line(f"role:{role.id}", "when", _line(role.location)), None)
        for action in self.q.actions:
            yield _Use(f"action:{action.id}", f"action '{action.id}'", action.when,
                       self.map.line(f"action:{action.id}", "when", _line(action.location)), None)
            for i, variant in enumerate(action.variants):
                yield _Use(f"variant:{action.id}", f"variant {i + 1} of action '{action.id}'", variant.when,
                           self.map.line(f"action:{action.id}:variant{i}", "when", _line(action.location)), None)
        plan = self.q.planning
        plan_line = _line(plan.location)
        if plan.nobody_technical is not None:
            yield _Use("planning", "'planning' 'nobody_technical'", plan.nobody_technical,
                       self.map.line("planning", "nobody_technical", plan_line), None)
        for hours_case in plan.default_hours:
            if hours_case.when is not None:
                yield _Use("planning", "a case of 'planning' 'default_hours'", hours_case.when,
                           self.map.line("planning:default_hours", "when", plan_line), None)
        for rid, cases in plan.role_hours:
            for role_case in cases:
                if role_case.when is not None:
                    yield _Use("planning", f"a case of 'planning' 'role_hours' '{rid}'", role_case.when,
                               self.map.line(f"planning:role_hours:{rid}", "when", plan_line), None)
        for risk in self.q.risks:
            if risk.when is not None:
                yield _Use(f"risk:{risk.id}", f"risk '{risk.id}'", risk.when,
                           self.map.line(f"risk:{risk.id}", "when", _line(risk.location)), None)
            for adj in risk.adjustments:
                yield _Use(f"risk:{risk.id}", f"risk '{risk.id}'", adj.when,
                           self.map.line(f"risk:{risk.id}", "when", _line(risk.location)), None)

    def check_refs(self, uses: list[_Use]) -> bool:
        bad = False
        for use in uses:
            for qid in sorted(use.condition.question_ids()):
                if qid not in self.questions:
                    bad = True
                    self.add(Code.UNKNOWN_QUESTION, use.line, where=use.where, id=qid,
                             suggestion=_suggest(qid, self.order))
                # A reference to the same or a later question is a cycle (E125) or an order error (E132):
                # check_cycles tells them apart.
        return bad

    def check_cycles(self, uses: list[_Use]) -> None:
        deps: dict[str, set[str]] = {qid: set() for qid in self.order}
        section_of = {qu.id: qu.section for qu in self.q.questions()}
        section_refs: dict[str, set[str]] = {}
        for s in self.q.sections:
            section_refs[s.id] = set(s.when.question_ids()) if s.when else set()
        for qu in self.q.questions():
            deps[qu.id] |= section_refs.get(section_of[qu.id], set())
            if qu.when is not None:
                deps[qu.id] |= qu.when.question_ids()
        reported: set[frozenset[str]] = set()
        in_cycle: set[str] = set()
        for start in self.order:
            stack: list[tuple[str, list[str]]] = [(start, [start])]
            seen: set[str] = set()
            while stack:
                node, path = stack.pop()
                for nxt in sorted(deps.get(node, ())):
                    if nxt == start:
                        cycle = frozenset(path)
                        if cycle not in reported:
                            reported.add(cycle)
                            in_cycle |= cycle
                            q0 = self.questions[start]
                            hop = path[1] if len(path) > 1 else start
                            record, where = f"question:{start}", f"question '{start}'"
                            if q0.when is None or hop not in q0.when.question_ids():
                                # The first step of the cycle comes from the section's condition: point there.
                                record, where = f"section:{q0.section}", f"section '{q0.section}'"
                            line = self.map.line(record, "when", _line(q0.location))
                            self.add(Code.CONDITION_CYCLE, line, where=where, cycle=" -> ".join([*path, start]))
                    elif nxt not in seen and nxt in deps:
                        seen.add(nxt)
                        stack.append((nxt, [*path, nxt]))
        for use in uses:
            if use.position is None:
                continue
            for qid in sorted(use.condition.question_ids()):
                if qid in self.position and self.position[qid] >= use.position and qid not in in_cycle:
                    self.add(Code.ASKED_TOO_LATE, use.line, where=use.where, id=qid)
        self.cyclic = in_cycle

    def check_types(self, uses: list[_Use]) -> None:
        for use in uses:
            for cmp in compares(use.condition.tree):
                self._check_compare(use, cmp)
            for call in _calls(use.condition.tree):
                qu = self.questions.get(call.arg.id)
                if qu is not None and call.func == "count" and qu.type is not QuestionType.MULTI:
                    self.add(Code.TYPE_MISMATCH, use.line, where=use.where,
                             reason=f"count({qu.id}) needs a multiple-choice question; "
                                    f"'{qu.id}' is {qu.type.value}")

    def _check_compare(self, use: _Use, cmp: Compare) -> None:
        left, right, op = cmp.left, cmp.right, cmp.op

        def mismatch(reason: str) -> None:
            self.add(Code.TYPE_MISMATCH, use.line, where=use.where, reason=reason)

        if isinstance(left, Literal | ListLit) and isinstance(right, Literal | ListLit):
            mismatch(f"'{_show(left)} {op} {_show(right)}' compares two fixed values")
            return
        if isinstance(left, Ref) and isinstance(right, Ref):
            a, b = self.questions.get(left.id), self.questions.get(right.id)
            if a and b and a.type != b.type:
                mismatch(f"'{a.id}' ({a.type.value}) cannot be compared with '{b.id}' ({b.type.value})")
            return
        if op in ("in", "not in"):
            if isinstance(right, Ref):
                qu = self.questions.get(right.id)
                if qu is None:
                    return
                if qu.type is not QuestionType.MULTI:
                    mismatch(f"'{op} {qu.id}' needs a multiple-choice question; "
                             f"'{qu.id}' is {qu.type.value}; "
                             f"write {qu.id} == 'choice' or {qu.id} in ['a', 'b']")
                    return
                if isinstance(left, Literal):
                    self._check_literal(use, qu, left, allow_special=False)
                elif isinstance(left, ListLit):
                    mismatch("a list cannot be inside an answer; test one choice at a time")
                return
            if isinstance(right, ListLit) and isinstance(left, Ref | Call):
                qu = self.questions.get(left.arg.id if isinstance(left, Call) else left.id)
                if qu is None:
                    return
                if isinstance(left, Call):
                    for item in right.items:
                        if not isinstance(item.value, int | float):
                            mismatch(f"count({qu.id}) is a number; '{item.value}' is not")
                    return
                if qu.type is QuestionType.MULTI:
                    mismatch(f"'{qu.id}' is multiple choice; test one choice with 'x' in {qu.id}")
                    return
                for item in right.items:
                    self._check_literal(use, qu, item, allow_special=True)
                return
            mismatch(f"'{op}' needs a list on its right, like ['a', 'b'], or a multiple-choice question")
            return
        # ==, !=, <, <=, >, >=
        ref_side, lit_side = (left, right) if isinstance(right, Literal | ListLit) else (right, left)
        if isinstance(lit_side, ListLit):
            mismatch(f"'{op}' cannot compare with a list; use 'in'")
            return
        if isinstance(ref_side, Call):
            if ref_side.func != "count":
                mismatch(f"{ref_side.func}(...) is already a condition; do not compare it")
            elif isinstance(lit_side, Literal) and not isinstance(lit_side.value, int | float):
                mismatch(f"count({ref_side.arg.id}) is a number; '{lit_side.value}' is not")
            return
        if not isinstance(ref_side, Ref) or not isinstance(lit_side, Literal):
            return
        qu = self.questions.get(ref_side.id)
        if qu is None:
            return
        ordering = op in ("<", "<=", ">", ">=")
        if qu.type is QuestionType.NUMBER:
            if isinstance(lit_side.value, str):
                if ordering or lit_side.value not in SPECIAL_VALUES:
                    mismatch(f"'{qu.id}' is a number; '{lit_side.value}' is text")
                else:
                    self._check_literal(use, qu, lit_side, allow_special=True)
            return
        if ordering:
            mismatch(f"'{op}' needs a number question; '{qu.id}' is {qu.type.value}")
            return
        if qu.type is QuestionType.MULTI and not (isinstance(lit_side.value, str) and lit_side.value in SPECIAL_VALUES):
            mismatch(f"'{qu.id}' is multiple choice; test a choice with '{_show(lit_side)}' in {qu.id}")
            return
        self._check_literal(use, qu, lit_side, allow_special=True)

    def _check_literal(self, use: _Use, qu: Question, lit: Literal, allow_special: bool) -> None:
        value = lit.value
        # 'dont_know' / 'not_applicable' are answers of every type (a number question answered "don't know").
        if allow_special and isinstance(value, str) and value in SPECIAL_VALUES:
            offered = qu.dont_know if value == "dont_know" else qu.not_applicable
            if not offered:
                self.add(Code.UNKNOWN_CHOICE, use.line, where=use.where, choice=value, id=qu.id,
                         suggestion=" (the question does not offer it)")
            return
        if qu.type.has_choices:
            if not isinstance(value, str):
                self.add(Code.TYPE_MISMATCH, use.line, where=use.where,
                         reason=f"'{qu.id}' answers with a choice id; {value!r} is a number")
                return
            if qu.choice(value) is None:
                choices = list(qu.choice_ids())
                self.add(Code.UNKNOWN_CHOICE, use.line, where=use.where, choice=value, id=qu.id,
                         suggestion=_suggest(value, choices) or f"; choices: {', '.join(choices)}")
        elif qu.type is QuestionType.NUMBER and not isinstance(value, int | float):
            self.add(Code.TYPE_MISMATCH, use.line, where=use.where, reason=f"'{qu.id}' is a number; '{value}' is text")
        elif qu.type in (QuestionType.TEXT, QuestionType.LONGTEXT) and not isinstance(value, str):
            self.add(Code.TYPE_MISMATCH, use.line, where=use.where, reason=f"'{qu.id}' is text; {value!r} is a number")

    # -- roles, references, help -----------------------------------------------------------------------------

    def check_roles_and_refs(self) -> None:
        role_ids = [r.id for r in self.q.roles]
        action_ids = [a.id for a in self.q.actions]
        every_ref = controls.all_references()
        for a in self.q.actions:
            where = f"action '{a.id}'"
            if a.owner and a.owner not in role_ids:
                self.add(Code.UNKNOWN_ROLE, self.map.line(f"action:{a.id}", "owner", _line(a.location)), where=where,
                         role=a.owner, suggestion=_suggest(a.owner, role_ids) or _roles_hint(role_ids))
            if not a.references:
                self.add(Code.NO_CONTROL_REFS, _line(a.location), id=a.id)
            for ref in a.references:
                if not controls.is_known(ref):
                    near = _suggest(ref, every_ref)
                    if ref.startswith("CSF:") and ref[4:6] in ("PR", "ID", "DE", "RS", "RC") and (
                        ref[4:9] in ("PR.AC", "PR.IP", "PR.PT", "ID.BE", "ID.GV", "ID.SC", "DE.DP")
                        or ref in ("CSF:PR.DS-03", "CSF:PR.DS-04", "CSF:PR.DS-05", "CSF:ID.AM-06")
                        or "-" in ref and len(ref.rsplit("-", 1)[1]) == 1
                    ):
                        near = "; that is a withdrawn NIST CSF 1.1 id: use a CSF 2.0 id (e.g. CSF:PR.AA-05)"
                    if not near and ":" not in ref:
                        near = "; write PREFIX:ID with ISO27001, CSF, CIS or CE, e.g. CSF:GV.RR-02"
                    line = self.map.line(f"action:{a.id}", f"ref:{ref}", _line(a.location))
                    self.add(Code.UNKNOWN_CONTROL_REF, line, where=where, ref=ref, suggestion=near)
        for qu in self.q.questions():
            if qu.discover is not None and qu.discover.ask not in role_ids:
                self.add(Code.UNKNOWN_ROLE, self.map.line(f"question:{qu.id}", "discover.ask", _line(qu.location)),
                         where=f"question '{qu.id}' 'discover'", role=qu.discover.ask,
                         suggestion=_suggest(qu.discover.ask, role_ids) or _roles_hint(role_ids))
        for r in self.q.risks:
            for t in r.treated_by:
                if t not in action_ids:
                    self.add(Code.UNKNOWN_ACTION, self.map.line(f"risk:{r.id}", f"treated_by:{t}", _line(r.location)),
                             where=f"risk '{r.id}'", id=t, suggestion=_suggest(t, action_ids))

    def check_actions(self) -> None:
        """Effort in hours, a skill, and 'after' naming actions that exist, without cycles."""
        action_ids = [a.id for a in self.q.actions]
        known = set(action_ids)
        deps: dict[str, list[str]] = {}
        for a in self.q.actions:
            record = f"action:{a.id}"
            if a.effort in LEGACY_EFFORT_HOURS:
                low, high = LEGACY_EFFORT_HOURS[a.effort]
                self.add(Code.EFFORT_AS_SIZE,
                         self.map.line(record, "effort", _line(a.location)), id=a.id, size=a.effort,
                         low=int(low), high=int(high))
            if (record, "skill") not in self.map.lines:
                self.add(Code.NO_SKILL, _line(a.location), id=a.id)
            deps[a.id] = []
            for dep in a.after:
                line = self.map.line(record, f"after:{dep}", self.map.line(record, "after", _line(a.location)))
                if dep == a.id:
                    self.add(Code.AFTER_CYCLE, line, where=f"action '{a.id}' 'after'", cycle=f"{a.id} -> {a.id}")
                elif dep not in known:
                    self.add(Code.UNKNOWN_ACTION, line, where=f"action '{a.id}' 'after'", id=dep,
                             suggestion=_suggest(dep, action_ids))
                else:
                    deps[a.id].append(dep)
        # Cycles: a depth-first search that reports each cycle once, at the action where it was entered.
        state: dict[str, int] = {}
        reported: set[frozenset[str]] = set()
        by_id = {a.id: a for a in self.q.actions}

        def visit(node: str, path: list[str]) -> None:
            state[node] = 1
            for nxt in deps.get(node, ()):
                if state.get(nxt) == 1:
                    cycle = path[path.index(nxt):] + [nxt]
                    key = frozenset(cycle)
                    if key not in reported:
                        reported.add(key)
                        first = by_id[cycle[0]]
                        line = self.map.line(f"action:{first.id}", f"after:{cycle[1]}", _line(first.location))
                        self.add(Code.AFTER_CYCLE, line, where=f"action '{first.id}' 'after'", cycle=" -> ".join(cycle))
                elif nxt not in state:
                    visit(nxt, [*path, nxt])
            state[node] = 2

        for aid in action_ids:
            if aid not in state:
                visit(aid, [aid])

    def check_planning(self) -> None:
        """The planning block names roles, actions and a number question that exist."""
        plan = self.q.planning
        if plan.location is None:
            return
        role_ids = [r.id for r in self.q.roles]
        action_ids = [a.id for a in self.q.actions]
        base = _line(plan.location)

        def line(key: str) -> int:
            return self.map.line("planning", key, base)

        for key, value in (("director_role", plan.director_role), ("lead_role", plan.lead_role),
                           ("technical_role", plan.technical_role)):
            if value and value not in role_ids:
                self.add(Code.UNKNOWN_ROLE, line(key), where=f"'planning' '{key}'", role=value,
                         suggestion=_suggest(value, role_ids) or _roles_hint(role_ids))
        for rid, _cases in plan.role_hours:
            if rid not in role_ids:
                self.add(Code.UNKNOWN_ROLE, self.map.line("planning", f"role_hours:{rid}", line("role_hours")),
                         where="'planning' 'role_hours'", role=rid,
                         suggestion=_suggest(rid, role_ids) or _roles_hint(role_ids))
        for rid in plan.groups:
            if rid not in role_ids:
                self.add(Code.UNKNOWN_ROLE, line("groups"), where="'planning' 'groups'", role=rid,
                         suggestion=_suggest(rid, role_ids) or _roles_hint(role_ids))
        for key, value in (("lead_action", plan.lead_action), ("it_help_action", plan.it_help_action)):
            if value and value not in action_ids:
                self.add(Code.UNKNOWN_ACTION, line(key), where=f"'planning' '{key}'", id=value,
                         suggestion=_suggest(value, action_ids))
        if plan.hours_question:
            qu = self.questions.get(plan.hours_question)
            if qu is None:
                self.add(Code.UNKNOWN_QUESTION, line("hours_question"), where="'planning' 'hours_question'",
                         id=plan.hours_question, suggestion=_suggest(plan.hours_question, self.order))
            elif qu.type is not QuestionType.NUMBER:
                self.add(Code.BAD_PLANNING, line("hours_question"), where="'planning' 'hours_question'",
                         reason=f"'{qu.id}' is {qu.type.value}; the hours a month need a number question")
        if plan.hours_question and not any(c.when is None for c in plan.default_hours):
            self.add(Code.BAD_PLANNING, line("default_hours"), where="'planning' 'default_hours'",
                     reason="give a last case without 'when' (the hours when no other case holds)")

    def check_help(self) -> None:
        for qu in self.q.questions():
            line = _line(qu.location)
            if not qu.why:
                self.add(Code.NO_WHY, line, id=qu.id)
            else:
                words = len(qu.why.split())
                if words > WHY_WORD_LIMIT:
                    self.add(Code.TEXT_TOO_LONG, self.map.line(f"question:{qu.id}", "why", line),
                             where=f"question '{qu.id}' 'why'", limit=WHY_WORD_LIMIT, words=words)
            if not qu.hint:
                self.add(Code.NO_HINT, line, id=qu.id)
            if qu.is_control and not qu.dont_know:
                self.add(Code.NO_DONT_KNOW, line, id=qu.id)
            if qu.dont_know and qu.discover is None:
                self.add(Code.NO_DISCOVER, line, id=qu.id)

    def check_unused(self, uses: list[_Use]) -> None:
        used: set[str] = set()
        for use in uses:
            used |= use.condition.question_ids()
        for qu in self.q.questions():
            if qu.type.has_choices and not qu.is_control and qu.id not in used:
                self.add(Code.UNUSED_QUESTION, _line(qu.location), id=qu.id)

    # -- reachability ----------------------------------------------------------------------------------------

    def check_reachability(self, uses: list[_Use]) -> None:
        cyclic = self.cyclic
        for section in self.q.sections:
            for qu in section.questions:
                if qu.id in cyclic:
                    continue
                conds = [c for c in (section.when, qu.when) if c is not None]
                if not conds:
                    continue
                verdict = self._search(conds)
                if verdict is False:
                    self.unreachable.add(qu.id)
                    self.add(Code.QUESTION_NEVER_SHOWN, _line(qu.location), id=qu.id,
                             reason="no answers to earlier questions make "
                                    f"\"{' and '.join(c.source for c in conds)}\" true")
        for use in uses:
            if use.record.startswith("action:"):
                verdict = self._search([use.condition])
                if verdict is False:
                    self.add(Code.ACTION_NEVER_TRIGGERS, use.line, id=use.record.split(":", 1)[1],
                             reason=f"no answers make \"{use.condition.source}\" true")
            if use.record.split(":")[0] in ("question", "section", "action") and (
                self._search([use.condition], want_all=True) is True
            ):
                self.add(Code.ALWAYS_TRUE, use.line, where=use.where)

    def _search(self, conds: list[Condition], want_all: bool = False) -> bool | None:
        """Whether some (or, with want_all, every) consistent set of answers makes all conditions hold.

        Returns None when the search space is too large to decide.
        """
        needed: set[str] = set()
        todo = [qid for c in conds for qid in c.question_ids()]
        while todo:
            qid = todo.pop()
            if qid in needed or qid not in self.questions:
                continue
            needed.add(qid)
            qu = self.questions[qid]
            section = self.q.section(qu.section)
            for c in (section.when if section else None, qu.when):
                if c is not None:
                    todo.extend(c.question_ids())
        ordered = sorted(needed, key=lambda x: self.position[x])
        all_conds = list(conds)
        for qid in ordered:
            qu = self.questions[qid]
            section = self.q.section(qu.section)
            all_conds += [c for c in (section.when if section else None, qu.when) if c is not None]
        domains = {qid: self._domain(self.questions[qid], all_conds) for qid in ordered}
        size = 1
        for d in domains.values():
            size *= len(d) + 1
            if size > MAX_LEAVES:
                return None
        found_true = False
        found_false = False
        for answers in self._assignments(ordered, domains):
            if all(c.evaluate(answers) for c in conds):
                found_true = True
                if not want_all:
                    return True
            else:
                found_false = True
                if want_all:
                    return False
        return found_true if not want_all else not found_false

    def _assignments(
        self, ordered: list[str], domains: dict[str, list[AnswerValue]]
    ) -> Iterator[dict[str, AnswerValue]]:
        def walk(i: int, current: dict[str, AnswerValue]) -> Iterator[dict[str, AnswerValue]]:
            if i == len(ordered):
                yield current
                return
            qid = ordered[i]
            qu = self.questions[qid]
            section = self.q.section(qu.section)
            visible = qid not in self.unreachable and all(
                c.evaluate(current) for c in (section.when if section else None, qu.when) if c is not None
            )
            yield from walk(i + 1, current)  # unanswered or hidden
            if visible:
                for value in domains[qid]:
                    current[qid] = value
                    yield from walk(i + 1, current)
                    del current[qid]

        yield from walk(0, {})

    def _domain(self, qu: Question, conds: list[Condition]) -> list[AnswerValue]:
        values: list[AnswerValue] = []
        if qu.dont_know:
            values.append("dont_know")
        if qu.not_applicable:
            values.append("not_applicable")
        literals = _literals_for(qu.id, conds)
        if qu.type in (QuestionType.SINGLE, QuestionType.YESNO):
            values.extend(qu.choice_ids())
        elif qu.type is QuestionType.MULTI:
            ids = list(qu.choice_ids())
            if len(ids) > 8:
                mentioned = [c for c in ids if c in literals]
                others = [c for c in ids if c not in literals]
                ids = mentioned[:8] + others[: max(0, 8 - len(mentioned))]
            for r in range(len(ids) + 1):
                values.extend(list(combo) for combo in itertools.combinations(ids, r))
        elif qu.type is QuestionType.NUMBER:
            numbers: set[float] = set()
            for lit in literals:
                if isinstance(lit, int | float):
                    numbers |= {lit - 1, lit, lit + 1, lit - 0.5, lit + 0.5}
            for bound in (qu.minimum, qu.maximum):
                if bound is not None:
                    numbers.add(bound)
            if not numbers:
                numbers.add(qu.minimum if qu.minimum is not None else 0)
            for n in sorted(numbers):
                if (qu.minimum is not None and n < qu.minimum) or (qu.maximum is not None and n > qu.maximum):
                    continue
                if qu.integer and not float(n).is_integer():
                    continue
                values.append(int(n) if float(n).is_integer() else n)
        else:
            values.extend(str(lit) for lit in literals if isinstance(lit, str) and lit not in SPECIAL_VALUES)
            values.append("some other text")
        return values


def _literals_for(qid: str, conds: list[Condition]) -> set[str | int | float]:
    found: set[str | int | float] = set()
    for c in conds:
        for cmp in compares(c.tree):
            sides: list[Operand] = [cmp.left, cmp.right]
            if any(isinstance(s, Ref | Call) and _ref_id(s) == qid for s in sides):
                for s in sides:
                    if isinstance(s, Literal):
                        found.add(s.value)
                    elif isinstance(s, ListLit):
                        found |= {i.value for i in s.items}
    return found


def _ref_id(op: Operand) -> str | None:
    if isinstance(op, Ref):
        return op.id
    if isinstance(op, Call):
        return op.arg.id
    return None


def _calls(node: Node | Operand) -> list[Call]:
    from secplan_tui.core.conditions import BoolOp, Not

    if isinstance(node, Call):
        return [node]
    if isinstance(node, Compare):
        return _calls(node.left) + _calls(node.right)
    if isinstance(node, BoolOp):
        return [c for t in node.terms for c in _calls(t)]
    if isinstance(node, Not):
        return _calls(node.term)
    return []


def _show(op: Operand) -> str:
    if isinstance(op, Literal):
        return repr(op.value)
    if isinstance(op, ListLit):
        return "[" + ", ".join(repr(i.value) for i in op.items) + "]"
    return str(op)


def _line(loc: object) -> int:
    return int(getattr(loc, "line", 0))


def _roles_hint(role_ids: list[str]) -> str:
    return f"; roles: {', '.join(role_ids)}" if role_ids else "; add it under 'roles'"
