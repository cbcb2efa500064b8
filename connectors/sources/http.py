"""The HTTP client of REST sources: timeout, retries with exponential backoff, rate limits.

429 and 502/503/504 answers and timeouts are retried (`retries` times, waiting `backoff`,
2*backoff, ...); a Retry-After header, or GitHub's x-ratelimit-reset when x-ratelimit-remaining
is 0, says how long to wait instead; a wait longer than `max_wait` fails at once. 401/403 mean
wrong credentials, 404 a wrong URL. Every message names the source and has no secrets.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from connectors.sources.config import Secrets, SourceConfig, redact_url
from proclens.errors import SourceError

RETRY_STATUS = {429, 502, 503, 504}


class RestClient:
    def __init__(
        self,
        config: SourceConfig,
        secrets: Secrets,
        *,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.config = config
        self.secrets = secrets
        url = config.resolved("url", secrets)
        assert url is not None
        self.base = url.rstrip("/")
        self.location = redact_url(secrets.scrub(self.base))
        self.timeout = float(config.get("timeout"))
        self.retries = int(config.get("retries"))
        self.backoff = float(config.get("backoff"))
        self.max_wait = float(config.get("max_wait"))
        self.sleep = sleep
        self.client = httpx.Client(
            timeout=self.timeout,
            headers={"Accept": "application/json", **(headers or {})},
            auth=auth,
            follow_redirects=True,
        )

    def close(self) -> None:
        self.client.close()

    def get(self, path_or_url: str, params: dict[str, Any] | None = None) -> httpx.Response:
        """GET with retries; the answer is a 2xx response or a SourceError."""
        url = path_or_url if "://" in path_or_url else self.base + path_or_url
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            try:
                response = self.client.get(url, params=params)
            except httpx.TimeoutException:
                if last:
                    raise self.error(
                        f"{self.where(url)} did not answer within {self.timeout:g} s "
                        f"({self.retries} retries)",
                        "check that the server is up, or raise 'timeout'",
                    ) from None
                self.sleep(self.backoff * 2**attempt)
                continue
            except httpx.TransportError as exc:
                if last:
                    raise self.error(
                        f"cannot reach {self.where(url)}: {exc}",
                        "check that the server is running and the url",
                    ) from None
                self.sleep(self.backoff * 2**attempt)
                continue
            if self._retry(response, attempt, last):
                continue
            self._check(response, url)
            return response
        raise AssertionError("unreachable")  # pragma: no cover

    def json(self, path_or_url: str, params: dict[str, Any] | None = None) -> Any:
        response = self.get(path_or_url, params)
        try:
            return response.json()
        except ValueError:
            raise self.error(
                f"{self.where(str(response.url))} did not answer with JSON",
                "check that the url is the API's base address",
            ) from None

    def _retry(self, response: httpx.Response, attempt: int, last: bool) -> bool:
        limited = response.headers.get("x-ratelimit-remaining") == "0"
        if response.status_code not in RETRY_STATUS and not (
            response.status_code == 403 and limited
        ):
            return False
        wait = wait_seconds(response.headers)
        if wait is None:
            wait = self.backoff * 2**attempt
        what = f"{self.where(str(response.url))} answered HTTP {response.status_code}"
        if wait > self.max_wait:
            raise self.error(
                f"{what} and asks to wait {wait:.0f} s, more than max_wait {self.max_wait:g} s",
                "pull again later or raise 'max_wait'",
            )
        if last:
            raise self.error(
                f"{what} after {self.retries} retries", "pull again later or raise 'retries'"
            )
        self.sleep(wait)
        return True

    def _check(self, response: httpx.Response, url: str) -> None:
        code = response.status_code
        if code < 400:
            return
        where = self.where(url)
        if code in (401, 403):
            raise self.error(
                f"{where} refused the credentials (HTTP {code})",
                "check 'user' and the token's environment variable, and the token's rights",
            )
        if code == 404:
            raise self.error(
                f"{where} does not exist (HTTP 404)", "check the url (and repo / project keys)"
            )
        body = " ".join(response.text.split())[:200]
        raise self.error(f"{where} answered HTTP {code}: {body}", "check the source's settings")

    def where(self, url: str) -> str:
        return redact_url(self.secrets.scrub(url.split("?", 1)[0]))

    def error(self, what: str, hint: str) -> SourceError:
        return SourceError(self.secrets.scrub(f"source '{self.config.name}': {what}; {hint}"))


def wait_seconds(headers: httpx.Headers) -> float | None:
    """Retry-After (seconds or an HTTP date), else x-ratelimit-reset (epoch seconds)."""
    retry_after = headers.get("retry-after")
    if retry_after:
        if retry_after.strip().isdigit():
            return float(retry_after)
        try:
            when = parsedate_to_datetime(retry_after)
        except (TypeError, ValueError):
            return None
        return max(0.0, (when - datetime.now(UTC)).total_seconds())
    reset = headers.get("x-ratelimit-reset")
    if reset and headers.get("x-ratelimit-remaining") == "0" and reset.isdigit():
        return max(0.0, float(reset) - time.time())
    return None


def next_link(response: httpx.Response) -> str | None:
    """The rel="next" URL of a Link header (GitHub paging)."""
    link = response.links.get("next")
    return None if link is None else str(link.get("url"))
