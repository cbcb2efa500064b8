"""Camunda 7 REST, Jira and GitHub answers, shaped like the APIs' documented responses.

Camunda: docs.camunda.org/rest/camunda-bpm-platform/7.x (history activity-instance,
process-instance, variable-instance; dates as yyyy-MM-dd'T'HH:mm:ss.SSSZ). Jira: REST API v2
search with expand=changelog and issue/{key}/changelog. GitHub: REST issues list and issue
timeline, paged with the Link header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from tests.sources.camunda_sim import DEF_ID, Instance
from tests.sources.fake_http import Answer, FakeApi

CET = timezone(timedelta(hours=1))


def camunda_date(value: datetime | None) -> str | None:
    """Naive UTC simulation time -> Camunda's format, in +0100 like a European engine."""
    if value is None:
        return None
    local = value.replace(tzinfo=UTC).astimezone(CET)
    return local.strftime("%Y-%m-%dT%H:%M:%S.000%z")


def _parse_camunda(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC).replace(tzinfo=None)


@dataclass
class CamundaState:
    instances: list[Instance]
    now: datetime


def add_camunda(api: FakeApi, state: CamundaState, prefix: str = "/engine-rest") -> None:
    def activities(_: re.Match[str], q: dict[str, str]) -> Answer:
        rows = [a for i in state.instances for a in i.acts if a.end <= state.now]
        if "finishedAfter" in q:
            after = _parse_camunda(q["finishedAfter"])
            rows = [a for a in rows if a.end >= after]
        rows.sort(key=lambda a: (a.end, a.seq, a.id))
        first, most = int(q.get("firstResult", 0)), int(q.get("maxResults", 10**9))
        return 200, {}, [_activity_json(a) for a in rows[first : first + most]]

    def processes(_: re.Match[str], q: dict[str, str]) -> Answer:
        ids = set(q.get("processInstanceIds", "").split(","))
        rows = [_process_json(i, state.now) for i in state.instances if i.id in ids]
        first, most = int(q.get("firstResult", 0)), int(q.get("maxResults", 10**9))
        return 200, {}, rows[first : first + most]

    def variables(_: re.Match[str], q: dict[str, str]) -> Answer:
        ids = set(q.get("processInstanceIdIn", "").split(","))
        rows = [v for i in state.instances if i.id in ids for v in _variables_json(i)]
        first, most = int(q.get("firstResult", 0)), int(q.get("maxResults", 10**9))
        return 200, {}, rows[first : first + most]

    api.route(prefix + "/history/activity-instance", activities)
    api.route(prefix + "/history/process-instance", processes)
    api.route(prefix + "/history/variable-instance", variables)


def _activity_json(a: Any) -> dict[str, Any]:
    return {
        "id": a.id,
        "parentActivityInstanceId": a.proc_inst,
        "activityId": a.act_id,
        "activityName": a.name,
        "activityType": a.type,
        "processDefinitionKey": "invoice",
        "processDefinitionId": DEF_ID,
        "processInstanceId": a.proc_inst,
        "executionId": a.proc_inst,
        "taskId": a.task_id,
        "calledProcessInstanceId": None,
        "calledCaseInstanceId": None,
        "assignee": a.assignee,
        "startTime": camunda_date(a.start),
        "endTime": camunda_date(a.end),
        "durationInMillis": int((a.end - a.start).total_seconds() * 1000),
        "canceled": False,
        "completeScope": a.type == "noneEndEvent",
        "tenantId": None,
        "removalTime": None,
        "rootProcessInstanceId": a.proc_inst,
    }


def _process_json(i: Instance, now: datetime) -> dict[str, Any]:
    done = i.end <= now
    return {
        "id": i.id,
        "businessKey": i.business_key,
        "processDefinitionId": DEF_ID,
        "processDefinitionKey": "invoice",
        "processDefinitionName": "Invoice Receipt",
        "processDefinitionVersion": 2,
        "startTime": camunda_date(i.start),
        "endTime": camunda_date(i.end) if done else None,
        "removalTime": None,
        "durationInMillis": None,
        "startUserId": "demo",
        "startActivityId": "StartEvent_1",
        "deleteReason": None,
        "rootProcessInstanceId": i.id,
        "superProcessInstanceId": None,
        "superCaseInstanceId": None,
        "caseInstanceId": None,
        "tenantId": None,
        "state": "COMPLETED" if done else "ACTIVE",
    }


def _variables_json(i: Instance) -> list[dict[str, Any]]:
    types = {bool: "Boolean", float: "Double", str: "String"}
    out = [
        {
            "id": f"{i.id}-{name}",
            "name": name,
            "type": types[type(value)],
            "value": value,
            "valueInfo": {},
            "processDefinitionKey": "invoice",
            "processDefinitionId": DEF_ID,
            "processInstanceId": i.id,
            "executionId": i.id,
            "activityInstanceId": i.id,
            "caseDefinitionKey": None,
            "caseDefinitionId": None,
            "caseInstanceId": None,
            "caseExecutionId": None,
            "taskId": None,
            "tenantId": None,
            "errorMessage": None,
            "state": "CREATED",
            "createTime": camunda_date(i.start),
            "removalTime": None,
            "rootProcessInstanceId": i.id,
        }
        for name, value in i.variables.items()
    ]
    local = dict(
        out[0],
        id=f"{i.id}-local",
        name="creditor",
        value="task-local value",
        type="String",
        activityInstanceId=f"{i.id}-task",
    )
    return [*out, local]


# ---- Jira -------------------------------------------------------------------------------------


@dataclass
class JiraIssue:
    key: str
    created: datetime
    transitions: list[tuple[str, str, datetime, str]] = field(default_factory=list)
    # (from status, to status, when, author)

    @property
    def updated(self) -> datetime:
        return max([self.created] + [t[2] for t in self.transitions])


def jira_date(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000+0000")


def _history(issue: JiraIssue, n: int, t: tuple[str, str, datetime, str]) -> dict[str, Any]:
    return {
        "id": str(10000 + n),
        "author": {
            "self": "http://jira/rest/api/2/user?username=" + t[3],
            "name": t[3],
            "key": t[3],
            "displayName": t[3].title(),
            "active": True,
        },
        "created": jira_date(t[2]),
        "items": [
            {
                "field": "assignee",
                "fieldtype": "jira",
                "from": None,
                "fromString": None,
                "to": t[3],
                "toString": t[3].title(),
            },
            {
                "field": "status",
                "fieldtype": "jira",
                "from": "1",
                "fromString": t[0],
                "to": "3",
                "toString": t[1],
            },
        ],
    }


def add_jira(api: FakeApi, issues: list[JiraIssue], embed: int = 2) -> None:
    """Search embeds at most `embed` histories (like Jira's cap); the rest via /changelog."""

    def search(_: re.Match[str], q: dict[str, str]) -> Answer:
        chosen = sorted(issues, key=lambda i: i.updated)
        m = re.search(r'updated >= "(\d{4}/\d\d/\d\d \d\d:\d\d)"', q.get("jql", ""))
        if m:
            since = datetime.strptime(m.group(1), "%Y/%m/%d %H:%M").replace(tzinfo=UTC)
            chosen = [i for i in chosen if i.updated >= since]
        start, most = int(q.get("startAt", 0)), int(q.get("maxResults", 50))
        page = chosen[start : start + most]
        return (
            200,
            {},
            {
                "expand": "schema,names",
                "startAt": start,
                "maxResults": most,
                "total": len(chosen),
                "issues": [_issue(i, embed) for i in page],
            },
        )

    def changelog(m: re.Match[str], q: dict[str, str]) -> Answer:
        issue = next(i for i in issues if i.key == m.group(1))
        start, most = int(q.get("startAt", 0)), int(q.get("maxResults", 100))
        values = [_history(issue, n, t) for n, t in enumerate(issue.transitions)]
        page = values[start : start + most]
        return (
            200,
            {},
            {
                "self": "",
                "maxResults": most,
                "startAt": start,
                "total": len(values),
                "isLast": start + len(page) >= len(values),
                "values": page,
            },
        )

    api.route("/rest/api/2/search", search)
    api.route(r"/rest/api/2/issue/([A-Z]+-\d+)/changelog", changelog)


def _issue(issue: JiraIssue, embed: int) -> dict[str, Any]:
    histories = [_history(issue, n, t) for n, t in enumerate(issue.transitions)]
    return {
        "expand": "operations,changelog",
        "id": issue.key.split("-")[1],
        "self": "",
        "key": issue.key,
        "fields": {
            "created": jira_date(issue.created),
            "updated": jira_date(issue.updated),
            "creator": {"name": "alice", "displayName": "Alice"},
            "reporter": {"name": "alice", "displayName": "Alice"},
            "issuetype": {"id": "10001", "name": "Bug"},
            "project": {"key": "PL", "id": "1"},
            "status": {"name": issue.transitions[-1][1] if issue.transitions else "Open"},
        },
        "changelog": {
            "startAt": 0,
            "maxResults": embed,
            "total": len(histories),
            "histories": histories[:embed],
        },
    }
