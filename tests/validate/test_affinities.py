"""Node and pod affinity as the API server validates it (`validate.affinities`): a
requirement `In` with no values (a values list left empty), a term without its
topologyKey, a weight out of range."""

from __future__ import annotations

from typing import Any

from blueprintc.validate.objects import check_object
from tests.validate.workloads import workload

AT = "spec.template.spec.affinity"
REQUIRED = "requiredDuringSchedulingIgnoredDuringExecution"
PREFERRED = "preferredDuringSchedulingIgnoredDuringExecution"
ZONES = {"key": "topology.kubernetes.io/zone", "operator": "In", "values": ["a", "b"]}


def _found(affinity: dict[str, Any]) -> dict[str, str]:
    return {e.path: e.message for e in check_object(workload(affinity=affinity))}


def test_the_affinities_charts_write_pass() -> None:
    affinity = {
        "nodeAffinity": {
            REQUIRED: {"nodeSelectorTerms": [{"matchExpressions": [ZONES]}]},
            PREFERRED: [{"weight": 100, "preference": {"matchExpressions": [ZONES]}}],
        },
        "podAntiAffinity": {
            PREFERRED: [
                {
                    "weight": 1,
                    "podAffinityTerm": {
                        "labelSelector": {"matchLabels": {"app": "web"}},
                        "topologyKey": "kubernetes.io/hostname",
                    },
                }
            ]
        },
    }
    assert _found(affinity) == {}
    exists = {"key": "gpu", "operator": "Exists"}
    greater = {"key": "cores", "operator": "Gt", "values": ["4"]}
    terms = {"nodeSelectorTerms": [{"matchExpressions": [exists, greater]}]}
    assert _found({"nodeAffinity": {REQUIRED: terms}}) == {}


def test_a_requirement_in_an_empty_list_is_refused() -> None:
    empty = {**ZONES, "values": []}
    found = _found(
        {"nodeAffinity": {REQUIRED: {"nodeSelectorTerms": [{"matchExpressions": [empty]}]}}}
    )
    at = f"{AT}.nodeAffinity.{REQUIRED}.nodeSelectorTerms[0].matchExpressions[0].values"
    assert list(found) == [at]
    assert found[at].startswith(
        "Required value: must be specified when `operator` is 'In' or 'NotIn'"
    )


def test_operators_terms_and_weights() -> None:
    terms = [
        {"matchExpressions": [{"key": "gpu", "operator": "Exists", "values": ["yes"]}]},
        {"matchExpressions": [{"key": "cores", "operator": "Gt", "values": ["4", "8"]}]},
        {"matchExpressions": [{"key": "gpu", "operator": "Present"}]},
    ]
    preferred = [{"weight": 0, "preference": {"matchExpressions": [ZONES]}}]
    found = _found({"nodeAffinity": {REQUIRED: {"nodeSelectorTerms": terms}, PREFERRED: preferred}})
    at = f"{AT}.nodeAffinity"
    assert found == {
        f"{at}.{REQUIRED}.nodeSelectorTerms[0].matchExpressions[0].values": "Forbidden: may not "
        "be specified when `operator` is 'Exists' or 'DoesNotExist'",
        f"{at}.{REQUIRED}.nodeSelectorTerms[1].matchExpressions[0].values": "Required value: "
        "must be specified single value when `operator` is 'Lt' or 'Gt'",
        f"{at}.{REQUIRED}.nodeSelectorTerms[2].matchExpressions[0].operator": "'Present': not a "
        "valid selector operator (In, NotIn, Exists, DoesNotExist, Gt, Lt)",
        f"{at}.{PREFERRED}[0].weight": "0: must be in the range 1-100",
    }
    assert _found({"nodeAffinity": {REQUIRED: {"nodeSelectorTerms": []}}}) == {
        f"{at}.{REQUIRED}.nodeSelectorTerms": "Required value: must have at least one node "
        "selector term"
    }


def test_a_pod_affinity_term_names_its_topology_key() -> None:
    term = {"labelSelector": {"matchLabels": {"app": "web"}}, "topologyKey": ""}
    assert _found({"podAffinity": {REQUIRED: [term]}}) == {
        f"{AT}.podAffinity.{REQUIRED}[0].topologyKey": "Required value: can not be empty (e.g. "
        "kubernetes.io/hostname)"
    }
