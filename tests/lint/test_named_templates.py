"""A named template used but defined nowhere: the finding names the one meant.

Helm's message names the missing template (`no template "demo.lables" associated with
template "gotpl"` for `include`, `template "x" not defined` for the action) and the
finding said "fix the template". The closest name the chart or its vendored upstreams
define is the fix.
"""

from __future__ import annotations

from pathlib import Path

from blueprintc.lint import lint
from tests.cli.helpers import write_workspace
from tests.lint.test_upstream_objects import wrapper

CHART = "blueprints/demo/chart"
HELPERS = '{{- define "demo.labels" -}}\napp: demo\n{{- end }}\n'


def _findings(workspace: Path) -> list[tuple[str, int, str]]:
    result = lint([workspace], root=workspace, jobs=1, select={"BPG003"})
    return [(d.location.file, d.location.line, d.hint) for d in result.active]


def _configmap(labels: str) -> str:
    return f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels:\n{labels}\n"


def _with_helpers(tmp_path: Path, template: str) -> Path:
    """A workspace whose chart defines `demo.labels` and has the template `template`."""
    return write_workspace(
        tmp_path / "ws",
        {"demo": "replicas: 1\n"},
        extra={f"{CHART}/templates/_helpers.tpl": HELPERS, f"{CHART}/templates/x.yaml": template},
    )


def test_a_misspelt_include_names_the_template_the_chart_defines(tmp_path: Path) -> None:
    template = _configmap('    {{- include "demo.lables" . | nindent 4 }}')
    [(file, line, hint)] = _findings(_with_helpers(tmp_path, template))
    assert (file, line) == (f"{CHART}/templates/x.yaml", 6)
    assert hint == 'use "demo.labels": nothing in the chart or its upstreams defines "demo.lables"'


def test_the_template_action_and_a_name_nothing_comes_close_to(tmp_path: Path) -> None:
    template = _configmap('    {{- template "other.things" . }}')
    [(_, line, hint)] = _findings(_with_helpers(tmp_path, template))
    assert line == 6
    assert hint.startswith('define "other.things" (`{{- define "other.things" -}}` in templates/')


def test_an_upstreams_helper_is_the_one_meant(tmp_path: Path) -> None:
    """The wrapper includes its upstream's helper, misspelt: the name is the upstream's."""
    upstream = {
        "templates/_helpers.tpl": '{{- define "upstream-app.fullname" -}}app{{- end }}\n',
    }
    own = {"templates/x.yaml": _configmap('    name: {{ include "upstream-app.fulname" . }}')}
    workspace = wrapper(tmp_path, "replicas: 1\nupstream-app:\n  image: x\n", own, upstream)
    [(_, _, hint)] = _findings(workspace)
    assert hint.startswith('use "upstream-app.fullname": nothing in the chart')
