"""BPG015: values meant for an upstream under a top-level key Helm gives to no dependency
(`valero:` for `velero:`), found where it is, once, and not blamed on the toggles below it."""

from __future__ import annotations

from pathlib import Path

from blueprintc.lint import lint

BLUEPRINT = """\
apiVersion: catalyst.openova.io/v1
kind: Blueprint
metadata:
  name: bp-backup
spec:
  version: 1.0.0
  card:
    title: Backup
  manifests:
    chart: ./chart
"""
CHART = """\
apiVersion: v2
name: bp-backup
version: 1.0.0
dependencies:
  - name: velero
    version: 12.1.0
    repository: https://vmware-tanzu.github.io/helm-charts
"""
SERVICE_MONITOR = """\
{{- if .Values.metrics.serviceMonitor.enabled }}
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ .Release.Name }}-velero
  labels:
    app.kubernetes.io/name: velero
    app.kubernetes.io/instance: {{ .Release.Name }}
    app.kubernetes.io/managed-by: {{ .Release.Service }}
spec:
  endpoints:
    - port: http-monitoring
  selector:
    matchLabels:
      app.kubernetes.io/name: velero
{{- end }}
"""
# The wrapper switches velero's ServiceMonitor off, as canon wants, under a misspelled key.
VALUES = """\
valero:
  metrics:
    serviceMonitor:
      enabled: false
"""


def _workspace(tmp_path: Path, values: str) -> Path:
    root = tmp_path / "ws"
    chart = root / "blueprints" / "backup" / "chart"
    upstream = chart / "charts" / "velero"
    (upstream / "templates").mkdir(parents=True)
    (root / "blueprintc.yaml").write_text(
        "apiVersion: blueprintc.openova.io/v1alpha1\nkind: Workspace\n", encoding="utf-8"
    )
    (root / "blueprints" / "backup" / "blueprint.yaml").write_text(BLUEPRINT, encoding="utf-8")
    (chart / "Chart.yaml").write_text(CHART, encoding="utf-8")
    (chart / "values.yaml").write_text(values, encoding="utf-8")
    (upstream / "Chart.yaml").write_text(
        "apiVersion: v2\nname: velero\nversion: 12.1.0\n", encoding="utf-8"
    )
    (upstream / "values.yaml").write_text(
        "metrics:\n  serviceMonitor:\n    enabled: false\n", encoding="utf-8"
    )
    (upstream / "templates" / "servicemonitor.yaml").write_text(SERVICE_MONITOR, encoding="utf-8")
    return root


def _findings(root: Path) -> list[tuple[str, int, str, str]]:
    found = lint([root], root=root, select={"BPG005", "BPG006", "BPG015"}).diagnostics
    return [(d.rule, d.location.line, d.message, d.hint or "") for d in found]


def test_a_misspelled_upstream_key_is_one_finding_at_it(tmp_path: Path) -> None:
    assert _findings(_workspace(tmp_path, VALUES)) == [
        (
            "BPG015",
            1,
            "`valero:` is no dependency's key, a slip away from `velero:` (velero), and no "
            "template of bp-backup reads it, so none of the values below reach velero: it "
            "runs on its defaults",
            "rename `valero:` to `velero:`",
        )
    ]


def test_the_same_values_under_the_right_key_are_fine(tmp_path: Path) -> None:
    assert _findings(_workspace(tmp_path, VALUES.replace("valero:", "velero:"))) == []


def test_the_name_of_an_aliased_dependency_is_reported(tmp_path: Path) -> None:
    root = _workspace(tmp_path, VALUES.replace("valero:", "velero:") + "backups:\n  a: 1\n")
    chart = root / "blueprints" / "backup" / "chart" / "Chart.yaml"
    chart.write_text(CHART + "    alias: backups\n", encoding="utf-8")
    found = _findings(root)
    assert [(rule, line, hint) for rule, line, _, hint in found] == [
        ("BPG015", 1, "rename `velero:` to `backups:`")
    ]
    assert found[0][2].startswith(
        "`velero:` is the name of a dependency Chart.yaml aliases `backups`: Helm gives it "
        "the values under `backups:`"
    )


# velero's ServiceMonitor switch, set beside `velero:` instead of below it.
MISPLACED = """\
velero:
  configuration: {}
metrics:
  serviceMonitor:
    enabled: false
"""


def test_an_upstreams_value_set_beside_its_key_is_one_finding_at_it(tmp_path: Path) -> None:
    assert _findings(_workspace(tmp_path, MISPLACED)) == [
        (
            "BPG015",
            3,
            "`metrics:` is a value of velero's values.yaml, set at the top level: Helm gives "
            "it to no dependency, and no template of bp-backup reads it, so velero keeps its "
            "own `metrics`",
            "move `metrics:` below `velero:` (velero.metrics)",
        )
    ]


def test_a_value_the_chart_or_a_helper_library_may_read_is_not_judged(tmp_path: Path) -> None:
    """The wrapper's own template reads `.Values.metrics`; or a helper library (canon
    `charts.helperCharts`: bitnami's `common`) may, as it reads `nameOverride`."""
    root = _workspace(tmp_path, MISPLACED)
    chart = root / "blueprints" / "backup" / "chart"
    own = chart / "templates" / "metrics.yaml"
    own.parent.mkdir()
    own.write_text("{{- if .Values.metrics.serviceMonitor.enabled }}{{- end }}\n", "utf-8")
    assert [rule for rule, *_ in _findings(root) if rule == "BPG015"] == []
    own.unlink()
    library = "  - name: common\n    version: 2.0.0\n    repository: oci://example.org/charts\n"
    (chart / "Chart.yaml").write_text(CHART + library, encoding="utf-8")
    assert [rule for rule, *_ in _findings(root) if rule == "BPG015"] == []
