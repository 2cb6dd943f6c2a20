"""BPS007 through the real CLI on real git history: a Blueprint whose chart changed
since the ref must carry a higher version (`lint --since`, `changed --since`)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.compile.helpers import REPO
from tests.hostile.harness import run_cli

CATALOG = ("webapp", "wiki", "postgres", "cert-manager", "cluster-issuers", "org-defaults")


def _git(repo: Path, *args: str) -> None:
    identity = ["-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run(["git", "-C", str(repo), *identity, *args], check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository whose workspace is `platform/` (a monorepo), committed."""
    top = tmp_path / "repo"
    workspace = top / "platform"
    (workspace / "blueprints").mkdir(parents=True)
    shutil.copy(REPO / "blueprintc.yaml", workspace)
    shutil.copytree(REPO / "upstream-charts", workspace / "upstream-charts")
    shutil.copytree(REPO / "schemas", workspace / "schemas")  # its schemaLocations
    for name in CATALOG:
        shutil.copytree(REPO / "blueprints" / name, workspace / "blueprints" / name)
    _git(top, "init", "-q")
    _git(top, "add", "-A")
    _git(top, "commit", "-qm", "catalog")
    return top


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, path
    path.write_text(text.replace(old, new, 1))


def _bump(webapp: Path, version: str) -> None:
    _edit(webapp / "blueprint.yaml", "  version: 1.4.2", f"  version: {version}")
    _edit(webapp / "chart" / "Chart.yaml", "version: 1.4.2", f"version: {version}")


def test_a_changed_chart_without_a_bump_fails_lint_since(repo: Path) -> None:
    workspace = repo / "platform"
    webapp = workspace / "blueprints" / "webapp"
    _edit(webapp / "chart" / "values.yaml", "replicaCount: 2", "replicaCount: 3")
    run = run_cli("lint", "--since", "HEAD", cwd=workspace)
    assert run.code == 1, run
    assert "platform/blueprints/webapp/blueprint.yaml:8:12: error BPS007 [version-bump]" in (
        run.stdout
    )
    assert "still 1.4.2" in run.stdout and "platform/blueprints/webapp/chart/values.yaml" in (
        run.stdout
    )
    assert "to 1.4.3 (the next patch)" in run.stdout
    assert "1 Blueprint(s) linted" in run.stdout  # only what changed (nothing depends on it)

    _bump(webapp, "1.4.3")
    passed = run_cli("lint", "--since", "HEAD", cwd=workspace)
    assert passed.code == 0, passed
    assert "BPS007" not in passed.stdout


def test_a_version_that_went_down_fails_too(repo: Path) -> None:
    webapp = repo / "platform" / "blueprints" / "webapp"
    _edit(webapp / "chart" / "values.yaml", "replicaCount: 2", "replicaCount: 3")
    _bump(webapp, "1.4.1")
    run = run_cli("lint", "--since", "HEAD", cwd=repo / "platform")
    assert run.code == 1 and "went down to 1.4.1 (was 1.4.2)" in run.stdout, run


def test_what_needs_no_bump(repo: Path) -> None:
    workspace = repo / "platform"
    _edit(workspace / "blueprints" / "webapp" / "README.md", "#", "# Edited:")  # not in chart/
    wiki = workspace / "blueprints" / "wiki" / "blueprint.yaml"
    _edit(wiki, "description:", "description: now with more words;")  # blueprint.yaml alone
    new = workspace / "blueprints" / "newcomer"
    shutil.copytree(REPO / "blueprints" / "org-defaults", new)  # new since the ref
    _edit(new / "blueprint.yaml", "name: bp-org-defaults", "name: bp-newcomer")
    run = run_cli("lint", "--since", "HEAD", "--select", "BPS007", cwd=workspace)
    assert run.code == 0, run
    assert "BPS007" not in run.stdout


def test_nothing_changed_lints_nothing_and_passes(repo: Path) -> None:
    run = run_cli("lint", "--since", "HEAD", cwd=repo / "platform")
    assert run.code == 0, run
    assert "0 Blueprint(s) linted" in run.stdout


def test_an_unknown_ref_is_a_usage_error(repo: Path) -> None:
    run = run_cli("lint", "--since", "no-such-ref", cwd=repo / "platform")
    assert run.code == 2 and "unknown git ref 'no-such-ref'" in run.stderr, run


def test_changed_reports_it_and_fails(repo: Path) -> None:
    workspace = repo / "platform"
    webapp = workspace / "blueprints" / "webapp"
    _edit(webapp / "chart" / "values.yaml", "replicaCount: 2", "replicaCount: 3")
    matrix = run_cli("changed", "--since", "HEAD", "--format", "github-matrix", cwd=workspace)
    assert matrix.code == 1, matrix
    assert json.loads(matrix.stdout)["include"][0]["blueprint"] == "bp-webapp"
    assert "BPS007" in matrix.stderr
    doc = json.loads(
        run_cli("changed", "--since", "HEAD", "--format", "json", cwd=workspace).stdout
    )
    assert [d["rule"] for d in doc["diagnostics"]] == ["BPS007"]
    assert doc["diagnostics"][0]["file"] == "platform/blueprints/webapp/blueprint.yaml"

    config = workspace / "blueprintc.yaml"
    config.write_text(config.read_text() + "lint:\n  rules:\n    BPS007: warning\n")
    lowered = run_cli("changed", "--since", "HEAD", cwd=workspace)
    assert lowered.code == 0, lowered  # configured like every rule
