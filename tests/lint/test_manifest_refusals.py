"""What `helm install` takes and Flux's helm-controller refuses: a key twice in one
mapping of a template's output, and the same object twice in one release. The
controller always post-renders a release with kustomize (its origin labels), whose
YAML reader refuses a repeated key (`mapping key "resources" already defined`: the
bitwarden, memphis and kubeapps charts' Flux installs failed on it) and whose resource
map refuses a second object of one apiVersion, kind, namespace and name (`may not add
resource with an already registered id`). lint reports both as it reports output that
is not YAML: BPG003 for the default render, BPG012 for a ci/ file's, at the template
line that wrote it."""

from __future__ import annotations

from pathlib import Path

from blueprintc.lint import lint
from blueprintc.yamldata import DuplicateKeys, load_all
from tests.cli.helpers import HELM_LABELS, write_workspace
from tests.lint.chart_refusals import DEPLOYMENT_HEAD, SETTINGS_HEAD

CHART = "blueprints/demo/chart"
DEPLOYMENT = f"{CHART}/templates/deployment.yaml"
CONFIG_MAP = SETTINGS_HEAD + "  mode: fast\n"
# `helm create`'s helpers, where `labels` already holds `selectorLabels`.
HELPERS = """\
{{- define "demo.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}
{{- define "demo.labels" -}}
{{ include "demo.selectorLabels" . }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}
"""
BOTH_HELPERS = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-both
  labels:
    {{- include "demo.selectorLabels" . | nindent 4 }}
    {{- include "demo.labels" . | nindent 4 }}
data:
  mode: fast
"""


def _found(workspace: Path, select: set[str] | None = None) -> list[tuple[str, str, int, int]]:
    result = lint([workspace], root=workspace, jobs=1, select=select)
    return [(d.rule, d.location.file, d.location.line, d.location.column) for d in result.active]


def _only(workspace: Path) -> tuple[str, str]:
    result = lint([workspace], root=workspace, jobs=1)
    assert len(result.active) == 1, [d.message for d in result.active]
    return result.active[0].message, result.active[0].hint


def _demo(tmp_path: Path, files: dict[str, str], values: str = "replicas: 1\n") -> Path:
    return write_workspace(tmp_path / "ws", {"demo": values}, extra=files)


def test_the_loader_notes_a_repeated_key_and_keeps_the_last_value() -> None:
    duplicates: list[DuplicateKeys] = []
    text = "a:\n  b: 1\n  c: 2\n  b: 3\n  'c': 4\n  d: 5\n"
    assert load_all(text, kubernetes=True, duplicates=duplicates) == [
        {"a": {"b": 3, "c": 4, "d": 5}}
    ]
    assert duplicates == [DuplicateKeys(("b", "c"), 1, 3, 2)]
    duplicates.clear()
    load_all("a: [{b: 1}, {b: 2}]\nb: {a: 1}\n", duplicates=duplicates)
    assert duplicates == []  # the same key in two mappings


def test_a_key_the_template_writes_twice_is_bpg003_at_the_second(tmp_path: Path) -> None:
    template = (
        DEPLOYMENT_HEAD
        + "          imagePullPolicy: Always\n          imagePullPolicy: IfNotPresent\n"
    )
    workspace = _demo(tmp_path, {DEPLOYMENT: template})
    assert _found(workspace) == [("BPG003", DEPLOYMENT, 22, 11)]
    message, hint = _only(workspace)
    assert message.startswith(
        "the default render of templates/deployment.yaml gives the key `imagePullPolicy` twice "
        "in one mapping (`imagePullPolicy` at lines 21 and 22 of its output): Flux's "
        "helm-controller refuses the release"
    )
    assert '`mapping key "imagePullPolicy" already defined`' in message
    assert "write each key once" in hint


def test_keys_two_helpers_both_write_are_one_finding_at_the_mapping(tmp_path: Path) -> None:
    """The real platform repository's webhook Deployment: its pod labels include
    `selectorLabels` and `labels`, which holds them; the keys are reported together,
    at `labels:`, the nearest key on their path that the template writes itself."""
    template = f"{CHART}/templates/both.yaml"
    workspace = _demo(tmp_path, {template: BOTH_HELPERS, f"{CHART}/templates/_demo.tpl": HELPERS})
    assert _found(workspace) == [("BPG003", template, 5, 3)]
    message, hint = _only(workspace)
    assert "gives the keys `app.kubernetes.io/name`, `app.kubernetes.io/instance` twice" in message
    assert "`labels` helper already holds `selectorLabels`" in hint


def test_the_same_object_from_two_templates_is_bpg003_at_the_second(tmp_path: Path) -> None:
    """Reported at the second in Helm's order of templates (by path)."""
    second = f"{CHART}/templates/settings.yaml"
    files = {f"{CHART}/templates/settings-copy.yaml": CONFIG_MAP, second: CONFIG_MAP}
    workspace = _demo(tmp_path, files)
    assert _found(workspace) == [("BPG003", second, 2, 1)]
    message, hint = _only(workspace)
    assert message.startswith(
        "the default render of templates/settings.yaml renders ConfigMap bp-demo-settings as "
        "templates/settings-copy.yaml does: Flux's helm-controller refuses the release"
    )
    assert "`may not add resource with an already registered id`" in message
    assert "render each object once" in hint


def test_the_same_object_twice_in_one_template(tmp_path: Path) -> None:
    template = f"{CHART}/templates/settings.yaml"
    workspace = _demo(tmp_path, {template: CONFIG_MAP + "---\n" + CONFIG_MAP})
    assert _found(workspace) == [("BPG003", template, 13, 1)]
    message, _ = _only(workspace)
    assert "renders ConfigMap bp-demo-settings twice" in message


def test_objects_kustomize_tells_apart_pass(tmp_path: Path) -> None:
    """Another kind, another namespace, another apiVersion, and a hook the same as an
    object of the release (Helm 4 post-renders hooks apart): none is refused."""
    other_kind = CONFIG_MAP.replace("kind: ConfigMap", "kind: Secret").replace(
        "data:\n  mode: fast", "stringData:\n  mode: fast"
    )
    other_namespace = CONFIG_MAP.replace("-settings\n", "-settings\n  namespace: elsewhere\n", 1)
    hook = CONFIG_MAP.replace(
        "-settings\n", '-settings\n  annotations:\n    "helm.sh/hook": pre-install\n', 1
    )
    files = {
        f"{CHART}/templates/a.yaml": CONFIG_MAP,
        f"{CHART}/templates/b.yaml": other_kind,
        f"{CHART}/templates/c.yaml": other_namespace,
        f"{CHART}/templates/d.yaml": hook,
    }
    found = _found(_demo(tmp_path, files), select={"BPG003", "BPG012"})
    assert found == []


def test_a_namespace_left_out_is_the_default_one(tmp_path: Path) -> None:
    """kustomize reads no namespace as `default`, so these two are one object."""
    in_default = CONFIG_MAP.replace("-settings\n", "-settings\n  namespace: default\n", 1)
    files = {f"{CHART}/templates/a.yaml": CONFIG_MAP, f"{CHART}/templates/b.yaml": in_default}
    assert _found(_demo(tmp_path, files), select={"BPG003"}) == [
        ("BPG003", f"{CHART}/templates/b.yaml", 2, 1)
    ]


def test_a_repeated_key_only_a_ci_values_file_renders_is_bpg012(tmp_path: Path) -> None:
    template = DEPLOYMENT_HEAD + (
        "          imagePullPolicy: Always\n"
        "          {{- with .Values.pullPolicy }}\n"
        "          imagePullPolicy: {{ . }}\n"
        "          {{- end }}\n"
    )
    files = {DEPLOYMENT: template, f"{CHART}/ci/pull-values.yaml": "pullPolicy: Never\n"}
    workspace = _demo(tmp_path, files)
    assert _found(workspace, select={"BPG003", "BPG012"}) == [("BPG012", DEPLOYMENT, 23, 28)]
    message, _ = _only(workspace)
    assert message.startswith(
        "render with ci/pull-values.yaml failed: templates/deployment.yaml gives the key "
        "`imagePullPolicy` twice"
    )


def test_a_required_value_printed_as_a_document_is_bpg003(tmp_path: Path) -> None:
    """helm/helm#5550: `{{ required ... }}` on a line of its own prints the value, a
    document of text that Helm's manifest sorter refuses."""
    template = f"{CHART}/templates/settings.yaml"
    text = '{{ required "who is required" .Values.who }}\n---\n' + CONFIG_MAP
    workspace = _demo(tmp_path, {template: text}, values="replicas: 1\nwho: bob\n")
    assert _found(workspace) == [("BPG003", template, 1, 1)]
    message, hint = _only(workspace)
    assert message == (
        "the default render of templates/settings.yaml renders a document that is text "
        "(`bob`) at line 1 of its output, not an object: Helm refuses the render (`YAML parse "
        "error on templates/settings.yaml: ... cannot unmarshal string into Go value of type "
        "releaseutil.SimpleHead`)"
    )
    assert "{{- $_ := required" in hint


def test_a_list_of_objects_printed_as_one_document_is_bpg003(tmp_path: Path) -> None:
    template = f"{CHART}/templates/extra.yaml"
    values = "replicas: 1\nextraObjects:\n  - kind: ConfigMap\n  - kind: Secret\n"
    workspace = _demo(tmp_path, {template: "{{ toYaml .Values.extraObjects }}\n"}, values)
    assert _found(workspace) == [("BPG003", template, 1, 1)]
    message, hint = _only(workspace)
    assert "renders a document that is a list at line 1 of its output, not an object" in message
    assert "cannot unmarshal array" in message
    assert "{{- range .Values.extraObjects }}" in hint


def test_a_file_in_templates_that_is_no_manifest_is_bpg003(tmp_path: Path) -> None:
    """Helm reads every rendered file but NOTES.txt as manifests, whatever its name."""
    template = f"{CHART}/templates/config.toml"
    workspace = _demo(tmp_path, {template: "[server]\nport = 8080\n"})
    assert _found(workspace) == [("BPG003", template, 2, 1)]
    message, hint = _only(workspace)
    assert message.startswith("the default render of templates/config.toml is not YAML")
    assert hint.startswith("move config.toml out of templates/ (a template reads it with")


def test_an_object_in_a_json_file_under_templates_is_checked_as_helm_installs_it(
    tmp_path: Path,
) -> None:
    template = f"{CHART}/templates/settings.json"
    text = (
        '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": '
        '"{{ .Release.Name }}-json", "labels": {"app.kubernetes.io/name": "demo", '
        '"app.kubernetes.io/instance": "{{ .Release.Name }}", '
        '"app.kubernetes.io/managed-by": "Helm"}}, "data": {"port": 8080}}\n'
    )
    workspace = _demo(tmp_path, {template: text})
    assert [(rule, file) for rule, file, _, _ in _found(workspace)] == [("BPG012", template)]


def test_notes_and_text_that_is_yaml_objects_pass(tmp_path: Path) -> None:
    notes = "Thanks for installing {{ .Release.Name }}.\n- run: this\nport = 80\n"
    files = {
        f"{CHART}/templates/NOTES.txt": notes,
        f"{CHART}/templates/settings.yaml": "# only a comment\n---\n" + CONFIG_MAP + "---\n",
    }
    assert _found(_demo(tmp_path, files), select={"BPG003", "BPG012"}) == []


def test_objects_without_a_name_are_not_one_object_twice(tmp_path: Path) -> None:
    """An unset `name:` (null) is no name: BPG012 says so of each object, and calls it
    so, not `None` (kustomize would refuse it too: `missing metadata.name`)."""
    unnamed = CONFIG_MAP.replace("{{ .Release.Name }}-settings", "{{ .Values.settingsName }}")
    nameless_kind = CONFIG_MAP.replace("kind: ConfigMap\n", "")
    files = {
        f"{CHART}/templates/a.yaml": unnamed,
        f"{CHART}/templates/b.yaml": unnamed,
        f"{CHART}/templates/c.yaml": nameless_kind,
    }
    result = lint([_demo(tmp_path, files)], root=tmp_path / "ws", jobs=1)
    assert sorted((d.rule, d.location.file[-6:], d.message) for d in result.active) == [
        ("BPG012", "a.yaml", "ConfigMap (no name): metadata.name: required field is missing"),
        ("BPG012", "b.yaml", "ConfigMap (no name): metadata.name: required field is missing"),
        ("BPG012", "c.yaml", "(no kind) bp-demo-settings: kind: required field is missing"),
    ]


JOB = """\
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ .Release.Name }}-migrate
  annotations:
    "helm.sh/hook": {{ .Values.hook }}
"""
JOB_BODY = (
    HELM_LABELS
    + """\
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: registry.example.org/migrate:1.0.0
"""
)


def _hook_findings(tmp_path: Path, hook: str) -> list[tuple[str, str, int, int]]:
    files = {f"{CHART}/templates/job.yaml": JOB + JOB_BODY}
    return _found(_demo(tmp_path, files, values=f"replicas: 1\nhook: {hook}\n"))


def test_a_hook_of_an_event_helm_does_not_know_is_bpg003_at_the_annotation(
    tmp_path: Path,
) -> None:
    """Helm's manifest sorter skips the object (`skipping unknown hooks`, an info log):
    the migration Job never runs, and nothing says so."""
    assert _hook_findings(tmp_path, "pre-instal") == [
        ("BPG003", f"{CHART}/templates/job.yaml", 6, 5)
    ]
    files = {f"{CHART}/templates/job.yaml": JOB + JOB_BODY}
    message, hint = _only(
        _demo(tmp_path / "again", files, values="replicas: 1\nhook: pre-instal\n")
    )
    assert message == (
        "the default render of templates/job.yaml renders Job bp-demo-migrate as a hook of "
        "`pre-instal`: Helm knows no hook event `pre-instal`, so it skips the object and "
        "never installs it (`skipping unknown hooks`)"
    )
    assert hint.startswith("write `pre-install`: Helm's hook events are pre-install,")


def test_helm_2_hooks_and_an_empty_event_are_named(tmp_path: Path) -> None:
    files = {f"{CHART}/templates/job.yaml": JOB + JOB_BODY}
    message, hint = _only(
        _demo(tmp_path, files, values="replicas: 1\nhook: pre-install,test-failure\n")
    )
    assert "Helm knows no hook event `test-failure`" in message
    assert hint.startswith("Helm 3 dropped the `test-failure` hook")
    empty = JOB.replace("{{ .Values.hook }}", '""') + JOB_BODY
    message, _ = _only(_demo(tmp_path / "empty", {f"{CHART}/templates/job.yaml": empty}))
    assert "Helm knows no hook event (an empty one)" in message


def test_known_hook_events_pass(tmp_path: Path) -> None:
    """Any case, spaces around the commas, and Helm 2's `test-success`."""
    assert _hook_findings(tmp_path, '"Pre-Install, post-upgrade"') == []
    assert _hook_findings(tmp_path / "test", "test-success") == []


def _policy_job(policy: str) -> str:
    return JOB.replace("{{ .Values.hook }}", "pre-upgrade") + (
        f'    "helm.sh/hook-delete-policy": {policy}\n' + JOB_BODY
    )


def test_a_delete_policy_helm_does_not_know_is_bpg003_at_the_annotation(
    tmp_path: Path,
) -> None:
    """Helm applies its default (`before-hook-creation`) only to a hook without the
    annotation: this Job is never deleted, and the next upgrade fails to create it."""
    template = f"{CHART}/templates/job.yaml"
    workspace = _demo(tmp_path, {template: _policy_job("hook-succeded")})
    assert _found(workspace) == [("BPG003", template, 7, 5)]
    message, hint = _only(workspace)
    assert message.startswith(
        "the default render of templates/job.yaml renders the hook Job bp-demo-migrate with "
        "the delete policy `hook-succeded`, which names none Helm knows"
    )
    assert "the next install or upgrade fails to create it again (`already exists`)" in message
    assert hint.startswith("write `hook-succeeded` (before-hook-creation, hook-succeeded,")


def test_delete_policies_helm_knows_pass(tmp_path: Path) -> None:
    """Any known one among them is enough (the unknown one is ignored, the hook works);
    an object that is no hook ignores the annotation."""
    for index, policy in enumerate(
        ['"before-hook-creation, hook-succeeded"', '"hook-succeeded,hook-succeded"', "Hook-Failed"]
    ):
        files = {f"{CHART}/templates/job.yaml": _policy_job(policy)}
        assert _found(_demo(tmp_path / str(index), files)) == []
    no_hook = CONFIG_MAP.replace(
        "-settings\n", '-settings\n  annotations:\n    "helm.sh/hook-delete-policy": x\n', 1
    )
    assert _found(_demo(tmp_path / "no-hook", {f"{CHART}/templates/cm.yaml": no_hook})) == []


KUSTOMIZATION = """\
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: demo
resources:
  - settings.yaml
"""
# A template that is plain YAML, as a file both Helm and kustomize read must be.
PLAIN_CONFIG_MAP = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  labels:
    app.kubernetes.io/name: demo
    app.kubernetes.io/instance: demo
    app.kubernetes.io/managed-by: Helm
data:
  mode: fast
"""


def test_a_kustomization_in_templates_is_bpg003_with_helmignore_as_the_fix(
    tmp_path: Path,
) -> None:
    """A chart's templates/ that is also a kustomize base for some cluster: Helm renders
    its kustomization.yaml as an object of a kind no API server serves. That is the one
    finding; no label or schema finding leads the author to name the Kustomization."""
    template = f"{CHART}/templates/kustomization.yaml"
    files = {template: KUSTOMIZATION, f"{CHART}/templates/settings.yaml": PLAIN_CONFIG_MAP}
    workspace = _demo(tmp_path, files)
    assert _found(workspace) == [("BPG003", template, 2, 1)]
    message, hint = _only(workspace)
    assert message == (
        "the default render of templates/kustomization.yaml is a Kustomize file, which Helm "
        "renders as an object of kind Kustomization (kustomize.config.k8s.io/v1beta1): no "
        "API server serves it, so Helm refuses the release (`no matches for kind "
        '"Kustomization" in version "kustomize.config.k8s.io/v1beta1"`)'
    )
    assert hint.startswith("add `templates/kustomization.yaml` to the chart's .helmignore")


def test_a_kustomization_the_chart_helmignores_passes(tmp_path: Path) -> None:
    files = {
        f"{CHART}/templates/kustomization.yaml": KUSTOMIZATION,
        f"{CHART}/templates/settings.yaml": PLAIN_CONFIG_MAP,
        f"{CHART}/.helmignore": "templates/kustomization.yaml\n",
    }
    assert _found(_demo(tmp_path, files)) == []
