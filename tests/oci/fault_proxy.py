"""A fault-injecting HTTP proxy on 127.0.0.1 in front of the real test registry.

Test-only. Each request is matched against the scripted faults in order (method
and a regex searched in the path); a fault applies ``times`` times (``None``:
always), then the request passes through to the registry unchanged. Faults:

- ``fail``: answer ``status`` with ``headers`` (e.g. 429 with ``Retry-After``)
  without asking the registry;
- ``reset``: read the request, then reset the connection (RST);
- ``truncate``: forward, then send the headers and only half the body;
- ``corrupt``: forward, then flip one byte of the body (same length);
- ``relocate``: forward, then point the ``Location`` header at another origin;
- ``redirect``: answer ``307`` with a ``Location`` on another origin;
- ``hold``: hold the first ``parties`` matching requests until all arrived,
  forward them in arrival order, and answer none before all are forwarded
  (forces two concurrent clients to interleave exactly so);
- ``pause``: hold the first matching request until the test calls
  ``Gate.release()`` (``Gate.arrived`` is set when it is held).

``log`` records every request (method, path with query, status sent, whether
it carried ``Authorization``). ``CaptureServer`` is the "other origin": it
records the ``Authorization`` header of whatever reaches it and answers 401
with a Basic challenge, to tempt a client into sending credentials.
"""

from __future__ import annotations

import http.client
import http.server
import re
import socket
import struct
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from .registry_fixture import RegistryServer

_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "proxy-connection", "te", "upgrade"}


@dataclass
class Seen:
    method: str
    path: str
    status: int
    authorization: bool


@dataclass
class _Hold:
    parties: int
    arrived: int = 0
    forwarded: int = 0
    cond: threading.Condition = field(default_factory=threading.Condition)

    def wait_turn(self) -> None:
        with self.cond:
            ticket = self.arrived
            self.arrived += 1
            self.cond.notify_all()
            self.cond.wait_for(lambda: self.arrived >= self.parties, timeout=20)
            self.cond.wait_for(lambda: self.forwarded >= ticket, timeout=20)

    def done_forwarding(self) -> None:
        with self.cond:
            self.forwarded += 1
            self.cond.notify_all()
            self.cond.wait_for(lambda: self.forwarded >= self.parties, timeout=20)


@dataclass
class Gate:
    arrived: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)

    def release(self) -> None:
        self.released.set()


@dataclass
class Fault:
    method: str
    path: re.Pattern[str]
    action: str
    times: int | None = None
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    to: str = ""
    hold: _Hold | None = None
    gate: Gate | None = None

    def take(self, method: str, path: str) -> bool:
        if self.method not in ("*", method) or not self.path.search(path):
            return False
        if self.times is None:
            return True
        if self.times <= 0:
            return False
        self.times -= 1
        return True


class FaultProxy:
    """A threaded proxy to ``upstream`` (``host:port``); ``host`` is where to point clients."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.faults: list[Fault] = []
        self.log: list[Seen] = []
        self._lock = threading.Lock()
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # -- scripting -------------------------------------------------------

    def _add(self, method: str, path: str, action: str, **kw: object) -> Fault:
        fault = Fault(method, re.compile(path), action, **kw)  # type: ignore[arg-type]
        with self._lock:
            self.faults.append(fault)
        return fault

    def fail(
        self,
        method: str,
        path: str,
        status: int,
        times: int | None = None,
        headers: dict[str, str] | None = None,
        body: bytes = b"",
    ) -> Fault:
        return self._add(
            method, path, "fail", times=times, status=status, headers=headers or {}, body=body
        )

    def reset(self, method: str, path: str, times: int | None = None) -> Fault:
        return self._add(method, path, "reset", times=times)

    def truncate(self, method: str, path: str, times: int | None = None) -> Fault:
        return self._add(method, path, "truncate", times=times)

    def corrupt(self, method: str, path: str, times: int | None = None) -> Fault:
        return self._add(method, path, "corrupt", times=times)

    def relocate(self, method: str, path: str, to: str, times: int | None = None) -> Fault:
        return self._add(method, path, "relocate", times=times, to=to)

    def redirect(self, method: str, path: str, to: str, times: int | None = None) -> Fault:
        return self._add(method, path, "redirect", times=times, to=to)

    def hold(self, method: str, path: str, parties: int = 2) -> Fault:
        return self._add(method, path, "hold", times=parties, hold=_Hold(parties))

    def pause(self, method: str, path: str) -> Gate:
        gate = Gate()
        self._add(method, path, "pause", times=1, gate=gate)
        return gate

    def clear(self) -> None:
        with self._lock:
            self.faults.clear()
            self.log.clear()

    def seen(self, method: str | None = None, path: str = "") -> list[Seen]:
        with self._lock:
            return [
                s
                for s in self.log
                if (method is None or s.method == method) and re.search(path, s.path)
            ]

    # -- serving ---------------------------------------------------------

    def _match(self, method: str, path: str) -> Fault | None:
        with self._lock:
            return next((f for f in self.faults if f.take(method, path)), None)

    def _record(self, method: str, path: str, status: int, authorization: bool) -> None:
        with self._lock:
            self.log.append(Seen(method, path, status, authorization))

    def _handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                method, path = self.command, self.path
                has_auth = self.headers.get("Authorization") is not None
                fault = proxy._match(method, path)
                action = fault.action if fault else "pass"
                if fault is not None and action == "fail":
                    proxy._record(method, path, fault.status, has_auth)
                    self._answer(fault.status, list(fault.headers.items()), fault.body, method)
                    return
                if fault is not None and action == "redirect":
                    proxy._record(method, path, 307, has_auth)
                    self._answer(307, [("Location", fault.to + path)], b"", method)
                    return
                if action == "reset":
                    proxy._record(method, path, 0, has_auth)
                    linger = struct.pack("ii", 1, 0)
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
                    self.close_connection = True
                    self.connection.close()
                    return
                if fault is not None and fault.hold is not None:
                    fault.hold.wait_turn()
                if fault is not None and fault.gate is not None:
                    fault.gate.arrived.set()
                    fault.gate.released.wait(timeout=60)
                status, headers, data = self._forward(method, path, body)
                if fault is not None and fault.hold is not None:
                    fault.hold.done_forwarding()
                proxy._record(method, path, status, has_auth)
                if action == "relocate" and fault is not None:
                    headers = [
                        (k, fault.to + _path_of(v) if k.lower() == "location" else v)
                        for k, v in headers
                    ]
                if action == "corrupt" and data:
                    middle = len(data) // 2
                    data = data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]
                if action == "truncate" and data:
                    self._answer(status, headers, data[: len(data) // 2], method, len(data))
                    self.close_connection = True
                    return
                self._answer(status, headers, data, method)

            def _forward(
                self, method: str, path: str, body: bytes
            ) -> tuple[int, list[tuple[str, str]], bytes]:
                conn = http.client.HTTPConnection(proxy.upstream, timeout=30)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
                try:
                    conn.request(method, path, body=body or None, headers=headers)
                    resp = conn.getresponse()
                    data = resp.read()
                    kept = [(k, v) for k, v in resp.getheaders() if k.lower() not in _HOP_BY_HOP]
                    return resp.status, kept, data
                finally:
                    conn.close()

            def _answer(
                self,
                status: int,
                headers: list[tuple[str, str]],
                data: bytes,
                method: str,
                length: int | None = None,
            ) -> None:
                self.send_response_only(status)
                has_length = False
                for key, value in headers:
                    if key.lower() == "content-length":
                        has_length = True
                        if method != "HEAD":
                            value = str(len(data) if length is None else length)
                    self.send_header(key, value)
                if not has_length:
                    self.send_header("Content-Length", str(len(data) if length is None else length))
                self.end_headers()
                if method != "HEAD":
                    self.wfile.write(data)
                self.wfile.flush()

            do_GET = do_HEAD = do_PUT = do_POST = do_PATCH = do_DELETE = _serve

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler


def _path_of(location: str) -> str:
    """The path and query of a ``Location`` (absolute or relative)."""
    if "://" in location:
        rest = location.split("://", 1)[1]
        return "/" + rest.split("/", 1)[1] if "/" in rest else "/"
    return location


class CaptureServer:
    """Another origin on 127.0.0.1: records each request's ``Authorization`` and
    answers 401 with a Basic challenge."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, str | None]] = []
        capture = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                capture.requests.append(
                    (self.command, self.path, self.headers.get("Authorization"))
                )
                self.send_response_only(401)
                self.send_header("WWW-Authenticate", 'Basic realm="capture"')
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_HEAD = do_PUT = do_POST = do_PATCH = _serve

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def authorizations(self) -> list[str | None]:
        return [auth for _, _, auth in self.requests]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def proxy(registry: RegistryServer) -> Iterator[FaultProxy]:
    """A fault proxy in front of the anonymous registry."""
    server = FaultProxy(registry.host)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def auth_proxy(auth_registry: RegistryServer) -> Iterator[FaultProxy]:
    """A fault proxy in front of the htpasswd (Basic auth) registry."""
    server = FaultProxy(auth_registry.host)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def capture() -> Iterator[CaptureServer]:
    server = CaptureServer()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tiny backoff waits (Retry-After is still honoured as sent)."""
    monkeypatch.setenv("BLUEPRINTC_REGISTRY_BACKOFF", "10ms")
