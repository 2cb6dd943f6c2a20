"""Focused tests for the domain rules: one line of values.yaml or README at a time."""

from __future__ import annotations

from pathlib import Path

import pytest

from blueprintc.lint import lint

BLUEPRINT = """\
apiVersion: catalyst.openova.io/v1
kind: Blueprint
metadata:
  name: bp-demo
spec:
  version: 1.0.0
  card:
    title: Demo
  manifests:
    chart: ./chart
"""
CHART = "apiVersion: v2\nname: bp-demo\nversion: 1.0.0\n"


def _workspace(tmp_path: Path, text: str, file: str = "chart/values.yaml") -> Path:
    """A workspace whose one Blueprint has `text` as the one line of `file`."""
    root = tmp_path / "ws"
    demo = root / "blueprints" / "demo"
    (demo / "chart").mkdir(parents=True)
    (root / "blueprintc.yaml").write_text("kind: Workspace\n")
    (demo / "blueprint.yaml").write_text(BLUEPRINT)
    (demo / "chart" / "Chart.yaml").write_text(CHART)
    (demo / file).write_text(text + "\n")
    return root


def _columns(tmp_path: Path, rule: str, text: str, file: str = "chart/values.yaml") -> list[int]:
    """Columns of `rule`'s findings on a one-line file (line 1)."""
    root = _workspace(tmp_path, text, file)
    result = lint([root], root=root, select={rule})
    found = [d for d in result.diagnostics if d.rule == rule]
    assert all(d.location.line == 1 for d in found)
    return [d.location.column for d in found]


@pytest.mark.parametrize(
    ("text", "columns"),
    [
        ("a: https://openova.io", [12]),
        ("a: x.y.openova.io and y.eventforge.io", [4, 23]),
        ("a: notopenova.io openova.iox eventforge.ios", []),
        ("a: openova.io/env-type", []),
        ("a: https://catalyst.openova.io/v1", [12]),
        ("a: nova cloud, NOVA CLOUD, novacloud, Nova Clouds", [4, 16]),
    ],
)
def test_forbidden_domains_match_whole_labels(
    tmp_path: Path, text: str, columns: list[int]
) -> None:
    assert _columns(tmp_path, "BPD001", text) == columns


@pytest.mark.parametrize(
    ("text", "columns"),
    [
        ("url: https://t38.omani.test", [14]),
        ("url: t38.omani.test", [6]),  # host-like key
        ("size: t38.omani.test", []),  # no host context
        ("size: https://t3.small.search", [15]),  # in a URL it is a host
        ("a: b.t1000.omani.test", []),  # t1000 is not t<NN>
        ("a: www.t4.omani.works", []),
        ("a: api.t99.example.org", [8]),
        ("a: t38.example", []),  # one label after: not a test domain shape
    ],
)
def test_invented_test_domains_need_a_host_context(
    tmp_path: Path, text: str, columns: list[int]
) -> None:
    assert _columns(tmp_path, "BPD006", text) == columns


@pytest.mark.parametrize(
    ("text", "drift"),
    [
        ("a: console.acme.${SOVEREIGN_FQDN}", True),
        ("a: console.hfmp.${SOVEREIGN_FQDN}", False),  # control-plane DNS
        ("a: console.${SOVEREIGN_FQDN}", False),  # the Sovereign's own console
        ("a: gitea.hfmp.${SOVEREIGN_FQDN}", False),
        ("a: shop.acme-corp.${SOVEREIGN_FQDN}", True),
        ("a: ${ORG_SLUG}.t38.omani.works", True),
        ("a: console.${ORG_SLUG}.omani.rest", False),
        ("a: www.{{ .Values.global.organization }}.$SOVEREIGN_FQDN", True),
    ],
)
def test_tenant_hosts_under_the_sovereign_fqdn(tmp_path: Path, text: str, drift: bool) -> None:
    assert bool(_columns(tmp_path, "BPD007", text)) is drift


def test_hardcoded_fqdn_is_only_a_chart_defect(tmp_path: Path) -> None:
    assert _columns(tmp_path, "BPD005", "host: t38.omani.works") == [7]
    assert _columns(tmp_path / "doc", "BPD005", "See t38.omani.works.", "README.md") == []
    assert _columns(tmp_path / "comment", "BPD005", "host: x  # t38.omani.works") == []


def test_inline_suppression_silences_a_domain_finding(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    text = "a: https://docs.openova.io  # blueprintc: disable=BPD001"
    _columns(tmp_path, "BPD001", text)
    result = lint([root], root=root, select={"BPD001"})
    assert [d.suppressed for d in result.diagnostics] == ["inline"]


@pytest.mark.parametrize(
    ("host", "link"),
    [
        ("admin.t12.omani.works", "console.t12.omani.works/bss"),
        ("admin.${SOVEREIGN_FQDN}", "console.${SOVEREIGN_FQDN}/bss"),
        ("admin.acme-cloud.com", "console.acme-cloud.com/bss"),
        # The console of a forbidden domain is no fix: BPD001 would refuse it.
        ("admin.openova.io", "console.${SOVEREIGN_FQDN}/bss"),
        ("admin.sme.openova.io", "console.${SOVEREIGN_FQDN}/bss"),
    ],
)
def test_a_stale_admin_hosts_hint_links_to_a_console_that_passes(
    tmp_path: Path, host: str, link: str
) -> None:
    root = _workspace(tmp_path, f"billing: https://{host}/vouchers")
    (found,) = lint([root], root=root, select={"BPD003"}).diagnostics
    assert found.hint == f"link to {link} instead"
