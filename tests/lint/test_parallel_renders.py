"""A slow chart's renders are made on both Helm workers at once when lint has a job
to spare: a pre-commit lint of one Blueprint.

bitnami etcd makes an RSA key in each render (2-4 s); its 7 renders took 17 s one after
another on one Helm worker while the other idled. BPG006's renders (every toggle's, then
the gated retries of the ones that look unwired) and BPG012's (ci/ and --values) are
known before they are looked at, so `BlueprintContext.render_all` makes them at once.
A chart whose renders are fast is rendered as before: a second worker's start-up would
cost more. The slow template here hashes with bcrypt (`htpasswd`), a fixed cost."""

from __future__ import annotations

from pathlib import Path

from blueprintc.lint import lint, load_blueprint
from blueprintc.rules.context import BlueprintContext
from blueprintc.workspace import load_workspace
from tests.cli.helpers import HELM_LABELS, write_workspace

CHART = "blueprints/demo/chart"
# A ConfigMap, after `cost` bcrypt hashes (0.06 to 0.1 s each), and a ServiceMonitor gated
# on a toggle; `misplaced.enabled` is a toggle no template reads (BPG006 reports it).
SLOW = (
    '{{- range $i := until (int .Values.cost) }}{{- $x := htpasswd "u" "p" }}{{- end }}\n'
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n"
    + HELM_LABELS
    + 'data:\n  replicas: "{{ .Values.replicas }}"\n'
)
MONITOR = (
    "{{- if .Values.serviceMonitor.enabled }}\n"
    "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n"
    "  name: {{ .Release.Name }}\n" + HELM_LABELS + "spec:\n  endpoints:\n    - port: http\n"
    "{{- end }}\n"
)
VALUES = (
    "replicas: 1\ncost: {cost}\nserviceMonitor:\n  enabled: false\n"
    "misplaced:\n  serviceMonitor:\n    enabled: false\n"
)


def _workspace(tmp_path: Path, cost: int) -> Path:
    return write_workspace(
        tmp_path / "ws",
        {"demo": VALUES.format(cost=cost)},
        extra={
            f"{CHART}/templates/configmap.yaml": SLOW,
            f"{CHART}/templates/servicemonitor.yaml": MONITOR,
        },
    )


def _context(workspace: Path, render_jobs: int) -> BlueprintContext:
    loaded = load_workspace(workspace)
    blueprint = load_blueprint(workspace / "blueprints" / "demo", loaded)
    return BlueprintContext(loaded, blueprint, render_jobs=render_jobs)


# Well past PARALLEL_RENDERS_FROM (0.25 s) on a fast machine too: 4 hashes took 0.24 to
# 0.25 s on one, and the test failed there 3 times in 5.
SLOW_COST = 8
REQUESTS = [({"replicas": n}, ()) for n in (2, 3, 4)]


def test_a_slow_charts_renders_are_made_on_two_helm_workers_at_once(tmp_path: Path) -> None:
    ctx = _context(_workspace(tmp_path, cost=SLOW_COST), render_jobs=2)
    ctx.render(None)  # about 0.4 s: slow enough
    assert ctx.renders_at_once
    ctx.render_all(REQUESTS)
    assert len(ctx._renders) == 4  # all made, none twice
    assert len(ctx.render_chart._held) == 2  # the chart is loaded in both workers


def test_one_render_job_or_a_fast_chart_renders_as_before(tmp_path: Path) -> None:
    slow = _context(_workspace(tmp_path / "slow", cost=SLOW_COST), render_jobs=1)
    slow.render(None)
    slow.render_all(REQUESTS)
    assert not slow.renders_at_once and len(slow._renders) == 1  # made when asked for

    fast = _context(_workspace(tmp_path / "fast", cost=0), render_jobs=2)
    fast.render(None)
    fast.render_all(REQUESTS)
    assert not fast.renders_at_once and len(fast._renders) == 1


def test_lint_says_the_same_with_its_renders_made_at_once(tmp_path: Path) -> None:
    workspace = _workspace(tmp_path, cost=SLOW_COST)
    at_once = lint([workspace / "blueprints" / "demo"], root=workspace, jobs=2)
    one_by_one = lint([workspace / "blueprints" / "demo"], root=workspace, jobs=1)
    assert [d.rule for d in at_once.active] == ["BPG006"]  # misplaced.serviceMonitor
    assert at_once.diagnostics == one_by_one.diagnostics
