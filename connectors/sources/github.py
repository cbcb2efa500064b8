"""GitHub issues and pull requests as cases, their timeline events as activities.

GET {url}/repos/{repo}/issues?state=all&sort=updated&direction=asc&since=...&per_page=N
GET {url}/repos/{repo}/issues/{number}/timeline?per_page=N
Both page with the Link header (rel="next"). Each issue gets an "opened" event (created_at, by
its user); timeline events keep GitHub's event name as the activity ("labeled", "reviewed",
"merged", "closed", ...), the actor (or user / commit author) as resource. The cursor is the
newest updated_at; a pull asks for `since = cursor - reread`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from connectors.base import Batch, Mapping
from connectors.sources.config import Secrets, SourceConfig
from connectors.sources.http import RestClient, next_link
from connectors.sources.rest_base import RestSource, parse_time
from proclens.errors import ConfigError

MAPPING = Mapping(
    case="issue number",
    activity="timeline event ('opened' for the issue itself)",
    timestamp="created_at (submitted_at for reviews, author.date for commits)",
    resource="actor.login (user.login, author.name)",
    event_key="issue number + timeline event id",
    case_attributes=("type", "title"),
)


class GitHubSource(RestSource):
    def __init__(self, config: SourceConfig, secrets: Secrets, since: datetime | None) -> None:
        super().__init__(config, secrets, since)
        repo = config.get("repo")
        if not repo or "/" not in str(repo):
            raise ConfigError(f"source '{config.name}': set repo = \"owner/name\"")
        self.repo = str(repo)
        token = config.resolved("token", secrets)
        headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self.http = RestClient(config, secrets, headers=headers)
        self.location = f"{self.http.location}/repos/{self.repo}"

    def mapping_json(self) -> dict[str, Any]:
        return MAPPING.to_json()

    def batches(self) -> Iterator[Batch]:
        params: dict[str, Any] = {
            "state": "all",
            "sort": "updated",
            "direction": "asc",
            "per_page": self.page_size,
        }
        if self.since is not None:
            params["since"] = self.since.strftime("%Y-%m-%dT%H:%M:%SZ")
        try:
            for issue in self._paged(f"/repos/{self.repo}/issues", params):
                self._issue(issue)
                yield self.flush()
        finally:
            self.http.close()

    def _paged(self, path: str, params: dict[str, Any] | None) -> Iterator[dict[str, Any]]:
        url: str | None = path
        while url is not None:
            response = self.http.get(url, params)
            yield from response.json()
            url, params = next_link(response), None  # the next link carries the query

    def _issue(self, issue: dict[str, Any]) -> None:
        number = str(issue["number"])
        user = (issue.get("user") or {}).get("login")
        self.add(number, "opened", issue.get("created_at"), f"{number}:opened", resource=user)
        path = f"/repos/{self.repo}/issues/{number}/timeline"
        for event in self._paged(path, {"per_page": self.page_size}):
            when, who = _time_and_actor(event)
            self.add(number, _activity(event), when, f"{number}:{_event_id(event)}", resource=who)
        kind = "pull_request" if issue.get("pull_request") else "issue"
        self.case(number, {"type": kind, "title": issue.get("title")})
        self.advance(parse_time(issue.get("updated_at"), self.tz))


def _activity(event: dict[str, Any]) -> str:
    name = str(event.get("event") or "unknown")
    if name == "reviewed" and event.get("state"):
        return f"reviewed ({str(event['state']).lower()})"
    return name


def _time_and_actor(event: dict[str, Any]) -> tuple[Any, Any]:
    if event.get("event") == "committed":
        author = event.get("author") or {}
        return author.get("date"), author.get("name")
    who = (event.get("actor") or event.get("user") or {}).get("login")
    return event.get("created_at") or event.get("submitted_at"), who


def _event_id(event: dict[str, Any]) -> str:
    for key in ("id", "node_id", "sha"):
        if event.get(key):
            return str(event[key])
    text = f"{event.get('event')}|{event.get('created_at')}|{event.get('source')}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]
