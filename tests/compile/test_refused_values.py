"""A release's values that a chart's values.schema.json refuses are reported where they
are set (BPP016), with the fix.

Helm's refusal names the value but no file: `values don't meet the specifications of
the schema(s) in the following chart(s): vault: - at '/server/ha/replicas': got string,
want integer`. A Sovereign setting `vault: {server: {ha: {replicas: three}}}` on its
kit entry got the finding at the entry's `- blueprint:` line, with a hint about
`required` values; it is now at `replicas: three`, whichever layer sets it.
"""

from __future__ import annotations

import json
from pathlib import Path

from blueprintc.compile.run import run_compile
from blueprintc.diagnostics import Diagnostic
from tests.compile.helpers import line_of
from tests.compile.test_kit_renders import kit_workspace

SCHEMA = json.dumps({"type": "object", "properties": {"replicas": {"type": "integer"}}}, indent=2)


def _workspace(tmp_path: Path, kit: str) -> Path:
    """`kit_workspace`, its Blueprints base and app with a schema wanting an integer."""
    workspace = kit_workspace(tmp_path, kit)
    for name in ("base", "app"):
        (workspace / "blueprints" / name / "chart" / "values.schema.json").write_text(SCHEMA)
    return workspace


def _with_subchart_schema(tmp_path: Path, kit: str, schema: str) -> Path:
    """`kit_workspace`, bp-base's chart vendoring a subchart `widgets` whose values
    schema is `schema` (the chart's own has none)."""
    workspace = kit_workspace(tmp_path, kit)
    sub = workspace / "blueprints" / "base" / "chart" / "charts" / "widgets"
    sub.mkdir(parents=True)
    (sub / "Chart.yaml").write_text("apiVersion: v2\nname: widgets\nversion: 1.0.0\n")
    (sub / "values.schema.json").write_text(schema)
    return workspace


def _render_findings(workspace: Path, out: Path) -> list[Diagnostic]:
    outcome = run_compile(workspace, out=out)
    return [d for d in outcome.diagnostics if d.rule == "BPP016"]


def test_a_kit_entrys_refused_value_is_reported_at_its_line(tmp_path: Path) -> None:
    kit = "    - blueprint: bp-base\n      version: ^1.0\n      values:\n        replicas: two\n"
    workspace = _workspace(tmp_path, kit)

    [found] = _render_findings(workspace, tmp_path / "out")

    line = line_of(workspace / "sovereign.yaml", "replicas: two")
    assert (found.location.file, found.location.line, found.location.column) == (
        "sovereign.yaml",
        line,
        19,
    )
    assert "at '/replicas': got string, want integer" in found.message
    assert found.hint == (
        "give replicas a value bp-base's values.schema.json accepts (got string, want integer)"
    )


def test_a_value_from_the_sovereign_overlay_is_reported_there(tmp_path: Path) -> None:
    workspace = _workspace(tmp_path, "    - blueprint: bp-base\n      version: ^1.0\n")
    overlay = workspace / "overlays" / "sovereigns" / "demo.yaml"
    overlay.write_text(overlay.read_text() + "base:\n  replicas: many\n")

    [found] = _render_findings(workspace, tmp_path / "out")

    assert (found.location.file, found.location.line) == ("overlays/sovereigns/demo.yaml", 4)


def test_an_applications_refused_value_is_reported_in_its_organization(
    tmp_path: Path,
) -> None:
    workspace = _workspace(tmp_path, "    - blueprint: bp-base\n      version: ^1.0\n")
    organization = workspace / "organizations" / "acme.yaml"
    organization.write_text(organization.read_text().replace("replicas: 1", "replicas: one"))
    # bp-app's configSchema refuses it too (BPP004, the one finding while it is on:
    # tests/compile/test_shaped_values.py): off here, the render's own finding shows.
    config = workspace / "blueprintc.yaml"
    config.write_text(config.read_text() + "lint:\n  rules:\n    BPP004: off\n")

    found = _render_findings(workspace, tmp_path / "out")

    line = line_of(organization, "replicas: one")
    assert [(d.location.file, d.location.line) for d in found] == [
        ("organizations/acme.yaml", line)
    ]
    assert found[0].message.startswith("Application shop (dev) does not render")


def test_a_subcharts_refused_value_is_found_under_its_key(tmp_path: Path) -> None:
    kit = (
        "    - blueprint: bp-base\n      version: ^1.0\n      values:\n"
        "        widgets:\n          replicas: two\n"
    )
    workspace = _with_subchart_schema(tmp_path, kit, SCHEMA)

    [found] = _render_findings(workspace, tmp_path / "out")

    assert found.location.line == line_of(workspace / "sovereign.yaml", "replicas: two")
    assert found.hint.startswith("give widgets.replicas a value widgets's values.schema.json")


def test_a_refused_chart_default_keeps_the_kit_entrys_place(tmp_path: Path) -> None:
    """No layer above the chart sets the value: the Blueprint's own lint (BPG003) says
    where; compile points at the entry that renders it."""
    workspace = _workspace(tmp_path, "    - blueprint: bp-base\n      version: ^1.0\n")
    values = workspace / "blueprints" / "base" / "chart" / "values.yaml"
    values.write_text("replicas: one\n")

    [found] = _render_findings(workspace, tmp_path / "out")

    assert (found.location.file, found.location.line) == (
        "sovereign.yaml",
        line_of(workspace / "sovereign.yaml", "- blueprint: bp-base"),
    )


def test_a_required_value_no_layer_gives_is_named_in_the_hint(tmp_path: Path) -> None:
    """`missing property 'region'`: nothing to change, a key to add, in the layer's values."""
    kit = "    - blueprint: bp-base\n      version: ^1.0\n      values:\n        replicas: 2\n"
    workspace = kit_workspace(tmp_path, kit)
    schema = json.dumps({"type": "object", "required": ["region"]})
    (workspace / "blueprints" / "base" / "chart" / "values.schema.json").write_text(schema)

    [found] = _render_findings(workspace, tmp_path / "out")

    line = line_of(workspace / "sovereign.yaml", "replicas: 2")
    assert (found.location.file, found.location.line) == ("sovereign.yaml", line)
    assert "at '': missing property 'region'" in found.message
    assert found.hint == "set region: bp-base's values.schema.json requires it"


def test_a_subcharts_failing_template_names_its_values_key(tmp_path: Path) -> None:
    """opentelemetry-collector `fail`s until `image.repository` is set: the fix is a value
    under the subchart's key, on the kit entry or in the Blueprint, not 'a required value
    an overlay must supply'."""
    workspace = kit_workspace(tmp_path, "    - blueprint: bp-base\n      version: ^1.0\n")
    chart = workspace / "blueprints" / "base" / "chart"
    collector = chart / "charts" / "collector"
    (collector / "templates").mkdir(parents=True)
    (collector / "Chart.yaml").write_text("apiVersion: v2\nname: collector\nversion: 1.0.0\n")
    (collector / "templates" / "NOTES.txt").write_text(
        "{{- if not .Values.image }}{{ fail \"'image' must be set\" }}{{ end }}\n"
    )
    (chart / "Chart.yaml").write_text(
        (chart / "Chart.yaml").read_text()
        + "dependencies:\n  - name: collector\n    version: 1.0.0\n"
        + "    repository: oci://registry.example.test/charts\n"
    )

    [found] = _render_findings(workspace, tmp_path / "out")

    assert "'image' must be set" in found.message
    assert found.hint == (
        "the subchart collector refuses the values it is given: set what its message asks "
        "for under `collector:` in the kit entry's `values:` or in the Blueprint's "
        "values.yaml (its templates are the upstream's)"
    )


def test_each_refused_value_of_a_kit_entry_is_reported_at_its_own_line(tmp_path: Path) -> None:
    """Two values refused in one render: two findings, each at its line with its fix (one
    at the first value Helm happened to list was all a run showed), and a refused chart
    default in the same render stays at the entry, for that value alone."""
    kit = (
        "    - blueprint: bp-base\n      version: ^1.0\n      values:\n"
        "        replicas: two\n        mode: quick\n"
    )
    workspace = kit_workspace(tmp_path, kit)
    chart = workspace / "blueprints" / "base" / "chart"
    schema = {
        "type": "object",
        "properties": {
            "replicas": {"type": "integer"},
            "mode": {"enum": ["fast", "safe"]},
            "size": {"type": "string"},
        },
    }
    (chart / "values.schema.json").write_text(json.dumps(schema))
    (chart / "values.yaml").write_text((chart / "values.yaml").read_text() + "size: 3\n")

    found = _render_findings(workspace, tmp_path / "out")

    sovereign = workspace / "sovereign.yaml"
    places = sorted(
        (d.location.file, d.location.line, d.message.split(": - at ")[1]) for d in found
    )
    assert places == [
        (
            "sovereign.yaml",
            line_of(sovereign, "- blueprint: bp-base"),
            "'/size': got number, want string",
        ),
        (
            "sovereign.yaml",
            line_of(sovereign, "replicas: two"),
            "'/replicas': got string, want integer",
        ),
        (
            "sovereign.yaml",
            line_of(sovereign, "mode: quick"),
            "'/mode': value must be one of 'fast', 'safe'",
        ),
    ]
    by_line = {d.location.line: d.hint for d in found}
    assert by_line[line_of(sovereign, "mode: quick")] == (
        "give mode a value bp-base's values.schema.json accepts "
        "(value must be one of 'fast', 'safe')"
    )


def test_a_key_the_schema_does_not_allow_is_reported_at_the_key(tmp_path: Path) -> None:
    """`additionalProperties: false` and a misspelt key in the kit entry's values: at the
    key, not at the mapping Helm names."""
    kit = (
        "    - blueprint: bp-base\n      version: ^1.0\n      values:\n"
        "        pdb:\n          minAvailble: 1\n"
    )
    workspace = kit_workspace(tmp_path, kit)
    schema = {
        "type": "object",
        "properties": {
            "pdb": {
                "type": "object",
                "additionalProperties": False,
                "properties": {"minAvailable": {"type": "integer"}},
            }
        },
    }
    chart = workspace / "blueprints" / "base" / "chart"
    (chart / "values.schema.json").write_text(json.dumps(schema))

    [found] = _render_findings(workspace, tmp_path / "out")

    line = line_of(workspace / "sovereign.yaml", "minAvailble: 1")
    # At the key's column (11), where the mistake is, not its value's (24).
    assert (found.location.file, found.location.line, found.location.column) == (
        "sovereign.yaml",
        line,
        11,
    )
    assert found.hint == (
        "remove pdb.minAvailble, or correct its name: bp-base's values.schema.json allows no "
        "other keys at pdb"
    )


def test_a_subcharts_refused_global_is_found_at_the_top_level_global(tmp_path: Path) -> None:
    """The kit entry sets `global.org`; the subchart's schema, which Helm gives the
    chart's globals, refuses it at `/global/org`: at the entry's `org:`."""
    kit = (
        "    - blueprint: bp-base\n      version: ^1.0\n      values:\n"
        "        global:\n          org: acme\n"
    )
    schema = {
        "type": "object",
        "properties": {"global": {"properties": {"org": {"type": "integer"}}}},
    }
    workspace = _with_subchart_schema(tmp_path, kit, json.dumps(schema))

    [found] = _render_findings(workspace, tmp_path / "out")

    assert found.location.line == line_of(workspace / "sovereign.yaml", "org: acme")
    assert found.hint.startswith("give global.org a value widgets's values.schema.json")


def test_a_subchart_key_holding_no_mapping_is_reported_where_it_is_set(tmp_path: Path) -> None:
    """The kit entry gives `widgets: [1]`, where the subchart widgets' values go: Helm's
    `type mismatch on widgets` named no file, and stood at the entry."""
    kit = "    - blueprint: bp-base\n      version: ^1.0\n      values:\n        widgets: [1]\n"
    workspace = _with_subchart_schema(tmp_path, kit, "{}")

    [found] = _render_findings(workspace, tmp_path / "out")

    assert found.location.line == line_of(workspace / "sovereign.yaml", "widgets: [1]")
    assert "type mismatch on widgets" in found.message
    assert found.hint is not None and found.hint.startswith("give `widgets:` a mapping")
