"""The compile benchmark's generated workspace must compile clean (no timing here)."""

from __future__ import annotations

from pathlib import Path

import yaml

from benchmarks.compile.generate import change_one_application, generate, organization
from blueprintc.compile.run import run_compile


def test_generated_workspace_compiles_without_diagnostics(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    slugs = generate(workspace, 3)
    assert slugs == ["org-0001", "org-0002", "org-0003"]
    outcome = run_compile(workspace, out=tmp_path / "out")
    assert [str(d) for d in outcome.diagnostics] == []
    assert outcome.report is not None and outcome.report.written

    org, app = change_one_application(workspace, 3, 1)
    spec = yaml.safe_load((workspace / "organizations" / f"{org}.yaml").read_text())
    changed = next(a for a in spec["spec"]["applications"] if a["name"] == app)
    assert changed["blueprint"] == "bp-webapp"
    again = run_compile(workspace, out=tmp_path / "out")
    assert [str(d) for d in again.diagnostics] == []


def test_organizations_are_deterministic_and_varied() -> None:
    assert organization(7) == organization(7)
    specs = [organization(i) for i in range(1, 21)]
    for spec in specs:
        apps = spec["spec"]["applications"]
        assert len(apps) == 5 and len({a["name"] for a in apps}) == 5
        assert [e["type"] for e in spec["spec"]["environments"]] == ["prod", "stg", "dev"]
    blueprints = {a["blueprint"] for s in specs for a in s["spec"]["applications"]}
    assert blueprints == {"bp-webapp", "bp-wiki", "bp-docs-portal", "bp-voucher-mailer"}
    assert len({yaml.safe_dump(s["spec"]["applications"]) for s in specs}) == len(specs)
