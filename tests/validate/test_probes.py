"""Probes and lifecycle hooks with no handler or several (`validate.probes`): the API
server refuses both; values that replace a chart's default probe make the second."""

from __future__ import annotations

from typing import Any

import pytest

from blueprintc.validate.objects import check_object
from tests.validate.findings import pairs as _found
from tests.validate.workloads import workload

CONTAINER = "spec.template.spec.containers[0]"


def _workload(kind: str = "Deployment", **container: Any) -> dict[str, Any]:
    return workload(container, kind)


def test_one_handler_each_passes() -> None:
    probe = {"httpGet": {"path": "/", "port": 80}, "periodSeconds": 10}
    hook = {"exec": {"command": ["sleep", "5"]}}
    assert check_object(_workload(livenessProbe=probe, lifecycle={"preStop": hook})) == []
    assert check_object(_workload(readinessProbe=None)) == []


@pytest.mark.parametrize("kind", ["Deployment", "StatefulSet"])
def test_a_probe_merged_from_a_default_and_its_replacement_is_refused(kind: str) -> None:
    probe = {"httpGet": {"path": "/", "port": 80}, "exec": {"command": ["true"]}}
    found = _found(_workload(kind, livenessProbe=probe))
    assert [path for path, _ in found] == [f"{CONTAINER}.livenessProbe"]
    assert found[0][1].startswith("may not specify more than 1 handler type (it has exec, httpGet)")
    assert "(`exec: null` or `httpGet: null`)" in found[0][1]


def test_a_probe_or_hook_without_a_handler_is_refused() -> None:
    found = _found(_workload(startupProbe={}, lifecycle={"postStart": {}}))
    assert found == [
        (
            f"{CONTAINER}.lifecycle.postStart",
            "Required value: must specify a handler type (exec, httpGet, tcpSocket or sleep)",
        ),
        (
            f"{CONTAINER}.startupProbe",
            "Required value: must specify a handler type (exec, httpGet, tcpSocket or grpc)",
        ),
    ]


def test_a_probes_port_is_a_number_or_a_ports_name() -> None:
    named = {"httpGet": {"path": "/", "port": "http"}}
    assert check_object(_workload(livenessProbe=named)) == []
    quoted = {"tcpSocket": {"port": "8080"}}
    found = _found(_workload(readinessProbe=quoted))
    assert [path for path, _ in found] == [f"{CONTAINER}.readinessProbe.tcpSocket.port"]
    assert "no `| quote`" in found[0][1]
    grpc = {"grpc": {"port": 0}}
    assert [path for path, _ in _found(_workload(startupProbe=grpc))] == [
        f"{CONTAINER}.startupProbe.grpc.port"
    ]
