"""BPP022: a config or overlay key the Blueprint's chart does not have is a warning at
the line that set it, with the closest chart key (issue 12 point 6, unknown keys).
The reference workspace maps its config onto chart values key for key; written the
other way (the issue's own finding: defaults landing as top-level values the chart
never reads), it is reported and the tree still compiled."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from blueprintc.compile.chart_keys import chart_keys, closest, unknown_keys
from blueprintc.compile.planner import compile_workspace
from blueprintc.diagnostics import Severity
from blueprintc.source import SourceFile
from tests.compile.helpers import REPO, copy_workspace, line_of


def _read(path: Path) -> SourceFile:
    return SourceFile(path, path.name, path.read_text(encoding="utf-8"))


def test_the_reference_workspace_maps_config_onto_chart_values() -> None:
    result = compile_workspace(REPO)
    assert [d for d in result.diagnostics if d.rule == "BPP022"] == []


def test_a_value_key_the_chart_lacks_is_a_warning_at_its_line(tmp_path: Path) -> None:
    """An overlay written in the Blueprint's own words (`replicas`) instead of the
    chart's (`webapp.replicaCount`): Helm passes it and nothing reads it. (Config
    itself is held to the configSchema first: BPP004.)"""
    workspace = copy_workspace(tmp_path / "ws")
    dev = workspace / "overlays" / "environments" / "dev.yaml"
    text = dev.read_text()
    old = "bp-webapp:\n"
    assert old in text
    dev.write_text(text.replace(old, "bp-webapp:\n  replicas: 3\n"))
    line = dev.read_text().splitlines().index("  replicas: 3") + 1
    result = compile_workspace(workspace)
    found = {
        (d.location.file, d.location.line, d.severity, (d.hint or "").split("?")[0])
        for d in result.diagnostics
    }
    hint = "did you mean 'webapp.replicaCount'"
    assert found == {("overlays/environments/dev.yaml", line, Severity.WARNING, hint)}
    assert result.ok  # warnings: the tree is compiled all the same


def test_a_subcharts_own_key_set_beside_its_key_is_named_below_it(tmp_path: Path) -> None:
    """`resources` at the top level of bp-webapp's values: the upstream webapp has it at
    its own top level, so the hint says where it belongs (difflib would not: no key of
    bp-webapp's values.yaml looks like it)."""
    workspace = copy_workspace(tmp_path / "ws")
    assert _bpp022_hints(workspace, "  resources:\n    limits: {}\n") == [
        "did you mean 'webapp.resources'? use a key of the chart's values.yaml, or remove "
        "the setting"
    ]


def test_keys_compile_reads_and_charts_reading_every_value_are_not_judged(
    tmp_path: Path,
) -> None:
    """`postgres` read by a `when` predicate is compile's; a chart that hands `.Values`
    whole to a template (`toYaml .Values`) may read any key."""
    workspace = copy_workspace(tmp_path / "ws")
    wiki = workspace / "blueprints" / "wiki" / "chart" / "values.yaml"
    wiki.write_text(wiki.read_text().replace("postgres:", "database:", 1))
    templates = workspace / "blueprints" / "wiki" / "chart" / "templates"
    for template in templates.glob("*database*.yaml"):
        template.unlink()
    result = compile_workspace(workspace)
    assert [d.message for d in result.diagnostics if d.rule == "BPP022"] == []
    webapp = workspace / "blueprints" / "webapp" / "chart"
    dev = workspace / "overlays" / "environments" / "dev.yaml"
    dev.write_text(dev.read_text().replace("bp-webapp:\n", "bp-webapp:\n  anything: 1\n"))
    assert {d.rule for d in compile_workspace(workspace).diagnostics} == {"BPP022"}
    (webapp / "templates" / "dump.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dump\n"
        "data:\n  values: {{ toYaml .Values | quote }}\n"
    )
    assert [d.rule for d in compile_workspace(workspace).diagnostics] == []


def test_a_key_is_the_charts_in_every_way_a_chart_has_one(tmp_path: Path) -> None:
    chart = tmp_path / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "templates" / "a.yaml").write_text(
        '{{ .Values.fromTemplate }} {{ index .Values "with-dash" }}\n', encoding="utf-8"
    )
    (chart / "values.schema.json").write_text(
        '{"properties": {"fromSchema": {}}, "patternProperties": {"^x-": {}}}', encoding="utf-8"
    )
    values = {"fromValues": {"nested": {"replicaCount": 1}}}
    deps = {"dependencies": [{"name": "postgresql", "alias": "db"}, {"name": "redis"}]}
    known = chart_keys(chart, values, deps, _read)
    assert known is not None
    keys = ["fromValues", "fromSchema", "x-1", "fromTemplate", "with-dash", "db", "redis"]
    assert list(unknown_keys([*keys, "global", "postgresql", "replicas"], known)) == ["replicas"]
    assert closest("replicas", values, known) == "fromValues.nested.replicaCount"
    assert closest("fromValue", values, known) == "fromValues"


def test_a_schema_taking_every_key_is_not_judged(tmp_path: Path) -> None:
    (tmp_path / "values.schema.json").write_text(
        '{"additionalProperties": {"type": "string"}}', encoding="utf-8"
    )
    assert chart_keys(tmp_path, {}, {}, _read) is None


@pytest.mark.parametrize(
    "template",
    ["{{ toYaml .Values }}", "{{ index .Values $key }}", "{{ range $k, $v := .Values }}{{ end }}"],
)
def test_a_template_reading_values_whole_judges_nothing(tmp_path: Path, template: str) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "a.yaml").write_text(template, encoding="utf-8")
    assert chart_keys(tmp_path, {"a": 1}, {}, _read) is None
    (tmp_path / "templates" / "a.yaml").write_text('{{ index .Values "a" }}', encoding="utf-8")
    assert chart_keys(tmp_path, {"a": 1}, {}, _read) == frozenset({"a", "global"})


def test_a_key_beside_an_unbuilt_upstreams_key_is_pointed_below_it(tmp_path: Path) -> None:
    """The upstream is not built, so its defaults cannot say whether it has the key; the
    hint names the one place it could be read (the platform's real kit set bp-gitea's
    `ingress:` beside `gitea:`, where nothing reads it; here `nodeSelector`)."""
    workspace = copy_workspace(tmp_path / "ws")
    (workspace / "blueprints" / "webapp" / "chart" / "charts" / "webapp-2.4.1.tgz").unlink()
    shutil.rmtree(workspace / "upstream-charts" / "webapp")
    assert _bpp022_hints(workspace, "  nodeSelector:\n    zone: a\n") == [
        "if it is a value of the upstream webapp (not built here, so its values were not "
        "read), set it below `webapp:`; else use a key of the chart's values.yaml, or remove "
        "the setting"
    ]


def _bpp022_hints(workspace: Path, setting: str) -> list[str | None]:
    """BPP022's hints once the dev overlay sets `setting` (YAML lines) for bp-webapp."""
    dev = workspace / "overlays" / "environments" / "dev.yaml"
    dev.write_text(dev.read_text().replace("bp-webapp:\n", f"bp-webapp:\n{setting}"))
    return [d.hint for d in compile_workspace(workspace).diagnostics if d.rule == "BPP022"]


@pytest.mark.parametrize(
    ("rel", "old", "new", "key"),
    [
        # the Sovereign overlay's first `ingress:`, whose value is `className: cilium`
        ("overlays/sovereigns/omantel.yaml", "\n  ingress:\n", "\n  ingres:\n", "  ingres:"),
        # a configSchema default that is a mapping, set on the lines below `default:`
        (
            "blueprints/webapp/blueprint.yaml",
            "    properties:\n      webapp:\n",
            "    properties:\n      extras:\n        type: object\n        default:\n"
            "          a: 1\n      webapp:\n",
            "        default:",
        ),
    ],
)
def test_a_key_whose_value_is_a_mapping_is_reported_at_the_key(
    tmp_path: Path, rel: str, old: str, new: str, key: str
) -> None:
    """At the key that sets it (`ingres:`), not at the mapping's first key on the line
    below (`className: cilium`), which is right where it stands."""
    workspace = copy_workspace(tmp_path / "ws")
    path = workspace / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    line = line_of(path, key)
    found = [d for d in compile_workspace(workspace).diagnostics if d.rule == "BPP022"]
    assert {(d.location.file, d.location.line, d.location.column) for d in found} == {
        (rel, line, len(key) - len(key.lstrip()) + 1)
    }
