"""What `lint --dependency-build` says about a repository that cannot serve: the cause
in words (DNS, refused, HTTP status, timeout), never Helm's 'try helm repo update'."""

from __future__ import annotations

import socket
import ssl
from pathlib import Path

import pytest

from blueprintc.depbuild import _entries, _reason, _remove_added, probe_repositories
from tests.offline import closed_port


@pytest.mark.parametrize(
    ("reason", "words"),
    [
        (
            socket.gaierror(-2, "Name or service not known"),
            "DNS lookup failed (Name or service not known)",
        ),
        (ConnectionRefusedError(111, "Connection refused"), "connection refused"),
        (TimeoutError("timed out"), "no answer within 5 s"),
        (
            ssl.SSLError(1, "[SSL: WRONG_VERSION_NUMBER] wrong version number"),
            "TLS handshake failed",
        ),
        (OSError(113, "No route to host"), "no route to host"),
    ],
)
def test_causes_in_words(reason: BaseException, words: str) -> None:
    assert _reason(reason).startswith(words)


def test_probes_name_each_repository_once_and_skip_aliases(tmp_path: Path) -> None:
    url = f"https://127.0.0.1:{closed_port()}/charts"
    declared = [
        {"name": "a", "version": "1.0.0", "repository": url},
        {"name": "b", "version": "2.0.0", "repository": "@stable"},  # a repo alias: Helm's
        {"name": "c", "version": "3.0.0", "repository": url},
        {"name": "d", "version": "4.0.0", "repository": "file://../missing"},
    ]
    failures = probe_repositories(tmp_path, declared)
    assert [(f.repository, f.charts, f.index, f.cause) for f in failures] == [
        (url, ("a 1.0.0", "c 3.0.0"), 0, "connection refused"),
        ("file://../missing", ("d 4.0.0",), 3, "no chart at ../missing"),
    ]


def test_a_failed_build_removes_only_what_it_added(tmp_path: Path) -> None:
    (tmp_path / "charts").mkdir()
    (tmp_path / "charts" / "kept-1.0.0.tgz").write_bytes(b"x")
    (tmp_path / "Chart.yaml").write_text("x")
    before = _entries(tmp_path)
    (tmp_path / "charts" / "new-2.0.0.tgz").write_bytes(b"y")
    (tmp_path / "tmpcharts-123").mkdir()
    (tmp_path / "Chart.lock").write_text("z")
    _remove_added(tmp_path, before)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == [
        "Chart.yaml",
        "charts",
        "charts/kept-1.0.0.tgz",
    ]
