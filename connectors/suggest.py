"""Column mapping for tabular sources: suggestion from common names, and the final Mapping.

`suggest_mapping(columns)` is what the dashboard's Data page shows before a load; `build_mapping`
is what a load uses: the user's flags first, then suggestions for the roles left open.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from connectors.base import Mapping
from connectors.registry import FileOptions
from proclens.columns import CASE_PREFIX
from proclens.errors import MappingError

#: role -> known column names, best first (compared case- and separator-insensitively)
ROLE_NAMES: dict[str, tuple[str, ...]] = {
    "case": (
        "case:concept:name", "case id", "caseid", "case", "case key", "case number",
        "流程编号", "单号", "申请单号", "流程号", "工单号", "单据编号", "流程实例id",
    ),
    "activity": (
        "concept:name", "activity", "activity name", "event name", "task", "task name",
        "节点名称", "活动", "环节", "活动名称", "环节名称", "节点", "步骤",
    ),
    "timestamp": (
        "time:timestamp", "timestamp", "complete timestamp", "end timestamp",
        "completion time", "complete time", "end time", "end date", "time", "date", "datetime",
        "操作时间", "时间", "处理时间", "完成时间", "结束时间", "审批时间",
    ),
    "start_timestamp": (
        "start_timestamp", "start timestamp", "start time", "start date", "starttime",
        "开始时间", "到达时间", "接收时间",
    ),
    "resource": (
        "org:resource", "resource", "user", "performer", "executor",
        "操作人", "处理人", "审批人", "执行人", "办理人",
    ),
    "department": (
        "org:group", "department", "org:role", "role", "group",
        "部门", "处理岗位", "岗位", "所属部门", "处理部门",
    ),
    "lifecycle": ("lifecycle:transition", "lifecycle", "transition", "event type"),
    "instance": ("concept:instance", "activity instance", "activity instance id"),
}  # fmt: skip

REQUIRED = ("case", "activity", "timestamp")
FLAGS = {
    "case": "--case",
    "activity": "--activity",
    "timestamp": "--timestamp",
    "start_timestamp": "--start-timestamp",
    "resource": "--resource",
    "department": "--department",
    "lifecycle": "--lifecycle",
    "instance": "--instance",
}
#: the order roles pick columns in (a column serves one role only)
_ORDER = ("case", "timestamp", "start_timestamp", "activity", "resource", "department",
          "lifecycle", "instance")  # fmt: skip


def normalize(name: str) -> str:
    """'Case_ID' -> 'case id'; BOM and surrounding blanks dropped."""
    return re.sub(r"[\s_\-]+", " ", name.replace("\ufeff", "").strip().lower())


def suggest_mapping(columns: Sequence[str], taken: Sequence[str] = ()) -> dict[str, str]:
    """role -> column for every role whose column is recognised by name.

    >>> suggest_mapping(["单号", "活动", "时间", "处理岗位"])
    {'case': '单号', 'timestamp': '时间', 'activity': '活动', 'department': '处理岗位'}
    """
    by_norm: dict[str, str] = {}
    for col in columns:
        by_norm.setdefault(normalize(col), col)
    used = set(taken)
    found: dict[str, str] = {}
    for role in _ORDER:
        for name in ROLE_NAMES[role]:
            hit = by_norm.get(normalize(name))
            if hit is not None and hit not in used:
                found[role] = hit
                used.add(hit)
                break
    return found


def build_mapping(columns: Sequence[str], options: FileOptions, source: str) -> Mapping:
    """The mapping a load uses: flags, then suggestions; checked against `columns`."""
    flagged = {r: getattr(options, r) for r in FLAGS if getattr(options, r)}
    _check_flags(flagged, columns, source)
    suggested = suggest_mapping(columns, taken=list(flagged.values()))
    roles = {**{r: c for r, c in suggested.items() if r not in flagged}, **flagged}
    missing = [r for r in REQUIRED if r not in roles]
    if missing:
        raise MappingError(_missing_message(missing, columns, source))
    used = set(roles.values())
    case_attrs = list(options.case_attributes) + [
        c for c in columns if c.startswith(CASE_PREFIX) and c not in used
    ]
    case_attrs = list(dict.fromkeys(c for c in case_attrs if c not in used))
    if options.attributes is not None:
        attrs = [c for c in options.attributes if c not in used]
    else:
        attrs = [c for c in columns if c not in used and c not in case_attrs]
    mapping = Mapping(
        case=roles["case"],
        activity=roles["activity"],
        timestamp=roles["timestamp"],
        start_timestamp=roles.get("start_timestamp"),
        resource=roles.get("resource"),
        department=roles.get("department"),
        lifecycle=roles.get("lifecycle"),
        instance=roles.get("instance"),
        attributes=tuple(attrs),
        case_attributes=tuple(case_attrs),
        timestamp_format=options.timestamp_format,
        dayfirst=options.dayfirst,
        tz=options.tz,
    )
    mapping.check_columns(columns, source)
    return mapping


def suggestion_report(mapping: Mapping, options: FileOptions) -> dict[str, Any]:
    """Which roles came from flags and which from suggested names, for the load report."""
    roles = mapping.roles()
    return {
        "from_flags": {r: c for r, c in roles.items() if getattr(options, r, None)},
        "suggested": {r: c for r, c in roles.items() if not getattr(options, r, None)},
    }


def _check_flags(flagged: dict[str, str], columns: Sequence[str], source: str) -> None:
    missing = [c for c in flagged.values() if c not in columns]
    if missing:
        cols = ", ".join(repr(c) for c in columns)
        raise MappingError(
            f"column {', '.join(repr(m) for m in missing)} not found in {source}; "
            f"columns are: {cols}"
        )


def _missing_message(missing: list[str], columns: Sequence[str], source: str) -> str:
    parts = []
    for role in missing:
        known = ", ".join(ROLE_NAMES[role][:4])
        parts.append(f"no {role} column recognised (names like {known}); pass {FLAGS[role]} COLUMN")
    cols = ", ".join(repr(c) for c in columns)
    return f"{source}: " + "; ".join(parts) + f"; columns are: {cols}"
