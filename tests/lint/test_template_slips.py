"""Template slips that render an object, told at the template line with their fix.

BPG012: a mapping a template writes without its indentation (`labels:` then
`{{ toYaml .Values.labels }}` at column 0) is one finding at the field it was meant
for; it was one "unknown field" per spilled key, each at the values.yaml line that set
it, with "fix what this line sets" (the values were right). A block indented by its
line's spaces (BPG003 or BPG012) is told at that line with the nindent to write; a
number a template quotes, which quotes to drop."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.helpers import HELM_LABELS, invoke
from tests.input.test_bad_input import DEMO, VALUES, demo

TEMPLATE = f"{DEMO}/chart/templates/extra.yaml"


def _schema_findings(workspace: Path) -> list[dict[str, object]]:
    result = invoke("lint", "--format", "json", workspace)
    return [d for d in json.loads(result.stdout)["diagnostics"] if d["rule"] == "BPG012"]


def _template(labels: str) -> str:
    return (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-extra\n"
        f"{HELM_LABELS.replace('  labels:', '  annotations:')}"
        f"  labels:\n{labels}\ndata:\n  a: '1'\n"
    )


def test_a_mapping_written_without_its_indentation(tmp_path: Path) -> None:
    workspace = demo(
        tmp_path,
        {
            VALUES: "replicas: 1\nextraLabels:\n  team: web\n  tier: front\n",
            TEMPLATE: _template("{{ toYaml .Values.extraLabels }}"),
        },
    )
    [found] = _schema_findings(workspace)
    assert found["message"] == (
        "ConfigMap bp-demo-extra: team, tier: unknown fields at the top of the object, and "
        "metadata.labels renders empty: the template writes the mapping meant for "
        "metadata.labels without its indentation"
    )
    assert (found["file"], found["line"]) == (
        TEMPLATE,
        _template("").splitlines().index("  labels:") + 1,
    )
    assert found["hint"] == (
        "indent what the template writes under `labels:` (`{{- toYaml ... | nindent N }}`, "
        "N the column of its keys)"
    )


def test_indented_it_is_clean(tmp_path: Path) -> None:
    workspace = demo(
        tmp_path,
        {
            VALUES: "replicas: 1\nextraLabels:\n  team: web\n  tier: front\n",
            TEMPLATE: _template("    {{- toYaml .Values.extraLabels | nindent 4 }}"),
        },
    )
    assert _schema_findings(workspace) == []


def test_an_unknown_top_level_field_after_a_filled_one_is_told_as_before(
    tmp_path: Path,
) -> None:
    text = _template("    team: web") + "colour: blue\n"
    workspace = demo(tmp_path, {TEMPLATE: text})
    [found] = _schema_findings(workspace)
    assert found["message"] == "ConfigMap bp-demo-extra: colour: unknown field"


def _annotations(line: str) -> str:
    return (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-extra\n"
        f"{HELM_LABELS}  annotations:\n{line}\ndata:\n  a: '1'\n"
    )


LABELS_VALUES = "replicas: 1\nextraLabels:\n  team: web\n  tier: front\n"
NINDENT_FIX = (
    "write `{{- toYaml .Values.extraLabels | nindent 4 }}` (the `-` drops the line's own "
    "spaces, nindent indents every line of the block)"
)


def test_a_block_indented_by_the_line_and_by_indent_is_told_at_that_line(
    tmp_path: Path,
) -> None:
    """`    {{ toYaml ... | indent 4 }}`: the first key at eight spaces, the next at four,
    not YAML (xwiki-contrib/xwiki-helm#55). BPG003 was at the template line with the
    output's number, saying to quote a value."""
    text = _annotations("    {{ toYaml .Values.extraLabels | indent 4 }}")
    workspace = demo(tmp_path, {VALUES: LABELS_VALUES, TEMPLATE: text})
    result = invoke("lint", "--format", "json", workspace)
    [found] = [d for d in json.loads(result.stdout)["diagnostics"] if d["rule"] == "BPG003"]
    assert (found["file"], found["line"], found["column"]) == (TEMPLATE, 10, 5)
    assert found["hint"] == (
        "`indent 4` after the line's own 4 spaces: the block's first line gets both, the "
        f"others 4 only; {NINDENT_FIX}"
    )


def test_a_block_indented_by_the_line_only_is_told_at_that_line(tmp_path: Path) -> None:
    text = _annotations("    {{ toYaml .Values.extraLabels }}")
    workspace = demo(tmp_path, {VALUES: LABELS_VALUES, TEMPLATE: text})
    [found] = _schema_findings(workspace)
    assert found["message"] == (
        "ConfigMap bp-demo-extra: tier: an unknown field at the top of the object: the "
        "block line 10 writes continues at column 0"
    )
    assert (found["file"], found["line"]) == (TEMPLATE, 10)
    assert found["hint"] == f"the line's spaces indent the block's first line only; {NINDENT_FIX}"


def _deployment(replicas: str) -> str:
    return (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}-x\n"
        f"{HELM_LABELS}spec:\n  replicas: {replicas}\n  selector:\n    matchLabels:\n"
        "      app: x\n  template:\n    metadata:\n      labels:\n        app: x\n"
        "    spec:\n      containers:\n        - name: c\n          image: nginx:1.27\n"
    )


def test_a_number_quoted_by_the_template_is_told_which_quotes_to_drop(tmp_path: Path) -> None:
    """`replicas: {{ .Values.replicas | quote }}` renders "2", which the API server
    refuses: the hint said "fix the template or values"."""
    for written, hint in (
        ("{{ .Values.replicas | quote }}", "drop `| quote` (or `quote`) from this line"),
        ('"{{ .Values.replicas }}"', "drop the quotes around `{{ }}` on this line"),
    ):
        workspace = demo(tmp_path / hint[:8], {TEMPLATE: _deployment(written)})
        [found] = _schema_findings(workspace)
        assert found["message"].endswith("spec.replicas: '1' is not of type 'integer', 'null'")
        assert found["hint"] == f"{hint}: the field is an integer"
