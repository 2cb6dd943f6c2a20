"""Substitution done right (issue 12 point 6): the FQDN only as whole DNS labels,
every `${...}` Flux must not substitute escaped as `$${...}`."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from blueprintc.compile.parameters import HOST_PARAMETERS, VCLUSTER_PARAMETERS, parametrise
from blueprintc.compile.run import run_compile
from blueprintc.model.sovereign import Sovereign
from blueprintc.source import SourceFile
from blueprintc.yamldoc import load_yaml
from tests.compile.helpers import copy_workspace


def _sovereign(fqdn: str = "omantel.omani.works") -> Sovereign:
    doc = load_yaml(SourceFile(Path("sovereign.yaml"), "sovereign.yaml", "{}\n"))
    return Sovereign(
        doc=doc,
        name="omantel",
        fqdn=fqdn,
        env_types=None,
        regions=[],
        tenant_pool=[],
        registry="",
        git_base_url="",
        parameters={"SOVEREIGN_REGION": "fsn1"},
    )


@pytest.mark.parametrize(
    ("value", "emitted"),
    [
        ("omantel.omani.works", "${SOVEREIGN_FQDN}"),
        ("api.omantel.omani.works", "api.${SOVEREIGN_FQDN}"),
        ("https://console.omantel.omani.works/login", "https://console.${SOVEREIGN_FQDN}/login"),
        ("oci://harbor.omantel.omani.works:5000/kit", "oci://harbor.${SOVEREIGN_FQDN}:5000/kit"),
        ("admin@omantel.omani.works", "admin@${SOVEREIGN_FQDN}"),
        ("OMANTEL.omani.works.", "${SOVEREIGN_FQDN}."),  # DNS names ignore case; root dot
        ("a.omantel.omani.works,b.omantel.omani.works", "a.${SOVEREIGN_FQDN},b.${SOVEREIGN_FQDN}"),
        # another domain that merely contains the FQDN's text stays as written
        ("xomantel.omani.works", "xomantel.omani.works"),
        ("my-omantel.omani.works", "my-omantel.omani.works"),
        ("omantel.omani.works.evil.test", "omantel.omani.works.evil.test"),
        ("omantel.omani.worksite.test", "omantel.omani.worksite.test"),
        ("omantel.omani.works-2", "omantel.omani.works-2"),
    ],
)
def test_the_fqdn_is_a_parameter_only_as_whole_labels(value: str, emitted: str) -> None:
    assert parametrise(value, _sovereign()) == emitted


@pytest.mark.parametrize(
    ("value", "emitted"),
    [
        ("echo ${HOME}", "echo $${HOME}"),  # the chart's, not Flux's: escaped
        ("${HOME:-/root} ${ }", "$${HOME:-/root} $${ }"),
        ("$${KEEP}", "$${KEEP}"),  # already escaped: kept, not doubled
        ("${SOVEREIGN_FQDN}", "${SOVEREIGN_FQDN}"),  # Sovereign parameters stay
        ("${SOVEREIGN_NAME}-${SOVEREIGN_REGION}", "${SOVEREIGN_NAME}-${SOVEREIGN_REGION}"),
        ("${SOVEREIGN_REGION:=fsn1}", "${SOVEREIGN_REGION:=fsn1}"),
        ("$HOME and {{ .Values.x }}", "$HOME and {{ .Values.x }}"),
        ("${PATH} at api.omantel.omani.works", "$${PATH} at api.${SOVEREIGN_FQDN}"),
    ],
)
def test_a_reference_that_names_no_parameter_is_escaped_for_flux(value: str, emitted: str) -> None:
    assert parametrise(value, _sovereign()) == emitted


def test_the_parameters_of_the_cluster_a_value_lands_on_stay() -> None:
    value = "${CLUSTER_NAME}.${ORG_SLUG} ${REGION}"
    assert parametrise(value, _sovereign()) == "$${CLUSTER_NAME}.$${ORG_SLUG} $${REGION}"
    assert parametrise(value, _sovereign(), VCLUSTER_PARAMETERS) == (
        "${CLUSTER_NAME}.${ORG_SLUG} $${REGION}"
    )
    assert parametrise(value, _sovereign(), HOST_PARAMETERS) == (
        "${CLUSTER_NAME}.$${ORG_SLUG} ${REGION}"
    )


def test_keys_are_left_as_written_and_nesting_is_walked() -> None:
    value = {"b": ["x.omantel.omani.works", {"c": "${X}"}], "a": 1, "${K}": None}
    assert parametrise(value, _sovereign()) == {
        "${K}": None,
        "a": 1,
        "b": ["x.${SOVEREIGN_FQDN}", {"c": "$${X}"}],
    }


def test_compiled_values_carry_their_cluster_parameters_and_escape_the_rest(tmp_path: Path) -> None:
    root = copy_workspace(tmp_path / "ws")
    sovereign = root / "sovereign.yaml"
    text = sovereign.read_text("utf-8")
    old = "      values:\n        enabled: true\n"
    assert old in text
    sovereign.write_text(
        text.replace(
            old,
            old + "        namespaces:\n"
            "          [api.t38.omani.works, xt38.omani.works, t38.omani.works.evil.test]\n"
            "        envType: 'echo ${HOME} ${SOVEREIGN_FQDN} ${CLUSTER_NAME} ${ORG_SLUG}'\n",
        ),
        "utf-8",
    )
    acme = root / "organizations/acme.yaml"
    old_config = "            message: Welcome to Acme\n"
    assert old_config in acme.read_text("utf-8")
    edit = "            message: Welcome to ${ORG_SLUG} on ${CLUSTER_NAME}, not ${USER}\n"
    acme.write_text(acme.read_text("utf-8").replace(old_config, edit), "utf-8")
    outcome = run_compile(root, out=tmp_path / "out", validate=False)
    assert outcome.diagnostics == []
    emitted = tmp_path / "out" / "clusters/omantel/bootstrap-kit/00-bp-network-policies.yaml"
    release = [
        d for d in yaml.safe_load_all(emitted.read_text("utf-8")) if d["kind"] == "HelmRelease"
    ]
    assert release[0]["spec"]["values"] == {
        "enabled": True,
        "namespaces": ["api.${SOVEREIGN_FQDN}", "xt38.omani.works", "t38.omani.works.evil.test"],
        "envType": "echo $${HOME} ${SOVEREIGN_FQDN} ${CLUSTER_NAME} $${ORG_SLUG}",
    }
    shop = tmp_path / "out" / "repos/acme/shop/main/base/helmrelease.yaml"
    values = yaml.safe_load(shop.read_text("utf-8"))["spec"]["values"]
    assert (
        values["webapp"]["ui"]["message"]
        == "Welcome to ${ORG_SLUG} on ${CLUSTER_NAME}, not $${USER}"
    )
