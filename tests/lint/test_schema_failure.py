"""A default render that a chart's values.schema.json refuses is reported at the value.

Helm checks the values against every chart's schema before it renders and names no
file, so BPG003 stood at Chart.yaml's `name:` with a hint about templates. A wrapper that
sets an upstream's value wrongly (`cloudnative-pg: {replicaCount: two}`, which
cloudnative-pg's schema wants an integer) now finds it at that line of values.yaml."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from blueprintc.diagnostics import Diagnostic
from blueprintc.lint import lint
from tests.cli.helpers import write_workspace
from tests.lint.test_upstream_objects import wrapper

CHART = "blueprints/demo/chart"
SCHEMA = json.dumps(
    {
        "type": "object",
        "properties": {"replicaCount": {"type": "integer"}},
        "required": ["image"],
    }
)


def _findings(workspace: Path) -> list[tuple[str, str, int, int, str]]:
    result = lint([workspace], root=workspace, jobs=1, select={"BPG003"})
    return [
        (d.location.file, d.message.split(": ", 1)[1], d.location.line, d.location.column, d.hint)
        for d in result.active
    ]


def test_an_upstreams_schema_refusing_a_value_is_reported_at_the_value(tmp_path: Path) -> None:
    values = "replicas: 1\nupstream-app:\n  image: x\n  replicaCount: two\n"
    upstream = {
        "values.schema.json": SCHEMA,
        "templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
    }
    workspace = wrapper(tmp_path, values, {}, upstream)
    [(file, message, line, column, hint)] = _findings(workspace)
    assert (file, line, column) == (f"{CHART}/values.yaml", 4, 17)
    assert "upstream-app: - at '/replicaCount': got string, want integer" in message
    assert hint == (
        "give upstream-app.replicaCount a value upstream-app's values.schema.json accepts "
        "(got string, want integer)"
    )


def test_the_charts_own_schema_too_and_a_missing_value_stays_at_the_chart(
    tmp_path: Path,
) -> None:
    workspace = write_workspace(
        tmp_path / "ws",
        {"demo": "replicas: 1\nreplicaCount: two\nimage: x\n"},
        extra={f"{CHART}/values.schema.json": SCHEMA},
    )
    [(file, _, line, column, hint)] = _findings(workspace)
    assert (file, line, column) == (f"{CHART}/values.yaml", 2, 15)
    assert hint.startswith("give replicaCount a value bp-demo's values.schema.json accepts")

    # `image` is required and absent: nothing in values.yaml to point at
    (workspace / CHART / "values.yaml").write_text("replicas: 1\n", encoding="utf-8")
    [(file, message, line, _, _)] = _findings(workspace)
    assert (file, line) == (f"{CHART}/Chart.yaml", 2)
    assert "missing propert" in message


def test_a_ci_values_file_refused_by_the_schema_is_reported_at_its_value(
    tmp_path: Path,
) -> None:
    """chart-testing's `ci/*-values.yaml` renders (BPG012): the value is in the ci/ file."""
    upstream = {
        "values.schema.json": SCHEMA,
        "templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
    }
    workspace = wrapper(tmp_path, "replicas: 1\nupstream-app:\n  image: x\n", {}, upstream)
    ci = workspace / CHART / "ci" / "ha-values.yaml"
    ci.parent.mkdir()
    ci.write_text("upstream-app:\n  replicaCount: two\n", encoding="utf-8")
    result = lint([workspace], root=workspace, jobs=1, select={"BPG012"})
    found = [(d.location.file, d.location.line, d.location.column) for d in result.active]
    assert found == [(f"{CHART}/ci/ha-values.yaml", 2, 17)]
    assert result.active[0].hint.startswith("give upstream-app.replicaCount a value")


def test_a_refusal_of_values_yaml_that_every_render_meets_is_reported_once(
    tmp_path: Path,
) -> None:
    """values.yaml's `replicaCount: two` fails the default render (BPG003) and each ci/
    render over it the same way: one finding, BPG003's, at the value. A ci/ file that
    sets the same wrong value itself is a second place to fix, and is reported there."""
    upstream = {
        "values.schema.json": SCHEMA,
        "templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
    }
    values = "replicas: 1\nupstream-app:\n  image: x\n  replicaCount: two\n"
    workspace = wrapper(tmp_path, values, {}, upstream)
    ci = {
        "ha-values.yaml": "replicas: 2\n",
        "two-values.yaml": "upstream-app:\n  replicaCount: two\n",
    }
    active = _render_findings_with_ci(workspace, ci)
    assert [(d.rule, d.location.file, d.location.line) for d in active] == [
        ("BPG012", f"{CHART}/ci/two-values.yaml", 2),
        ("BPG003", f"{CHART}/values.yaml", 4),
    ]


def _render_findings_with_ci(workspace: Path, ci: dict[str, str]) -> list[Diagnostic]:
    """BPG003's and BPG012's findings, once the chart has the `ci/` files `ci`."""
    (workspace / CHART / "ci").mkdir()
    for name, text in ci.items():
        (workspace / CHART / "ci" / name).write_text(text, encoding="utf-8")
    return lint([workspace], root=workspace, jobs=1, select={"BPG003", "BPG012"}).active


def test_an_aliased_upstream_is_found_by_the_alias_helm_names_it_by(tmp_path: Path) -> None:
    upstream = {
        "values.schema.json": SCHEMA,
        "templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
    }
    workspace = wrapper(
        tmp_path, "replicas: 1\napp:\n  image: x\n  replicaCount: two\n", {}, upstream
    )
    chart = workspace / CHART / "Chart.yaml"
    chart.write_text(chart.read_text(encoding="utf-8") + "    alias: app\n", encoding="utf-8")
    [(file, message, line, column, hint)] = _findings(workspace)
    assert "app: - at '/replicaCount'" in message  # Helm names the subchart by its alias
    assert (file, line, column) == (f"{CHART}/values.yaml", 4, 17)
    assert hint.startswith("give app.replicaCount a value upstream-app's values.schema.json")


REQUIRING = json.dumps(
    {
        "type": "object",
        "required": ["policy"],
        "properties": {
            "policy": {"type": "string", "enum": ["create-only", "sync", "upsert-only"]},
            "x": {"$ref": "#/definitions/x"},
        },
        "definitions": {
            "x": {"type": "object", "required": ["c"], "properties": {"c": {"type": "integer"}}}
        },
    }
)
RENDERS = {"templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"}


def test_a_required_value_the_wrapper_does_not_give_is_reported_at_the_upstreams_key(
    tmp_path: Path,
) -> None:
    """external-dns 1.21 requires `policy` and ships none: the fix is a key under
    `external-dns:`, with the values its schema allows."""
    upstream = {"values.schema.json": REQUIRING, **RENDERS}
    workspace = wrapper(tmp_path, "replicas: 1\nupstream-app:\n  image: x\n", {}, upstream)
    [(file, message, line, column, hint)] = _findings(workspace)
    assert "upstream-app: - at '': missing property 'policy'" in message
    assert (file, line, column) == (f"{CHART}/values.yaml", 2, 1)  # `upstream-app:`
    assert hint == (
        "set upstream-app.policy (one of: create-only, sync, upsert-only): upstream-app's "
        "values.schema.json requires it"
    )

    # No `upstream-app:` in values.yaml at all: at its Chart.yaml entry, naming the file
    (workspace / CHART / "values.yaml").write_text("replicas: 1\n", encoding="utf-8")
    [(file, _, line, column, hint)] = _findings(workspace)
    assert (file, line, column) == (f"{CHART}/Chart.yaml", 5, 5)  # `  - name: upstream-app`
    assert hint == (
        "set upstream-app.policy (one of: create-only, sync, upsert-only) in "
        f"{CHART}/values.yaml: upstream-app's values.schema.json requires it"
    )

    # A nested mapping that lacks a key its schema (behind a $ref) requires: at that mapping
    (workspace / CHART / "values.yaml").write_text(
        "replicas: 1\nupstream-app:\n  policy: sync\n  x:\n    d: 1\n", encoding="utf-8"
    )
    [(file, message, line, column, hint)] = _findings(workspace)
    assert "at '/x': missing property 'c'" in message
    assert (file, line, column) == (f"{CHART}/values.yaml", 4, 3)  # `x:`
    assert (
        hint == "set upstream-app.x.c (an integer): upstream-app's values.schema.json requires it"
    )


def test_the_charts_own_required_values_are_named_with_the_file_to_add_them_to(
    tmp_path: Path,
) -> None:
    schema = json.dumps({"type": "object", "required": ["image", "tag"]})
    workspace = write_workspace(
        tmp_path / "ws", {"demo": "replicas: 1\n"}, extra={f"{CHART}/values.schema.json": schema}
    )
    [(file, message, line, _, hint)] = _findings(workspace)
    assert "missing properties 'image', 'tag'" in message
    assert (file, line) == (f"{CHART}/Chart.yaml", 2)  # nothing in values.yaml to point at
    assert hint == (
        f"set image, tag in {CHART}/values.yaml: bp-demo's values.schema.json requires them"
    )


def test_a_toggle_the_schema_refuses_is_bpg003s_finding_alone(tmp_path: Path) -> None:
    """`serviceMonitor.enabled: "no"` where the upstream's schema wants a boolean: BPG003
    reports the refusal at the value; BPG005 (toggle not false) does not say it again."""
    schema = json.dumps(
        {
            "type": "object",
            "properties": {
                "serviceMonitor": {
                    "type": "object",
                    "properties": {"enabled": {"type": "boolean"}},
                }
            },
        }
    )
    upstream = {
        "values.schema.json": schema,
        "values.yaml": "serviceMonitor:\n  enabled: false\n",
        "templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
    }
    values = 'replicas: 1\nupstream-app:\n  serviceMonitor:\n    enabled: "no"\n'
    workspace = wrapper(tmp_path, values, {}, upstream)
    result = lint([workspace], root=workspace, jobs=1, select={"BPG003", "BPG005"})
    found = [(d.rule, d.location.file, d.location.line) for d in result.active]
    assert found == [("BPG003", f"{CHART}/values.yaml", 4)]


SEVERAL = json.dumps(
    {
        "type": "object",
        "properties": {
            "replicaCount": {"type": "integer"},
            "mode": {"enum": ["fast", "safe"]},
            "image": {"type": "object", "properties": {"tag": {"type": "string"}}},
        },
    }
)


def test_every_refused_value_is_reported_at_its_own_line_with_its_fix(tmp_path: Path) -> None:
    """Helm refuses three values in one message; the first one Helm listed (in Go's map
    order, a new one each run) was the one finding. Now one run shows every fix."""
    upstream = {"values.schema.json": SEVERAL, **RENDERS}
    values = (
        "replicas: 1\nupstream-app:\n  replicaCount: two\n  mode: quick\n  image:\n    tag: 5\n"
    )
    workspace = wrapper(tmp_path, values, {}, upstream)
    found = sorted(_findings(workspace), key=lambda f: f[2])
    assert [(file, line, column) for file, _, line, column, _ in found] == [
        (f"{CHART}/values.yaml", 3, 17),
        (f"{CHART}/values.yaml", 4, 9),
        (f"{CHART}/values.yaml", 6, 10),
    ]
    messages = [message for _, message, _, _, _ in found]
    assert messages[0].endswith("upstream-app: - at '/replicaCount': got string, want integer")
    assert messages[1].endswith("upstream-app: - at '/mode': value must be one of 'fast', 'safe'")
    assert messages[2].endswith("upstream-app: - at '/image/tag': got number, want string")
    assert [hint.split(" a value ")[0] for _, _, _, _, hint in found] == [
        "give upstream-app.replicaCount",
        "give upstream-app.mode",
        "give upstream-app.image.tag",
    ]


def test_a_ci_file_refused_beside_values_yaml_is_reported_for_its_own_value(
    tmp_path: Path,
) -> None:
    """values.yaml's `mode: quick` fails every render (BPG003 reports it); a ci/ file that
    also sets `replicaCount: two` fails with both. Its render is reported for its own
    value alone: `mode`, which BPG003 reports at values.yaml, was reported there again
    from the ci/ render, because the two failures' messages differed."""
    upstream = {"values.schema.json": SEVERAL, **RENDERS}
    values = "replicas: 1\nupstream-app:\n  mode: quick\n"
    workspace = wrapper(tmp_path, values, {}, upstream)
    active = _render_findings_with_ci(
        workspace, {"ha-values.yaml": "upstream-app:\n  replicaCount: two\n"}
    )
    assert [(d.rule, d.location.file, d.location.line) for d in active] == [
        ("BPG012", f"{CHART}/ci/ha-values.yaml", 2),
        ("BPG003", f"{CHART}/values.yaml", 3),
    ]
    assert active[0].message.endswith("'/replicaCount': got string, want integer")


def test_a_key_the_schema_does_not_allow_is_reported_at_the_key_with_the_closest(
    tmp_path: Path,
) -> None:
    """`additionalProperties: false` refuses a misspelt key: Helm names the mapping, the
    fix is the key (`minAvailble:` for `minAvailable:`), at its line."""
    schema = json.dumps(
        {
            "type": "object",
            "properties": {
                "pdb": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {"minAvailable": {"type": "integer"}, "enabled": {}},
                }
            },
        }
    )
    upstream = {"values.schema.json": schema, **RENDERS}
    values = "replicas: 1\nupstream-app:\n  pdb:\n    enabled: true\n    minAvailble: 1\n"
    workspace = wrapper(tmp_path, values, {}, upstream)
    [(file, message, line, column, hint)] = _findings(workspace)
    assert message.endswith("- at '/pdb': additional properties 'minAvailble' not allowed")
    assert (file, line, column) == (f"{CHART}/values.yaml", 5, 5)  # `minAvailble:`
    assert hint == (
        "remove upstream-app.pdb.minAvailble, or correct its name (did you mean "
        "upstream-app.pdb.minAvailable?): upstream-app's values.schema.json allows no other "
        "keys at upstream-app.pdb"
    )


@pytest.mark.parametrize(
    ("schema", "place", "why"),
    [
        ('{"type": "object",\n "properties": {\n  "a": 1,,\n', (3, 10), "invalid character ','"),
        (
            '{"type": "object",\n "properties": {\n  "mode": {"$ref": "#/definitions/nope"}\n}}\n',
            (3, 20),
            'json-pointer in "file:///values.schema.json#/definitions/nope" not found',
        ),
    ],
)
def test_a_values_schema_helm_cannot_use_is_reported_in_it(
    tmp_path: Path, schema: str, place: tuple[int, int], why: str
) -> None:
    """Not JSON, or a `$ref` to nothing: Helm lists no value, and every render fails. It
    was reported at Chart.yaml with a hint about templates (and lint crashed on the
    message for a while); the fix is in values.schema.json, at the parse error or the
    `$ref`."""
    workspace = write_workspace(
        tmp_path / "ws",
        {"demo": "replicas: 1\n"},
        extra={f"{CHART}/values.schema.json": schema},
    )
    result = lint([workspace], root=workspace, jobs=1)
    [found] = result.active
    assert found.rule == "BPG003"
    where = found.location
    assert (where.file, where.line, where.column) == (f"{CHART}/values.schema.json", *place)
    assert why in found.message
    assert found.hint.startswith(f"fix values.schema.json ({why}")


def test_an_upstreams_global_value_is_found_at_the_charts_own_global(tmp_path: Path) -> None:
    """Helm copies the chart's `global:` into every subchart, over the subchart's own, so
    a subchart's schema refusing `/global/org` refuses what values.yaml sets at the top
    level: that is where the fix goes, not under `upstream-app:`."""
    schema = json.dumps(
        {"type": "object", "properties": {"global": {"properties": {"org": {"type": "integer"}}}}}
    )
    upstream = {"values.schema.json": schema, **RENDERS}
    values = "replicas: 1\nglobal:\n  org: acme\nupstream-app:\n  image: x\n"
    workspace = wrapper(tmp_path, values, {}, upstream)
    [(file, message, line, column, hint)] = _findings(workspace)
    assert message.endswith("upstream-app: - at '/global/org': got string, want integer")
    assert (file, line, column) == (f"{CHART}/values.yaml", 3, 8)
    assert hint.startswith("give global.org a value upstream-app's values.schema.json accepts")
