"""Chart repositories on 127.0.0.1 only (tests never reach further): ones that cannot
serve (a closed port, a local HTTP server answering 404) and one that serves a
directory's charts; a remote JSON Schema, its fetches counted; and a git repository of
a tree."""

from __future__ import annotations

import functools
import http.server
import socket
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path


def closed_port() -> int:
    """A port on 127.0.0.1 nobody listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _NotFound(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_error(404)

    def log_message(self, format: str, *args: object) -> None:
        return


@contextmanager
def not_found_server() -> Iterator[str]:
    """`http://127.0.0.1:<port>`, answering 404 to every GET while the block runs."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _NotFound)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return


@contextmanager
def chart_repository(directory: Path) -> Iterator[str]:
    """`http://127.0.0.1:<port>`, a classic Helm chart repository of the `.tgz` charts in
    `directory` (its `index.yaml` written by Helm), while the block runs."""
    import helm_python

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(directory))
    )
    url = f"http://127.0.0.1:{server.server_address[1]}"
    helm_python.repo_index_generate(directory, base_url=url)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield url
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class SchemaServer:
    """A JSON Schema served on 127.0.0.1 at `url`, and the GETs it answered."""

    url: str
    requests: list[str] = field(default_factory=list)


@contextmanager
def schema_server(
    schema: str = '{"definitions": {"x": {"type": "object"}}}',
) -> Iterator[SchemaServer]:
    """`schema` answered to every GET while the block runs, each request counted."""
    served = SchemaServer("")

    class _Schema(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            served.requests.append(self.path)
            body = schema.encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Schema)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    served.url = f"http://127.0.0.1:{server.server_address[1]}/defs.json"
    try:
        yield served
    finally:
        server.shutdown()
        server.server_close()


def git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def commit_all(root: Path, message: str = "the repository") -> None:
    """`root` as a git repository with everything committed (its .gitignore applies)."""
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", message)
