"""`lint --since REF`'s upgrade checks, on real git history: a chart change that
changes a field the API server never lets change on an installed object (BPG019: a
StatefulSet's claim templates, a selector), which fails the upgrade, and crds/ that no
upgrade applies (BPG020, BPG021). The repository looks like a real one: the workspace
in a subdirectory, a wrapper chart whose upstream is a `file://` chart beside it and
whose `charts/` is gitignored (so absent from every commit)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from blueprintc import helm
from blueprintc.build.changed import compare
from blueprintc.build.upgrades import upgrade_findings
from blueprintc.diagnostics import Diagnostic
from tests.cli.helpers import HELM_LABELS, WORKSPACE_YAML, blueprint_files
from tests.crd_manifest import crd_manifest
from tests.hostile.harness import run_cli
from tests.lint.chart_refusals import STATEFULSET, STATEFULSET_VALUES
from tests.offline import chart_repository, commit_all

# Line 33 of STATEFULSET writes the claim template's `storage:`.
STORAGE_LINE = 33
UPSTREAM_CHART = "apiVersion: v2\nname: kv\nversion: 7.2.0\n"
UPSTREAM_VALUES = STATEFULSET_VALUES.replace("8Gi", "1Gi")
WRAPPER_CHART = """\
apiVersion: v2
name: bp-cache
version: 1.0.0
dependencies:
  - name: kv
    version: 7.2.0
    repository: file://../../../upstream-charts/kv
"""
WRAPPER_VALUES = "kv:\n  storage: 1Gi\n"


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """`platform/` of a committed repository: Blueprint db (its own StatefulSet) and
    Blueprint cache (a wrapper of the `file://` upstream kv, `charts/` gitignored)."""
    top = tmp_path / "repo"
    root = top / "platform"
    db, cache = "blueprints/db", "blueprints/cache"
    _write(
        root,
        {
            "blueprintc.yaml": WORKSPACE_YAML,
            **blueprint_files("db", STATEFULSET_VALUES),
            f"{db}/chart/templates/statefulset.yaml": STATEFULSET,
            "upstream-charts/kv/Chart.yaml": UPSTREAM_CHART,
            "upstream-charts/kv/values.yaml": UPSTREAM_VALUES,
            "upstream-charts/kv/templates/statefulset.yaml": STATEFULSET,
            **blueprint_files("cache", WRAPPER_VALUES),
            f"{cache}/chart/Chart.yaml": WRAPPER_CHART,
            f"{cache}/chart/.gitignore": "charts/\n",
        },
    )
    commit_all(top, "catalog")
    return root


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, path
    path.write_text(text.replace(old, new, 1))


def _found(workspace: Path) -> list[Diagnostic]:
    return upgrade_findings(compare(workspace, "HEAD"))


def test_a_claim_template_grown_since_the_ref_is_reported_at_its_line(workspace: Path) -> None:
    _edit(workspace / "blueprints/db/chart/values.yaml", "storage: 8Gi", "storage: 20Gi")
    [found] = _found(workspace)
    assert found.rule == "BPG019"
    assert (found.location.file, found.location.line) == (
        "blueprints/db/chart/templates/statefulset.yaml",
        STORAGE_LINE,
    )
    assert found.message.startswith(
        "StatefulSet bp-db: `spec.volumeClaimTemplates[0].spec.resources.requests.storage` "
        'is `"20Gi"`, and was `"8Gi"` at HEAD ('
    )
    assert "`spec: Forbidden: updates to statefulset spec for fields other than" in found.message
    assert "a claim grows by patching the PersistentVolumeClaim itself" in (found.hint or "")


def test_an_upstreams_claim_template_changed_by_the_wrappers_values(workspace: Path) -> None:
    """The upstream is absent (charts/ is gitignored): both ends render it from its
    `file://` source, the base's as the base commit holds it."""
    _edit(workspace / "blueprints/cache/chart/values.yaml", "storage: 1Gi", "storage: 5Gi")
    [found] = _found(workspace)
    # An upstream's object stands at its Chart.yaml entry.
    assert (found.location.file, found.location.line) == ("blueprints/cache/chart/Chart.yaml", 5)
    assert found.message.startswith("StatefulSet bp-cache: `spec.volumeClaimTemplates[0]")
    assert '`"5Gi"`, and was `"1Gi"`' in found.message


def test_a_changed_upstream_source_is_compared_as_the_base_holds_it(workspace: Path) -> None:
    _edit(
        workspace / "upstream-charts/kv/templates/statefulset.yaml",
        "  serviceName: {{ .Release.Name }}",
        "  serviceName: {{ .Release.Name }}-headless",
    )
    [found] = _found(workspace)
    assert found.message.startswith(
        'StatefulSet bp-cache: `spec.serviceName` is `"bp-cache-headless"`, and was `"bp-cache"`'
    )


def test_what_an_upgrade_may_change_is_left_alone(workspace: Path) -> None:
    values = workspace / "blueprints/db/chart/values.yaml"
    _edit(values, "replicas: 1", "replicas: 3")
    _edit(values, "db:16.4", "db:16.6")
    assert _found(workspace) == []


def test_a_blueprint_new_since_the_ref_has_nothing_to_compare(workspace: Path) -> None:
    new = workspace / "blueprints/db2"
    _write(
        workspace,
        {
            **blueprint_files("db2", STATEFULSET_VALUES),
            "blueprints/db2/chart/templates/statefulset.yaml": STATEFULSET,
        },
    )
    assert new.is_dir()
    assert _found(workspace) == []


def test_lint_since_reports_it_through_the_cli(workspace: Path) -> None:
    _edit(workspace / "blueprints/db/chart/values.yaml", "storage: 8Gi", "storage: 20Gi")
    run = run_cli("lint", "--since", "HEAD", "--select", "BPG019", cwd=workspace)
    assert run.code == 1, run
    assert (
        f"platform/blueprints/db/chart/templates/statefulset.yaml:{STORAGE_LINE}:13: error "
        "BPG019 [immutable-field-change] StatefulSet bp-db:"
    ) in run.stdout


def test_a_base_with_a_link_out_of_the_chart_is_not_compared(workspace: Path) -> None:
    """The base commit holds a template that links to a file outside the repository:
    tarfile's `data` filter refuses to write it, and nothing at that base is rendered
    (lint reports the link in the working tree, BPI006)."""
    top = workspace.parent
    link = workspace / "blueprints/db/chart/templates/passwd.yaml"
    link.symlink_to("/etc/passwd")
    commit_all(top, "a link out")
    link.unlink()
    _edit(workspace / "blueprints/db/chart/values.yaml", "storage: 8Gi", "storage: 20Gi")
    assert _found(workspace) == []


WIDGETS_CRD = crd_manifest("example.com", "Widget")


def test_an_upstreams_crd_new_since_the_ref_is_reported_at_its_entry(workspace: Path) -> None:
    """The `file://` upstream gained a crds/ file: no upgrade installs it (BPG021, a
    warning: the chart renders no Widget)."""
    _write(workspace, {"upstream-charts/kv/crds/widgets.yaml": WIDGETS_CRD})
    [found] = _found(workspace)
    assert (found.rule, found.location.file, found.location.line) == (
        "BPG021",
        "blueprints/cache/chart/Chart.yaml",
        5,
    )
    assert found.message.startswith(
        "CustomResourceDefinition widgets.example.com is new in charts/kv/crds/widgets.yaml "
        "since HEAD ("
    )
    assert found.message.endswith("a cluster where the release is installed never gets it")


def test_an_unbuilt_remote_upstreams_crds_are_not_guessed(workspace: Path) -> None:
    """An upstream from a registry, its version bumped since the ref, built in the working
    tree (charts/ is gitignored): the base's archive is in no commit, so its CRDs are
    unknown there and nothing is said of the new one's."""
    chart = workspace / "blueprints/cache/chart"
    _write(
        workspace,
        {
            "blueprints/cache/chart/Chart.yaml": WRAPPER_CHART.replace(
                "file://../../../upstream-charts/kv", "oci://registry.example.org/charts"
            )
        },
    )
    top = workspace.parent
    commit_all(top, "kv from a registry")
    upstream = workspace / "upstream-charts/kv"
    _write(workspace, {"upstream-charts/kv/crds/widgets.yaml": WIDGETS_CRD})
    _edit(upstream / "Chart.yaml", "version: 7.2.0", "version: 7.3.0")
    _edit(chart / "Chart.yaml", "version: 7.2.0", "version: 7.3.0")
    (chart / "charts").mkdir()
    helm.package(upstream, chart / "charts")
    assert [d.rule for d in _found(workspace)] == []


def test_a_storage_class_parameter_changed_since_the_ref(workspace: Path) -> None:
    """rook's chart added a StorageClass parameter in 1.18 and every upgrade failed."""
    template = "blueprints/db/chart/templates/storageclass.yaml"
    text = (
        "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n"
        "  name: {{ .Release.Name }}-fs\nprovisioner: rook-ceph.cephfs.csi.ceph.com\n"
        "parameters:\n  pool: data\n"
    )
    _write(workspace, {template: text})
    top = workspace.parent
    commit_all(top, "a storage class")
    _edit(workspace / template, "  pool: data\n", "  pool: data\n  fsName: shared\n")
    [found] = _found(workspace)
    assert (found.location.file, found.location.line) == (template, 8)  # at `fsName:`
    assert found.message.startswith(
        'StorageClass bp-db-fs: `parameters.fsName` is `"shared"`, and was absent at HEAD ('
    )
    assert "(`parameters: Forbidden: updates to parameters are forbidden`)" in found.message


def _wrapper_of(url: str, top: Path) -> Path:
    """A committed repository whose workspace, `platform/`, holds Blueprint cache: a
    wrapper of kv 7.2.0 from the chart repository at `url`, its charts/ gitignored."""
    root = top / "platform"
    _write(
        root,
        {
            "blueprintc.yaml": WORKSPACE_YAML,
            **blueprint_files("cache", WRAPPER_VALUES),
            "blueprints/cache/chart/Chart.yaml": WRAPPER_CHART.replace(
                "file://../../../upstream-charts/kv", url
            ),
            "blueprints/cache/chart/.gitignore": "charts/\n",
        },
    )
    commit_all(top, "catalog")
    return root


def test_lint_since_with_dependency_build_compares_a_registry_upstream(tmp_path: Path) -> None:
    """CI's run: `lint --since origin/main --dependency-build` on a wrapper whose upstream
    comes from a chart repository and whose `charts/` is gitignored. The upgrade checks
    run after lint's dependency build, so the base borrows the built upstream (the same
    dependencies at both ends) and the upstream's StatefulSet compares."""
    served = tmp_path / "served"
    upstream = tmp_path / "kv"
    _write(
        upstream,
        {
            "Chart.yaml": UPSTREAM_CHART,
            "values.yaml": UPSTREAM_VALUES,
            "templates/statefulset.yaml": STATEFULSET,
        },
    )
    served.mkdir()
    helm.package(upstream, served)
    with chart_repository(served) as url:
        root = _wrapper_of(url, tmp_path / "repo")
        _edit(root / "blueprints/cache/chart/values.yaml", "storage: 1Gi", "storage: 5Gi")
        run = run_cli(
            "lint", "--since", "HEAD", "--dependency-build", "--select", "BPG019", cwd=root
        )
    assert run.code == 1, run
    assert (
        "platform/blueprints/cache/chart/Chart.yaml:5:5: error BPG019 [immutable-field-change] "
        "StatefulSet bp-cache: `spec.volumeClaimTemplates[0].spec.resources.requests.storage`"
    ) in run.stdout


def test_lint_since_with_dependency_build_builds_the_bases_own_upstream(
    tmp_path: Path,
) -> None:
    """The upstream bumped since the ref (7.2.0 to 7.3.0, which renames its StatefulSet's
    service): the base cannot borrow the working tree's charts/, so with
    `--dependency-build` Helm builds the base's own from the chart repository."""
    served = tmp_path / "served"
    served.mkdir()
    for version, service in (("7.2.0", ""), ("7.3.0", "-headless")):
        upstream = tmp_path / f"kv-{version}"
        template = STATEFULSET.replace(
            "  serviceName: {{ .Release.Name }}", f"  serviceName: {{{{ .Release.Name }}}}{service}"
        )
        _write(
            upstream,
            {
                "Chart.yaml": UPSTREAM_CHART.replace("7.2.0", version),
                "values.yaml": UPSTREAM_VALUES,
                "templates/statefulset.yaml": template,
            },
        )
        helm.package(upstream, served)
    with chart_repository(served) as url:
        root = _wrapper_of(url, tmp_path / "repo")
        chart_yaml = root / "blueprints/cache/chart/Chart.yaml"
        _edit(chart_yaml, "    version: 7.2.0", "    version: 7.3.0")
        args = ("lint", "--since", "HEAD", "--select", "BPG019")
        built = run_cli(*args, "--dependency-build", cwd=root)
        shutil.rmtree(root / "blueprints/cache/chart/charts")
        unbuilt = run_cli(*args, cwd=root)
    assert built.code == 1, built
    assert (
        "platform/blueprints/cache/chart/Chart.yaml:5:5: error BPG019 [immutable-field-change] "
        'StatefulSet bp-cache: `spec.serviceName` is `"bp-cache-headless"`, and was '
        '`"bp-cache"`'
    ) in built.stdout
    assert unbuilt.code == 0, unbuilt  # without it, the base's upstream is unknown


BACKUPS_CRD = (
    WIDGETS_CRD.replace("widgets", "backups")
    .replace("Widget", "Backup")
    .replace("widget", "backup")
)
BACKUP = (
    "apiVersion: example.com/v1\nkind: Backup\nmetadata:\n  name: {{ .Release.Name }}\n"
    + HELM_LABELS
    + "spec:\n  schedule: '0 3 * * *'\n"
)


def test_a_new_crd_whose_objects_a_dependent_blueprint_renders(workspace: Path) -> None:
    """The canon's layout (BPG009): the CRD in one Blueprint, its resources in another
    that depends on it. The new CRD never reaches a cluster where the first is installed,
    so the second's Backups fail there: BPG020, naming it."""
    _write(
        workspace,
        {
            **blueprint_files("backups", "replicas: 1\n"),
            "blueprints/backups/blueprint.yaml": blueprint_files("backups")[
                "blueprints/backups/blueprint.yaml"
            ]
            + "  depends:\n    - db\n",
            "blueprints/backups/chart/templates/backup.yaml": BACKUP,
        },
    )
    top = workspace.parent
    commit_all(top, "a dependent")
    _write(workspace, {"blueprints/db/chart/crds/backups.yaml": BACKUPS_CRD})
    [found] = [d for d in _found(workspace) if d.rule.startswith("BPG02")]
    assert (found.rule, found.location.file, found.location.line) == (
        "BPG020",
        "blueprints/db/chart/crds/backups.yaml",
        4,
    )
    assert found.message.endswith(
        "the Backup objects of bp-backups, which depends on it, fail "
        '(`no matches for kind "Backup"`)'
    )


def _committed(workspace: Path, template: str, text: str) -> Path:
    """`text` added to Blueprint db's chart as `template` and committed."""
    _write(workspace, {template: text})
    commit_all(workspace.parent, f"add {template}")
    return workspace / template


SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}
spec:
  ports:
    - port: 5432
  selector:
    app.kubernetes.io/name: db
"""


def test_a_service_made_headless_since_the_ref(workspace: Path) -> None:
    """The usual way to give a StatefulSet its governing Service: the cluster gave the
    installed Service an address, and `clusterIP: None` may not replace it."""
    template = _committed(workspace, "blueprints/db/chart/templates/service.yaml", SERVICE)
    _edit(template, "spec:\n", "spec:\n  clusterIP: None\n")
    [found] = _found(workspace)
    assert found.rule == "BPG019"
    assert (found.location.file, found.location.line) == (
        "blueprints/db/chart/templates/service.yaml",
        6,
    )
    assert found.message.startswith(
        'Service bp-db: `spec.clusterIP` is `"None"`, and was absent at HEAD ('
    )
    assert "(`spec.clusterIPs[0]: Invalid value: ...: may not change once set`)" in found.message


def test_a_headless_service_that_stops_writing_its_address_keeps_it(workspace: Path) -> None:
    """The API server keeps the installed address when none is written: no change."""
    headless = SERVICE.replace("spec:\n", "spec:\n  clusterIP: None\n")
    template = _committed(workspace, "blueprints/db/chart/templates/service.yaml", headless)
    _edit(template, "  clusterIP: None\n", "")
    _edit(template, "port: 5432", "port: 5433")
    assert _found(workspace) == []


CONFIG_MAP = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-config
immutable: true
data:
  postgresql.conf: |
    # tuned for the platform's default node size, by the DBA team
    max_connections = 100
    shared_buffers = 128MB
    work_mem = 4MB
"""


def test_an_immutable_config_maps_data_changed_since_the_ref(workspace: Path) -> None:
    template = _committed(workspace, "blueprints/db/chart/templates/config.yaml", CONFIG_MAP)
    _edit(template, "work_mem = 4MB", "work_mem = 8MB")
    [found] = _found(workspace)
    assert (found.location.file, found.location.line) == (
        "blueprints/db/chart/templates/config.yaml",
        7,
    )
    assert found.message.startswith(
        "ConfigMap bp-db-config: `data.postgresql.conf` is changed: line 4 of it is "
        '`"work_mem = 8MB"`, and was `"work_mem = 4MB"` at HEAD ('
    )
    assert "(`data: Forbidden: field is immutable when `immutable` is set`)" in found.message


def test_a_config_map_renamed_with_its_data_or_made_immutable_now_passes(
    workspace: Path,
) -> None:
    mutable = CONFIG_MAP.replace("immutable: true\n", "")
    template = _committed(workspace, "blueprints/db/chart/templates/config.yaml", mutable)
    _edit(template, "work_mem = 4MB", "work_mem = 8MB")
    _edit(template, "data:\n", "immutable: true\ndata:\n")
    assert _found(workspace) == []
    commit_all(workspace.parent, "immutable now")
    _edit(template, "-config\n", "-config-2\n")
    _edit(template, "work_mem = 8MB", "work_mem = 16MB")
    assert _found(workspace) == []
