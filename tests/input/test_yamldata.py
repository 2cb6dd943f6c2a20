"""`yamldata.load_all` gives exactly what `yaml.load_all(..., CSafeLoader)` gives, except
for a plain `=`, which it reads as go-yaml does."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from blueprintc import yamldata

CASES = [
    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, labels: {a: b}}\ndata: {k: v}\n",
    "a: 1\nb: yes\nc: 0x1F\nd: 1_000\ne: .inf\nf: ~\ng: 2001-12-14\ni: 010\nj: 1:20\nk: '1'\n",
    "h: !!binary aGVsbG8=\nt: 2001-12-14t21:59:43.10-05:00\nn: .NaN\nz: -0.5e3\n",
    "x: &a {p: 1}\ny: *a\n",
    "<<: {a: 1}\nb: 2\n",
    "base: &b {a: 1}\nderived:\n  <<: *b\n  a: 2\n",
    "=: 3\n",
    "!!set {a, b}\n",
    "!!omap [a: 1, b: 2]\n",
    "a: !!str 12\nb: !!float 1\nc: !!int '7'\n",
    "--- \n---\na\n--- []\n",
    "",
    "a: &x [*x]\n",
    "a: 1\na: 2\n",
    "1: a\ntrue: b\n1.0: c\n",
    "list:\n- a\n- - b\n  - {c: [d, e]}\n",
    "key: |\n  literal\n  text\nfolded: >\n  one\n  two\n",
]
ERRORS = ["x: !!int abc\n", "? [1]\n: 2\n", "a: !custom 1\n", "a: 2001-02-30\n", "a: [\n"]


def _shape(value: Any) -> Any:
    """Value, types and sharing made comparable (NaN equal to NaN)."""
    if isinstance(value, dict):
        return ("dict", [(_shape(k), _shape(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [_shape(v) for v in value])
    if isinstance(value, float) and value != value:
        return ("float", "nan")
    return (type(value).__name__, value)


@pytest.mark.parametrize("text", CASES)
def test_same_data_as_pyyaml(text: str) -> None:
    expected = list(yaml.load_all(text, Loader=yaml.CSafeLoader))
    got = yamldata.load_all(text)
    if "*x" in text:  # recursive: compare the structure by hand
        assert got[0]["a"][0] is got[0]["a"]
        return
    assert _shape(got) == _shape(expected)


def test_aliases_share_the_object_as_pyyaml_does() -> None:
    got = yamldata.load_all("x: &a {p: 1}\ny: *a\n")[0]
    assert got["x"] is got["y"]


@pytest.mark.parametrize("text", ERRORS)
def test_same_error_as_pyyaml(text: str) -> None:
    with pytest.raises(Exception) as expected:
        list(yaml.load_all(text, Loader=yaml.CSafeLoader))
    with pytest.raises(type(expected.value)) as got:
        yamldata.load_all(text)
    assert str(got.value) == str(expected.value)


def test_kubernetes_reading_keeps_timestamps_as_text() -> None:
    """As sigs.k8s.io/yaml (go-yaml v2) decodes a manifest: a timestamp and a base-60
    number are their text, also where PyYAML's own constructor builds the document (a
    merge key); everything else is read as before (YAML 1.1 booleans and octals, which
    go-yaml v2 reads too), and the default reading is unchanged (PyYAML's date, 750)."""
    text = (
        "a: 2024-01-01\nb: [2001-12-14t21:59:43.10-05:00, 1, yes, 1.5, 0755]\n"
        "at: 12:30\nratio: 1:20.5\n<<: {c: 2024-01-02, d: 1:30}\n"
    )
    assert yamldata.load_all(text, kubernetes=True) == [
        {
            "a": "2024-01-01",
            "b": ["2001-12-14t21:59:43.10-05:00", 1, True, 1.5, 493],
            "at": "12:30",
            "ratio": "1:20.5",
            "c": "2024-01-02",
            "d": "1:30",
        }
    ]
    assert yamldata.load_all(text) == list(yaml.load_all(text, Loader=yaml.CSafeLoader))


@pytest.mark.parametrize("kubernetes", [False, True])
def test_a_plain_equals_sign_is_the_string_as_go_yaml_reads_it(kubernetes: bool) -> None:
    """PyYAML resolves it to YAML 1.1's "value" type and refuses the document (no safe
    constructor builds one); Helm and Kubernetes read "=". A key `=` was already one."""
    text = "op: =\nenum: ['!=', =, =~]\nflow: {a: =}\n=: key\n"
    with pytest.raises(yaml.constructor.ConstructorError):
        yaml.load(text, Loader=yaml.CSafeLoader)
    expected = {"op": "=", "enum": ["!=", "=", "=~"], "flow": {"a": "="}, "=": "key"}
    assert yamldata.load_all(text, kubernetes=kubernetes) == [expected]
    assert yaml.load(text, Loader=yamldata.PyLoader) == expected
    # and where PyYAML's own constructor builds the document (an alias)
    assert yamldata.load_all("x: &a [=]\ny: *a\n") == [{"x": ["="], "y": ["="]}]
