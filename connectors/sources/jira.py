"""Jira issues as cases, their status transitions (changelog) as activities, authors as resources.

GET {url}/rest/api/2/search?jql=...&startAt=N&maxResults=M&expand=changelog
    -> {"startAt", "maxResults", "total", "issues": [{"key", "fields", "changelog"}]}
GET {url}/rest/api/2/issue/{key}/changelog?startAt=N   (when an issue has more history than
    the search embeds) -> {"values", "isLast", "total", ...}
Each issue also gets a "Created" event (fields.created, by the creator). The cursor is the
newest fields.updated; a pull asks for `updated >= cursor - reread`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from connectors.base import Batch, Mapping
from connectors.sources.config import Secrets, SourceConfig
from connectors.sources.http import RestClient
from connectors.sources.rest_base import RestSource, parse_time

MAPPING = Mapping(
    case="issue.key",
    activity="changelog item toString (field status); 'Created'",
    timestamp="changelog history created; fields.created",
    resource="history author.displayName; fields.creator.displayName",
    event_key="issue key + history id",
    case_attributes=("issuetype", "project"),
)
FIELDS = "created,creator,reporter,updated,issuetype,project,status"


class JiraSource(RestSource):
    def __init__(self, config: SourceConfig, secrets: Secrets, since: datetime | None) -> None:
        super().__init__(config, secrets, since)
        user = config.resolved("user", secrets)
        token = config.resolved("token", secrets)
        if user and token:
            self.http = RestClient(config, secrets, auth=(user, token))
        else:
            headers = {"Authorization": f"Bearer {token}"} if token else None
            self.http = RestClient(config, secrets, headers=headers)
        self.location = self.http.location

    def mapping_json(self) -> dict[str, Any]:
        return MAPPING.to_json()

    def jql(self) -> str:
        clauses = []
        base = str(self.config.get("jql") or "").strip()
        if base:
            clauses.append(f"({base})")
        if self.since is not None:
            local = self.since.astimezone(self.tz)
            clauses.append(f'updated >= "{local:%Y/%m/%d %H:%M}"')
        return " AND ".join(clauses) + " ORDER BY updated ASC"

    def batches(self) -> Iterator[Batch]:
        try:
            start = 0
            while True:
                page = self.http.json(
                    "/rest/api/2/search",
                    {
                        "jql": self.jql(),
                        "startAt": start,
                        "maxResults": self.page_size,
                        "expand": "changelog",
                        "fields": FIELDS,
                    },
                )
                issues = page.get("issues", [])
                for issue in issues:
                    self._issue(issue)
                yield self.flush()
                start += len(issues)
                if not issues or start >= int(page.get("total", 0)):
                    return
        finally:
            self.http.close()

    def _issue(self, issue: dict[str, Any]) -> None:
        key, fields = str(issue["key"]), issue.get("fields") or {}
        creator = fields.get("creator") or fields.get("reporter") or {}
        self.add(
            key,
            "Created",
            fields.get("created"),
            f"{key}:created",
            resource=creator.get("displayName"),
        )
        for history in self._histories(issue):
            author = (history.get("author") or {}).get("displayName")
            for n, item in enumerate(history.get("items") or []):
                if item.get("field") != "status":
                    continue
                self.add(
                    key,
                    str(item.get("toString")),
                    history.get("created"),
                    f"{key}:{history.get('id')}:{n}",
                    resource=author,
                    attributes={"from": item.get("fromString")},
                )
        self.case(
            key,
            {
                "issuetype": (fields.get("issuetype") or {}).get("name"),
                "project": (fields.get("project") or {}).get("key"),
            },
        )
        self.advance(parse_time(fields.get("updated"), self.tz))

    def _histories(self, issue: dict[str, Any]) -> Iterator[dict[str, Any]]:
        log = issue.get("changelog") or {}
        histories = list(log.get("histories") or [])
        yield from histories
        if int(log.get("total", len(histories))) <= len(histories):
            return
        start = len(histories)
        while True:
            page = self.http.json(
                f"/rest/api/2/issue/{issue['key']}/changelog",
                {"startAt": start, "maxResults": self.page_size},
            )
            values = page.get("values") or []
            yield from values
            start += len(values)
            if page.get("isLast", True) or not values:
                return
