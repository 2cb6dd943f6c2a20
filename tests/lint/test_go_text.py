"""`go_text` against the real Helm SDK: the text a template prints for a values number,
and the string Helm's chart loader makes of a Chart.yaml number, for each way of
writing one."""

from __future__ import annotations

from pathlib import Path

import helm_python
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from blueprintc.go_text import chart_metadata_text, rendered_text
from blueprintc.image_tags import may_carry_number_tag, number_tag

WRITTEN = [
    "6.10", "1.0", "2", "0.10", "20240101", "1000000", "999999", "123456.5", "0.0001",
    "0.00001", "-1.50", "010", "0x1F", "1_000", "3.0e+2", "12345678901234567890", ".5",
    "100.25", "1.5e-7", "-20240101",
]  # fmt: skip


def test_a_values_number_renders_as_go_prints_it(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "Chart.yaml").write_text("apiVersion: v2\nname: numbers\nversion: 1.0.0\n")
    (tmp_path / "values.yaml").write_text(
        "".join(f"n{i}: {text}\n" for i, text in enumerate(WRITTEN))
    )
    (tmp_path / "templates" / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: numbers\ndata:\n"
        + "".join(f"  n{i}: {{{{ .Values.n{i} | quote }}}}\n" for i in range(len(WRITTEN)))
    )
    rendered = helm_python.Chart.load(tmp_path).render(None)
    printed = yaml.safe_load(next(iter(rendered.values())))["data"]
    values = yaml.safe_load((tmp_path / "values.yaml").read_text())

    ours = {f"n{i}": rendered_text(values[f"n{i}"]) for i in range(len(WRITTEN))}

    assert ours == printed


@pytest.mark.parametrize("written", ["1.10", "1.0", "2", "010", "20240101", "0.5", "true"])
def test_a_chart_yaml_number_is_the_string_helm_loads(tmp_path: Path, written: str) -> None:
    (tmp_path / "Chart.yaml").write_text(
        f"apiVersion: v2\nname: numbers\nversion: 1.0.0\nappVersion: {written}\n"
    )
    loaded = helm_python.Chart.load(tmp_path).metadata["appVersion"]
    value = yaml.safe_load(f"v: {written}")["v"]

    assert chart_metadata_text(value) == loaded


image_names = st.from_regex(
    r"([a-z0-9.-]{1,12}(:\d{2,5})?/)?[a-z0-9-]{1,10}:v?-?\d{1,8}(\.\d{1,4})?(e[+-]\d\d)?"
    r"([-_][a-z0-9.]{0,6})?(@sha256:[0-9a-f]{8})?",
    fullmatch=True,
)


@given(image_names, st.sampled_from(["image: {}", 'image: "{}"', "- image: '{}'", "{{image: {}}}"]))
@settings(max_examples=300)
def test_the_cheap_test_misses_no_number_tagged_image(image: str, line: str) -> None:
    """`may_carry_number_tag` is False only for manifests with no image whose tag
    `number_tag` reads a number from: a BPG017 pre-check that skips no finding."""
    if number_tag(image) is not None:
        assert may_carry_number_tag("kind: Pod\n" + line.format(image) + "\n")


def test_the_cheap_test_passes_a_manifest_without_number_tags() -> None:
    text = 'image: "registry.example.test/web:1.2.3"\nports:\n  - containerPort: 8080\n'
    assert not may_carry_number_tag(text)
