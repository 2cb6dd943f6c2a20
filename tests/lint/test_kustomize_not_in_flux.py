"""What kustomize can do and Flux's kustomize-controller never does, refused where it is
written: a Helm chart inflation (`helmCharts:`) and a plugin (ksops, KRM functions).

Flux's kustomize-controller builds without `--enable-helm` and will not shell out to
Helm (fluxcd/kustomize-controller#579, wontfix): such a kustomization never builds in
the cluster. BPG010 printed kustomize's "trouble configuring builtin
HelmChartInflationGenerator with config: ... must specify --enable-helm" at line 1,
with "fix the kustomization as kustomize's message says", which asks for a flag no
user of blueprintc or Flux can pass.
"""

from __future__ import annotations

from pathlib import Path

from blueprintc.lint import lint
from tests.lint.test_kustomize_remote import KUSTOMIZATION, _workspace

MANIFESTS = "blueprints/policies/manifests"
NAMESPACE = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: b\n"
HELM_CHARTS = (
    "helmCharts:\n  - name: podinfo\n    repo: https://charts.example.invalid\n"
    "    version: 6.7.1\n    releaseName: podinfo\n"
)


def test_a_helm_chart_inflation_is_reported_at_its_key(tmp_path: Path) -> None:
    workspace = _workspace(tmp_path, "ns2.yaml")
    kustomization = workspace / MANIFESTS / "kustomization.yaml"
    kustomization.write_text(kustomization.read_text() + HELM_CHARTS)
    (workspace / MANIFESTS / "ns2.yaml").write_text(NAMESPACE)

    result = lint([workspace], root=workspace, jobs=1, select={"BPG010"})

    [found] = result.active
    assert (found.location.file, found.location.line) == (f"{MANIFESTS}/kustomization.yaml", 6)
    assert found.message == (
        "the kustomization inflates a Helm chart (`helmCharts:`), which Flux's "
        "kustomize-controller never does: it builds without --enable-helm"
    )
    assert found.hint.startswith("make the chart a Helm Blueprint")


def test_one_in_a_base_is_reported_in_the_base(tmp_path: Path) -> None:
    workspace = _workspace(tmp_path, "base")
    (workspace / MANIFESTS / "base").mkdir()
    base = KUSTOMIZATION + "resources:\n  - ns2.yaml\n" + HELM_CHARTS
    (workspace / MANIFESTS / "base" / "kustomization.yaml").write_text(base)
    (workspace / MANIFESTS / "base" / "ns2.yaml").write_text(NAMESPACE)

    result = lint([workspace], root=workspace, jobs=1, select={"BPG010"})

    assert [(d.location.file, d.location.line) for d in result.active] == [
        (f"{MANIFESTS}/base/kustomization.yaml", 5)
    ]


KSOPS = """\
apiVersion: viaduct.ai/v1
kind: ksops
metadata:
  name: secret-generator
  annotations:
    config.kubernetes.io/function: |
      exec:
        path: ksops
files:
  - ./secret.enc.yaml
"""


def test_a_plugin_is_reported_at_its_configuration(tmp_path: Path) -> None:
    """ksops, as Argo CD users decrypt SOPS secrets: kustomize says "external plugins
    disabled; unable to load external plugin 'ksops'", and Flux runs no plugins."""
    workspace = _workspace(tmp_path, "ns2.yaml")
    kustomization = workspace / MANIFESTS / "kustomization.yaml"
    kustomization.write_text(kustomization.read_text() + "generators:\n  - ksops.yaml\n")
    (workspace / MANIFESTS / "ns2.yaml").write_text(NAMESPACE)
    (workspace / MANIFESTS / "ksops.yaml").write_text(KSOPS)
    readme = "# Policies\n\nSecrets come from:\n\n```yaml\nkind: ksops\n```\n"
    (workspace / "blueprints/policies/README.md").write_text(readme)  # shows, not configures

    result = lint([workspace], root=workspace, jobs=1, select={"BPG010"})

    [found] = result.active
    assert (found.location.file, found.location.line) == (f"{MANIFESTS}/ksops.yaml", 2)
    assert found.message == (
        "the kustomization runs the Kustomize plugin ksops, and Flux's kustomize-controller "
        "runs no plugins (exec or container functions)"
    )
    assert "spec.decryption" in found.hint


def test_a_manifests_directory_without_a_kustomization_says_so_at_the_blueprint(
    tmp_path: Path,
) -> None:
    """Flux generates a kustomization for a path without one; blueprintc builds and
    publishes what is committed. The finding was at `manifests/kustomization.yaml:1:1`,
    a file that does not exist, with kustomize's "unable to find one of ..."."""
    workspace = _workspace(tmp_path, "ns2.yaml")
    (workspace / MANIFESTS / "kustomization.yaml").unlink()

    result = lint([workspace], root=workspace, jobs=1, select={"BPG010"})

    [found] = result.active
    blueprint = (workspace / "blueprints/policies/blueprint.yaml").read_text().splitlines()
    line = next(i for i, text in enumerate(blueprint, 1) if "ref: ./manifests" in text)
    assert (found.location.file, found.location.line) == (
        "blueprints/policies/blueprint.yaml",
        line,
    )
    assert found.message == (
        f"{MANIFESTS} has no kustomization.yaml, so kubectl kustomize cannot build it"
    )
