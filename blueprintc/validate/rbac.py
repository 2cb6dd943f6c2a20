"""Roles and role bindings as the API server validates them (rbac.authorization.k8s.io).

The schema passes a ClusterRoleBinding whose ServiceAccount subject has no `namespace`
(the classic chart bug: a binding written for a Role, then made cluster-wide), a
ServiceAccount subject given `apiGroup: rbac.authorization.k8s.io` (which a User's and a
Group's take), a `roleRef` of the wrong API group or kind, and a rule with no verbs, no
API groups or no resources (`apiGroups` left out means none, not the core group: write
`[""]`), or a Role's rule on non-resource URLs. The API server refuses each.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from blueprintc.validate.label_text import Problem, plain, subdomain_problem

_GROUP = "rbac.authorization.k8s.io"
_ROLES = ("Role", "ClusterRole")
_BINDINGS = ("RoleBinding", "ClusterRoleBinding")


def rbac_problems(obj: dict[str, Any]) -> list[Problem]:
    """The rule, role-reference and subject problems of a Role, ClusterRole, RoleBinding
    or ClusterRoleBinding (none for any other object)."""
    api_version, kind = obj.get("apiVersion"), obj.get("kind")
    if not (isinstance(api_version, str) and api_version.startswith(f"{_GROUP}/")):
        return []
    if kind in _ROLES:
        rules = obj.get("rules")
        namespaced = kind == "Role"
        return [
            problem
            for index, rule in enumerate(rules if isinstance(rules, list) else ())
            if isinstance(rule, dict)
            for problem in _rule(rule, namespaced, f"rules[{index}]")
        ]
    if kind in _BINDINGS:
        namespaced = kind == "RoleBinding"
        found = list(_role_ref(obj.get("roleRef"), namespaced))
        subjects = obj.get("subjects")
        for index, subject in enumerate(subjects if isinstance(subjects, list) else ()):
            if isinstance(subject, dict):
                found.extend(_subject(subject, namespaced, f"subjects[{index}]"))
        return found
    return []


def _rule(rule: dict[str, Any], namespaced: bool, at: str) -> Iterator[Problem]:
    if not rule.get("verbs"):
        yield f"{at}.verbs", "Required value: verbs must contain at least one value"
    if rule.get("nonResourceURLs"):
        if namespaced:
            message = "namespaced rules cannot apply to non-resource URLs (a ClusterRole's can)"
            yield f"{at}.nonResourceURLs", message
        if rule.get("apiGroups") or rule.get("resources") or rule.get("resourceNames"):
            message = "rules cannot apply to both regular resources and non-resource URLs"
            yield f"{at}.nonResourceURLs", message
        return
    if not rule.get("apiGroups"):
        yield (
            f"{at}.apiGroups",
            "Required value: resource rules must supply at least one api group (the core "
            'group is `""`: `apiGroups: [""]`)',
        )
    if not rule.get("resources"):
        yield f"{at}.resources", "Required value: resource rules must supply at least one resource"


def _role_ref(ref: Any, namespaced: bool) -> Iterator[Problem]:
    if not isinstance(ref, dict):
        return
    group, kind = ref.get("apiGroup"), ref.get("kind")
    if isinstance(group, str) and group and "${" not in group and group != _GROUP:
        yield "roleRef.apiGroup", f'Unsupported value: {group!r}: supported values: "{_GROUP}"'
    kinds = _ROLES if namespaced else ("ClusterRole",)
    if isinstance(kind, str) and kind and "${" not in kind and kind not in kinds:
        supported = ", ".join(f'"{k}"' for k in kinds)
        yield "roleRef.kind", f"Unsupported value: {kind!r}: supported values: {supported}"
    if ref.get("name") == "":
        yield "roleRef.name", "Required value"


def _subject(subject: dict[str, Any], namespaced: bool, at: str) -> Iterator[Problem]:
    kind, name, group = subject.get("kind"), subject.get("name"), subject.get("apiGroup")
    if name is None or name == "":
        yield f"{at}.name", "Required value"
    if not isinstance(kind, str) or "${" in kind:
        return
    if kind == "ServiceAccount":
        if (text := plain(name)) and (problem := subdomain_problem(text)):
            yield f"{at}.name", f"{text!r}: {problem}"
        if group:
            yield (
                f"{at}.apiGroup",
                f'Unsupported value: {group!r}: supported values: "" (a ServiceAccount is in '
                "the core group: leave apiGroup out)",
            )
        if not namespaced and not subject.get("namespace"):
            yield (
                f"{at}.namespace",
                "Required value: a ClusterRoleBinding names its ServiceAccount's namespace "
                "(`namespace: {{ .Release.Namespace }}`)",
            )
    elif kind in ("User", "Group"):
        if isinstance(group, str) and group and "${" not in group and group != _GROUP:
            yield f"{at}.apiGroup", f'Unsupported value: {group!r}: supported values: "{_GROUP}"'
    else:
        yield (
            f"{at}.kind",
            f'Unsupported value: {kind!r}: supported values: "ServiceAccount", "User", "Group"',
        )
