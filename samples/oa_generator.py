"""Synthetic OA approval log: cases of the processes in `samples.oa_process`, streamed.

Deterministic for a seed: one `random.Random(seed)` drives every choice in a fixed order.
Times are local office time (UTC+08:00), Monday to Friday 09:00-18:00: every wait is drawn in
working hours and laid over the working calendar, so nights and weekends stay empty. Cases
arrive over about two years whatever the size. The log has exactly `n_events` events; the last
case is cut there (it is still running, as in a real extract).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from samples.oa_process import (
    DEPARTMENTS,
    DEVIATIONS,
    DOC_TYPE_LABELS,
    DOC_TYPES,
    FAMILY_EN,
    FAMILY_ZH,
    GIVEN_EN,
    GIVEN_ZH,
    LEAVE_TYPES,
    NOTIFY_REJECTION,
    PROCESSES,
    ROLES,
    Lang,
    Process,
    Stage,
)

DAY = 86_400
WORK_START, WORK_END = 9 * 3600, 18 * 3600
START = 19_723 * DAY  # 2024-01-01 (a Monday), local time, seconds since 1970-01-01
SPAN_HOURS = 2 * 250 * 9  # about two years of working hours
MEAN_EVENTS_PER_CASE = 4.2
MAX_RETURNS = 3
PEOPLE_PER_DEPARTMENT = 24
SYSTEM = {"en": "OA system", "zh": "OA系统"}
OUTCOMES = {
    "en": {"approved": "approved", "returned": "returned", "rejected": "rejected"},
    "zh": {"approved": "通过", "returned": "退回", "rejected": "驳回"},
}

#: (activity, local seconds, resource, department of the resource, outcome)
Event = tuple[str, int, str, str, str | None]


@dataclass
class Case:
    case_id: str
    attrs: dict[str, Any]
    events: list[Event]
    deviation: str | None = None
    rejected: bool = False
    returns: int = 0
    planned: int = 0  # events before the cut (the last case of a log may be cut)


@dataclass
class GenerationReport:
    path: str
    events: int = 0
    cases: int = 0
    seed: int = 0
    lang: str = "en"
    processes: Counter[str] = field(default_factory=Counter)
    rejected: int = 0
    returns: int = 0
    deviations: Counter[str] = field(default_factory=Counter)
    last_case_cut: bool = False
    seconds: float = 0.0

    def count(self, case: Case) -> None:
        self.cases += 1
        self.events += len(case.events)
        self.processes[case.attrs["process_key"]] += 1
        self.rejected += case.rejected
        self.returns += case.returns
        if case.deviation:
            self.deviations[case.deviation] += 1


def work_after(t: int, hours: float) -> int:
    """`t` moved forward by `hours` of working time (Mon-Fri 09:00-18:00)."""
    remaining = int(hours * 3600) + 60
    while True:
        day, sec = divmod(t, DAY)
        weekday = (day + 3) % 7  # 1970-01-01 was a Thursday
        if weekday >= 5:
            t = (day + 7 - weekday) * DAY + WORK_START
            continue
        if sec < WORK_START:
            t, sec = day * DAY + WORK_START, WORK_START
        if sec >= WORK_END:
            t = (day + 1) * DAY + WORK_START
            continue
        if remaining <= WORK_END - sec:
            return t + remaining
        remaining -= WORK_END - sec
        t = (day + 1) * DAY + WORK_START


class Office:
    """The people: each department has a manager (its first person) and staff."""

    def __init__(self, lang: Lang) -> None:
        family, given = (FAMILY_EN, GIVEN_EN) if lang == "en" else (FAMILY_ZH, GIVEN_ZH)
        self.departments = [d.text(lang) for d in DEPARTMENTS]
        self.people: list[list[str]] = []
        used: set[str] = set()
        for d in range(len(DEPARTMENTS)):
            staff = []
            for i in range(PEOPLE_PER_DEPARTMENT):
                k = d * PEOPLE_PER_DEPARTMENT + i
                f, g = family[(k * 7 + d) % len(family)], given[(k * 3 + k // 16) % len(given)]
                name = f"{g} {f}" if lang == "en" else f"{f}{g}"
                while name in used:
                    name += "2" if lang == "zh" else " Jr."
                used.add(name)
                staff.append(name)
            self.people.append(staff)

    def pool(self, role: str, department: int) -> tuple[list[str], int]:
        if role == "manager":
            return [self.people[department][0]], department
        dept, size = ROLES[role]
        return self.people[dept][1 : 1 + size], dept


class Simulator:
    def __init__(self, seed: int, lang: Lang, n_events: int) -> None:
        self.rng = random.Random(seed)
        self.lang: Lang = lang
        self.office = Office(lang)
        self.weights = [p.weight for p in PROCESSES]
        self.deviations = {
            p.key: [(k, prob) for k, (q, prob, _) in DEVIATIONS.items() if q == p.key]
            for p in PROCESSES
        }
        expected_cases = max(1.0, n_events / MEAN_EVENTS_PER_CASE)
        self.mean_gap_hours = SPAN_HOURS / expected_cases
        self.clock = START + WORK_START
        self.number = 0

    def cases(self) -> Iterator[Case]:
        while True:
            self.number += 1
            self.clock = work_after(self.clock, self.rng.expovariate(1 / self.mean_gap_hours))
            process = self.rng.choices(PROCESSES, self.weights)[0]
            yield self.case(process)

    def case(self, process: Process) -> Case:
        rng, lang = self.rng, self.lang
        dept = rng.randrange(len(self.office.departments))
        applicant = rng.choice(self.office.people[dept][1:])
        attrs = self._attributes(process, dept, applicant)
        deviation = None
        for key, probability in self.deviations[process.key]:
            if rng.random() < probability:
                deviation = key
                break
        case = Case(f"{process.key[:2].upper()}{self.number:08d}", attrs, [])
        t = self.clock
        case.events.append((process.submit.text(lang), t, applicant, attrs["department"], None))
        for stage in process.stages:
            if stage.applies is not None and not stage.applies(attrs):
                continue
            if _skips(deviation, stage):
                case.deviation = deviation
                continue
            t = self._decide(case, stage, t, dept, applicant)
            if case.rejected:
                return case
        for task in process.finish:
            names, d = self.office.pool(task.role, dept)
            t = work_after(t, rng.expovariate(1 / task.wait_hours))
            case.events.append((task.label.text(lang), t, rng.choice(names),
                                self.office.departments[d], None))  # fmt: skip
        if deviation == "archived_before_signoff":
            (a, ta, ra, da, oa), (b, tb, rb, db, ob) = case.events[-2:]
            case.events[-2:] = [(b, ta, rb, db, ob), (a, tb, ra, da, oa)]
            case.deviation = deviation
        return case

    def _decide(self, case: Case, stage: Stage, t: int, dept: int, applicant: str) -> int:
        rng, lang = self.rng, self.lang
        names, d = self.office.pool(stage.role, dept)
        returns = 0
        while True:
            t = work_after(t, rng.expovariate(1 / stage.wait_hours))
            who, group = rng.choice(names), self.office.departments[d]
            r = rng.random()
            if r < stage.p_reject:
                case.events.append(
                    (stage.label.text(lang), t, who, group, OUTCOMES[lang]["rejected"])
                )
                t += rng.randrange(30, 300)
                case.events.append((NOTIFY_REJECTION.text(lang), t, SYSTEM[lang], "", None))
                case.rejected = True
                return t
            if (
                stage.revise is not None
                and returns < MAX_RETURNS
                and (r < stage.p_reject + stage.p_return)
            ):
                returns += 1
                case.returns += 1
                case.events.append(
                    (stage.label.text(lang), t, who, group, OUTCOMES[lang]["returned"])
                )
                t = work_after(t, rng.expovariate(1 / 6.0))
                case.events.append((stage.revise.text(lang), t, applicant,
                                    case.attrs["department"], None))  # fmt: skip
                continue
            case.events.append((stage.label.text(lang), t, who, group, OUTCOMES[lang]["approved"]))
            return t

    def _attributes(self, process: Process, dept: int, applicant: str) -> dict[str, Any]:
        rng, lang = self.rng, self.lang
        attrs: dict[str, Any] = {
            "process_key": process.key,
            "process": process.label.text(lang),
            "department": self.office.departments[dept],
            "applicant": applicant,
            "amount": None,
            "days": None,
            "leave_type": None,
            "doc_type": None,
        }
        if process.key == "leave_request":
            attrs["days"] = min(15, 1 + int(rng.expovariate(1 / 2.5)))
            attrs["leave_type"] = rng.choices(LEAVE_TYPES, (0.6, 0.25, 0.15))[0].text(lang)
        elif process.key == "expense_reimbursement":
            attrs["amount"] = round(min(60_000.0, rng.lognormvariate(7.6, 0.9)), 2)
        else:
            doc = rng.choices(DOC_TYPES, (0.45, 0.30, 0.25))[0]
            attrs["doc_type"] = DOC_TYPE_LABELS[doc].text(lang)
            attrs["doc_kind"] = doc
        return attrs


def _skips(deviation: str | None, stage: Stage) -> bool:
    return (deviation == "skipped_manager_approval" and stage.key == "manager") or (
        deviation == "skipped_hr_approval" and stage.key == "hr"
    )


def _cut(case: Case, keep: int, lang: Lang) -> None:
    """Cut a case to its first `keep` events; its figures follow what is left."""
    case.events = case.events[:keep]
    case.rejected = case.events[-1][0] == NOTIFY_REJECTION.text(lang)
    case.returns = sum(1 for *_, o in case.events if o == OUTCOMES[lang]["returned"])
    case.deviation = None  # an unfinished case is not counted as deviating


def generate_cases(n_events: int, seed: int, lang: Lang) -> Iterator[Case]:
    """Cases until exactly `n_events` events; the last case is cut at that point."""
    left = n_events
    for case in Simulator(seed, lang, n_events).cases():
        if left <= 0:
            return
        case.planned = len(case.events)
        if len(case.events) > left:
            _cut(case, left, lang)
        left -= len(case.events)
        yield case
