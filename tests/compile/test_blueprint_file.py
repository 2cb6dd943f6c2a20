"""Compile checks each catalog Blueprint's `blueprint.yaml` as lint does (BPS001).

`verison: 1.4.2` left the version unset: compile emitted the Blueprint as 0.0.0
(HelmRelease `version: 0.0.0`), exit 0; `kind: Bluprint` compiled as well.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from blueprintc.lint import lint
from tests.cli.helpers import invoke
from tests.compile.helpers import copy_workspace, edit_file

BLUEPRINT = "blueprints/webapp/blueprint.yaml"


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    root = copy_workspace(tmp_path / "ws")
    assert invoke("compile", root).exit_code == 0
    return root


def test_a_misspelt_version_is_one_error_at_its_key_and_nothing_is_written(ws: Path) -> None:
    edit_file(ws / BLUEPRINT, "  version: 1.4.2", "  verison: 1.4.2")
    release = ws / "out/repos/acme/shop/main/base/helmrelease.yaml"
    before = release.read_bytes()

    result = invoke("compile", ws)

    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if ": error " in line]
    assert errors == [
        f"{BLUEPRINT}:8:3: error BPS001 [blueprint-schema] spec.verison: Additional "
        "properties are not allowed ('verison' was unexpected)"
    ], result.output
    assert "did you mean 'version'?" in result.output
    assert release.read_bytes() == before


def test_a_wrong_kind_stops_the_compile(ws: Path) -> None:
    edit_file(ws / BLUEPRINT, "kind: Blueprint", "kind: Bluprint")

    result = invoke("compile", ws)

    assert result.exit_code == 1
    assert f"{BLUEPRINT}:2:7: error BPS001 [blueprint-schema] kind:" in result.output


def test_lint_tells_a_misspelt_required_key_once(ws: Path) -> None:
    """Not also "'version' is a required property": one cause, one finding."""
    edit_file(ws / BLUEPRINT, "  version: 1.4.2", "  verison: 1.4.2")

    found = lint([ws / "blueprints/webapp"], root=ws, select={"BPS001"}).active

    assert [(d.location.line, d.hint) for d in found] == [
        (8, "did you mean 'version'? Otherwise remove the key")
    ]


@pytest.mark.parametrize("written", ["two", "2.5", ".inf", ".nan", "true"])
def test_a_region_count_that_is_no_whole_number_is_bps001_not_a_traceback(
    ws: Path, written: str
) -> None:
    """`minRegions: two` was a ValueError traceback from the placement planner."""
    docs = ws / "blueprints/docs-portal/blueprint.yaml"
    edit_file(docs, "    minRegions: 1", f"    minRegions: {written}")

    result = invoke("compile", ws)

    assert result.exit_code == 1
    assert "blueprints/docs-portal/blueprint.yaml:48:17: error BPS001" in result.output


def test_a_configschema_that_is_no_json_schema_is_bps002_not_a_traceback(ws: Path) -> None:
    """`type: strng` made every Application's config check a jsonschema traceback."""
    edit_file(ws / BLUEPRINT, "                type: string\n", "                type: strng\n")

    result = invoke("compile", ws)

    assert result.exit_code == 1
    assert f"{BLUEPRINT}:51:23: error BPS002 [config-schema] spec.configSchema." in (result.output)


def test_placement_modes_that_are_no_list_are_bps001_not_a_traceback(ws: Path) -> None:
    edit_file(ws / BLUEPRINT, "    modes: [", "    modes: 1.5\n    was: [")

    result = invoke("compile", ws)

    assert result.exit_code == 1
    assert "error BPS001 [blueprint-schema] spec.placementSchema.modes:" in result.output
