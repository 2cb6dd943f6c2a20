"""A template calling a function Helm does not define: at the call, with the closest one.

Helm's parse error names the function and the template line only (`function "quot" not
defined`), and the finding said "fix the template". The functions a template may call are
blueprintc's list (`blueprintc/data/template_functions.txt`), checked here against the
Helm SDK it renders with.
"""

from __future__ import annotations

from pathlib import Path

import helm_python as helm
import pytest

from blueprintc.lint import lint
from blueprintc.template_functions import template_functions
from tests.cli.helpers import write_workspace

CHART = "blueprints/demo/chart"


def _render(tmp_path: Path, calls: list[str]) -> None:
    """Render a chart whose one template calls each of `calls` in a branch never taken:
    Helm checks that a function is defined when it parses the template."""
    chart = tmp_path / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: demo\nversion: 0.1.0\n")
    body = "".join(f"{{{{ {name} }}}}" for name in calls)
    (chart / "templates" / "t.yaml").write_text(f"{{{{ if false }}}}{body}{{{{ end }}}}\n")
    helm.Chart.load(chart).render(name="demo", namespace="demo")


def test_every_listed_function_is_one_helm_defines(tmp_path: Path) -> None:
    names = template_functions()
    assert len(names) > 200 and {"quote", "include", "tpl", "toYaml", "printf"} <= set(names)
    _render(tmp_path, list(names))
    with pytest.raises(helm.HelmError, match='function "quot" not defined'):
        _render(tmp_path / "misspelt", ["quote", "quot"])


def _findings(tmp_path: Path, template: str) -> list[tuple[str, int, int, str]]:
    workspace = write_workspace(
        tmp_path / "ws", {"demo": "replicas: 1\n"}, extra={f"{CHART}/templates/x.yaml": template}
    )
    result = lint([workspace], root=workspace, jobs=1, select={"BPG003"})
    return [(d.location.file, d.location.line, d.location.column, d.hint) for d in result.active]


def test_a_misspelt_function_is_reported_at_the_call_with_the_one_meant(tmp_path: Path) -> None:
    template = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name | quot }}\n"
    [(file, line, column, hint)] = _findings(tmp_path, template)
    assert (file, line, column) == (f"{CHART}/templates/x.yaml", 4, 28)
    assert hint.startswith("call quote: quot is none of Go's, Sprig's or Helm's template functions")


def test_sprigs_env_says_that_helm_leaves_it_out(tmp_path: Path) -> None:
    template = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ env "NAME" }}\n'
    [(_, line, column, hint)] = _findings(tmp_path, template)
    assert (line, column) == (4, 12)
    assert hint.startswith("give the value in the chart's values: Helm leaves out Sprig's env")
