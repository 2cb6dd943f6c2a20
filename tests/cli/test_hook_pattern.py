"""The pre-commit hook's `files:` pattern (issue 10 point 4, in part) passes every file
that can change a Blueprint's verdict, and a file it passes selects its Blueprint."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from tests.cli.helpers import write_workspace
from tests.hostile.harness import run_cli

HOOKS = Path(__file__).resolve().parents[2] / ".pre-commit-hooks.yaml"
PATTERN = re.compile(yaml.safe_load(HOOKS.read_text())[0]["files"])  # pre-commit: re.search

MATCH = [
    "blueprints/webapp/blueprint.yaml",
    "blueprints/webapp/chart/Chart.yaml",
    "blueprints/webapp/chart/Chart.lock",
    "blueprints/webapp/chart/values.yaml",
    "blueprints/webapp/chart/values.schema.json",
    "blueprints/webapp/chart/.helmignore",
    "blueprints/webapp/chart/ci/small-values.yaml",
    "blueprints/webapp/chart/templates/deployment.yaml",
    "blueprints/webapp/chart/templates/_helpers.tpl",
    "blueprints/webapp/chart/crds/widget.yaml",
    "blueprints/org-defaults/manifests/kustomization.yaml",
    "platform/external-dns/policies/kustomization.yaml",  # BPG023 builds it
    "platform/blueprintc.yaml",
    "overlays/small.yaml",
    "blueprints/webapp/README.md",
]
NO_MATCH = [
    "docs/guide.md",
    "blueprints/webapp/chart/ci/notes.txt",
    "blueprints/webapp/chart/ci/values.yaml.orig",
    "src/app.py",
    "blueprints/webapp/chart/values.yaml.bak",
]


@pytest.mark.parametrize("path", MATCH)
def test_the_hook_passes_every_verdict_changing_file(path: str) -> None:
    assert PATTERN.search(path), path


@pytest.mark.parametrize("path", NO_MATCH)
def test_the_hook_leaves_other_files_alone(path: str) -> None:
    assert not PATTERN.search(path), path


@pytest.mark.parametrize(
    "rel", ["chart/ci/small-values.yaml", "chart/values.schema.json", "chart/.helmignore"]
)
def test_a_newly_matched_file_lints_its_blueprint(tmp_path: Path, rel: str) -> None:
    workspace = write_workspace(tmp_path / "ws", {"webapp": "replicas: 1\n"})
    path = workspace / "blueprints/webapp" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{}\n" if rel.endswith(".json") else "# nothing\n")
    run = run_cli("lint", f"blueprints/webapp/{rel}", cwd=workspace)
    assert run.stdout.endswith("1 Blueprint(s) linted: 0 error(s), 0 warning(s); passed\n"), run


def test_a_vendored_upstream_chart_file_lints_the_blueprints_using_it(tmp_path: Path) -> None:
    from tests.build.conftest import make_workspace

    workspace = make_workspace(tmp_path / "ws", "webapp", "cluster-issuers")
    changed = "upstream-charts/webapp/values.yaml"
    assert PATTERN.search(changed)
    run = run_cli("lint", "--format", "json", changed, cwd=workspace, timeout=180)
    assert json.loads(run.stdout)["blueprints"] == ["blueprints/webapp"], run
