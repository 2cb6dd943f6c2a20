"""`--format json` on every command that reports: one document on stdout, each with
`formatVersion` 1, its `kind` and the tool, through the real CLI in a subprocess."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from tests.compile.helpers import copy_workspace
from tests.hostile.harness import CliRun, run_cli


def _document(run: CliRun, kind: str) -> dict[str, Any]:
    document = json.loads(run.stdout)
    assert document["formatVersion"] == 1, run
    assert document["kind"] == kind
    assert document["tool"]["name"] == "blueprintc"
    return document


def test_compile_json_reports_the_outcome_and_the_check(tmp_path: Path) -> None:
    workspace = copy_workspace(tmp_path / "ws")
    first = run_cli("compile", "--format", "json", cwd=workspace)
    assert first.code == 0, first
    doc = _document(first, "compile")
    assert doc["sovereign"] == "omantel" and not doc["failed"] and not doc["sealed"]
    assert doc["files"]["planned"] == doc["files"]["written"] > 0
    assert doc["kinds"]["HelmRelease"] > 0 and doc["diagnostics"] == []
    again = _document(run_cli("compile", "--format", "json", cwd=workspace), "compile")
    assert again["sealed"] and again["files"]["written"] == 0

    check = run_cli("compile", "--check", "--format", "json", cwd=workspace)
    assert check.code == 0 and _document(check, "compile")["upToDate"] is True
    stray = next((workspace / "out" / "repos").rglob("*.yaml"))
    stray.write_text(stray.read_text() + "# edited\n")
    stale = run_cli("compile", "--check", "--format", "json", cwd=workspace)
    assert stale.code == 1, stale
    doc = _document(stale, "compile")
    assert doc["upToDate"] is False
    assert doc["files"]["stale"] == [stray.relative_to(workspace / "out").as_posix()]


def test_compile_json_carries_the_findings_that_failed_it(tmp_path: Path) -> None:
    workspace = copy_workspace(tmp_path / "ws")
    acme = workspace / "organizations" / "acme.yaml"
    acme.write_text(acme.read_text().replace("kind: Organization", "kind: Organisation"))
    run = run_cli("compile", "--format", "json", cwd=workspace)
    assert run.code == 1, run
    doc = _document(run, "compile")
    assert doc["failed"] and doc["files"] is None
    assert any(d["file"].endswith("organizations/acme.yaml") for d in doc["diagnostics"])


def test_lock_and_deliver_json(tmp_path: Path) -> None:
    workspace = copy_workspace(tmp_path / "ws")
    lock = _document(run_cli("lock", "--format", "json", cwd=workspace), "lock")
    assert lock["written"] and lock["added"] and lock["removed"] == []
    check = run_cli("lock", "--check", "--format", "json", cwd=workspace)
    assert check.code == 0 and _document(check, "lock")["upToDate"] is True

    assert run_cli("compile", cwd=workspace).code == 0
    deliver = run_cli("deliver", "--format", "json", cwd=workspace)
    assert deliver.code == 0, deliver
    doc = _document(deliver, "deliver")
    assert doc["delivered"] == len(doc["branches"]) > 0 and doc["failed"] == 0
    assert {"repo", "branch", "status", "commit"} <= doc["branches"][0].keys()


def test_changed_json_lists_what_changed(tmp_path: Path) -> None:
    workspace = copy_workspace(tmp_path / "ws")
    git = ["git", "-C", str(workspace), "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "catalog"], check=True)
    values = workspace / "blueprints" / "wiki" / "chart" / "values.yaml"
    values.write_text(values.read_text() + "# tuned\n")
    run = run_cli("changed", "--since", "HEAD", "--format", "json", cwd=workspace)
    assert run.code == 1, run  # the wiki chart changed without a version bump (BPS007)
    doc = _document(run, "changed")
    assert doc["since"] == "HEAD" and doc["hasChanges"] is True
    assert {"name": "bp-wiki", "path": "blueprints/wiki", "reason": "changed"} in doc["blueprints"]
    assert [(d["rule"], d["file"]) for d in doc["diagnostics"]] == [
        ("BPS007", "blueprints/wiki/blueprint.yaml")
    ]


def test_lint_json_has_the_same_head(tmp_path: Path) -> None:
    run = run_cli("lint", "--format", "json", "blueprints/webapp", cwd=copy_workspace(tmp_path))
    assert run.code == 0, run
    assert _document(run, "lint")["blueprints"] == ["blueprints/webapp"]


def test_explain_value_and_explain_json(tmp_path: Path) -> None:
    workspace = copy_workspace(tmp_path / "ws")
    key = "webapp.serviceMonitor.interval"
    run = run_cli("explain-value", "acme/shop/prod", key, "--format", "json", cwd=workspace)
    assert run.code == 0, run
    doc = _document(run, "explain-value")
    assert (doc["target"], doc["key"], doc["value"]) == ("acme/shop/prod", key, "15s")
    assert [layer["value"] for layer in doc["layers"]] == ["15s", "60s", "30s"]
    assert doc["layers"][0]["file"] == "overlays/environments/prod.yaml"
    missing = run_cli("explain-value", "acme/nope/prod", key, "--format", "json", cwd=workspace)
    assert missing.code == 2 and missing.stdout == "", missing

    every = _document(run_cli("explain", "--format", "json", cwd=tmp_path), "explain")
    assert len(every["rules"]) > 40 and {"id", "fix", "doc"} <= every["rules"][0].keys()
    one = _document(run_cli("explain", "bps007", "--format", "json", cwd=tmp_path), "explain")
    assert [r["id"] for r in one["rules"]] == ["BPS007"]
