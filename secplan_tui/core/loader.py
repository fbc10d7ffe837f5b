"""Questionnaire files to model objects: safe YAML with line numbers, structure checks, all problems kept."""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from secplan_tui.core.conditions import Condition, ConditionSyntaxError, parse
from secplan_tui.core.errors import Code, Problem, problem
from secplan_tui.core.model import (
    DOMAINS,
    EFFORTS,
    LEGACY_EFFORT_HOURS,
    PRIORITY_DAYS,
    SKILLS,
    SPECIAL_VALUES,
    Action,
    ActionVariant,
    Choice,
    Discovery,
    HoursCase,
    Location,
    Planning,
    Question,
    Questionnaire,
    QuestionType,
    Risk,
    RiskAdjustment,
    Role,
    RoleCase,
    Section,
    Status,
)
from secplan_tui.core.text import clean_text
from secplan_tui.core.yaml_reader import YList, YMap, describe_value, read_yaml

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")


@dataclass
class SourceMap:
    """Lines of fields, for messages that point at the exact place: ``(record id, field) -> line``."""

    lines: dict[tuple[str, str], int] = field(default_factory=dict)

    def line(self, record: str, name: str, default: int = 0) -> int:
        """The line of a field of a record, or ``default``."""
        return self.lines.get((record, name), default)


@dataclass
class LoadResult:
    """What loading a file gave: the questionnaire if it could be built, and every problem found."""

    path: str
    questionnaire: Questionnaire | None
    problems: list[Problem]
    source_map: SourceMap
    raw: YMap | None = None


class _Builder:
    """Turns the raw YAML tree into model objects, noting structure problems as it goes."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.problems: list[Problem] = []
        self.source_map = SourceMap()

    def add(self, code: Code, line: int, **kwargs: object) -> None:
        self.problems.append(problem(code, self.name, line, **kwargs))

    def loc(self, line: int) -> Location:
        return Location(self.name, line)

    # -- field access ----------------------------------------------------------------------------------------

    def fields(self, data: YMap, where: str, allowed: tuple[str, ...], required: tuple[str, ...]) -> None:
        for key in data:
            if key not in allowed:
                near = difflib.get_close_matches(key, allowed, n=1)
                hint = f"; did you mean '{near[0]}'?" if near else f"; known fields: {', '.join(allowed)}"
                self.add(Code.UNKNOWN_FIELD, data.key_lines.get(key, data.line), where=where, field=key,
                         suggestion=hint)
        for key in required:
            if key not in data or data[key] is None or data[key] == "":
                self.add(Code.MISSING_FIELD, data.key_lines.get(key, data.line), where=where, field=key)

    def line_of(self, data: YMap, key: str) -> int:
        return data.key_lines.get(key, data.line)

    def text(self, data: YMap, key: str, where: str, default: str = "") -> str:
        value = data.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.add(Code.WRONG_TYPE, self.line_of(data, key), where=f"{where} '{key}'", expected="text",
                     found=describe_value(value))
            return default
        return str(value).strip()

    def boolean(self, data: YMap, key: str, where: str, default: bool) -> bool:
        value = data.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.add(Code.WRONG_TYPE, self.line_of(data, key), where=f"{where} '{key}'", expected="true or false",
                     found=describe_value(value))
            return default
        return value

    def number(self, data: YMap, key: str, where: str) -> float | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.add(Code.WRONG_TYPE, self.line_of(data, key), where=f"{where} '{key}'", expected="a number",
                     found=describe_value(value))
            return None
        return value

    def ident(self, data: YMap, key: str, where: str) -> str:
        value = data.get(key)
        if value is None:
            return ""
        if not isinstance(value, str) or not ID_PATTERN.match(value):
            self.add(Code.BAD_ID, self.line_of(data, key), where=where, value=value)
            return str(value)
        return value

    def mapping(self, value: object, line: int, where: str) -> YMap | None:
        if not isinstance(value, YMap):
            self.add(Code.WRONG_TYPE, line, where=where, expected="a mapping (key: value lines)",
                     found=describe_value(value))
            return None
        return value

    def items(self, data: YMap, key: str, where: str) -> Iterator[tuple[YMap, int]]:
        value = data.get(key)
        if value is None:
            return
        if not isinstance(value, YList):
            self.add(Code.WRONG_TYPE, self.line_of(data, key), where=f"{where} '{key}'", expected="a list",
                     found=describe_value(value))
            return
        for item, line in zip(value, value.item_lines, strict=True):
            m = self.mapping(item, line, f"an item of {where} '{key}'")
            if m is not None:
                yield m, line

    def texts(self, data: YMap, key: str, where: str, expected: str, item_where: str,
              item_expected: str) -> Iterator[tuple[str, int]]:
        """The items of a list of texts under ``key`` (trimmed) with their lines; a value that is not a list, or an
        item that is not text, is reported and left out."""
        raw = data.get(key)
        if raw is None:
            return
        if not isinstance(raw, YList):
            self.add(Code.WRONG_TYPE, self.line_of(data, key), where=f"{where} '{key}'", expected=expected,
                     found=describe_value(raw))
            return
        for item, line in zip(raw, raw.item_lines, strict=True):
            if isinstance(item, str):
                yield item.strip(), line
            else:
                self.add(Code.WRONG_TYPE, line, where=item_where, expected=item_expected, found=describe_value(item))

    def condition(self, data: YMap, key: str, record: str, where: str) -> Condition | None:
        value = data.get(key)
        if value is None:
            return None
        line = self.line_of(data, key)
        self.source_map.lines[(record, key)] = line
        if isinstance(value, bool) or not isinstance(value, str):
            self.add(Code.CONDITION_SYNTAX, line, where=where,
                     reason=f"expected a condition in quotes, found {describe_value(value)}")
            return None
        try:
            return parse(value)
        except ConditionSyntaxError as exc:
            self.add(Code.CONDITION_SYNTAX, line, where=where, reason=str(exc))
            return None

    def choice_of(self, data: YMap, key: str, where: str, allowed: tuple[str, ...], default: str) -> str:
        value = data.get(key)
        if value is None:
            return default
        if not isinstance(value, str) or value not in allowed:
            self.add(Code.UNKNOWN_VALUE, self.line_of(data, key), where=where, value=value, field=key,
                     allowed=", ".join(allowed))
            return default
        return value

    # -- records ---------------------------------------------------------------------------------------------

    def questionnaire(self, data: object, digest: str) -> Questionnaire | None:
        if not isinstance(data, YMap):
            self.add(Code.WRONG_TYPE, getattr(data, "line", 1), where="the file",
                     expected="a mapping with id, version, title and sections", found=describe_value(data))
            return None
        top = ("id", "version", "title", "description", "marking", "format", "roles", "sections", "actions",
               "risks", "planning")
        self.fields(data, "the questionnaire", top, ("id", "version", "title", "sections"))
        qid = self.ident(data, "id", "the questionnaire's 'id'")
        version_raw = data.get("version")
        version = ""
        if isinstance(version_raw, str):
            version = version_raw.strip()
        elif isinstance(version_raw, int) and not isinstance(version_raw, bool):
            version = str(version_raw)
        elif version_raw is not None:
            self.add(Code.WRONG_TYPE, self.line_of(data, "version"), where="'version'",
                     expected="text in quotes, e.g. \"1.0\"", found=describe_value(version_raw))
        roles = tuple(
            r for r in (self.role(m, line) for m, line in self.items(data, "roles", "the questionnaire"))
            if r is not None
        )
        sections = tuple(
            s
            for s in (self.section(m, line) for m, line in self.items(data, "sections", "the questionnaire"))
            if s is not None
        )
        actions = tuple(
            a for a in (self.action(m, line) for m, line in self.items(data, "actions", "the questionnaire"))
            if a is not None
        )
        risks = tuple(
            r for r in (self.risk(m, line) for m, line in self.items(data, "risks", "the questionnaire"))
            if r is not None
        )
        return Questionnaire(
            id=qid,
            version=version,
            title=self.text(data, "title", "the questionnaire"),
            description=self.text(data, "description", "the questionnaire"),
            marking=self.text(data, "marking", "the questionnaire", "CONFIDENTIAL") or "CONFIDENTIAL",
            sections=sections,
            actions=actions,
            roles=roles,
            risks=risks,
            content_hash=digest,
            location=self.loc(data.line),
            planning=self.planning(data),
        )

    PLANNING_FIELDS = ("hours_question", "default_hours", "director_role", "lead_role", "lead_action",
                       "technical_role", "nobody_technical", "it_help_action", "role_hours", "groups")

    def hours_cases(self, data: YMap, key: str, where: str, record: str) -> tuple[HoursCase, ...]:
        cases: list[HoursCase] = []
        for m, _line in self.items(data, key, where):
            self.fields(m, f"a case of {where} '{key}'", ("when", "hours"), ("hours",))
            hours = self.number(m, "hours", f"{where} '{key}'")
            if hours is not None and hours < 0:
                self.add(Code.WRONG_TYPE, self.line_of(m, "hours"), where=f"{where} '{key}'",
                         expected="a number of hours, 0 or more", found=describe_value(hours))
                hours = None
            cond = self.condition(m, "when", record, f"a case of {where} '{key}'") if "when" in m else None
            if hours is not None and ("when" not in m or cond is not None):
                cases.append(HoursCase(float(hours), cond))
        return tuple(cases)

    def planning(self, top: YMap) -> Planning:
        if "planning" not in top:
            return Planning()
        where = "'planning'"
        data = self.mapping(top["planning"], self.line_of(top, "planning"), where)
        if data is None:
            return Planning()
        self.fields(data, where, self.PLANNING_FIELDS, ())
        for key in self.PLANNING_FIELDS:
            if key in data:
                self.source_map.lines[("planning", key)] = self.line_of(data, key)
        role_hours: list[tuple[str, tuple[HoursCase, ...]]] = []
        raw_roles = data.get("role_hours")
        if raw_roles is not None:
            roles = self.mapping(raw_roles, self.line_of(data, "role_hours"), f"{where} 'role_hours'")
            if roles is not None:
                for rid in roles:
                    self.source_map.lines[("planning", f"role_hours:{rid}")] = roles.key_lines.get(rid, roles.line)
                    role_hours.append((rid, self.hours_cases(roles, rid, f"{where} 'role_hours'",
                                                             f"planning:role_hours:{rid}")))
        groups: list[str] = []
        raw_groups = data.get("groups")
        if raw_groups is not None:
            if not isinstance(raw_groups, YList) or not all(isinstance(g, str) for g in raw_groups):
                self.add(Code.WRONG_TYPE, self.line_of(data, "groups"), where=f"{where} 'groups'",
                         expected="a list of role ids", found=describe_value(raw_groups))
            else:
                groups = [g.strip() for g in raw_groups]
        return Planning(
            hours_question=self.text(data, "hours_question", where),
            default_hours=self.hours_cases(data, "default_hours", where, "planning:default_hours"),
            director_role=self.text(data, "director_role", where),
            lead_role=self.text(data, "lead_role", where),
            lead_action=self.text(data, "lead_action", where),
            technical_role=self.text(data, "technical_role", where),
            nobody_technical=self.condition(data, "nobody_technical", "planning", where),
            it_help_action=self.text(data, "it_help_action", where),
            role_hours=tuple(role_hours),
            groups=tuple(groups),
            location=self.loc(data.line),
        )

    def role(self, data: YMap, line: int) -> Role | None:
        rid = self.ident(data, "id", "a role's 'id'")
        where = f"role '{rid}'"
        self.fields(data, where, ("id", "title", "cases"), ("id", "title"))
        cases = []
        for m, _case_line in self.items(data, "cases", where):
            self.fields(m, f"a case of {where}", ("when", "title"), ("when", "title"))
            cond = self.condition(m, "when", f"role:{rid}", f"a case of {where}")
            if cond is not None:
                cases.append(RoleCase(cond, self.text(m, "title", where)))
        return Role(rid, self.text(data, "title", where), tuple(cases), self.loc(line))

    def section(self, data: YMap, line: int) -> Section | None:
        sid = self.ident(data, "id", "a section's 'id'")
        where = f"section '{sid}'"
        self.fields(data, where, ("id", "title", "domain", "intro", "when", "questions"),
                    ("id", "title", "domain", "questions"))
        domain = self.choice_of(data, "domain", where, DOMAINS, "governance")
        when = self.condition(data, "when", f"section:{sid}", where)
        questions = tuple(
            q for q in (self.question(m, ln, sid, domain) for m, ln in self.items(data, "questions", where))
            if q is not None
        )
        return Section(sid, self.text(data, "title", where), domain, questions,
                       self.text(data, "intro", where), when, self.loc(line))

    QUESTION_FIELDS = ("id", "type", "text", "why", "hint", "choices", "partly", "dont_know",
                       "not_applicable", "when", "min", "max", "integer", "unit", "max_length", "strength",
                       "discover", "essential")

    def question(self, data: YMap, line: int, section: str, domain: str) -> Question | None:
        qid = self.ident(data, "id", "a question's 'id'")
        where = f"question '{qid}'"
        self.source_map.lines[(f"question:{qid}", "id")] = self.line_of(data, "id")
        self.fields(data, where, self.QUESTION_FIELDS, ("id", "type", "text"))
        type_name = self.choice_of(data, "type", where, tuple(t.value for t in QuestionType), "text")
        kind = QuestionType(type_name)
        choices: list[Choice] = []
        if kind is QuestionType.YESNO:
            if "choices" in data:
                self.add(Code.BAD_QUESTION, self.line_of(data, "choices"), id=qid,
                         reason="a yesno question has the choices yes/no (and partly); "
                                "use type single for others")
            control = domain != "profile"
            choices.append(Choice("yes", "Yes", Status.IN_PLACE if control else None))
            if self.boolean(data, "partly", where, False):
                choices.append(Choice("partly", "Partly", Status.PARTIAL if control else None))
            choices.append(Choice("no", "No", Status.NOT_IN_PLACE if control else None))
        elif kind.has_choices:
            if "partly" in data:
                self.add(Code.BAD_QUESTION, self.line_of(data, "partly"), id=qid,
                         reason="'partly' is for yesno questions")
            for m, cline in self.items(data, "choices", where):
                cid = self.ident(m, "id", f"a choice of {where}")
                cwhere = f"choice '{cid}' of {where}"
                self.fields(m, cwhere, ("id", "label", "status", "exclusive"), ("id", "label"))
                exclusive = self.boolean(m, "exclusive", cwhere, False)
                if exclusive and kind is not QuestionType.MULTI:
                    self.add(Code.BAD_QUESTION, self.line_of(m, "exclusive"), id=qid,
                             reason="'exclusive' is for choices of multiple-choice (multi) questions")
                if cid in SPECIAL_VALUES:
                    self.add(Code.BAD_QUESTION, cline, id=qid,
                             reason=f"'{cid}' is reserved; "
                                    "use dont_know: true / not_applicable: true instead")
                status_name = m.get("status")
                status = None
                if status_name is not None:
                    status = Status(self.choice_of(m, "status", cwhere, tuple(s.value for s in Status),
                                                   "not_in_place"))
                self.source_map.lines[(f"choice:{qid}", cid)] = cline
                choices.append(Choice(cid, self.text(m, "label", cwhere), status, exclusive, self.loc(cline)))
            if "choices" not in data:
                self.add(Code.MISSING_FIELD, line, where=where, field="choices")
        elif "choices" in data:
            self.add(Code.BAD_QUESTION, self.line_of(data, "choices"), id=qid,
                     reason=f"a {type_name} question has no choices")
        minimum = self.number(data, "min", where)
        maximum = self.number(data, "max", where)
        if kind is not QuestionType.NUMBER:
            for key in ("min", "max", "integer", "unit"):
                if key in data:
                    self.add(Code.BAD_QUESTION, self.line_of(data, key), id=qid,
                             reason=f"'{key}' is for number questions")
        elif minimum is not None and maximum is not None and minimum > maximum:
            self.add(Code.BAD_QUESTION, self.line_of(data, "min"), id=qid,
                     reason=f"min {minimum} is more than max {maximum}")
        max_length_raw = self.number(data, "max_length", where)
        max_length = None
        if max_length_raw is not None:
            if kind not in (QuestionType.TEXT, QuestionType.LONGTEXT):
                self.add(Code.BAD_QUESTION, self.line_of(data, "max_length"), id=qid,
                         reason="'max_length' is for text")
            elif max_length_raw < 1 or not float(max_length_raw).is_integer():
                self.add(Code.BAD_QUESTION, self.line_of(data, "max_length"), id=qid,
                         reason="'max_length' must be a whole number of at least 1")
            else:
                max_length = int(max_length_raw)
        discover = None
        if "discover" in data:
            found = self.mapping(data["discover"], self.line_of(data, "discover"), f"{where} 'discover'")
            if found is not None:
                self.fields(found, f"{where} 'discover'", ("ask", "how"), ("ask", "how"))
                discover = Discovery(self.text(found, "ask", where), self.text(found, "how", where))
                self.source_map.lines[(f"question:{qid}", "discover.ask")] = self.line_of(found, "ask")
        for key in ("why", "hint", "strength"):
            if key in data:
                self.source_map.lines[(f"question:{qid}", key)] = self.line_of(data, key)
        return Question(
            id=qid,
            type=kind,
            text=self.text(data, "text", where),
            why=self.text(data, "why", where),
            section=section,
            hint=self.text(data, "hint", where),
            choices=tuple(choices),
            when=self.condition(data, "when", f"question:{qid}", where),
            dont_know=self.boolean(data, "dont_know", where, True),
            not_applicable=self.boolean(data, "not_applicable", where, False),
            minimum=minimum,
            maximum=maximum,
            integer=self.boolean(data, "integer", where, True),
            unit=self.text(data, "unit", where),
            max_length=max_length,
            strength=self.text(data, "strength", where),
            discover=discover,
            essential=self.boolean(data, "essential", where, False),
            location=self.loc(line),
        )

    def action(self, data: YMap, line: int) -> Action | None:
        aid = self.ident(data, "id", "an action's 'id'")
        where = f"action '{aid}'"
        required = ("id", "title", "how", "why", "domain", "priority", "owner", "effort", "when")
        self.fields(data, where, (*required, "references", "skill", "after", "variants", "if_unknown"), required)
        for key in ("effort", "skill", "after", "if_unknown"):
            if key in data:
                self.source_map.lines[(f"action:{aid}", key)] = self.line_of(data, key)
        effort, hours = self.effort(data, where)
        after: list[str] = []
        for dep, dline in self.texts(data, "after", where, "a list of action ids, like [act.x, act.y]",
                                     f"an item of {where} 'after'", "an action id"):
            after.append(dep)
            self.source_map.lines[(f"action:{aid}", f"after:{dep}")] = dline
        variants: list[ActionVariant] = []
        for index, (m, _vline) in enumerate(self.items(data, "variants", where)):
            vwhere = f"variant {index + 1} of {where}"
            self.fields(m, vwhere, ("when", "title", "how", "why"), ("when",))
            cond = self.condition(m, "when", f"action:{aid}:variant{index}", vwhere)
            if not any(k in m for k in ("title", "how", "why")):
                self.add(Code.MISSING_FIELD, m.line, where=vwhere, field="title, how or why")
            if cond is not None:
                variants.append(ActionVariant(cond, self.text(m, "title", vwhere), self.text(m, "how", vwhere),
                                              self.text(m, "why", vwhere)))
        if_unknown_raw = data.get("if_unknown")
        if_unknown, if_unknown_text = False, ""
        if isinstance(if_unknown_raw, bool):
            if_unknown = if_unknown_raw
        elif isinstance(if_unknown_raw, str) and if_unknown_raw.strip():
            if_unknown, if_unknown_text = True, clean_text(if_unknown_raw.strip())
        elif if_unknown_raw is not None:
            self.add(Code.WRONG_TYPE, self.line_of(data, "if_unknown"), where=f"{where} 'if_unknown'",
                     expected="true, false, or the condition in words (\"laptops are not encrypted\")",
                     found=describe_value(if_unknown_raw))
        refs: list[str] = []
        for ref, rline in self.texts(data, "references", where, "a list", f"a reference of {where}", "text"):
            refs.append(ref)
            self.source_map.lines.setdefault((f"action:{aid}", f"ref:{ref}"), rline)
        owner = self.text(data, "owner", where)
        self.source_map.lines[(f"action:{aid}", "owner")] = self.line_of(data, "owner")
        when = self.condition(data, "when", f"action:{aid}", where)
        if when is None:
            return None
        return Action(
            id=aid,
            title=self.text(data, "title", where),
            how=self.text(data, "how", where),
            why=self.text(data, "why", where),
            domain=self.choice_of(data, "domain", where, DOMAINS[1:], "governance"),
            priority=self.choice_of(data, "priority", where, tuple(PRIORITY_DAYS), "P3"),
            owner=owner,
            effort=effort,
            when=when,
            references=tuple(refs),
            location=self.loc(line),
            hours=hours,
            skill=self.choice_of(data, "skill", where, SKILLS, "anyone"),
            after=tuple(after),
            variants=tuple(variants),
            if_unknown=if_unknown,
            if_unknown_text=if_unknown_text,
        )

    def effort(self, data: YMap, where: str) -> tuple[str, tuple[float, float]]:
        """An action's effort as written and in hours: a number, a [low, high] pair, or a legacy S/M/L."""
        value = data.get("effort")
        line = self.line_of(data, "effort")
        default = ("M", LEGACY_EFFORT_HOURS["M"])
        if value is None:
            return default
        expected = "person-hours: a number (effort: 2) or a range (effort: [2, 6])"
        if isinstance(value, str) and value.strip() in EFFORTS:
            size = value.strip()
            return size, LEGACY_EFFORT_HOURS[size]
        if isinstance(value, int | float) and not isinstance(value, bool):
            if value <= 0 or value > 2000:
                self.add(Code.WRONG_TYPE, line, where=f"{where} 'effort'", expected=expected + ", more than 0",
                         found=describe_value(value))
                return default
            return _hours_text(value), (float(value), float(value))
        if isinstance(value, YList) and len(value) == 2 and all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in value
        ):
            low, high = float(value[0]), float(value[1])
            if 0 < low <= high <= 2000:
                return f"{_hours_text(low)}-{_hours_text(high)}", (low, high)
            self.add(Code.WRONG_TYPE, line, where=f"{where} 'effort'",
                     expected="a range [low, high] with 0 < low <= high", found=f"[{value[0]}, {value[1]}]")
            return default
        self.add(Code.WRONG_TYPE, line, where=f"{where} 'effort'", expected=expected, found=describe_value(value))
        return default

    def risk(self, data: YMap, line: int) -> Risk | None:
        rid = self.ident(data, "id", "a risk's 'id'")
        where = f"risk '{rid}'"
        self.fields(data, where, ("id", "title", "description", "likelihood", "impact", "when", "adjust",
                                  "treated_by"), ("id", "title", "likelihood", "impact"))

        def scale(m: YMap, key: str, lo: int, default: int) -> int:
            value = self.number(m, key, where)
            if value is None:
                return default
            if not float(value).is_integer() or not lo <= value <= 5:
                self.add(Code.WRONG_TYPE, self.line_of(m, key), where=f"{where} '{key}'",
                         expected=f"a whole number from {lo} to 5", found=describe_value(value))
                return default
            return int(value)

        adjustments = []
        for m, _aline in self.items(data, "adjust", where):
            self.fields(m, f"an adjustment of {where}", ("when", "likelihood", "impact"), ("when",))
            cond = self.condition(m, "when", f"risk:{rid}", f"an adjustment of {where}")
            if cond is not None:
                adjustments.append(RiskAdjustment(cond, _signed(self, m, "likelihood", where),
                                                  _signed(self, m, "impact", where)))
        treated: list[str] = []
        raw = data.get("treated_by")
        if raw is not None:
            if not isinstance(raw, YList) or not all(isinstance(t, str) for t in raw):
                self.add(Code.WRONG_TYPE, self.line_of(data, "treated_by"), where=f"{where} 'treated_by'",
                         expected="a list of action ids", found=describe_value(raw))
            else:
                for t, tline in zip(raw, raw.item_lines, strict=True):
                    treated.append(t)
                    self.source_map.lines[(f"risk:{rid}", f"treated_by:{t}")] = tline
        return Risk(
            id=rid,
            title=self.text(data, "title", where),
            description=self.text(data, "description", where),
            likelihood=scale(data, "likelihood", 1, 3),
            impact=scale(data, "impact", 1, 3),
            adjustments=tuple(adjustments),
            treated_by=tuple(treated),
            when=self.condition(data, "when", f"risk:{rid}", where),
            location=self.loc(line),
        )


def _hours_text(value: float) -> str:
    """Hours as a short number: 2, 2.5."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _signed(builder: _Builder, data: YMap, key: str, where: str) -> int:
    value = builder.number(data, key, where)
    if value is None:
        return 0
    if not float(value).is_integer() or not -4 <= value <= 4:
        builder.add(Code.WRONG_TYPE, builder.line_of(data, key), where=f"{where} '{key}'",
                    expected="a whole number from -4 to 4", found=describe_value(value))
        return 0
    return int(value)


def load_file(path: str | Path, display: str | None = None) -> LoadResult:
    """Load one questionnaire file, collecting structure problems (not the semantic checks of validate)."""
    name = display if display is not None else str(path)
    data, raw, problems = read_yaml(path, name)
    if problems:
        return LoadResult(name, None, problems, SourceMap())
    builder = _Builder(name)
    digest = hashlib.sha256(raw).hexdigest()
    questionnaire = builder.questionnaire(data, digest)
    return LoadResult(name, questionnaire, builder.problems, builder.source_map,
                      data if isinstance(data, YMap) else None)


Validator = Callable[[LoadResult], list[Problem]]
