"""A render that fails on the shape of a release's value is reported where the value is
set, with the shape the chart wants (BPP016); one failure of an Application in several
Environments is one finding; and a value the configSchema refuses is not reported again
as the render it breaks.

Go's template engine names the expression (`<.Values.ui.message>: can't evaluate field
message in type interface {}`), never the value: the finding stood at the kit entry or
the Application, once per Environment, with a hint about a subchart's values.
"""

from __future__ import annotations

from pathlib import Path

from blueprintc.compile.run import plan, run_compile
from blueprintc.diagnostics import Diagnostic
from tests.compile.helpers import copy_workspace, line_of
from tests.compile.test_kit_renders import kit_workspace

KIT = "    - blueprint: bp-base\n      version: ^1.0\n      values:\n"


def _base_reading(tmp_path: Path, values: str, template: str) -> Path:
    """`kit_workspace` whose bp-base renders `template` and whose kit entry gives it
    `values` (indented under `values:`)."""
    workspace = kit_workspace(tmp_path, KIT + values)
    chart = workspace / "blueprints" / "base" / "chart"
    (chart / "templates" / "shaped.yaml").write_text(template)
    return workspace


def _render_findings(workspace: Path, out: Path) -> list[Diagnostic]:
    return [d for d in run_compile(workspace, out=out).diagnostics if d.rule == "BPP016"]


CONFIG_MAP = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shaped\ndata:\n"


def test_a_scalar_read_as_a_mapping_is_reported_where_it_is_set(tmp_path: Path) -> None:
    template = CONFIG_MAP + "  message: {{ .Values.ui.message | quote }}\n"
    workspace = _base_reading(tmp_path, "        ui: hello\n", template)

    [found] = _render_findings(workspace, tmp_path / "out")

    line = line_of(workspace / "sovereign.yaml", "ui: hello")
    assert (found.location.file, found.location.line) == ("sovereign.yaml", line)
    assert "can't evaluate field message" in found.message
    assert found.hint == (
        "make ui a mapping: it is a string (hello) here, and the chart reads ui.message"
    )


def test_a_subcharts_value_is_found_under_its_key(tmp_path: Path) -> None:
    workspace = kit_workspace(tmp_path, KIT + "        widgets:\n          ui: 3\n")
    sub = workspace / "blueprints" / "base" / "chart" / "charts" / "widgets"
    (sub / "templates").mkdir(parents=True)
    (sub / "Chart.yaml").write_text("apiVersion: v2\nname: widgets\nversion: 1.0.0\n")
    (sub / "templates" / "cm.yaml").write_text(CONFIG_MAP + "  c: {{ .Values.ui.color }}\n")

    [found] = _render_findings(workspace, tmp_path / "out")

    assert found.location.line == line_of(workspace / "sovereign.yaml", "ui: 3")
    assert found.hint == (
        "make widgets.ui a mapping: it is a number (3) here, and the chart reads widgets.ui.color"
    )


def test_a_scalar_given_to_range_is_reported_in_the_overlay(tmp_path: Path) -> None:
    template = CONFIG_MAP + "{{- range .Values.hosts }}\n  {{ . }}: x\n{{- end }}\n"
    workspace = _base_reading(tmp_path, "        replicas: 2\n", template)
    overlay = workspace / "overlays" / "sovereigns" / "demo.yaml"
    overlay.write_text(overlay.read_text() + "base:\n  hosts: one.example.test\n")

    [found] = _render_findings(workspace, tmp_path / "out")

    assert (found.location.file, found.location.line) == (
        "overlays/sovereigns/demo.yaml",
        line_of(overlay, "hosts: one.example.test"),
    )
    assert found.hint == (
        "give hosts a list (or a mapping): it is a string (one.example.test) here, and "
        "the chart's `range` iterates over nothing else"
    )


def test_a_misspelt_key_behind_a_nil_pointer_is_named(tmp_path: Path) -> None:
    template = CONFIG_MAP + "  class: {{ .Values.ingress.className }}\n"
    workspace = _base_reading(tmp_path, "        ingres:\n          className: nginx\n", template)

    [found] = _render_findings(workspace, tmp_path / "out")

    sovereign = workspace / "sovereign.yaml"
    assert found.location.line == line_of(sovereign, "ingres:")
    assert found.location.json_path == "ingres"
    assert found.hint == (
        "write `ingress:` for `ingres:`: the chart reads ingress.className, which nothing sets"
    )


def test_a_value_set_empty_behind_a_nil_pointer_is_named(tmp_path: Path) -> None:
    template = CONFIG_MAP + "  class: {{ .Values.ingress.className }}\n"
    workspace = _base_reading(tmp_path, "        ingress: null\n", template)

    [found] = _render_findings(workspace, tmp_path / "out")

    assert found.location.line == line_of(workspace / "sovereign.yaml", "ingress: null")
    assert found.hint == (
        "give ingress a value: it is empty (null) here, and the chart reads ingress.className"
    )


def test_a_failure_no_layer_explains_keeps_the_kit_entrys_place(tmp_path: Path) -> None:
    """The chart reads a value nothing sets: no layer to blame, the entry stays."""
    template = CONFIG_MAP + "  class: {{ .Values.ingress.className }}\n"
    workspace = _base_reading(tmp_path, "        replicas: 2\n", template)

    [found] = _render_findings(workspace, tmp_path / "out")

    assert found.location.line == line_of(workspace / "sovereign.yaml", "- blueprint: bp-base")


def test_one_failure_in_every_environment_is_one_finding(tmp_path: Path) -> None:
    workspace = copy_workspace(tmp_path / "ws")
    chart = workspace / "blueprints" / "webapp" / "chart"
    (chart / "templates" / "broken.yaml").write_text('{{ fail "the chart is broken" }}\n')

    found = [d for d in plan(workspace).diagnostics if d.rule == "BPP016"]

    shop = [d for d in found if d.message.startswith("Application shop ")]
    assert [d.message.split(":")[0] for d in shop] == [
        "Application shop (dev, prod, stg) does not render"
    ]
    assert [d.location.line for d in shop] == [
        line_of(workspace / "organizations" / "acme.yaml", "- name: shop")
    ]


def test_a_value_the_config_schema_refuses_is_not_reported_again(tmp_path: Path) -> None:
    workspace = copy_workspace(tmp_path / "ws")
    organization = workspace / "organizations" / "acme.yaml"
    text = organization.read_text()
    broken = "          ui: Welcome to Acme\n"
    organization.write_text(
        text.replace("          ui:\n            message: Welcome to Acme\n", broken)
    )

    found = [d for d in plan(workspace).diagnostics if d.suppressed is None]

    assert [(d.rule, d.location.line) for d in found] == [
        ("BPP004", line_of(organization, "ui: Welcome to Acme"))
    ]


def test_a_value_both_schemas_refuse_is_the_config_schemas_finding(tmp_path: Path) -> None:
    """`replicas: one` breaks bp-app's configSchema (BPP004) and its chart's
    values.schema.json (a refused render, BPP016), at the same place: one finding."""
    workspace = kit_workspace(tmp_path, "    - blueprint: bp-base\n      version: ^1.0\n")
    schema = '{"type": "object", "properties": {"replicas": {"type": "integer"}}}'
    (workspace / "blueprints" / "app" / "chart" / "values.schema.json").write_text(schema)
    organization = workspace / "organizations" / "acme.yaml"
    organization.write_text(organization.read_text().replace("replicas: 1", "replicas: one"))

    found = run_compile(workspace, out=tmp_path / "out").diagnostics

    assert [(d.rule, d.location.line) for d in found] == [
        ("BPP004", line_of(organization, "replicas: one"))
    ]
