"""A render that fails in an upstream's template is reported at the upstream's Chart.yaml
entry, with the fix in values.

opentelemetry-collector refuses to render until `image.repository` is set (a `fail` in
its NOTES.txt). Wrapped as it ships, BPG003 stood inside the vendored template, a file
that is not in Git where `charts/` is ignored, and said "fix the template"; the fix is a
value under the upstream's key in the wrapper's values.yaml."""

from __future__ import annotations

from pathlib import Path

from blueprintc.diagnostics import Diagnostic
from blueprintc.lint import lint
from tests.lint.test_upstream_objects import CHART, UPSTREAM_CHART, wrapper

REFUSING = """\
{{- if not .Values.image.repository }}
{{- fail "[ERROR] 'image.repository' must be set" }}
{{- end }}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-upstream
  labels:
    app.kubernetes.io/name: app
data:
  image: {{ .Values.image.repository }}
  a: "1"
  b: "2"
"""
ENTRY = (f"{CHART}/Chart.yaml", 5, 5)  # `  - name: upstream-app`


def _smoke(workspace: Path) -> list[Diagnostic]:
    return lint([workspace], root=workspace, jobs=1, select={"BPG003"}).active


def _where(found: Diagnostic) -> tuple[str, int, int]:
    return (found.location.file, found.location.line, found.location.column)


def test_an_upstream_template_that_fails_is_reported_at_its_chart_yaml_entry(
    tmp_path: Path,
) -> None:
    upstream = {"values.yaml": "image:\n  repository: ''\n", "templates/cm.yaml": REFUSING}
    workspace = wrapper(tmp_path, "replicas: 1\n", {}, upstream)
    [found] = _smoke(workspace)
    assert _where(found) == ENTRY
    assert "'image.repository' must be set" in found.message
    assert found.hint == (
        "upstream-app is an upstream chart: give it the values its message asks for under "
        f"`upstream-app:` in {CHART}/values.yaml, not a change to its templates (`helm "
        "dependency build` replaces them); if no value makes it render, pin another release "
        "of upstream-app; if only the per-cluster overlay has the value, annotate the chart: "
        'set annotations: {catalyst.openova.io/smoke-render-mode: "requires-overlay"} in '
        f"{CHART}/Chart.yaml"
    )
    # The fix the hint names
    (workspace / CHART / "values.yaml").write_text(
        "replicas: 1\nupstream-app:\n  image:\n    repository: ghcr.io/x/app\n", encoding="utf-8"
    )
    assert _smoke(workspace) == []


def test_an_unpacked_upstream_is_not_reported_inside_its_vendored_files(tmp_path: Path) -> None:
    """`charts/<name>/` as a directory (unpacked by hand or by a vendoring script): the
    failure stays at the entry, not at the vendored template's line."""
    workspace = wrapper(tmp_path, "replicas: 1\n", {}, {})
    charts = workspace / CHART / "charts"
    (charts / "upstream-app-1.0.0.tgz").unlink()
    unpacked = charts / "upstream-app"
    (unpacked / "templates").mkdir(parents=True)
    (unpacked / "Chart.yaml").write_text(UPSTREAM_CHART, encoding="utf-8")
    (unpacked / "values.yaml").write_text("image:\n  repository: ''\n", encoding="utf-8")
    (unpacked / "templates" / "cm.yaml").write_text(REFUSING, encoding="utf-8")
    [found] = _smoke(workspace)
    assert _where(found) == ENTRY
    assert found.hint is not None and found.hint.startswith("upstream-app is an upstream chart")


def test_an_upstream_whose_output_is_not_yaml_is_reported_at_its_entry(tmp_path: Path) -> None:
    broken = REFUSING.split("{{- end }}\n")[1].replace('  a: "1"', "  a: {{ .Values.a }}: b")
    upstream = {"values.yaml": "image:\n  repository: x\na: x\n", "templates/cm.yaml": broken}
    workspace = wrapper(tmp_path, "replicas: 1\n", {}, upstream)
    [found] = _smoke(workspace)
    assert _where(found) == ENTRY
    assert "templates/cm.yaml is not YAML" in found.message
    assert found.hint is not None and "under `upstream-app:`" in found.hint


def test_the_charts_own_failing_template_is_still_reported_at_its_line(tmp_path: Path) -> None:
    own = {"templates/cm.yaml": REFUSING, "values.yaml": "image:\n  repository: ''\n"}
    workspace = wrapper(tmp_path, "image:\n  repository: ''\n", own, {})
    [found] = _smoke(workspace)
    assert _where(found) == (f"{CHART}/templates/cm.yaml", 2, 4)


def test_an_upstream_failing_under_a_toggle_is_reported_at_the_toggle(tmp_path: Path) -> None:
    """BPG006's opt-in render: the toggle made the render, so the fix is beside it."""
    monitor = (
        "{{- if .Values.metrics.serviceMonitor.enabled }}\n"
        "{{- fail \"[ERROR] 'metrics.port' must be set\" }}\n"
        "{{- end }}\n"
    )
    upstream = {
        "values.yaml": "image:\n  repository: x\nmetrics:\n  serviceMonitor:\n    enabled: false\n",
        "templates/cm.yaml": REFUSING,
        "templates/servicemonitor.yaml": monitor,
    }
    values = "replicas: 1\nupstream-app:\n  metrics:\n    serviceMonitor:\n      enabled: false\n"
    workspace = wrapper(tmp_path, values, {}, upstream)
    result = lint([workspace], root=workspace, jobs=1, select={"BPG006"})
    [found] = result.active
    assert _where(found) == (f"{CHART}/values.yaml", 5, 16)
    assert "'metrics.port' must be set" in found.message
    assert found.hint is not None
    assert found.hint.startswith("upstream-app is an upstream chart: give it the values")
    assert f"under `upstream-app:` in {CHART}/values.yaml" in found.hint


NEEDS_SUB = (
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"
    "data:\n  port: {{ .Values.sub.service.port | quote }}\n"
)


def _unpacked_without_its_dependencies(tmp_path: Path, values: str, v1: bool = False) -> Path:
    """loki-stack's shape: copied from its source into `charts/`, its own dependencies
    (one on by default, one off) declared and absent."""
    workspace = wrapper(tmp_path, values, {}, {})
    charts = workspace / CHART / "charts"
    (charts / "upstream-app-1.0.0.tgz").unlink()
    unpacked = charts / "upstream-app"
    (unpacked / "templates").mkdir(parents=True)
    deps = (
        "dependencies:\n"
        "  - {name: sub, version: 1.0.0, repository: https://charts.example.invalid, "
        "condition: sub.enabled}\n"
        "  - {name: other, version: 1.0.0, repository: https://charts.example.invalid, "
        "condition: other.enabled}\n"
    )
    if v1:
        (unpacked / "Chart.yaml").write_text("apiVersion: v1\nname: upstream-app\nversion: 1.0.0\n")
        (unpacked / "requirements.yaml").write_text(deps)
    else:
        (unpacked / "Chart.yaml").write_text(UPSTREAM_CHART + deps)
    (unpacked / "values.yaml").write_text("sub:\n  enabled: true\nother:\n  enabled: false\n")
    (unpacked / "templates" / "cm.yaml").write_text(NEEDS_SUB)
    return workspace


def test_an_upstream_vendored_without_its_dependencies_is_said_so(tmp_path: Path) -> None:
    """Not "give it the values its message asks for": the render fails on a nil pointer
    because `sub` is not there, and `other` is off, so not named."""
    for v1 in (False, True):
        workspace = _unpacked_without_its_dependencies(tmp_path / str(v1), "replicas: 1\n", v1)
        [found] = _smoke(workspace)
        assert _where(found) == ENTRY
        assert "nil pointer" in found.message
        assert found.hint == (
            "upstream-app is vendored without its own dependencies sub (its charts/ lacks "
            "them), so Helm renders it without them: vendor upstream-app as its chart "
            "repository packages it (`helm dependency build` of this chart fetches it so), "
            "or run `helm dependency build` in its directory"
        )
    # The wrapper switches `other` on: it is missing too
    values = "replicas: 1\nupstream-app:\n  other:\n    enabled: true\n"
    workspace = _unpacked_without_its_dependencies(tmp_path / "on", values)
    [found] = _smoke(workspace)
    assert found.hint is not None and "its own dependencies sub, other" in found.hint
