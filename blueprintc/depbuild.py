"""`helm dependency build` for lint: one failure per repository, with its real cause,
and nothing left behind in the working tree when it fails.

Helm reports an unreachable chart repository as "no cached repository ... (try 'helm
repo update')", which hides the cause. When the build fails, each repository the chart
names is probed the way Helm would fetch from it (a classic repository's `index.yaml`,
an OCI registry's manifest of the chart), and the probe's answer (DNS, refused, 404,
timeout) is what the user reads.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from blueprintc import helm, vendored

PROBE_TIMEOUT_SECONDS = 5.0
_OCI_ACCEPT = (
    "application/vnd.oci.image.manifest.v1+json, "
    "application/vnd.docker.distribution.manifest.v2+json"
)


@dataclass(frozen=True)
class RepositoryFailure:
    repository: str
    charts: tuple[str, ...]  # "name version" of each dependency fetched from it
    index: int  # the first dependency naming it (its Chart.yaml position)
    cause: str


@dataclass(frozen=True)
class BuildOutcome:
    error: str | None  # Helm's message when the build failed
    failures: tuple[RepositoryFailure, ...]  # the repositories found at fault

    @property
    def ok(self) -> bool:
        return self.error is None


def build(chart_dir: Path, declared: list[dict[str, Any]], budget: helm.Budget) -> BuildOutcome:
    """Run `helm dependency build` in `chart_dir`; on failure remove what it added there
    and probe every repository the chart names."""
    before = _entries(chart_dir)
    committed = vendored.snapshot(chart_dir)
    error = helm.dependency_build(chart_dir, budget)
    if error is None:
        vendored.restore_unchanged(committed)  # a build never dirties a checkout
        return BuildOutcome(None, ())
    _remove_added(chart_dir, before)
    return BuildOutcome(error, tuple(probe_repositories(chart_dir, declared)))


def probe_repositories(chart_dir: Path, declared: list[dict[str, Any]]) -> list[RepositoryFailure]:
    """One failure per repository that cannot serve its charts, in declaration order."""
    by_repository: dict[str, list[int]] = {}
    for index, dep in enumerate(declared):
        repository = str(dep.get("repository") or "")
        if repository and not repository.startswith("@") and ":" in repository:
            by_repository.setdefault(repository, []).append(index)
    failures = []
    for repository, indexes in by_repository.items():
        first = declared[indexes[0]]
        cause = _probe(chart_dir, repository, str(first.get("name")), str(first.get("version")))
        if cause is not None:
            charts = tuple(
                f"{declared[i].get('name')} {declared[i].get('version')}" for i in indexes
            )
            failures.append(RepositoryFailure(repository, charts, indexes[0], cause))
    return failures


def _probe(chart_dir: Path, repository: str, name: str, version: str) -> str | None:
    scheme, _, rest = repository.partition("://")
    scheme = scheme.lower()
    if scheme == "file":
        target = (chart_dir / rest).resolve()
        return None if (target / "Chart.yaml").is_file() else f"no chart at {rest}"
    if scheme in ("http", "https"):
        return _fetch(repository.rstrip("/") + "/index.yaml", {})
    if scheme == "oci":
        host, _, path = rest.partition("/")
        repo = "/".join(part for part in (path.strip("/"), name) if part)
        url = f"https://{host}/v2/{repo}/manifests/{version}"
        return _fetch(url, {"Accept": _OCI_ACCEPT}, unauthorised_ok=True)
    return f"unsupported repository scheme {scheme}://"


def _fetch(url: str, headers: dict[str, str], unauthorised_ok: bool = False) -> str | None:
    """None when `url` answers, else what went wrong, in words."""
    import urllib.error  # only a failed build probes: lint's start-up never pays for it
    import urllib.request

    request = urllib.request.Request(url, headers=headers, method="GET")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=PROBE_TIMEOUT_SECONDS) as response:
            response.read(1)
    except urllib.error.HTTPError as exc:
        if unauthorised_ok and exc.code == 401:
            return None  # a registry asking for a token: reachable
        return f"HTTP {exc.code} {exc.reason} for {url}"
    except urllib.error.URLError as exc:
        return _reason(exc.reason)
    except TimeoutError:
        return f"no answer within {PROBE_TIMEOUT_SECONDS:g} s"
    except (OSError, ValueError) as exc:
        return _reason(exc)
    return None


def _reason(reason: object) -> str:
    # Only a failed probe gets here, after urllib has imported both; lint's start-up
    # never pays for them.
    import socket
    import ssl

    if isinstance(reason, socket.gaierror):
        return f"DNS lookup failed ({reason.strerror})"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, TimeoutError | socket.timeout):
        return f"no answer within {PROBE_TIMEOUT_SECONDS:g} s"
    if isinstance(reason, ssl.SSLError):
        return f"TLS handshake failed ({getattr(reason, 'reason', None) or reason})"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror.lower()
    return str(reason)


def _entries(chart_dir: Path) -> dict[str, frozenset[str]]:
    """The names in `chart_dir` and in its `charts/` before the build."""
    found = {}
    for directory in (chart_dir, chart_dir / "charts"):
        try:
            found[os.fspath(directory)] = frozenset(os.listdir(directory))
        except OSError:
            found[os.fspath(directory)] = frozenset()
    return found


def _remove_added(chart_dir: Path, before: dict[str, frozenset[str]]) -> None:
    """Remove the entries a failed build added (a half-filled `charts/`, a `Chart.lock`,
    Helm's `tmpcharts-*`); what was there before is never touched."""
    for directory in (chart_dir / "charts", chart_dir):
        key = os.fspath(directory)
        try:
            now = os.listdir(directory)
        except OSError:
            continue
        for name in sorted(set(now) - before[key]):
            path = directory / name
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
