"""BPG016's premise, shown with the real Helm SDK: a quoted "false" under an upstream's key
renders what `false` switches off (its fixture's upstream gates a ConfigMap on
`upgradeCRDs`); and the rule reports only what Helm reads as a string."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from blueprintc import helm
from blueprintc.lint import lint

CASE = Path(__file__).parents[1] / "rules" / "cases" / "BPG016"


@pytest.mark.parametrize(("value", "rendered"), [(False, False), ("false", True), ("0", True)])
def test_helm_reads_a_quoted_false_as_true(value: object, rendered: bool) -> None:
    chart = helm.load_chart(CASE / "fail" / "blueprints" / "backup" / "chart")
    render = helm.render(chart, {"velero": {"upgradeCRDs": value}}, "backup", "backup")
    kinds = [obj.kind for obj in render.objects()]
    assert ("ConfigMap" in kinds) is rendered


def test_the_finding_says_what_helm_reads_and_the_fix() -> None:
    root = CASE / "fail"
    found = lint([root], root=root, select={"BPG016"}).diagnostics
    first = next(d for d in found if d.location.json_path == "velero.upgradeCRDs")
    assert (first.location.file, first.location.line, first.location.column) == (
        "blueprints/backup/chart/values.yaml",
        2,
        16,
    )
    assert first.message == (
        'velero.upgradeCRDs is the string "false", where velero\'s values.yaml has a boolean '
        "(true): its templates' `if` reads any non-empty string as true, so this does not "
        "switch it off"
    )
    assert first.hint == "write `upgradeCRDs: false` without quotes"


def test_a_value_the_upstreams_schema_types_is_helms_to_refuse(tmp_path: Path) -> None:
    """With `upgradeCRDs` typed boolean in velero's values.schema.json, Helm refuses the
    string where it stands (BPG003): BPG016 leaves it, and judges the rest as before."""
    root = tmp_path / "ws"
    shutil.copytree(CASE / "fail", root)
    schema = root / "blueprints/backup/chart/charts/velero/values.schema.json"
    schema.write_text(
        '{"type": "object", "properties": {"upgradeCRDs": {"type": "boolean"}}}\n',
        encoding="utf-8",
    )
    found = lint([root], root=root, select={"BPG003", "BPG016"}).diagnostics
    in_values_yaml = [d.rule for d in found if d.location.file.endswith("/values.yaml")]
    assert in_values_yaml.count("BPG003") == 1
    assert sorted(d.location.json_path for d in found if d.rule == "BPG016") == [
        "velero.cleanUpCRDs",
        "velero.configuration.defaultVolumesToFsBackup",
        "velero.deployNodeAgent",
    ]


def test_an_observability_toggles_quoted_false_is_bpg005s_alone(tmp_path: Path) -> None:
    """`metrics.serviceMonitor.enabled: "false"` is a toggle that must default to false:
    BPG005 says so (an error); BPG016 does not say it again."""
    root = tmp_path / "ws"
    shutil.copytree(CASE / "fail", root)
    chart = root / "blueprints/backup/chart"
    upstream = chart / "charts/velero/values.yaml"
    upstream.write_text(
        upstream.read_text(encoding="utf-8") + "metrics:\n  serviceMonitor:\n    enabled: false\n",
        encoding="utf-8",
    )
    values = chart / "values.yaml"
    values.write_text(
        values.read_text(encoding="utf-8")
        + '  metrics:\n    serviceMonitor:\n      enabled: "false"\n',
        encoding="utf-8",
    )
    found = lint([root], root=root, select={"BPG005", "BPG016"}).diagnostics
    at_toggle = [d.rule for d in found if d.location.json_path.endswith("serviceMonitor.enabled")]
    assert at_toggle == ["BPG005"]
