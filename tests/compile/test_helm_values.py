"""Config and values read as Helm reads them (blueprintc/compile/helmvalues.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from blueprintc.compile.helmvalues import _float_key, read_as_helm
from blueprintc.compile.run import explain_value
from blueprintc.source import SourceFile
from blueprintc.yamldoc import YamlDoc, load_yaml
from tests.compile.helpers import copy_workspace


def _doc(text: str) -> YamlDoc:
    return load_yaml(SourceFile(Path("values.yaml"), "values.yaml", text))


@pytest.mark.parametrize(
    ("number", "text"),
    [
        # strconv.FormatFloat(f, 'g', -1, 32), what sigs.k8s.io/yaml names a float key
        (1.5, "1.5"),
        (1.0, "1"),
        (0.1, "0.1"),
        (100.0, "100"),
        (123456.0, "123456"),
        (1e6, "1e+06"),
        (1234567.0, "1.234567e+06"),
        (3.14159265358979, "3.1415927"),
        (0.0001, "0.0001"),
        (0.00001, "1e-05"),
        (-2.5, "-2.5"),
        (float("inf"), ".inf"),
        (float("-inf"), "-.inf"),
        (float("nan"), ".nan"),
    ],
)
def test_float_keys_as_go_yaml_formats_them(number: float, text: str) -> None:
    assert _float_key(number) == text


def test_keys_become_the_strings_helm_reads() -> None:
    doc = _doc(
        "ports: {80: http, 0x1bb: https}\n"
        "true: t\n"
        "no: f\n"
        "1.5: ratio\n"
        "2024-1-1: day\n"
        "when: 2024-01-01T10:00:00Z\n"
        "text: !!binary aGVsbG8=\n"
    )
    ports = doc.data["ports"]
    assert read_as_helm(doc) == []
    assert doc.data == {
        "ports": {"80": "http", "443": "https"},
        "true": "t",
        "false": "f",
        "1.5": "ratio",
        "2024-1-1": "day",
        "when": "2024-01-01T10:00:00Z",
        "text": "hello",
    }
    assert doc.data["ports"] is ports  # converted in place: models holding it see it


def test_a_converted_key_keeps_its_position() -> None:
    doc = _doc("a: 1\nports:\n  80:\n    name: http\n")
    read_as_helm(doc)
    assert doc.locate(("ports", "80", "name")) == (4, 11)
    assert doc.locate(("ports", "80"), key=True) == (3, 3)


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        ("a:\n  ~: 1\n", 2, "null key"),
        ("a:\n  !!binary aGk=: 1\n", 2, "!!binary key"),
        ("a:\n  80: 1\n  '80': 2\n", 3, "two keys"),
        ("a: .inf\n", 1, ".inf"),
        ("a: [1, .nan]\n", 1, ".nan"),
        ("a: -9223372036854775809\n", 1, "beyond 64 bits"),
        ("a: !!binary /w==\n", 1, "not UTF-8"),
    ],
)
def test_what_helm_cannot_read_is_reported_where_it_stands(
    text: str, line: int, needle: str
) -> None:
    doc = _doc(text)
    found = read_as_helm(doc)
    assert len(found) == 1, found
    assert found[0].rule == "BPP018"
    assert found[0].location.line == line
    assert needle in found[0].message


def test_the_widest_integers_helm_keeps_are_fine() -> None:
    doc = _doc("low: -9223372036854775808\nhigh: 18446744073709551615\n")
    assert read_as_helm(doc) == []


def test_a_base_60_number_is_the_text_helm_reads() -> None:
    """go-yaml (Helm, Kubernetes) reads no base-60 number: `12:30` is "12:30", where
    YAML 1.1 builds 750; a port mapping `8080:80` is not 484880. Key or value, nested or
    not; a number written plainly stays a number, and the key keeps its position."""
    doc = _doc(
        "backupAt: 12:30\nratio: 1:20.5\nports: [8080:80, 443]\n"
        "windows:\n  1:30: short\n  2:00:00: long\nplain: 80\nhalf: 0.5\nearly: 03:00\n"
    )
    assert read_as_helm(doc) == []
    assert doc.data == {
        "backupAt": "12:30",
        "ratio": "1:20.5",
        "ports": ["8080:80", 443],
        "windows": {"1:30": "short", "2:00:00": "long"},
        "plain": 80,
        "half": 0.5,
        "early": "03:00",  # a string in YAML 1.1 too (a leading 0 is no base-60 number)
    }
    assert doc.locate(("windows", "1:30"), key=True) == (5, 3)


def test_compile_gives_helm_the_text_of_a_base_60_number(tmp_path: Path) -> None:
    """A chart default `clusterIssuer: 12:30` reaches the Application as "12:30", the
    value Helm itself reads from the chart (it was 750)."""
    root = copy_workspace(tmp_path / "ws")
    values = root / "blueprints/webapp/chart/values.yaml"
    text = values.read_text(encoding="utf-8")
    values.write_text(text.replace("clusterIssuer: letsencrypt-http01", "clusterIssuer: 12:30"))
    lines = explain_value(root, "acme/shop/dev", "ingress.clusterIssuer")
    assert lines[0] == "ingress.clusterIssuer = '12:30'", lines
