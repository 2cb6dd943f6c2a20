"""Chart.yaml's `appVersion` and `version` written as numbers (BPS004).

Unquoted, `appVersion: 1.10` is a YAML number: Helm's chart loader makes a string of it
with Go's formatting, `1.1`, and `.Chart.AppVersion` (most charts' default image tag)
says 1.1: the chart deploys the wrong image (pgadmin4's chart 1.10 deployed 6.1 for
6.10). `helm lint` refuses any number there; lint said nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.cli.helpers import invoke
from tests.input.test_bad_input import CHART, demo

HEAD = (
    "apiVersion: v2\nname: bp-demo\nversion: 1.0.0\n"
    'annotations:\n  catalyst.openova.io/no-upstream: "true"\n'
)


def _chart_findings(workspace: Path) -> list[dict[str, object]]:
    result = invoke("lint", "--format", "json", workspace)
    document = json.loads(result.stdout)
    return [d for d in document["diagnostics"] if d["file"] == CHART and not d["suppressed"]]


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("1.10", "appVersion 1.10 is a number, which Helm reads as 1.1"),
        ("1.0", "appVersion 1.0 is a number, which Helm reads as 1"),
        ("6.10 # the app's release", "appVersion 6.10 is a number, which Helm reads as 6.1"),
        ("2", "appVersion 2 is not a string (`helm lint` refuses it)"),
        ("true", "appVersion true is not a string (`helm lint` refuses it)"),
    ],
)
def test_an_app_version_written_as_a_number_is_reported_at_it(
    tmp_path: Path, written: str, message: str
) -> None:
    workspace = demo(tmp_path, {CHART: HEAD + f"appVersion: {written}\n"})

    [found] = _chart_findings(workspace)

    assert (found["rule"], found["line"], found["column"]) == ("BPS004", 6, 13)
    assert str(found["message"]).startswith(f"Chart.yaml: {message}")
    assert found["hint"] == f'quote it: `appVersion: "{written.split()[0]}"`'


@pytest.mark.parametrize("written", ['"1.10"', "'6.10'", "1.10.2", "v1.10", "latest"])
def test_an_app_version_helm_reads_as_written_is_clean(tmp_path: Path, written: str) -> None:
    workspace = demo(tmp_path, {CHART: HEAD + f"appVersion: {written}\n"})

    assert _chart_findings(workspace) == []


def test_a_version_written_as_a_number_shows_what_was_written(tmp_path: Path) -> None:
    """It said `version 1.4 is not SemVer` for `version: 1.40`."""
    workspace = demo(tmp_path, {CHART: HEAD.replace("version: 1.0.0", "version: 1.40")})

    [found] = _chart_findings(workspace)

    assert found["message"] == "Chart.yaml: version 1.40 is not SemVer (Helm reads 1.4)"
    assert found["line"] == 3


def test_each_missing_or_wrong_field_gets_its_own_fix(tmp_path: Path) -> None:
    """`version` absent said "version '' is not SemVer", and every field's finding the
    rule's general hint: each now says what to write (the version the Blueprint's
    spec.version has, which BPS006 wants Chart.yaml to agree with)."""
    head = HEAD.replace("apiVersion: v2", "apiVersion: v1").replace("name: bp-demo\n", "")
    workspace = demo(tmp_path, {CHART: head.replace("version: 1.0.0\n", "")})
    blueprint = yaml.safe_load((workspace / "blueprints/demo/blueprint.yaml").read_text())
    spec_version = blueprint["spec"]["version"]

    found = {d["message"]: d["hint"] for d in _chart_findings(workspace)}

    assert found == {
        "Chart.yaml: apiVersion is 'v1', not v2": "set `apiVersion: v2` (Helm 3's charts); a "
        "v1 chart's requirements.yaml dependencies move into Chart.yaml",
        "Chart.yaml: name is missing": "add `name: bp-demo`",
        "Chart.yaml: version is missing": f"add `version: {spec_version}` (the Blueprint's "
        "spec.version)",
    }


def test_a_chart_without_chart_yaml_is_told_what_to_write(tmp_path: Path) -> None:
    workspace = demo(tmp_path)
    (workspace / CHART).unlink()
    blueprint = yaml.safe_load((workspace / "blueprints/demo/blueprint.yaml").read_text())

    result = invoke("lint", "--format", "json", workspace)
    [found] = [d for d in json.loads(result.stdout)["diagnostics"] if d["rule"] == "BPS004"]

    assert found["message"] == "blueprints/demo/chart has no Chart.yaml"
    assert found["hint"] == (
        "add blueprints/demo/chart/Chart.yaml: `apiVersion: v2`, `name: bp-demo` and "
        f"`version: {blueprint['spec']['version']}` (the Blueprint's spec.version)"
    )
