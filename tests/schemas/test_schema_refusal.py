"""Helm's refusal of a render's values, taken apart into one refused value per fix.

The message is the real SDK's, for a chart and a subchart whose schemas refuse several
values, which it lists in Go's map order (a new order each run). Groups (`validation
failed`, `'allOf' failed`) stand for the values below them, and a `oneOf`/`anyOf` value
is refused once, not once per alternative it matched none of, with what each alternative
wanted of it.
"""

from __future__ import annotations

import json
from pathlib import Path

import helm_python as helm
import pytest

from blueprintc.diagnostics import one_line
from blueprintc.schema_refusal import (
    REFUSED,
    Refusal,
    refusals,
    refusals_message,
    unusable_schema,
)

CHART_YAML = "apiVersion: v2\nname: {name}\nversion: 0.1.0\n"
CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"
OWN_SCHEMA = {
    "type": "object",
    "required": ["zz"],
    "properties": {
        "image": {
            "type": "object",
            "required": ["repository"],
            "properties": {"tag": {"type": "string"}},
        },
        "mode": {"enum": ["a", "b"]},
        "both": {"allOf": [{"required": ["y"]}, {"properties": {"x": {"type": "string"}}}]},
        "either": {"anyOf": [{"type": "string"}, {"type": "boolean"}]},
    },
}
SUB_SCHEMA = {
    "type": "object",
    "properties": {
        "level": {
            "oneOf": [
                {"type": "integer"},
                {"type": "object", "required": ["b"], "properties": {"a": {"type": "string"}}},
            ]
        },
        "size": {"type": "string"},
    },
}
VALUES = "image: {tag: 5}\nmode: fast\nboth: {x: 1}\neither: 1\nsub:\n  level: {a: 1}\n"


def _refusal_message(tmp_path: Path) -> str:
    chart = tmp_path / "demo"
    chart.mkdir(parents=True)
    sub = chart / "charts" / "sub"
    (sub / "templates").mkdir(parents=True)
    (chart / "templates").mkdir()
    (chart / "Chart.yaml").write_text(CHART_YAML.format(name="demo"))
    (chart / "values.yaml").write_text(VALUES)
    (chart / "values.schema.json").write_text(json.dumps(OWN_SCHEMA))
    (chart / "templates" / "cm.yaml").write_text(CONFIGMAP)
    (sub / "Chart.yaml").write_text(CHART_YAML.format(name="sub"))
    (sub / "values.yaml").write_text("size: 3\n")
    (sub / "values.schema.json").write_text(json.dumps(SUB_SCHEMA))
    with pytest.raises(helm.HelmError) as refused:
        helm.Chart.load(chart).render(name="demo", namespace="demo")
    return str(refused.value)


EXPECTED = (
    Refusal("demo", "", "missing property 'zz'"),
    Refusal("demo", "/both", "missing property 'y'"),
    Refusal("demo", "/both/x", "got number, want string"),
    Refusal(
        "demo", "/either", "'anyOf' failed (got number, want boolean; got number, want string)"
    ),
    Refusal("demo", "/image", "missing property 'repository'"),
    Refusal("demo", "/image/tag", "got number, want string"),
    Refusal("demo", "/mode", "value must be one of 'a', 'b'"),
    Refusal(
        "sub",
        "/level",
        "'oneOf' failed, none matched (got object, want integer; missing property 'b')",
    ),
    Refusal("sub", "/size", "got number, want string"),
)


def test_every_refused_value_of_every_chart_once(tmp_path: Path) -> None:
    message = _refusal_message(tmp_path)
    assert "\n" in message  # Helm's nested list, one entry per line
    assert refusals(message) == EXPECTED
    assert refusals(one_line(message)) == EXPECTED  # as a RenderFailure carries it
    assert refusals(_refusal_message(tmp_path / "again")) == EXPECTED  # in the same order


def test_each_refusal_has_helms_message_for_it_alone() -> None:
    assert EXPECTED[6].message == f"{REFUSED}: demo: - at '/mode': value must be one of 'a', 'b'"
    assert refusals(EXPECTED[6].message) == (EXPECTED[6],)
    several = refusals_message(EXPECTED[5:])
    assert several == (
        f"{REFUSED}: demo: - at '/image/tag': got number, want string "
        "- at '/mode': value must be one of 'a', 'b' "
        "sub: - at '/level': 'oneOf' failed, none matched (got object, want integer; missing "
        "property 'b') - at '/size': got number, want string"
    )
    assert refusals(several) == EXPECTED[5:]


def test_another_error_is_no_refusal() -> None:
    message = "template: demo/templates/cm.yaml:3:4: executing ... error calling required"
    assert refusals(message) == ()


def test_a_schema_helm_cannot_use_lists_no_value() -> None:
    """Helm's message for a values.schema.json that is not JSON names the chart and the
    parse error, and no value."""
    message = f"{REFUSED}:\nbp-demo: unexpected EOF\n"
    assert refusals(message) == ()
    assert unusable_schema(message) == ("bp-demo", "unexpected EOF")
    assert unusable_schema(EXPECTED[6].message) is None
    assert unusable_schema("template: demo/templates/cm.yaml:3:4: boom") is None
