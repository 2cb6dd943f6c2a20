"""An Application's config that adds an env var its chart already writes: the render
passes, but Flux 2.9's Helm 4 applies it server-side and the API server refuses the
duplicate key, so compile reports the release as one that does not install (BPP016)."""

from __future__ import annotations

import shutil
from pathlib import Path

from blueprintc.compile.run import run_compile
from tests.lint.chart_refusals import deployment_with_env

CASE = Path(__file__).resolve().parents[1] / "rules" / "cases" / "BPP033" / "pass"
DEPLOYMENT = deployment_with_env(
    "            - name: LOG_LEVEL\n              value: info\n"
    "            {{- with .Values.env }}\n"
    "            {{- toYaml . | nindent 12 }}\n"
    "            {{- end }}\n"
)


def _workspace(tmp_path: Path, config: str) -> Path:
    workspace = tmp_path / "ws"
    shutil.copytree(CASE, workspace)
    chart = workspace / "blueprints" / "app" / "chart"
    (chart / "templates" / "deployment.yaml").write_text(DEPLOYMENT)
    (chart / "values.yaml").write_text("replicas: 1\nenv: []\n")
    org = workspace / "organizations" / "acme.yaml"
    org.write_text(
        org.read_text().replace("        replicas: 2\n", "        replicas: 2\n" + config)
    )
    return workspace


def _failures(workspace: Path, out: Path) -> list[str]:
    outcome = run_compile(workspace, out=out)
    return [d.message for d in outcome.diagnostics if d.rule == "BPP016"]


def test_config_that_sets_a_variable_the_chart_writes_is_refused(tmp_path: Path) -> None:
    config = "        env:\n          - name: LOG_LEVEL\n            value: debug\n"
    messages = _failures(_workspace(tmp_path, config), tmp_path / "out")
    assert messages
    assert all('duplicate entries for key [name="LOG_LEVEL"]' in m for m in messages)
    assert messages[0].startswith("Application shop (dev, prod) does not install: ")
    assert "container `app` lists the variable `LOG_LEVEL` twice in `env`" in messages[0]


def test_config_that_adds_another_variable_compiles(tmp_path: Path) -> None:
    config = "        env:\n          - name: FEATURE_X\n            value: 'on'\n"
    assert _failures(_workspace(tmp_path, config), tmp_path / "out") == []
