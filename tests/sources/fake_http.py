"""A local HTTP server (127.0.0.1, in a thread) that answers like a REST API.

Routes are functions (path match, query) -> (status, headers, JSON body). `once` queues special
answers for a path (a 429 with Retry-After, a 403 rate limit, a slow answer past the client's
timeout); `requests` records every request for assertions.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

Answer = tuple[int, dict[str, str], Any]
Route = Callable[[re.Match[str], dict[str, str]], Answer]


@dataclass
class Special:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to sleep before answering (normally)


@dataclass
class Request:
    path: str
    query: dict[str, str]
    headers: dict[str, str]


class FakeApi:
    def __init__(self) -> None:
        self.routes: list[tuple[re.Pattern[str], Route]] = []
        self.once: dict[str, list[Special]] = {}
        self.always_delay: dict[str, float] = {}
        self.requests: list[Request] = []
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                api.handle(self)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def route(self, pattern: str, fn: Route) -> None:
        self.routes.append((re.compile(pattern + "$"), fn))

    def handle(self, h: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(h.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        self.requests.append(Request(parts.path, query, dict(h.headers.items())))
        special = self.once.get(parts.path, [])
        if special:
            s = special.pop(0)
            time.sleep(s.delay)
            if s.status != 200:
                self._send(h, s.status, s.headers, {"message": "slow down"})
                return
        time.sleep(self.always_delay.get(parts.path, 0.0))
        for pattern, fn in self.routes:
            m = pattern.match(parts.path)
            if m:
                status, headers, body = fn(m, query)
                self._send(h, status, headers, body)
                return
        self._send(h, 404, {}, {"message": "Not Found"})

    @staticmethod
    def _send(h: BaseHTTPRequestHandler, status: int, headers: dict[str, str], body: Any) -> None:
        data = json.dumps(body).encode()
        try:
            h.send_response(status)
            h.send_header("Content-Type", "application/json")
            h.send_header("Content-Length", str(len(data)))
            for k, v in headers.items():
                h.send_header(k, v)
            h.end_headers()
            h.wfile.write(data)
        except OSError:  # the client gave up (timeout test)
            pass

    def paths(self, prefix: str = "") -> Iterator[Request]:
        return (r for r in self.requests if r.path.startswith(prefix))

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
