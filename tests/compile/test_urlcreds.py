"""Which URLs carry a credential (refused by BPP017, never shown)."""

from __future__ import annotations

import pytest

from blueprintc.urlcreds import credentials_in_url


@pytest.mark.parametrize(
    ("url", "carried"),
    [
        ("oci://user:pw@harbor.example.com/catalyst", "a user name and password"),
        ("https://token@gitea.example.com", "a user name or token"),
        ("ssh://git:pw@gitea.example.com", "a user name and password"),
        ("oci://a@b@host/x", "a user name or token"),
        ("ssh://git@gitea.example.com", None),
        ("oci://harbor.example.com/catalyst", None),
        ("https://gitea.example.com/org@2", None),
        ("oci://[::1", None),
    ],
)
def test_credentials_in_url(url: str, carried: str | None) -> None:
    assert credentials_in_url(url) == carried
