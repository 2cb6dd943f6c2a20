"""A pod's and its containers' security contexts as the API server validates them.

The schema passes a container with `privileged: true` and `allowPrivilegeEscalation:
false`; the API server refuses it (`cannot set \\`allowPrivilegeEscalation\\` to false
and \\`privileged\\` to true`), and so a chart's hardened default context, merged with
values that make one container privileged, fails the install (seen with operators that
harden every container, and in clusters' sample apps). Also refused: `CAP_SYS_ADMIN`
added beside `allowPrivilegeEscalation: false`; a seccomp profile of type Localhost
without its `localhostProfile`, or another type with one; a user, group or fsGroup ID
outside 0 to 2147483647.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from blueprintc.validate.label_text import Problem
from blueprintc.validate.object_shapes import POD_CONTAINERS, containers_of

_MAX_ID = 2_147_483_647
_POD_IDS = ("runAsUser", "runAsGroup", "fsGroup")
_CONTAINER_IDS = ("runAsUser", "runAsGroup")


def security_context_problems(pod: dict[str, Any], at: str) -> Iterator[Problem]:
    """The security context problems of the pod spec `pod`, found at path `at`. (Paths
    are made only for a problem: every pod template is asked.)"""
    context = pod.get("securityContext")
    if isinstance(context, dict) and context:
        where = f"{at}.securityContext"
        yield from _ids(context, (*_POD_IDS, "supplementalGroups"), where)
        yield from _seccomp(context.get("seccompProfile"), f"{where}.seccompProfile")
    for field, index, container in containers_of(pod, POD_CONTAINERS):
        context = container.get("securityContext")
        if not (isinstance(context, dict) and context):
            continue
        where = f"{at}.{field}[{index}].securityContext"
        yield from _escalation(context, where)
        yield from _ids(context, _CONTAINER_IDS, where)
        yield from _seccomp(context.get("seccompProfile"), f"{where}.seccompProfile")


def _escalation(context: dict[str, Any], at: str) -> Iterator[Problem]:
    if context.get("allowPrivilegeEscalation") is not False:
        return
    if context.get("privileged") is True:
        yield (
            at,
            "cannot set `allowPrivilegeEscalation` to false and `privileged` to true (a "
            "hardened default merged with values that make the container privileged? a "
            "privileged container escalates: set allowPrivilegeEscalation to true, or drop "
            "privileged)",
        )
    capabilities = context.get("capabilities")
    added = capabilities.get("add") if isinstance(capabilities, dict) else None
    if isinstance(added, list) and "CAP_SYS_ADMIN" in added:
        yield (
            at,
            "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN",
        )


def _ids(context: dict[str, Any], fields: tuple[str, ...], at: str) -> Iterator[Problem]:
    for field in fields:
        value = context.get(field)
        listed = field == "supplementalGroups" and isinstance(value, list)
        for number, item in enumerate(value if listed else [value]):
            if isinstance(item, int) and not isinstance(item, bool) and not 0 <= item <= _MAX_ID:
                where = f"{at}.{field}[{number}]" if listed else f"{at}.{field}"
                yield where, f"{item}: must be between 0 and {_MAX_ID}, inclusive"


def _seccomp(profile: Any, at: str) -> Iterator[Problem]:
    if not isinstance(profile, dict):
        return
    kind, localhost = profile.get("type"), profile.get("localhostProfile")
    if kind == "Localhost" and localhost is None:
        message = "Required value: must be set when seccomp type is Localhost"
        yield f"{at}.localhostProfile", message
    elif kind in ("RuntimeDefault", "Unconfined") and localhost is not None:
        yield (
            f"{at}.localhostProfile",
            f"{localhost!r}: can only be set when seccomp type is Localhost (it is {kind})",
        )
