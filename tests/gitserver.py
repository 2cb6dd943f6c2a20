"""A real git server on 127.0.0.1 for the tests: ``git http-backend`` (smart HTTP)
behind basic auth, with a pre-receive hook that refuses pushes to protected branches
the way Gitea refuses them.

Interface (kept small so the Gitea contract server can serve the same repositories)::

    server = GitServer()
    base = server.start(root, {"deliver": "s3cret"})   # -> "http://127.0.0.1:PORT"
    ...                                                # <base>/<org>/<app>.git
    server.stop()

``root`` holds bare repositories at ``<org>/<app>.git`` (``create_repo`` makes one).
A branch is protected by a line in ``<repo>.git/protected-branches``:
``<branch> [user ...]`` (the users that may still push to it); ``protect`` writes it.
Every request needs basic auth with a user of ``users``; a wrong one gets 401.

``other`` lets another server answer paths the git server does not own (the Gitea
API under ``/api/``, or a failure injected mid-push): it gets the request handler
(authenticated; ``handler.read_body()`` reads the body) and returns True when it
answered. ``server.load.peak`` is the most authenticated requests that ever ran at once.

``python -m tests.gitserver ROOT USER:PASSWORD...`` (``start_process``) runs the same
server as a process that prints its base URL on the first line (the tests kill it
mid-push).
"""

from __future__ import annotations

import base64
import contextlib
import hmac
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PROTECTED_FILE = "protected-branches"
OtherHandler = Callable[[BaseHTTPRequestHandler], bool]

_PRE_RECEIVE = """#!/bin/sh
# Refuse updates of branches listed in $GIT_DIR/protected-branches, except by the
# users named on the branch's line (REMOTE_USER is set by the server).
list="$GIT_DIR/protected-branches"
[ -f "$list" ] || exit 0
status=0
while read -r old new ref; do
  branch="${ref#refs/heads/}"
  while read -r name users; do
    [ "$name" = "$branch" ] || continue
    allowed=no
    for user in $users; do [ "$user" = "$REMOTE_USER" ] && allowed=yes; done
    if [ "$allowed" = no ]; then
      echo "Gitea: branch $branch is protected from direct pushes by $REMOTE_USER" >&2
      status=1
    fi
  done < "$list"
done
exit $status
"""


def create_repo(root: Path, name: str, default_branch: str = "main") -> Path:
    """An empty bare repository ``root/<name>.git`` (name is ``<org>/<app>``)."""
    path = root / f"{name}.git"
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["git", "init", "--quiet", "--bare", f"--initial-branch={default_branch}", str(path)],
        check=True,
    )
    return path


def heads(git_dir: Path, refs: str = "") -> dict[str, str]:
    """Ref (short name) -> commit id of a repository (``refs``: a prefix such as
    ``refs/heads/``; every ref by default)."""
    done = subprocess.run(
        ["git", "--git-dir", str(git_dir), "for-each-ref"]
        + ["--format=%(refname:short) %(objectname)"]
        + ([refs] if refs else []),
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(line.split() for line in done.stdout.splitlines())


def protect(repo: Path, branch: str, *allowed_users: str) -> None:
    """Refuse pushes to ``branch`` of the bare repo ``repo`` except by ``allowed_users``."""
    with (repo / PROTECTED_FILE).open("a", encoding="utf-8") as handle:
        handle.write(" ".join([branch, *allowed_users]) + "\n")


class GitServer:
    """``git http-backend`` over HTTP on 127.0.0.1 with basic auth (see module doc)."""

    def __init__(self) -> None:
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.load = _Load()

    def start(self, root: Path, users: dict[str, str], other: OtherHandler | None = None) -> str:
        hooks = root / ".hooks"
        hooks.mkdir(parents=True, exist_ok=True)
        hook = hooks / "pre-receive"
        hook.write_text(_PRE_RECEIVE, encoding="utf-8")
        hook.chmod(0o755)
        handler = _handler(root.resolve(), hooks.resolve(), dict(users), other, self.load)
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None


class _Load:
    """How many authenticated requests run at once now, and the most there ever were."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.now = 0
        self.peak = 0

    def __enter__(self) -> None:
        with self._lock:
            self.now += 1
            self.peak = max(self.peak, self.now)

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self.now -= 1


def _handler(
    root: Path, hooks: Path, users: dict[str, str], other: OtherHandler | None, load: _Load
) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            self._serve()

        def do_POST(self) -> None:
            self._serve()

        def do_PATCH(self) -> None:  # the Gitea API's edits (the git backend has none)
            self._serve()

        def _serve(self) -> None:
            user = self._user()
            if user is None:
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="Gitea"')
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            with load:  # left before the answer is sent: the client's next request
                if other is not None and other(self):  # cannot overlap this one
                    return
                status, headers, payload = self._backend(user)
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def _user(self) -> str | None:
            header = self.headers.get("Authorization", "")
            if not header.startswith("Basic "):
                return None
            try:
                name, _, password = base64.b64decode(header[6:]).decode().partition(":")
            except ValueError:
                return None
            expected = users.get(name)
            if expected is None or not hmac.compare_digest(expected, password):
                return None
            return name

        def read_body(self) -> bytes:
            """The request body (Content-Length or chunked), for ``other`` too."""
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                chunks = []
                while True:
                    size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                    if size == 0:
                        self.rfile.readline()
                        return b"".join(chunks)
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline()
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def _backend(self, user: str) -> tuple[int, list[tuple[str, str]], bytes]:
            path, _, query = self.path.partition("?")
            body = self.read_body() if self.command == "POST" else b""
            env = {
                "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                "HOME": str(root),
                "GIT_PROJECT_ROOT": str(root),
                "GIT_HTTP_EXPORT_ALL": "1",
                "GIT_CONFIG_NOSYSTEM": "1",
                "GIT_CONFIG_COUNT": "1",
                "GIT_CONFIG_KEY_0": "core.hooksPath",
                "GIT_CONFIG_VALUE_0": str(hooks),
                "REQUEST_METHOD": self.command,
                "PATH_INFO": path,
                "QUERY_STRING": query,
                "CONTENT_TYPE": self.headers.get("Content-Type", ""),
                "CONTENT_LENGTH": str(len(body)),
                "REMOTE_USER": user,
                "REMOTE_ADDR": "127.0.0.1",
                "GIT_PROTOCOL": self.headers.get("Git-Protocol", ""),
                "HTTP_CONTENT_ENCODING": self.headers.get("Content-Encoding", ""),
            }
            done = subprocess.run(
                ["git", "http-backend"], input=body, capture_output=True, env=env, check=False
            )
            head, _, payload = done.stdout.partition(b"\r\n\r\n")
            status = 200
            headers: list[tuple[str, str]] = []
            for line in head.decode("latin-1").split("\r\n"):
                name, _, value = line.partition(":")
                if name.lower() == "status":
                    status = int(value.split()[0])
                elif name:
                    headers.append((name, value.strip()))
            return status, headers, payload

    return Handler


def main(argv: list[str]) -> None:
    root = Path(argv[0])
    users = dict(pair.split(":", 1) for pair in argv[1:])
    server = GitServer()
    print(server.start(root, users), flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main(sys.argv[1:])


def start_process(root: Path, users: dict[str, str]) -> tuple[subprocess.Popen[str], str]:
    """The same server as a child process (``python -m tests.gitserver``), for tests
    that kill it mid-push: the process and the base URL."""
    repo = Path(__file__).resolve().parents[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.gitserver", str(root)]
        + [f"{user}:{password}" for user, password in users.items()],
        cwd=repo,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, which `stop_process` kills whole
    )
    assert process.stdout is not None
    return process, process.stdout.readline().strip()


def stop_process(process: subprocess.Popen[str]) -> None:
    """SIGKILL a server of ``start_process`` (no goodbye, as a crash) and every process of
    its group, then reap it. The `git http-backend` of a push in flight is in the group:
    left orphaned, it spun on its cut-off request body, a core's worth of CPU, for the
    rest of the test run. A snapshot of the server's children taken before the kill
    missed a backend the server's `git` started in between; a group kill misses none."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    if process.stdout is not None:
        process.stdout.close()
