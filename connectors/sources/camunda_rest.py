"""Camunda 7 REST history API, for engines whose database is not reachable.

GET {url}/history/activity-instance?finished=true&finishedAfter=...&sortBy=endTime
    &sortOrder=asc&firstResult=N&maxResults=M           -> finished activity instances
GET {url}/history/process-instance?processInstanceIds=a,b  -> definition key/version, business key
GET {url}/history/variable-instance?processInstanceIdIn=a,b -> process variables
Same events and case attributes as the history tables (connectors.sources.history_tables).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from connectors.base import Batch
from connectors.sources.config import Secrets, SourceConfig
from connectors.sources.history_tables import MAPPING
from connectors.sources.http import RestClient
from connectors.sources.rest_base import RestSource, parse_time

#: Camunda's date format for query parameters: yyyy-MM-dd'T'HH:mm:ss.SSSZ
CAMUNDA_DATE = "%Y-%m-%dT%H:%M:%S.000%z"
IDS_PER_CALL = 100


class CamundaRestSource(RestSource):
    def __init__(self, config: SourceConfig, secrets: Secrets, since: datetime | None) -> None:
        super().__init__(config, secrets, since)
        token = config.resolved("token", secrets)
        headers = {"Authorization": f"Bearer {token}"} if token else None
        self.http = RestClient(config, secrets, headers=headers)
        self.location = self.http.location
        self.skip = set(config.get("skip_types"))
        self.variables: tuple[str, ...] = tuple(config.get("variables"))

    def mapping_json(self) -> dict[str, Any]:
        return MAPPING.to_json()

    def batches(self) -> Iterator[Batch]:
        try:
            seen: dict[str, None] = {}
            for page in self._pages():
                for act in page:
                    if act.get("activityType") in self.skip:
                        continue
                    self._add(act)
                    seen[str(act["processInstanceId"])] = None
                yield self.flush()
            ids = list(seen)
            for start in range(0, len(ids), IDS_PER_CALL):
                for pid, attrs in self._case_attributes(ids[start : start + IDS_PER_CALL]):
                    self.case(pid, attrs)
                yield self.flush()
        finally:
            self.http.close()

    def _pages(self) -> Iterator[list[dict[str, Any]]]:
        params: dict[str, Any] = {
            "finished": "true",
            "sortBy": "endTime",
            "sortOrder": "asc",
            "maxResults": self.page_size,
        }
        if self.since is not None:
            params["finishedAfter"] = self.since.strftime(CAMUNDA_DATE)
        first = 0
        while True:
            page = self.http.json("/history/activity-instance", {**params, "firstResult": first})
            if not page:
                return
            yield page
            if len(page) < self.page_size:
                return
            first += len(page)

    def _add(self, act: dict[str, Any]) -> None:
        end = act.get("endTime")
        self.add(
            str(act["processInstanceId"]),
            str(act.get("activityName") or act.get("activityId")),
            end,
            str(act["id"]),
            start=act.get("startTime"),
            resource=act.get("assignee"),
            instance=str(act["id"]),
            attributes={
                "activity_id": act.get("activityId"),
                "activity_type": act.get("activityType"),
            },
        )
        self.advance(parse_time(end, self.tz))

    def _case_attributes(self, ids: list[str]) -> Iterator[tuple[str, dict[str, Any]]]:
        attrs: dict[str, dict[str, Any]] = {i: {} for i in ids}
        for proc in self._all("/history/process-instance", {"processInstanceIds": ",".join(ids)}):
            found = attrs.get(str(proc["id"]))
            if found is None:
                continue
            found["process_definition_key"] = proc.get("processDefinitionKey")
            found["process_definition_version"] = proc.get("processDefinitionVersion")
            if proc.get("businessKey") is not None:
                found["business_key"] = proc["businessKey"]
        if self.variables:
            query = {"processInstanceIdIn": ",".join(ids)}
            for var in self._all("/history/variable-instance", query):
                pid = str(var.get("processInstanceId"))
                process_scope = var.get("activityInstanceId") == pid
                if pid in attrs and process_scope and var.get("name") in self.variables:
                    attrs[pid][str(var["name"])] = var.get("value")
        yield from attrs.items()

    def _all(self, path: str, params: dict[str, Any]) -> Iterator[dict[str, Any]]:
        first = 0
        while True:
            page = self.http.json(
                path, {**params, "firstResult": first, "maxResults": self.page_size}
            )
            yield from page
            if len(page) < self.page_size:
                return
            first += len(page)
