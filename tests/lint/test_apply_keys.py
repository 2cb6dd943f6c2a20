"""A container's env var or port given twice: Helm 4's server-side apply, which Flux 2.9
uses, is refused by the API server (`duplicate entries for key`), where Helm 3 kept the
last one. Reported as a render Flux refuses (BPG003 for the default render)."""

from __future__ import annotations

from pathlib import Path

from blueprintc.lint import lint
from tests.cli.helpers import write_workspace
from tests.lint.chart_refusals import deployment_with_env

CHART = "blueprints/web/chart"
TEMPLATE = f"{CHART}/templates/deployment.yaml"


def _found(tmp_path: Path, template: str, values: str = "replicas: 1\n") -> list[tuple]:
    extra = {TEMPLATE: template}
    workspace = write_workspace(tmp_path / "ws", {"web": values}, extra=extra)
    result = lint([workspace], root=workspace, jobs=1, select={"BPG003"})
    return [(d.location.file, d.location.line, d.message) for d in result.active]


def test_a_variable_the_values_set_again_is_reported_at_the_second(tmp_path: Path) -> None:
    """Camunda's way: the chart's default, then the values' override of the same name."""
    env = (
        "            - name: SERVER_CONTEXT_PATH\n              value: /\n"
        "            {{- toYaml .Values.env | nindent 12 }}\n"
    )
    values = "replicas: 1\nenv:\n  - name: SERVER_CONTEXT_PATH\n    value: /web\n"
    [(file, line, message)] = _found(tmp_path, deployment_with_env(env), values)
    assert (file, line) == (TEMPLATE, 21)  # `env:`: the entry is written by `toYaml`
    assert message.startswith(
        "the default render of templates/deployment.yaml renders Deployment bp-web whose "
        "container `app` lists "
        "the variable `SERVER_CONTEXT_PATH` twice in `env`"
    )
    assert (
        '.spec.template.spec.containers[name="app"].env: duplicate entries for key '
        '[name="SERVER_CONTEXT_PATH"]'
    ) in message


def test_a_port_twice_with_the_protocol_left_out_once(tmp_path: Path) -> None:
    env = "            - name: A\n              value: a\n"
    ports = (
        "          ports:\n"
        "            - containerPort: 8080\n"
        "            - containerPort: 8080\n              protocol: TCP\n"
    )
    [(_, line, message)] = _found(tmp_path, deployment_with_env(env, ports))
    assert line == 26  # the second entry's `containerPort:`
    assert '[containerPort=8080,protocol="TCP"]' in message


def test_one_port_over_two_protocols_and_distinct_names_pass(tmp_path: Path) -> None:
    env = "".join(f"            - name: {n}\n              value: {n}\n" for n in "AB")
    ports = (
        "          ports:\n"
        "            - containerPort: 53\n              protocol: UDP\n"
        "            - containerPort: 53\n              protocol: TCP\n"
    )
    assert _found(tmp_path, deployment_with_env(env, ports)) == []
