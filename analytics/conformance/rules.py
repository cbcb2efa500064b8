"""Business rules checked on every case, in SQL, configured in a small YAML file.

    rules:
      - {name: four eyes, type: four-eyes, first: Approve, second: Pay}
      - {name: check first, type: precedes, first: Check, second: Approve}
      - {name: pay in 2 days, type: max-time, first: Approve, second: Pay, hours: 48}
      - {name: no rework, type: never, activity: Rework}
      - {name: archived, type: must-occur, activity: Archive}

four-eyes: no resource performs both activities in one case. precedes: every `second` has a
`first` earlier in the case. max-time: from the first `first` to the first `second` after it
at most `hours` (cases where both occur). never / must-occur: the activity's presence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from analytics.base import CASE_ORDER, instances_sql, seconds
from analytics.engine import Engine
from proclens.errors import ConfigError

RULE_FIELDS: dict[str, tuple[str, ...]] = {
    "four-eyes": ("first", "second"),
    "precedes": ("first", "second"),
    "max-time": ("first", "second", "hours"),
    "never": ("activity",),
    "must-occur": ("activity",),
}
SHOWN_CASES = 100


@dataclass(frozen=True)
class Rule:
    name: str
    type: str
    params: dict[str, Any]


@dataclass
class RuleResult:
    name: str
    type: str
    cases: int
    violations: int
    violating_cases: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name, "type": self.type, "cases": self.cases,
            "violations": self.violations, "ok": self.violations == 0,
            "violating_cases": self.violating_cases[:SHOWN_CASES],
        }  # fmt: skip


def load_rules(path: Path) -> list[Rule]:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read the rules file {path}: {exc}") from exc
    items = data.get("rules") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise ConfigError(f"{path}: expected a top-level 'rules:' list (see README, Conformance)")
    return [_rule(item, k, path) for k, item in enumerate(items)]


def _rule(item: Any, k: int, path: Path) -> Rule:
    kind = item.get("type") if isinstance(item, dict) else None
    if kind not in RULE_FIELDS:
        raise ConfigError(
            f"{path}: rule {k + 1} has type {kind!r}; types are {', '.join(RULE_FIELDS)}"
        )
    missing = [f for f in RULE_FIELDS[kind] if item.get(f) in (None, "")]
    if missing:
        raise ConfigError(f"{path}: rule {k + 1} ({kind}) needs {', '.join(missing)}")
    if kind == "max-time" and not isinstance(item["hours"], int | float):
        raise ConfigError(f"{path}: rule {k + 1}: 'hours' must be a number")
    params = {f: item[f] for f in RULE_FIELDS[kind]}
    return Rule(str(item.get("name") or f"{kind} {k + 1}"), kind, params)


def check_rules(engine: Engine, log: str, rules: list[Rule]) -> list[RuleResult]:
    total = engine.rows("SELECT count(*) FROM cases WHERE log = ?", [log])[0][0]
    out = []
    for rule in rules:
        sql, params = _violations_sql(rule)
        cases = [str(r[0]) for r in engine.rows(sql, [log, *params])]
        out.append(RuleResult(rule.name, rule.type, int(total), len(cases), sorted(cases)))
    return out


def _violations_sql(rule: Rule) -> tuple[str, list[Any]]:
    """SQL returning the violating case ids; first parameter is the log."""
    inst = f"SELECT *, row_number() OVER (PARTITION BY case_id ORDER BY {CASE_ORDER}) AS pos " \
           f"FROM ({instances_sql()})"  # fmt: skip
    p = rule.params
    if rule.type == "four-eyes":
        return (
            f"WITH i AS ({inst}) SELECT DISTINCT a.case_id FROM i a JOIN i b "
            "ON a.case_id = b.case_id AND a.resource = b.resource "
            "WHERE a.activity = ? AND b.activity = ? AND a.resource IS NOT NULL",
            [p["first"], p["second"]],
        )
    if rule.type == "precedes":
        return (
            f"WITH i AS ({inst}) SELECT DISTINCT b.case_id FROM i b WHERE b.activity = ? "
            "AND NOT EXISTS (SELECT 1 FROM i a WHERE a.case_id = b.case_id "
            "AND a.activity = ? AND a.pos < b.pos)",
            [p["second"], p["first"]],
        )
    if rule.type == "max-time":
        return (
            f"WITH i AS ({inst}), fa AS (SELECT case_id, min(pos) AS pos FROM i "
            "WHERE activity = ? GROUP BY case_id), "
            "pair AS (SELECT a.case_id, a.ts AS ta, min(b.ts) AS tb FROM fa "
            "JOIN i a ON a.case_id = fa.case_id AND a.pos = fa.pos "
            "JOIN i b ON b.case_id = fa.case_id AND b.activity = ? AND b.pos > fa.pos "
            "GROUP BY a.case_id, a.ts) "
            f"SELECT case_id FROM pair WHERE {seconds('tb')} - {seconds('ta')} > ?",
            [p["first"], p["second"], float(p["hours"]) * 3600],
        )
    if rule.type == "never":
        return (
            f"SELECT DISTINCT case_id FROM ({instances_sql()}) WHERE activity = ?",
            [p["activity"]],
        )
    return (
        "SELECT c.case_id FROM cases c WHERE c.log = ? AND NOT EXISTS ("
        "SELECT 1 FROM events e WHERE e.log = c.log AND e.case_id = c.case_id "
        "AND e.is_instance AND e.activity = ?)",
        [p["activity"]],
    )
