"""A ConfigMap's and a Secret's data the API server refuses (`validate.data_maps`), though
the schema passes it: plain text under a Secret's `data` (OneUptime/oneuptime#1713,
helm/helm#5008), a key that is a path, a key in both `data` and `binaryData`, more than
1 MiB."""

from __future__ import annotations

from typing import Any

import pytest

from blueprintc.validate.objects import check_object
from tests.validate.findings import pairs as _found


def _object(kind: str, **fields: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": kind, "metadata": {"name": "app"}, **fields}


def test_base64_data_and_plain_string_data_pass() -> None:
    data = {"password": "aHVudGVyMg==", "wrapped": "aHVu\ndGVyMg==", "empty": ""}
    assert check_object(_object("Secret", data=data, stringData={"token": "plain text"})) == []
    config = {"app.yaml": "a: b", "KEY_NAME": "x", "key-name": "y"}
    assert check_object(_object("ConfigMap", data=config, binaryData={"logo.png": "iVBO"})) == []


@pytest.mark.parametrize("value", ["hunter2!", "aHVudGVyMg", "not base64 at all", "aGk=aGk="])
def test_a_secret_value_that_is_not_base64_is_refused(value: str) -> None:
    found = _found(_object("Secret", data={"password": value}))
    assert [path for path, _ in found] == ["data.password"]
    assert found[0][1].startswith("illegal base64 data")
    assert "`stringData`" in found[0][1]


def test_a_configmaps_binary_data_is_base64_too() -> None:
    found = _found(_object("ConfigMap", binaryData={"logo.png": "<svg/>"}))
    assert [path for path, _ in found] == ["binaryData.logo.png"]


@pytest.mark.parametrize(
    ("key", "words"),
    [
        ("conf/app.yaml", "a valid config key must consist of"),
        ("my key", "a valid config key must consist of"),
        ("..data", "must not start with '..'"),
        ("..", "must not be '..'"),
        ("k" * 254, "must be no more than 253 characters"),
    ],
)
def test_a_key_that_is_no_file_name_is_refused(key: str, words: str) -> None:
    found = _found(_object("ConfigMap", data={key: "x"}))
    assert [path for path, _ in found] == [f"data.{key}"]
    assert words in found[0][1]


def test_a_key_in_data_and_binary_data_and_data_over_1_mib_are_refused() -> None:
    both = _object("ConfigMap", data={"logo": "x"}, binaryData={"logo": "aGk="})
    assert [path for path, _ in _found(both)] == ["binaryData.logo"]
    dashboards = {f"dashboard-{n}.json": "x" * 300_000 for n in range(4)}
    found = _found(_object("ConfigMap", data=dashboards))
    assert found == [("", "Too long: its data must have at most 1048576 bytes (1200000)")]


def test_flux_variables_and_other_kinds_are_left_alone() -> None:
    assert check_object(_object("Secret", data={"password": "${PASSWORD_B64}"})) == []
    widget = {"apiVersion": "example.io/v1", "kind": "Secret", "metadata": {"name": "a"}}
    widget["data"] = {"password": "hunter2!"}
    assert all(e.path != "data.password" for e in check_object(widget))
