"""Property tests: every emitted document reads back identically in YAML 1.1 and 1.2."""

from __future__ import annotations

import io
import math
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from blueprintc.emit import yamlwriter
from blueprintc.emit.yamlwriter import dump, dump_all

_RUAMEL = YAML(typ="safe", pure=True)  # the pure-Python YAML 1.2 reader

SPECIAL_WORDS = [
    "yes", "No", "ON", "off", "y", "N", "true", "False", "null", "NULL", "~", "", "<<", "=",
    "1.0", "0x1F", "0o17", "0b101", "017", "1_000", "1e5", "1e+5", ".5", "-.inf", ".NaN",
    "12:30", "190:20:30", "1:20.5", "2001-12-14", "2001-12-14t21:59:43.10-05:00", "_", "_1",
    "+1", "-", "-1", "---", "...", "- x", "? x", ": x", "a: b", "a #b", "#c", "&a", "*a",
    "!tag", "|", ">", "'q'", '"q"', "%x", "@x", "`x", "${VAR}", " lead", "trail ", "a:",
    "http://x:80/y", "1.2.3", "--flag", "a\tb", "\u2028", "\x85", "\ufeff", "\x7f",
]  # fmt: skip

text = st.one_of(
    st.sampled_from(SPECIAL_WORDS),
    st.text(alphabet="0123456789+-._:eExXoObB aAfFinINy~\n", max_size=8),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=20),
    st.text(alphabet=" \t\n\r#:-|>'\"a", max_size=12),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    text,
)
keys = st.one_of(text, st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False))
plain_data = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(keys, children, max_size=4),
    ),
    max_leaves=25,
)


def _same(a: Any, b: Any) -> bool:
    """Equality that also tells 1 from True and 0.0 from -0.0."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a) and _keys_same(a, b)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float):
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    return bool(a == b)


def _keys_same(a: dict[Any, Any], b: dict[Any, Any]) -> bool:
    return all(type(x) is type(y) for x, y in zip(a, b, strict=True))


def _ruamel_load_all(text_: str) -> list[Any]:
    return list(_RUAMEL.load_all(io.StringIO(text_)))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(plain_data, min_size=1, max_size=3))
def test_round_trip_pyyaml_and_ruamel(docs: list[Any]) -> None:
    out = dump_all(docs)
    assert out.endswith("\n")
    assert "\r" not in out
    out.encode("utf-8")
    assert _same(list(yaml.safe_load_all(out)), docs), out
    assert _same(list(yaml.load_all(out, Loader=yaml.CSafeLoader)), docs), out
    assert _same(_ruamel_load_all(out), docs), out


@settings(max_examples=300, deadline=None)
@given(text)
def test_every_string_scalar_keeps_its_type(value: str) -> None:
    doc = {value: value, "v": [value]}
    out = dump(doc)
    assert yaml.safe_load(out) == doc, out
    assert _ruamel_load_all(out) == [doc], out


@given(plain_data)
def test_dump_is_deterministic(doc: Any) -> None:
    assert dump(doc) == dump(doc)


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed")
def test_go_yaml_reader_agrees(tmp_path: Path) -> None:
    """kubectl kustomize (Go, the reader Flux uses) reads every special string as a string."""
    values = [*SPECIAL_WORDS, "multi\nline\n", "tail\n\n", "Grüße ${X}", "1e-05", "0755"]
    # kustomize reads control characters fine but refuses to write them back out
    values = [v for v in values if all(c.isprintable() or c in "\n\t" for c in v)]
    data = {f"k{i}": v for i, v in enumerate(values)}
    config_map = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "w"}}
    (tmp_path / "cm.yaml").write_text(dump({**config_map, "data": data}), encoding="utf-8")
    kustomization = {"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization"}
    (tmp_path / "kustomization.yaml").write_text(dump({**kustomization, "resources": ["cm.yaml"]}))
    built = subprocess.run(
        ["kubectl", "kustomize", str(tmp_path)], capture_output=True, text=True, check=True
    ).stdout
    # BaseLoader keeps every scalar as text: a value Go had read as a bool or a
    # number would come back re-rendered ("true", "31") and differ.
    assert yaml.load(built, Loader=yaml.BaseLoader)["data"] == data


def test_the_never_plain_characters_are_the_complement_of_the_printable_ranges() -> None:
    """`_NOT_PLAIN_CHAR` and `_NOT_BLOCK_CHAR` list the characters themselves (fast to
    compile); every code point is matched as by the complement of the ranges they stand
    for."""
    printable = "\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff"
    every = "".join(map(chr, range(0x110000)))
    for written, reference in (
        (yamlwriter._NOT_PLAIN_CHAR, re.compile(f"[^{printable}]")),
        (yamlwriter._NOT_BLOCK_CHAR, re.compile(f"[^\n\t{printable}]")),
    ):
        found = [m.start() for m in written.finditer(every)]
        assert found == [m.start() for m in reference.finditer(every)]
        assert len(found) > 2000  # the C0 and C1 controls and the surrogates at least
