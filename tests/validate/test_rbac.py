"""Roles and bindings as the API server validates them (`validate.rbac`): a
ClusterRoleBinding's ServiceAccount without its namespace, a ServiceAccount subject in
the RBAC API group, a roleRef of the wrong kind, a rule without API groups."""

from __future__ import annotations

from typing import Any

from blueprintc.validate.objects import check_object
from tests.validate.findings import by_path as _found

RBAC = "rbac.authorization.k8s.io/v1"
RULE = {"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get", "list"]}
SUBJECT = {"kind": "ServiceAccount", "name": "web", "namespace": "shop"}


def _object(kind: str, **fields: Any) -> dict[str, Any]:
    return {"apiVersion": RBAC, "kind": kind, "metadata": {"name": "web"}, **fields}


def _binding(
    binding: str = "ClusterRoleBinding",
    ref_kind: str = "ClusterRole",
    subject: dict[str, Any] | None = None,
) -> dict[str, Any]:
    ref = {"apiGroup": "rbac.authorization.k8s.io", "kind": ref_kind, "name": "web"}
    return _object(binding, roleRef=ref, subjects=[subject or SUBJECT])


def test_the_roles_and_bindings_charts_write_pass() -> None:
    metrics = {"nonResourceURLs": ["/metrics"], "verbs": ["get"]}
    assert check_object(_object("ClusterRole", rules=[RULE, metrics])) == []
    assert check_object(_object("Role", rules=[RULE])) == []
    assert (
        check_object(_object("ClusterRole", aggregationRule={"clusterRoleSelectors": []}, rules=[]))
        == []
    )
    assert check_object(_binding()) == []
    assert (
        check_object(_binding("RoleBinding", "Role", {"kind": "ServiceAccount", "name": "web"}))
        == []
    )
    user = {"kind": "User", "name": "alice", "apiGroup": "rbac.authorization.k8s.io"}
    assert check_object(_binding(subject=user)) == []
    assert (
        check_object(_binding(subject={"kind": "Group", "name": "admins"})) == []
    )  # apiGroup defaulted


def test_a_cluster_binding_names_its_service_accounts_namespace() -> None:
    assert _found(_binding(subject={"kind": "ServiceAccount", "name": "web"})) == {
        "subjects[0].namespace": "Required value: a ClusterRoleBinding names its "
        "ServiceAccount's namespace (`namespace: {{ .Release.Namespace }}`)"
    }


def test_a_service_account_subject_is_in_the_core_group() -> None:
    subject = {**SUBJECT, "apiGroup": "rbac.authorization.k8s.io"}
    found = _found(_binding(subject=subject))
    assert list(found) == ["subjects[0].apiGroup"]
    assert found["subjects[0].apiGroup"].startswith(
        "Unsupported value: 'rbac.authorization.k8s.io': supported values: \"\""
    )


def test_a_role_ref_and_subject_kinds() -> None:
    found = _found(_binding(ref_kind="Role", subject={"kind": "ServiceAcount", "name": "web"}))
    assert found == {
        "roleRef.kind": "Unsupported value: 'Role': supported values: \"ClusterRole\"",
        "subjects[0].kind": "Unsupported value: 'ServiceAcount': supported values: "
        '"ServiceAccount", "User", "Group"',
    }


def test_rules_name_verbs_groups_and_resources() -> None:
    rules = [
        {"resources": ["pods"], "verbs": ["get"]},
        {"apiGroups": [""], "verbs": []},
        {"nonResourceURLs": ["/healthz"], "resources": ["pods"], "verbs": ["get"]},
    ]
    found = [(e.path, e.message) for e in check_object(_object("Role", rules=rules))]
    assert found == [
        (
            "rules[0].apiGroups",
            "Required value: resource rules must supply at least one api group (the core "
            'group is `""`: `apiGroups: [""]`)',
        ),
        (
            "rules[1].resources",
            "Required value: resource rules must supply at least one resource",
        ),
        ("rules[1].verbs", "Required value: verbs must contain at least one value"),
        (
            "rules[2].nonResourceURLs",
            "namespaced rules cannot apply to non-resource URLs (a ClusterRole's can)",
        ),
        (
            "rules[2].nonResourceURLs",
            "rules cannot apply to both regular resources and non-resource URLs",
        ),
    ]
