"""GitHub REST answers for issues and their timelines, paged with the Link header."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tests.sources.fake_http import Answer, FakeApi


def gh_date(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class GhIssue:
    number: int
    created: datetime
    user: str
    pull: bool = False
    timeline: list[dict[str, Any]] = field(default_factory=list)

    @property
    def updated(self) -> datetime:
        times = [self.created] + [_when(e) for e in self.timeline]
        return max(t for t in times if t is not None)


def _when(event: dict[str, Any]) -> datetime | None:
    text = event.get("created_at") or event.get("submitted_at")
    if event.get("event") == "committed":
        text = event["author"]["date"]
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None


def labeled(n: int, who: str, when: datetime) -> dict[str, Any]:
    return {
        "id": n,
        "node_id": f"LE_{n}",
        "url": "",
        "actor": {"login": who, "id": 1},
        "event": "labeled",
        "commit_id": None,
        "commit_url": None,
        "created_at": gh_date(when),
        "label": {"name": "bug", "color": "d73a4a"},
    }


def commented(n: int, who: str, when: datetime) -> dict[str, Any]:
    return {
        "url": "",
        "html_url": "",
        "issue_url": "",
        "id": n,
        "node_id": f"IC_{n}",
        "user": {"login": who, "id": 2},
        "created_at": gh_date(when),
        "updated_at": gh_date(when),
        "author_association": "MEMBER",
        "body": "ok",
        "event": "commented",
        "actor": {"login": who, "id": 2},
    }


def reviewed(n: int, who: str, when: datetime, state: str) -> dict[str, Any]:
    return {
        "id": n,
        "node_id": f"PRR_{n}",
        "user": {"login": who, "id": 3},
        "body": "",
        "commit_id": "abc",
        "submitted_at": gh_date(when),
        "state": state,
        "html_url": "",
        "pull_request_url": "",
        "author_association": "MEMBER",
        "_links": {},
        "event": "reviewed",
    }


def committed(sha: str, who: str, when: datetime) -> dict[str, Any]:
    return {
        "sha": sha,
        "node_id": f"C_{sha}",
        "url": "",
        "html_url": "",
        "author": {"name": who, "email": f"{who}@example.org", "date": gh_date(when)},
        "committer": {"name": who, "email": f"{who}@example.org", "date": gh_date(when)},
        "tree": {"sha": "t", "url": ""},
        "message": "fix",
        "parents": [],
        "verification": {"verified": False},
        "event": "committed",
    }


def closed(n: int, who: str, when: datetime) -> dict[str, Any]:
    return {
        "id": n,
        "node_id": f"CE_{n}",
        "url": "",
        "actor": {"login": who, "id": 4},
        "event": "closed",
        "commit_id": None,
        "commit_url": None,
        "created_at": gh_date(when),
        "state_reason": "completed",
    }


def add_github(api: FakeApi, repo: str, issues: list[GhIssue]) -> None:
    def page(items: list[Any], q: dict[str, str], path: str) -> Answer:
        per_page, number = int(q.get("per_page", 30)), int(q.get("page", 1))
        chunk = items[(number - 1) * per_page : number * per_page]
        headers = {}
        if number * per_page < len(items):
            rest = "&".join(f"{k}={v}" for k, v in q.items() if k != "page")
            headers["Link"] = f'<{api.url}{path}?{rest}&page={number + 1}>; rel="next"'
        return 200, headers, chunk

    def listing(m: re.Match[str], q: dict[str, str]) -> Answer:
        chosen = sorted(issues, key=lambda i: i.updated)
        if "since" in q:
            since = datetime.fromisoformat(q["since"].replace("Z", "+00:00"))
            chosen = [i for i in chosen if i.updated >= since]
        return page([_issue_json(i, repo) for i in chosen], q, m.group(0))

    def timeline(m: re.Match[str], q: dict[str, str]) -> Answer:
        issue = next(i for i in issues if i.number == int(m.group(1)))
        return page(issue.timeline, q, m.group(0))

    api.route(f"/repos/{repo}/issues", listing)
    api.route(rf"/repos/{repo}/issues/(\d+)/timeline", timeline)


def _issue_json(i: GhIssue, repo: str) -> dict[str, Any]:
    out = {
        "id": 1000 + i.number,
        "node_id": f"I_{i.number}",
        "number": i.number,
        "title": f"Issue {i.number}",
        "user": {"login": i.user, "id": 9},
        "labels": [],
        "state": "open",
        "locked": False,
        "assignee": None,
        "comments": 0,
        "created_at": gh_date(i.created),
        "updated_at": gh_date(i.updated),
        "closed_at": None,
        "author_association": "MEMBER",
        "repository_url": f"https://api.github.com/repos/{repo}",
        "body": "",
    }
    if i.pull:
        out["pull_request"] = {"url": "", "html_url": "", "diff_url": "", "patch_url": ""}
    return out
