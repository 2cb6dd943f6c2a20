"""A workspace of one Blueprint whose chart is slow to render, for the pre-commit lint of
a heavy chart (bitnami etcd makes an RSA key in each render, 2-4 s): every render first
hashes with bcrypt `COST` times (Helm's `htpasswd`, a fixed cost of about 0.1 s each),
and three observability toggles make BPG006 render it five times in all."""

from __future__ import annotations

from pathlib import Path

COST = 8
LABELS = """\
  labels:
    app.kubernetes.io/name: {{ .Chart.Name }}
    app.kubernetes.io/instance: {{ .Release.Name }}
    app.kubernetes.io/managed-by: {{ .Release.Service }}
"""
FILES = {
    "blueprintc.yaml": "apiVersion: blueprintc.openova.io/v1alpha1\nkind: Workspace\n",
    "blueprints/slow/blueprint.yaml": """\
apiVersion: catalyst.openova.io/v1
kind: Blueprint
metadata:
  name: bp-slow
spec:
  version: 1.0.0
  card:
    title: Slow chart
  manifests:
    chart: ./chart
""",
    "blueprints/slow/chart/Chart.yaml": """\
apiVersion: v2
name: bp-slow
version: 1.0.0
annotations:
  catalyst.openova.io/no-upstream: "true"
""",
    "blueprints/slow/chart/values.yaml": f"""\
cost: {COST}
metrics:
  serviceMonitor:
    enabled: false
  podMonitor:
    enabled: false
  prometheusRule:
    enabled: false
""",
    "blueprints/slow/chart/templates/configmap.yaml": (
        '{{- range $i := until (int .Values.cost) }}{{- $x := htpasswd "u" "p" }}{{- end }}\n'
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n"
        + LABELS
        + 'data:\n  cost: "{{ .Values.cost }}"\n'
    ),
}
MONITORS = {
    "serviceMonitor": ("ServiceMonitor", "spec:\n  endpoints:\n    - port: http\n"),
    "podMonitor": ("PodMonitor", "spec:\n  podMetricsEndpoints:\n    - port: http\n"),
    "prometheusRule": ("PrometheusRule", "spec:\n  groups: []\n"),
}


def write_slow_blueprint(root: Path) -> Path:
    """The workspace at `root`, its one Blueprint at `blueprints/slow`."""
    files = dict(FILES)
    for toggle, (kind, spec) in MONITORS.items():
        files[f"blueprints/slow/chart/templates/{toggle.lower()}.yaml"] = (
            f"{{{{- if .Values.metrics.{toggle}.enabled }}}}\n"
            f"apiVersion: monitoring.coreos.com/v1\nkind: {kind}\nmetadata:\n"
            f"  name: {{{{ .Release.Name }}}}\n{LABELS}{spec}{{{{- end }}}}\n"
        )
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root
