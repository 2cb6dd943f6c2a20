from __future__ import annotations

import copy
import textwrap
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from blueprintc.plan.values import (
    KeySyntaxError,
    Layer,
    Origin,
    format_key,
    merge,
    parse_key,
)
from blueprintc.source import SourceFile
from blueprintc.yamldoc import load_yaml


def yaml_layer(name: str, rel: str, text: str) -> Layer:
    doc = load_yaml(SourceFile(Path(rel), rel, textwrap.dedent(text)))
    return Layer(name, rel, doc.data, doc.locate)


CHART = yaml_layer(
    "chart defaults",
    "blueprints/gitea/chart/values.yaml",
    """\
    replicas: 1
    image:
      repository: gitea/gitea
      tag: "1.21"
    resources:
      limits: {cpu: "1", memory: 1Gi}
    podAnnotations:
      prometheus.io/scrape: "true"
    extraEnv: [{name: A, value: "1"}, {name: B, value: "2"}]
    tolerations: null
    """,
)
SIZE = yaml_layer(
    "size overlay (large)",
    "blueprints/gitea/overlays/large.yaml",
    """\
    replicas: 3
    resources:
      limits: {memory: 4Gi}
    """,
)
SOVEREIGN = yaml_layer(
    "sovereign overlay",
    "overlays/acme/gitea.yaml",
    """\
    image:
      repository: registry.acme.example/gitea
    extraEnv: [{name: C, value: "3"}]
    """,
)
ENVIRONMENT = yaml_layer(
    "environment overlay",
    "organizations/shop.yaml",
    """\
    replicas: 2
    resources:
      limits: null
    """,
)
APPLICATION = yaml_layer(
    "application config",
    "organizations/shop.yaml",
    """\
    replicas: 5
    podAnnotations:
      prometheus.io/scrape: "false"
    """,
)
LAYERS = [CHART, SIZE, SOVEREIGN, ENVIRONMENT, APPLICATION]


def test_precedence_deep_merge_list_replace_null_delete() -> None:
    merged = merge(LAYERS)
    assert merged.value == {
        "replicas": 5,
        "image": {"repository": "registry.acme.example/gitea", "tag": "1.21"},
        "resources": {},
        "podAnnotations": {"prometheus.io/scrape": "false"},
        "extraEnv": [{"name": "C", "value": "3"}],
        "tolerations": None,  # a null in the chart's own defaults stays
    }


def test_layers_are_never_modified() -> None:
    before = [copy.deepcopy(layer.data) for layer in LAYERS]
    merged = merge(LAYERS)
    merged2 = merge(LAYERS)
    assert [layer.data for layer in LAYERS] == before
    assert merged.value == merged2.value


def test_explain_chain_winner_first_with_positions() -> None:
    merged = merge(LAYERS)
    assert merged.explain("replicas") == [
        Origin("application config", "organizations/shop.yaml", 1, 11, 5, "replicas"),
        Origin("environment overlay", "organizations/shop.yaml", 1, 11, 2, "replicas"),
        Origin(
            "size overlay (large)", "blueprints/gitea/overlays/large.yaml", 1, 11, 3, "replicas"
        ),
        Origin("chart defaults", "blueprints/gitea/chart/values.yaml", 1, 11, 1, "replicas"),
    ]


def test_explain_reports_the_ancestor_that_deleted_a_key() -> None:
    chain = merge(LAYERS).explain("resources.limits.memory")
    assert [(o.layer, o.key, o.value, o.line) for o in chain] == [
        ("environment overlay", "resources.limits", None, 3),
        ("size overlay (large)", "resources.limits.memory", "4Gi", 3),
        ("chart defaults", "resources.limits.memory", "1Gi", 6),
    ]


def test_explain_list_and_quoted_keys() -> None:
    merged = merge(LAYERS)
    chain = merged.explain("extraEnv.0.name")  # lists replace whole: the list is the origin
    assert [(o.layer, o.key) for o in chain] == [
        ("sovereign overlay", "extraEnv"),
        ("chart defaults", "extraEnv"),
    ]
    chain = merged.explain('podAnnotations."prometheus.io/scrape"')
    assert [(o.value, o.line, o.column) for o in chain] == [("false", 3, 25), ("true", 8, 25)]
    assert chain[0].key == 'podAnnotations."prometheus.io/scrape"'
    assert merged.explain(("podAnnotations", "prometheus.io/scrape")) == chain
    assert merged.explain("image.digest") == []
    assert merged.explain("nothing.here") == []


def test_mapping_over_scalar_and_back() -> None:
    layers = [
        Layer("a", "a.yaml", {"x": 1, "y": {"k": 1}}),
        Layer("b", "b.yaml", {"x": {"k": 2, "gone": None}, "y": [1, 2]}),
        Layer("c", "c.yaml", {"y": {"k": 3}}),
    ]
    merged = merge(layers)
    assert merged.value == {"x": {"k": 2}, "y": {"k": 3}}
    assert [(o.layer, o.key, o.line) for o in merged.explain("y.k")] == [
        ("c", "y.k", None),
        ("b", "y", None),
        ("a", "y.k", None),
    ]


def test_null_over_nothing_and_keep_nulls() -> None:
    layers = [
        Layer("chart", "v.yaml", {"limits": {"cpu": 1}, "keep": None}),
        Layer("app", "o.yaml", {"limits": None, "never": None, "new": {"a": None, "b": 1}}),
    ]
    assert merge(layers).value == {"keep": None, "new": {"b": 1}}
    kept = merge(layers, keep_nulls=True).value
    assert kept == {"limits": None, "keep": None, "never": None, "new": {"a": None, "b": 1}}


def test_empty_and_bad_layers() -> None:
    assert merge([]).value == {}
    assert merge([Layer("empty", "e.yaml", None), Layer("x", "x.yaml", {"a": 1})]).value == {"a": 1}
    with pytest.raises(TypeError, match=r"layer 'bad' \(b.yaml\): values must be a mapping"):
        merge([Layer("bad", "b.yaml", [1, 2])])  # type: ignore[arg-type]


def test_integer_yaml_keys() -> None:
    merged = merge([Layer("a", "a.yaml", {"ports": {8080: "http"}})])
    assert [o.value for o in merged.explain("ports.8080")] == ["http"]
    assert merged.explain(("ports", 8080))[0].key == "ports.8080"


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("a", ("a",)),
        ("a.b.c", ("a", "b", "c")),
        ('podAnnotations."prometheus.io/scrape"', ("podAnnotations", "prometheus.io/scrape")),
        ('"a.b"', ("a.b",)),
        ('"say \\"hi\\"".x', ('say "hi"', "x")),
        ('"back\\\\slash"', ("back\\slash",)),
        ('""', ("",)),
        ("a\\b", ("a\\b",)),
        ("with space.x", ("with space", "x")),
    ],
)
def test_parse_key(text: str, parts: tuple[str, ...]) -> None:
    assert parse_key(text) == parts


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "empty part at column 1"),
        ("a..b", "empty part at column 3"),
        ("a.", "empty part at column 3"),
        (".a", "empty part at column 1"),
        ('"open', "not closed"),
        ('"a"b', "expected '.' at column 4"),
        ('a"b".c', "a quote may only open a part"),
    ],
)
def test_parse_key_errors(text: str, fragment: str) -> None:
    with pytest.raises(KeySyntaxError, match=fragment):
        parse_key(text)


@given(st.lists(st.text(max_size=8), min_size=1, max_size=5))
def test_format_key_round_trips(parts: list[str]) -> None:
    assert parse_key(format_key(parts)) == tuple(parts)


# --- properties against a naive deep-copying reference ----------------------

scalars = st.one_of(st.integers(-3, 3), st.text(max_size=3), st.booleans(), st.none())
keys = st.sampled_from(["a", "b", "c", "d"])
values = st.recursive(
    scalars | st.lists(scalars, max_size=3),
    lambda inner: st.dictionaries(keys, inner, max_size=4),
    max_leaves=12,
)
layer_data = st.dictionaries(keys, values, max_size=4)


def reference(layers: list[dict[str, Any]]) -> dict[str, Any]:
    def over(lower: Any, upper: dict[str, Any]) -> dict[str, Any]:
        out = copy.deepcopy(lower) if isinstance(lower, dict) else {}
        for key, value in upper.items():
            if value is None:
                out.pop(key, None)
            elif isinstance(value, dict):
                out[key] = over(out.get(key), value)
            else:
                out[key] = copy.deepcopy(value)
        return out

    result = copy.deepcopy(layers[0]) if layers else {}
    for data in layers[1:]:
        result = over(result, data)
    return result


@given(st.lists(layer_data, min_size=1, max_size=5))
def test_merge_matches_the_reference(datas: list[dict[str, Any]]) -> None:
    before = copy.deepcopy(datas)
    merged = merge([Layer(f"l{i}", f"{i}.yaml", d) for i, d in enumerate(datas)])
    assert merged.value == reference(datas)
    assert datas == before


@given(st.lists(layer_data, min_size=1, max_size=5), st.lists(keys, min_size=1, max_size=3))
def test_explain_winner_holds_the_merged_value(
    datas: list[dict[str, Any]], path: list[str]
) -> None:
    merged = merge([Layer(f"l{i}", f"{i}.yaml", d) for i, d in enumerate(datas)])
    chain = merged.explain(path)
    assert len({o.layer for o in chain}) == len(chain)
    assert [o.layer for o in chain] == sorted((o.layer for o in chain), reverse=True)
    node: Any = merged.value
    for part in path:
        if not isinstance(node, dict) or part not in node:
            node = KeyError
            break
        node = node[part]
    if node is not KeyError and not isinstance(node, dict):
        # a leaf in the result: the deciding layer set exactly it
        assert chain and chain[0].key == format_key(path) and chain[0].value == node


def test_performance_smoke() -> None:
    """15,000 Applications x 5 small layers over a 300-key chart; no timing assert."""
    chart = {f"section{i}": {f"key{j}": j for j in range(10)} for i in range(30)}
    fixed = [
        Layer("chart", "values.yaml", chart),
        Layer("size", "large.yaml", {"section1": {"key1": 10}, "replicas": 3}),
        Layer("sovereign", "acme.yaml", {"section2": {"key2": "x"}}),
        Layer("environment", "env.yaml", {"section3": {"key3": None}}),
    ]
    for app in range(15_000):
        config = Layer("app", "org.yaml", {"name": f"app{app}", "section1": {"key2": app}})
        merged = merge([*fixed, config])
    assert merged.value["section1"] == {**chart["section1"], "key1": 10, "key2": 14_999}
    assert merged.value["section5"] is chart["section5"]  # untouched subtrees are shared
