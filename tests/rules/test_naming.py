"""Unit tests for the naming family's codes, scanners and text helpers."""

from __future__ import annotations

from pathlib import Path

import pytest

from blueprintc.canon import Canon, default_canon
from blueprintc.rules.naming import hosts, scan
from blueprintc.rules.naming.codes import codes
from blueprintc.rules.naming.hosts import FQDN_PARAM, ORG_PARAM, PLAIN
from blueprintc.rules.naming.scan import CLUSTER, ENV, TOKEN
from blueprintc.rules.naming.text import in_comment, offset_of, per_canon, position
from blueprintc.source import SourceFile

CANON = default_canon()


def _source(text: str) -> SourceFile:
    return SourceFile(Path("x.yaml"), "x.yaml", text)


@pytest.mark.parametrize("code", ["hfmp", "hfrp", "wpdu", "orrp", "cedc", "axrp", "HFMP"])
def test_valid_location_codes(code: str) -> None:
    assert codes(CANON).location_problem(code) is None


@pytest.mark.parametrize(
    ("code", "why"),
    [
        ("hxmp", "'x' is not a region of Hetzner"),
        ("hfxp", "'x' is not a building block"),
        ("hfmq", "'q' is not an env type"),
        ("qfmp", "'q' is not a provider"),
        ("cfmp", "'f' is not a region of Contabo"),
    ],
)
def test_invalid_location_codes_say_which_letter(code: str, why: str) -> None:
    problem = codes(CANON).location_problem(code)
    assert problem is not None and why in problem


def test_location_codes_of_providers_without_regions_are_not_judged() -> None:
    # AWS has no region table in the canon: any region letter is accepted.
    assert codes(CANON).location_problem("aqrp") is None
    assert "env type" in (codes(CANON).location_problem("aqrx") or "")


@pytest.mark.parametrize(
    ("name", "shaped"),
    [
        ("hz-fsn-rtz-prod", True),
        ("hz-fra-rtz-prod", True),
        ("hz-fsn-rtz-production", True),
        ("hz-fsn-rtz-dr", True),
        ("aws-load-balancer-controller", False),
        ("oci-registry-auth-secret", False),
        ("xx-fsn-rtz-prod", False),
        ("hz-fsn-rtz", False),
    ],
)
def test_cluster_shape_needs_a_provider_and_two_more_codes(name: str, shaped: bool) -> None:
    assert codes(CANON).is_cluster_shaped(name) is shaped


def test_cluster_problems_and_fixes() -> None:
    table = codes(CANON)
    assert table.cluster_problems("hz-fsn-rtz-prod-acme-corp") == []
    assert table.cluster_problems("hz-fra-rtz-prod") == [
        "'fra' is not a region of Hetzner (fsn, nbg, hel, ash, hil, sin)"
    ]
    assert table.cluster_fix("hz-fsn-rtz-production") == "hz-fsn-rtz-prod"
    assert table.cluster_fix("hz-fra-rtz-production") is None
    assert table.cluster_problems("hz-fsn-rtz-dr") == []  # roles are BPN005's
    assert table.role_segments("acme-secondary") == ["secondary"]


def test_env_aliases_come_from_the_canon() -> None:
    table = codes(CANON)
    assert table.env_alias("Production") == "prod"
    assert table.env_alias("staging") == "stg"
    assert table.env_alias("dr") is None
    assert table.example == "hz-fsn-rtz-prod"
    assert table.location_example == "hfrp"


def test_a_workspace_canon_changes_the_codes() -> None:
    data = {**CANON.data, "naming": {**CANON.section("naming"), "envTypes": {"live": "l"}}}
    table = codes(Canon(data))
    assert table.cluster_problems("hz-fsn-rtz-live") == []
    assert table.cluster_problems("hz-fsn-rtz-prod") != []


def test_naming_scan_finds_keys_labels_and_tokens() -> None:
    text = (
        "cluster: hz-fsn-rtz-prod\n"
        'labels: {"openova.io/env-type": "dr"}\n'
        "env: {{ .Values.envType }}\n"
        "envType: {{ .Values.envType }}\n"
        "path: /clusters/hz-fsn-rtz-stg/kustomization.yaml\n"
        "sentence: hz-fsn-rtz-prod is the cluster\n"
        "docker:\n  context: hz-fsn-rtz-prod\n"
    )
    items = scan.scan_file(CANON, _source(text))
    found = [(sorted(i.kinds), i.value, position(text, i.offset)) for i in items]
    assert found == [
        ([CLUSTER], "hz-fsn-rtz-prod", (1, 10)),
        ([ENV], "dr", (2, 34)),
        ([ENV], "{{ .Values.envType }}", (4, 10)),
        ([TOKEN], "hz-fsn-rtz-stg", (5, 17)),
        ([TOKEN], "hz-fsn-rtz-prod", (6, 11)),
        ([TOKEN], "hz-fsn-rtz-prod", (8, 12)),
    ]


def test_hosts_know_their_sovereign_fqdn() -> None:
    text = (
        "a: gitea.hfmp.${SOVEREIGN_FQDN}\n"
        "b: console.{{ .Values.global.organization }}.{{ .Values.global.sovereignFQDN }}\n"
        "c: https://harbor.orrp.t38.omani.works/v2\n"
        "d: www.acme.omani.homes\n"
        "e: marketplace.%s/redeem\n"
    )
    found = {h.text: h for h in hosts.scan_file(CANON, _source(text)).hosts}
    a = found["gitea.hfmp.${SOVEREIGN_FQDN}"]
    assert (a.sovereign, a.literal_sovereign, a.labels[-1].kind) == (2, False, FQDN_PARAM)
    b = found["console.{{ .Values.global.organization }}.{{ .Values.global.sovereignFQDN }}"]
    assert [label.kind for label in b.labels] == [PLAIN, ORG_PARAM, FQDN_PARAM]
    c = found["harbor.orrp.t38.omani.works"]
    assert (c.sovereign, c.literal_sovereign, c.url) == (2, True, True)
    assert c.text_from(2) == "t38.omani.works"
    assert found["www.acme.omani.homes"].sovereign is None
    assert "marketplace.%s" in found


@pytest.mark.parametrize(
    ("text", "api_name"),
    [
        ("openova.io/env-type: prod", True),
        ("apiVersion: catalyst.openova.io/v1", True),
        ('"openova.io/env-type": "prod"', True),
        ("selector: openova.io/env-type=prod", True),
        ("kind: blueprints.catalyst.openova.io", True),
        ("the `openova.io/env-type` label", True),
        ("| openova.io/env-type | prod |", True),
        ("url: https://openova.io/docs", False),
        ("image: registry.openova.io/catalyst/api:1.0", False),
        ("mail: ops@openova.io", False),
    ],
)
def test_qualified_names_are_not_hosts(text: str, api_name: bool) -> None:
    found = hosts.scan_file(CANON, _source(text)).hosts
    assert [h.api_name for h in found if "openova" in h.text] == [api_name]


def test_positions_and_comments() -> None:
    text = "a: 1\nb: two # t38.omani.works\n\nc: x"
    offset = text.index("t38")
    assert position(text, offset) == (2, 10)
    assert offset_of(text, 2, 10) == offset
    assert position(text, 0) == (1, 1)
    assert position(text, len(text) - 1) == (4, 4)
    assert in_comment(text, offset)
    assert not in_comment(text, text.index("two"))
    assert not in_comment("url: https://x.y/#t38.omani.works", 20)


def test_per_canon_builds_once_per_canon_object() -> None:
    calls: list[int] = []

    def build(canon: Canon) -> int:
        calls.append(1)
        return len(calls)

    cached = per_canon(build)
    first, second = Canon({}), Canon({})
    assert cached(first) == cached(first) == 1
    assert cached(second) == 2
    assert len(calls) == 2


@pytest.mark.parametrize("null", ["null", "Null", "NULL"])
def test_an_unquoted_yaml_null_is_no_naming_value(null: str) -> None:
    """`envType: null` (a ci/ values file unsetting a default) names nothing: BPN004
    must not read it as the env type 'null'. A quoted "null" is a string, and is."""
    assert scan.scan_file(CANON, _source(f"envType: {null}\n")) == ()
    (item,) = scan.scan_file(CANON, _source(f'envType: "{null}"\n'))
    assert ENV in item.kinds and item.value == null
