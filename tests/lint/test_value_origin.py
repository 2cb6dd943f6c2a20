"""A rendered object refused for a value the Blueprint sets is reported where the values
file sets it (BPG012): `memory: 128MiB` in values.yaml, not the `resources:` line whose
`toYaml` printed it, nor an upstream's Chart.yaml entry."""

from __future__ import annotations

from pathlib import Path

from tests.input.test_bad_input import DEMO, VALUES, demo
from tests.lint.chart_refusals import DEPLOYMENT_HEAD, DEPLOYMENT_TEMPLATE, bpg012
from tests.lint.test_upstream_objects import wrapper

TEMPLATE = DEPLOYMENT_TEMPLATE
DEPLOYMENT = (
    DEPLOYMENT_HEAD
    + """\
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
"""
)
VALUES_TEXT = "replicas: 1\nresources:\n  limits:\n    memory: 128MiB\n"


def _bpg012(workspace: Path) -> list[tuple[str, int, int, str]]:
    return [(d["file"], d["line"], d["column"], d["hint"]) for d in bpg012(workspace)]


def test_a_value_printed_by_toyaml_is_reported_where_values_yaml_sets_it(
    tmp_path: Path,
) -> None:
    workspace = demo(tmp_path, {TEMPLATE: DEPLOYMENT, VALUES: VALUES_TEXT})
    found = _bpg012(workspace)
    assert [f[:3] for f in found] == [(VALUES, 4, 13)]
    assert found[0][3].startswith("fix what this line sets")


def test_a_ci_files_value_is_reported_in_the_ci_file(tmp_path: Path) -> None:
    ci = f"{DEMO}/chart/ci/small-values.yaml"
    values = "replicas: 1\nresources:\n  limits:\n    memory: 128Mi\n"
    workspace = demo(
        tmp_path,
        {TEMPLATE: DEPLOYMENT, VALUES: values, ci: "resources:\n  limits:\n    memory: 1g\n"},
    )
    assert [f[:3] for f in _bpg012(workspace)] == [(ci, 3, 13)]


def test_a_value_the_template_writes_itself_stays_at_the_template(tmp_path: Path) -> None:
    """values.yaml holding the same `memory: 128MiB` for something else is no origin."""
    template = DEPLOYMENT.replace(
        "            {{- toYaml .Values.resources | nindent 12 }}\n",
        "            limits:\n              memory: 128MiB\n",
    )
    values = "replicas: 1\ncache:\n  memory: 128MiB\n"
    workspace = demo(tmp_path, {TEMPLATE: template, VALUES: values})
    assert [f[:3] for f in _bpg012(workspace)] == [(TEMPLATE, 23, 15)]


def test_a_value_values_yaml_holds_twice_is_not_guessed(tmp_path: Path) -> None:
    values = VALUES_TEXT + "sidecar:\n  memory: 128MiB\n"
    workspace = demo(tmp_path, {TEMPLATE: DEPLOYMENT, VALUES: values})
    # At the template's `resources:` line, the deepest key it writes itself.
    assert [f[:3] for f in _bpg012(workspace)] == [(TEMPLATE, 21, 11)]


def test_an_upstreams_object_is_reported_at_the_value_the_wrapper_gives_it(
    tmp_path: Path,
) -> None:
    upstream_deployment = DEPLOYMENT.replace("{{ .Chart.Name }}", "upstream-app")
    workspace = wrapper(
        tmp_path,
        "upstream-app:\n  resources:\n    limits:\n      memory: 4g\n",
        {},
        {"templates/deployment.yaml": upstream_deployment, "values.yaml": "resources: {}\n"},
    )
    found = _bpg012(workspace)
    assert [f[:3] for f in found] == [(VALUES, 4, 15)]


def test_an_unknown_field_values_yaml_gives_is_reported_at_its_key(tmp_path: Path) -> None:
    template = DEPLOYMENT.replace(
        "            {{- toYaml .Values.resources | nindent 12 }}\n",
        "            {}\n          securityContext:\n"
        "            {{- toYaml .Values.securityContext | nindent 12 }}\n",
    )
    values = "replicas: 1\nsecurityContext:\n  runAsUsr: 1000\n"
    workspace = demo(tmp_path, {TEMPLATE: template, VALUES: values})
    assert [f[:3] for f in _bpg012(workspace)] == [(VALUES, 3, 3)]


def test_container_fields_the_upstream_renders_for_the_pod_are_found_by_key(
    tmp_path: Path,
) -> None:
    """reloader 2.2.11 renders `deployment.securityContext` as the pod's: the platform's
    bp-reloader gives it container fields, whose values (`false`, a map) are no trace
    on their own; the key and its parent's are. Reported at each key in values.yaml, not
    at the upstream's Chart.yaml entry."""
    pod_level = DEPLOYMENT_HEAD.replace(
        "    spec:\n      containers:\n",
        "    spec:\n      securityContext:\n"
        "        {{- toYaml .Values.deployment.securityContext | nindent 8 }}\n"
        "      containers:\n",
    ).replace("{{ .Chart.Name }}", "upstream-app")
    workspace = wrapper(
        tmp_path,
        "upstream-app:\n  deployment:\n    securityContext:\n      runAsNonRoot: true\n"
        "      allowPrivilegeEscalation: false\n      capabilities:\n        drop: [ALL]\n",
        {},
        {
            "templates/deployment.yaml": pod_level,
            "values.yaml": "deployment:\n  securityContext: {}\n",
        },
    )
    found = _bpg012(workspace)
    assert [f[:3] for f in found] == [(VALUES, 5, 7), (VALUES, 6, 7)]
    assert all(f[3].startswith("fix what this line sets") for f in found)
