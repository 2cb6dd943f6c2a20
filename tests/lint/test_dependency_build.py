"""`lint --dependency-build` against chart repositories that cannot serve: one error per
repository with its URL and the real cause, nothing left in the tree; `--offline` skips
the build. Only 127.0.0.1: a closed port, and a local HTTP server answering 404."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from blueprintc import helm_pool
from blueprintc.lint import lint
from tests.cli.helpers import invoke, write_workspace
from tests.offline import closed_port, commit_all, not_found_server


@pytest.fixture
def not_found() -> Iterator[str]:
    with not_found_server() as url:
        yield f"{url}/charts"


def _tree(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if ".git" not in p.parts)


@pytest.fixture
def repository(tmp_path: Path, not_found: str) -> tuple[Path, dict[str, str]]:
    root = write_workspace(tmp_path, {"wrapper": "replicas: 1\n"})
    closed = closed_port()
    urls = {
        "refused": f"https://127.0.0.1:{closed}/charts",
        "oci": f"oci://127.0.0.1:{closed}/charts",
        "404": not_found,
    }
    chart = root / "blueprints" / "wrapper" / "chart"
    (chart / "Chart.yaml").write_text(
        "apiVersion: v2\nname: bp-wrapper\nversion: 1.0.0\ndependencies:\n"
        f"  - name: podinfo\n    version: 6.7.1\n    repository: {urls['refused']}\n"
        f"  - name: redis\n    version: 1.0.0\n    repository: {urls['oci']}\n"
        f"  - name: common\n    version: 2.0.0\n    repository: {urls['404']}\n"
        f"  - name: podinfo-extra\n    version: 6.7.1\n    repository: {urls['refused']}\n",
        encoding="utf-8",
    )
    (root / ".gitignore").write_text("charts/\n", encoding="utf-8")
    commit_all(root)
    return root, urls


def test_each_unreachable_repository_is_one_error_with_its_cause(
    repository: tuple[Path, dict[str, str]],
) -> None:
    root, urls = repository
    before = _tree(root)
    result = lint([root], root=root, build_dependencies=True, select={"BPG002", "BPG011"})
    messages = [(d.rule, d.location.line, d.message) for d in result.diagnostics]
    assert messages == [
        (
            "BPG002",
            7,
            f"helm dependency build: repository {urls['refused']} (podinfo 6.7.1, "
            "podinfo-extra 6.7.1) cannot be reached: connection refused",
        ),
        (
            "BPG002",
            10,
            f"helm dependency build: repository {urls['oci']} (redis 1.0.0) cannot be "
            "reached: connection refused",
        ),
        (
            "BPG002",
            13,
            f"helm dependency build: repository {urls['404']} (common 2.0.0) cannot be "
            f"reached: HTTP 404 Not Found for {urls['404']}/index.yaml",
        ),
    ]
    assert all("helm repo update" not in d.hint for d in result.diagnostics)
    assert _tree(root) == before
    status = subprocess.run(
        ["git", "status", "--porcelain", "--ignored"], cwd=root, capture_output=True, text=True
    )
    assert status.stdout == ""


def test_offline_skips_the_build_and_says_which_guards_did_not_run(
    repository: tuple[Path, dict[str, str]],
) -> None:
    root, _ = repository
    before = _tree(root)
    result = invoke("lint", "--dependency-build", "--offline", root)
    assert result.exit_code == 0, result.output
    assert "info BPG011 [guards-skipped] dependencies not built: podinfo 6.7.1" in result.stdout
    assert "--offline skipped the dependency build" in result.stdout
    assert "BPG002" not in result.stdout
    assert _tree(root) == before


def test_plain_lint_of_a_source_tree_reports_skipped_guards_not_defects(
    repository: tuple[Path, dict[str, str]],
) -> None:
    root, _ = repository
    result = invoke("lint", root)
    assert result.exit_code == 0, result.output
    assert "charts/ is not tracked in git, CI builds it" in result.stdout
    assert "commit" not in result.stdout


def test_every_helm_call_of_a_workspace_keeps_its_memory_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker is started for one memory budget (its Go settings) and replaced for a
    call with another, so `helm dependency build` gets the workspace's budget as every
    other call does: two Blueprints in turn start no worker twice over."""
    root = write_workspace(tmp_path, {"first": "replicas: 1\n", "second": "replicas: 1\n"})
    closed = closed_port()
    for name in ("first", "second"):
        (root / "blueprints" / name / "chart" / "Chart.yaml").write_text(
            f"apiVersion: v2\nname: bp-{name}\nversion: 1.0.0\ndependencies:\n"
            f"  - name: podinfo\n    version: 6.7.1\n    repository: https://127.0.0.1:{closed}\n",
            encoding="utf-8",
        )
    with (root / "blueprintc.yaml").open("a", encoding="utf-8") as config:
        config.write("helm:\n  memoryMiB: 900\n")
    spawned: list[int] = []
    real_spawn = helm_pool.spawn

    def counting_spawn(memory_bytes: int) -> Any:
        spawned.append(memory_bytes)
        return real_spawn(memory_bytes)

    monkeypatch.setattr(helm_pool, "spawn", counting_spawn)
    result = lint([root], root=root, jobs=1, build_dependencies=True, select={"BPG002"})
    assert [d.rule for d in result.active] == ["BPG002", "BPG002"]  # both built, and failed
    assert 900 << 20 in spawned
    after = spawned[spawned.index(900 << 20) :]  # the early start may use the default
    assert set(after) == {900 << 20} and len(after) <= helm_pool.POOL.size, spawned
