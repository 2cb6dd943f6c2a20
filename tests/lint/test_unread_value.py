"""BPG014: a value under an upstream's key that the upstream never reads, one slip of the
keyboard away from a key of its values.yaml, wherever Helm reads the upstream from."""

from __future__ import annotations

import shutil
import tarfile
from pathlib import Path

import pytest

from blueprintc.lint import lint
from blueprintc.spelling import one_slip_apart

CASE = Path(__file__).parents[1] / "rules" / "cases" / "BPG014" / "fail"
ARCHIVE = "blueprints/shop/chart/charts/storefront-2.1.0.tgz"
EXPECTED = [
    (2, "storefront.replcaCount", "replicaCount"),
    (4, "storefront.image.PullPolicy", "pullPolicy"),
    (6, "storefront.serviceMonitor.enable", "enabled"),
]


@pytest.mark.parametrize(
    ("typed", "known", "slip"),
    [
        ("enable", "enabled", True),
        ("PullPolicy", "pullPolicy", True),
        ("reource", "resource", True),
        ("replcias", "replicas", True),  # two neighbours swapped
        ("replicaCont", "replicaCount", True),
        ("replicaCount", "replicaCount", False),
        ("nameOverride", "namespaceOverride", False),
        ("annotations", "podAnnotations", False),
        ("tls", "tld", False),  # too short to tell a slip from another word
        ("port", "ports", True),
        ("relabelings", "relabellings", True),
        ("abcd", "badc", False),  # two swaps
    ],
)
def test_a_slip_is_one_letter_or_its_case(typed: str, known: str, slip: bool) -> None:
    assert one_slip_apart(typed, known) is slip


def _findings(workspace: Path) -> list[tuple[int, str, str]]:
    result = lint([workspace], root=workspace, select={"BPG014"})
    found = []
    for d in result.diagnostics:
        assert d.location.file == "blueprints/shop/chart/values.yaml"
        known = d.message.split("has `")[1].split("`")[0]
        found.append((d.location.line, d.location.json_path, known))
    return sorted(found)


def _unpack(workspace: Path, into: Path) -> None:
    with tarfile.open(workspace / ARCHIVE) as archive:
        archive.extractall(into, filter="data")
    (workspace / ARCHIVE).unlink()


def test_an_archived_upstream(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    shutil.copytree(CASE, workspace)
    assert _findings(workspace) == EXPECTED
    message = lint([workspace], root=workspace, select={"BPG014"}).diagnostics[0]
    assert message.hint.startswith("rename `replcaCount` to `replicaCount`")


def test_an_unpacked_upstream(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    shutil.copytree(CASE, workspace)
    _unpack(workspace, workspace / "blueprints/shop/chart/charts")
    assert _findings(workspace) == EXPECTED


def test_an_upstream_vendored_in_the_repository(tmp_path: Path) -> None:
    """`vendor/storefront`, used by `file://` and named in spec.upstream, before a build."""
    workspace = tmp_path / "ws"
    shutil.copytree(CASE, workspace)
    _unpack(workspace, workspace / "vendor")
    chart = workspace / "blueprints/shop/chart/Chart.yaml"
    text = chart.read_text(encoding="utf-8")
    chart.write_text(
        text.replace("https://charts.example.org/stable", "file://../../../vendor/storefront"),
        encoding="utf-8",
    )
    blueprint = workspace / "blueprints/shop/blueprint.yaml"
    with blueprint.open("a", encoding="utf-8") as handle:
        handle.write("  upstream:\n    - name: storefront\n      version: 2.1.0\n")
    assert _findings(workspace) == EXPECTED


def test_an_upstream_not_vendored_yet_is_not_checked(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    shutil.copytree(CASE, workspace)
    (workspace / ARCHIVE).unlink()
    assert _findings(workspace) == []


def test_a_key_named_with_dots_is_one_key_helm_never_splits(tmp_path: Path) -> None:
    """`image.tag: "2.2"` as `--set` writes it: a values file keeps it one key, which no
    template reads; a dotted key that is no path of the defaults (an annotation) is not."""
    workspace = tmp_path / "ws"
    shutil.copytree(CASE, workspace)
    values = workspace / "blueprints/shop/chart/values.yaml"
    values.write_text(
        'storefront:\n  image.tag: "2.2"\n  podAnnotations:\n    prometheus.io/scrape: "true"\n'
        "  service.port: 8081\n",
        encoding="utf-8",
    )
    found = lint([workspace], root=workspace, select={"BPG014"}).diagnostics
    assert [(d.location.line, d.message, d.hint) for d in found] == [
        (
            2,
            "under `storefront:`, `image.tag:` is one key named with dots, not `image:` with "
            "`tag:` below it: Helm does not split a key in a values file as `--set` does, so "
            "storefront never reads it",
            "write it nested: `image:` with `tag:` below it",
        ),
        (
            5,
            "under `storefront:`, `service.port:` is one key named with dots, not `service:` "
            "with `port:` below it: Helm does not split a key in a values file as `--set` "
            "does, so storefront never reads it",
            "write it nested: `service:` with `port:` below it",
        ),
    ]


def test_a_ci_values_file_is_checked_over_values_yaml(tmp_path: Path) -> None:
    """chart-testing renders with each `ci/*values.yaml` (kyverno's own
    `ci/hooks-values.yaml` sets `webhooksCleanup.enable`, which kyverno reads as
    `enabled`): reported in the file that sets it."""
    workspace = tmp_path / "ws"
    shutil.copytree(CASE, workspace)
    chart = workspace / "blueprints/shop/chart"
    (chart / "values.yaml").write_text("storefront:\n  replicaCount: 2\n", encoding="utf-8")
    (chart / "ci").mkdir()
    (chart / "ci" / "monitoring-values.yaml").write_text(
        "storefront:\n  replicaCount: 1\n  serviceMonitor:\n    enable: true\n",
        encoding="utf-8",
    )
    found = lint([workspace], root=workspace, select={"BPG014"}).diagnostics
    assert [(d.location.file, d.location.line, d.message.split(":")[0]) for d in found] == [
        (
            "blueprints/shop/chart/ci/monitoring-values.yaml",
            4,
            "storefront.serviceMonitor.enable is not a value storefront reads",
        )
    ]


def test_a_key_whose_map_a_template_renders_whole_reaches_the_output() -> None:
    """falco 8.0.2 renders `.Values.falco` whole into falco.yaml: a slip there is not
    unread, it reaches Falco beside the default (which refuses `rules_file` beside
    `rules_files`). Still reported, saying so, in lint (BPG014) and compile (BPP022)."""
    from blueprintc.compile.unread_config import _wording
    from blueprintc.unread_values import Unread, unread_values
    from blueprintc.upstream_files import UpstreamFiles

    template = "data:\n  falco.yaml: |-\n    {{- toYaml .Values.falco | nindent 4 }}\n"
    files = UpstreamFiles((template,), frozenset())
    given, defaults = {"falco": {"rules_file": ["a"]}}, {"falco": {"rules_files": ["b"]}}
    found = list(unread_values(given, defaults, lambda: files))
    assert found == [
        Unread(("falco", "rules_file"), "rules_files", rendered_by="toYaml .Values.falco")
    ]
    message, hint = _wording("an overlay", "falco", "falco", found[0])
    assert "its templates render the map whole ('toYaml .Values.falco')" in message
    assert hint.startswith("did you mean 'falco.falco.rules_files'?")


@pytest.mark.parametrize(
    ("text", "whole"),
    [
        ("{{ toYaml .Values.config | nindent 4 }}", "toYaml .Values.config"),
        ("{{ .Values.config | toJson }}", ".Values.config | toJson"),
        ("{{ toYaml (.Values.config) }}", "toYaml (.Values.config"),
        ("{{ toYaml .Values.config.rules }}", None),  # only a part of the map
        ("{{ toYaml .Values.configs }}", None),
        ("{{ .Values.config.enabled }}", None),
    ],
)
def test_what_renders_a_map_whole(text: str, whole: str | None) -> None:
    from blueprintc.upstream_files import UpstreamFiles

    assert UpstreamFiles((text,), frozenset()).renders_whole(("config",)) == whole
