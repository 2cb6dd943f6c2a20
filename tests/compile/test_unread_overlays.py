"""Overlay values no chart reads are said (BPP022), where a typo dropped them silently.

`bp-webap:` in overlays/sovereigns/omantel.yaml compiled, exit 0, and the HelmReleases
of every bp-webapp Application lost `ingress.className: cilium`; so did an environment
overlay named `production.yaml` and a Sovereign overlay named `omantell.yaml`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from blueprintc.compile.planner import compile_workspace
from tests.compile.helpers import copy_workspace


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    return copy_workspace(tmp_path / "ws")


def _said(root: Path) -> list[tuple[str, int, str, str | None]]:
    return [
        (d.location.file, d.location.line, d.message, d.hint)
        for d in compile_workspace(root).diagnostics
        if d.rule == "BPP022"
    ]


def test_the_reference_workspace_has_none(ws: Path) -> None:
    assert _said(ws) == []


def test_a_key_naming_no_blueprint_is_told_with_the_name_meant(ws: Path) -> None:
    overlay = ws / "overlays/sovereigns/omantel.yaml"
    text = overlay.read_text(encoding="utf-8")
    line = text.splitlines().index("bp-webapp:") + 1
    overlay.write_text(text.replace("bp-webapp:", "bp-webap:"), encoding="utf-8")

    [(file, at, message, hint)] = _said(ws)

    assert (file, at) == ("overlays/sovereigns/omantel.yaml", line)
    assert message == (
        "overlays/sovereigns/omantel.yaml sets values for bp-webap, which names no "
        "Blueprint of the catalog: they reach no chart"
    )
    assert hint is not None and hint.startswith("did you mean bp-webapp?")


def test_an_environment_overlay_named_after_no_env_type(ws: Path) -> None:
    environments = ws / "overlays/environments"
    (environments / "prod.yaml").rename(environments / "prd.yaml")

    [(file, at, message, hint)] = _said(ws)

    assert (file, at) == ("overlays/environments/prd.yaml", 1)
    assert "is named after prd, which is not an env type of this workspace" in message
    assert hint == "rename it to prod.yaml"


def test_a_sovereign_overlay_named_after_another_sovereign(ws: Path) -> None:
    sovereigns = ws / "overlays/sovereigns"
    (sovereigns / "omantel.yaml").rename(sovereigns / "omantell.yaml")
    (sovereigns / "other-sovereign.yaml").write_text("bp-webapp: {}\n", encoding="utf-8")

    [(file, _, message, hint)] = _said(ws)

    assert file == "overlays/sovereigns/omantell.yaml"
    assert "which is not a Sovereign of this workspace (omantel)" in message
    assert hint == "rename it to omantel.yaml"
