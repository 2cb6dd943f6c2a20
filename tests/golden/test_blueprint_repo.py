"""A Blueprint repository built like a real one (`tests/fixtures/blueprint-repo`), linted
from its root as its CI does: every genuine defect at its line, no false error, an info
finding for each chart whose guards could not run, and the report as a golden snapshot.

The repository: fourteen Blueprints under `platform/` and `products/`, `charts/`
gitignored (the copy is a real git repository, so the ignore is real) except one vendored
chart, scratch charts on a helper library (`lib/catalyst-common`, `file://`), upstream
wrappers with vendor maintainer e-mails and README links, a chart directory without
blueprint.yaml (hollow), and one genuine defect per guard.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from syrupy.assertion import SnapshotAssertion

from tests.cli.helpers import invoke
from tests.golden.test_lint_reports import TextSnapshot
from tests.offline import closed_port, commit_all, git, not_found_server

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "blueprint-repo"

# (rule, file, line) of every genuine defect, one per guard and the domain/term/input ones.
DEFECTS = [
    ("BPG004", "platform/cert-manager/chart/values.yaml", 4),  # values pin v1.14.4
    ("BPG005", "platform/monitoring/chart/values.yaml", 7),  # grafana.serviceMonitor on
    ("BPG010", "platform/network-policies/manifests/kustomization.yaml", 5),  # missing file
    ("BPI010", "products/axon/chart/Chart.yaml", 1),  # no blueprint.yaml...
    ("BPG001", "products/axon/chart/Chart.yaml", 2),  # ...and hollow
    ("BPG003", "products/billing/chart/templates/configmap.yaml", 10),  # `quot`
    ("BPG009", "products/catalog/chart/templates/default-entry.yaml", 2),  # CRD + CR
    ("BPG007", "products/ledger/chart/values.yaml", 9),  # adminPassword: hunter2
    ("BPG006", "products/mailer/chart/templates/rules.yaml", 2),  # ungated PrometheusRule
    ("BPT001", "products/portal/blueprint.yaml", 9),  # "every tenant"
    ("BPD001", "products/portal/chart/values.yaml", 4),  # host: smtp.openova.io
    ("BPG002", "products/search/chart/Chart.yaml", 6),  # tracked charts/ at 2.19.0
    ("BPG008", "products/wiki/chart/templates/service.yaml", 3),  # Service without labels
]
# Charts whose dependencies are not built (charts/ gitignored), and what BPG011 says ran:
STUBBED = "the guards ran on the chart's own templates, with {} stood in for by an empty stub"
LIBRARY = "the guards ran with catalyst-common from lib/catalyst-common taken from its source"
SKIPPED = "the chart's templates need them to render"
NOT_BUILT = {
    "platform/cert-manager/chart/Chart.yaml": STUBBED.format("cert-manager"),
    "platform/cnpg/chart/Chart.yaml": STUBBED.format("cloudnative-pg"),
    "platform/external-secrets/chart/Chart.yaml": STUBBED.format("external-secrets"),
    "platform/monitoring/chart/Chart.yaml": SKIPPED,  # includes an upstream helper
    "platform/spire/chart/Chart.yaml": SKIPPED,  # reads a default of the upstream's values
    "products/ledger/chart/Chart.yaml": LIBRARY,
    "products/portal/chart/Chart.yaml": LIBRARY,
}


def _repository(base: Path) -> Path:
    root = base / "blueprint-repo"
    shutil.copytree(FIXTURE, root)
    commit_all(root)
    return root


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _repository(tmp_path_factory.mktemp("repo"))


@pytest.fixture(scope="module")
def report(repo: Path) -> dict:
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(repo)
        result = invoke("lint", "--format", "json")
    assert result.exit_code == 1, result.output
    return json.loads(result.stdout)


def test_the_fixture_is_built_like_the_real_repository(repo: Path) -> None:
    blueprints = [p for p in (*repo.glob("platform/*"), *repo.glob("products/*")) if p.is_dir()]
    assert len(blueprints) >= 10
    assert git(repo, "check-ignore", "platform/cert-manager/chart/charts/x.tgz")
    assert git(repo, "ls-files", "products/search/chart/charts")  # the one vendored chart
    assert not (repo / "products" / "axon" / "blueprint.yaml").exists()


def test_every_genuine_defect_is_found_at_its_line_and_nothing_else(report: dict) -> None:
    found = [
        (d["rule"], d["file"], d["line"])
        for d in report["diagnostics"]
        if d["severity"] in ("error", "warning")
    ]
    assert sorted(found) == sorted(DEFECTS)


def test_each_chart_without_built_dependencies_says_which_guards_it_skipped(
    report: dict,
) -> None:
    infos = [d for d in report["diagnostics"] if d["severity"] == "info"]
    assert {d["rule"] for d in infos} == {"BPG011", "BPG013"}
    infos = [d for d in infos if d["rule"] == "BPG011"]
    assert sorted(d["file"] for d in infos) == sorted(NOT_BUILT)
    for info in infos:
        assert "is not tracked in git, CI builds it" in info["message"]
        assert NOT_BUILT[info["file"]] in info["message"]
        skipped = "guards skipped: smoke render (BPG003)" in info["message"]
        assert skipped == (NOT_BUILT[info["file"]] == SKIPPED)
        assert "commit" not in info["message"] + info["hint"]


def test_custom_resources_without_a_schema_are_named_not_passed_as_checked(
    report: dict,
) -> None:
    """The repository names no schema location: each chart rendering custom resources
    says which kinds were left unchecked (BPG013). products/catalog's Entry is checked:
    its CRD is in the chart's own crds/."""
    unchecked = {
        d["file"]: d["message"].rsplit("none is known for ", 1)[1]
        for d in report["diagnostics"]
        if d["rule"] == "BPG013"
    }
    assert unchecked == {
        "platform/cert-manager/chart/Chart.yaml": "ClusterIssuer (cert-manager.io/v1)",
        "platform/cnpg/chart/Chart.yaml": "Cluster (postgresql.cnpg.io/v1)",
        "platform/external-secrets/chart/Chart.yaml": (
            "ClusterSecretStore (external-secrets.io/v1beta1)"
        ),
        "products/mailer/chart/Chart.yaml": "PrometheusRule (monitoring.coreos.com/v1)",
    }


def test_the_report_from_the_root(repo: Path, snapshot: SnapshotAssertion) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(repo)
        result = invoke("lint", "--no-color")
    transcript = f"$ blueprintc lint\n[exit {result.exit_code}]\n{result.stdout}"
    assert transcript == snapshot.use_extension(TextSnapshot)


# -- `lint --dependency-build` with no network: only 127.0.0.1 ----------------------------


@pytest.fixture
def not_found() -> Iterator[str]:
    with not_found_server() as url:
        yield url


def _tracked_and_untracked(root: Path) -> str:
    return git(root, "status", "--porcelain", "--untracked-files=all")


def test_dependency_build_offline_names_each_unreachable_repository(
    tmp_path: Path, not_found: str
) -> None:
    closed = f"127.0.0.1:{closed_port()}"
    urls = {  # every chart repository of the fixture, pointed at 127.0.0.1
        "https://charts.jetstack.io": f"https://{closed}/jetstack",
        "oci://ghcr.io/external-secrets/charts": f"oci://{closed}/external-secrets/charts",
        "https://spiffe.github.io/helm-charts-hardened": f"{not_found}/spiffe",
        "https://prometheus-community.github.io/helm-charts": f"{not_found}/prometheus",
        "https://cloudnative-pg.github.io/charts": f"https://{closed}/cnpg",
        "https://opensearch-project.github.io/helm-charts": f"{not_found}/opensearch",
    }
    root = tmp_path / "blueprint-repo"
    shutil.copytree(FIXTURE, root)
    for chart_yaml in root.glob("*/*/chart/Chart.yaml"):
        text = chart_yaml.read_text(encoding="utf-8")
        for real, local in urls.items():
            text = text.replace(f"repository: {real}\n", f"repository: {local}\n")
        chart_yaml.write_text(text, encoding="utf-8")
    commit_all(root, "the repository, offline")
    failing = [p.parent for p in root.glob("*/*/chart/Chart.yaml") if "127.0.0.1" in p.read_text()]
    before = {p: sorted(c.name for c in p.iterdir()) for p in failing}

    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        result = invoke("lint", "--dependency-build", "--format", "json")
    diagnostics = json.loads(result.stdout)["diagnostics"]
    errors = sorted(
        (d["file"], d["message"]) for d in diagnostics if d["rule"] == "BPG002"
    )
    causes = {
        "jetstack": "connection refused",
        "external-secrets/charts": "connection refused",
        "cnpg": "connection refused",
        "spiffe": f"HTTP 404 Not Found for {not_found}/spiffe/index.yaml",
    }
    by_file = dict(errors)
    assert len(errors) == len(by_file) == 6  # one per repository, one repository per chart
    for file, message in errors:
        url = next(local for local in urls.values() if f"repository {local} " in message)
        assert message.startswith(f"helm dependency build: repository {url} ("), message
        assert "cannot be reached: " in message
        for name, cause in causes.items():
            if url.endswith(name):
                assert message.endswith(cause), message
        assert "helm repo update" not in message
    assert all("HTTP 404" in by_file[f] for f in by_file if "monitoring" in f or "search" in f)
    # nothing left behind where the build failed; where it succeeded (the file:// helper
    # library) Helm wrote charts/ (ignored) and Chart.lock, as in CI
    assert {p: sorted(c.name for c in p.iterdir()) for p in failing} == before
    assert _tracked_and_untracked(root).splitlines() == [
        "?? products/ledger/chart/Chart.lock",
        "?? products/portal/chart/Chart.lock",
    ]
    # the helper library (file://) was built, so those charts' guards ran this time
    assert not [d for d in diagnostics if d["rule"] == "BPG011"]
    assert (root / "products" / "ledger" / "chart" / "charts").is_dir()
