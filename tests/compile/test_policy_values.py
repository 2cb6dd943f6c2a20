"""An EnvironmentPolicy value of the wrong type (`minREScore: 80%`) is the schema
rule's finding at its line, exit 1: normalising an Organization never fails, so the
user sees where and what to write, not a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from blueprintc.compile.run import plan
from tests.cli.helpers import invoke
from tests.compile.helpers import copy_workspace, line_of

ACME = "organizations/acme.yaml"


def _acme(tmp_path: Path, old: str, new: str) -> Path:
    root = copy_workspace(tmp_path / "ws")
    org = root / ACME
    text = org.read_text(encoding="utf-8")
    assert text.count(old) == 1
    org.write_text(text.replace(old, new), encoding="utf-8")
    return root


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("minREScore", "80%"),
        ("minREScore", "[x]"),
        ("requiredApprovers", '"two"'),
        ("requiredApprovers", "{a: 1}"),
        ("requiredApprovers", "true"),
        ("soakDuration", "{a: 1}"),
    ],
)
def test_a_wrong_typed_policy_value_is_bpp015_at_its_line(
    tmp_path: Path, key: str, value: str
) -> None:
    old = {"minREScore": "minREScore: 80\n", "requiredApprovers": "requiredApprovers: 2\n"}
    root = _acme(tmp_path, old.get(key, "soakDuration: 24h\n"), f"{key}: {value}\n")
    result = invoke("compile", root)
    assert result.exit_code == 1, result.output
    line = line_of(root / ACME, f"{key}: {value}")
    assert f"{ACME}:{line}:" in result.output and "error BPP015" in result.output
    assert f"policy.{key}:" in result.output
    assert not (root / "out" / "clusters").exists()


def test_an_integral_float_is_the_integer_the_schema_takes(tmp_path: Path) -> None:
    """`minREScore: 80.0` passes the schema (JSON Schema's integer), so it is 80."""
    root = _acme(tmp_path, "minREScore: 80\n", "minREScore: 80.0\n")
    outcome = plan(root)
    assert outcome.failing == []
    [policy] = [
        doc
        for f in outcome.files
        if f.path.endswith("policies/acme-prod-policy.yaml")
        for doc in f.documents
    ]
    assert policy["spec"]["minREScore"] == 80
