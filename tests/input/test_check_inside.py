"""`source.check_inside` on paths with `..` (a `file://../../upstream-charts/x`
dependency's files): a path that stays inside is accepted, and `link/..` is judged
where the link really leads, as the kernel opens it."""

from __future__ import annotations

from pathlib import Path

import pytest

from blueprintc.source import InputError, check_inside


def _workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    (root / "blueprints" / "app" / "chart").mkdir(parents=True)
    (root / "upstream-charts" / "podinfo").mkdir(parents=True)
    (root / "upstream-charts" / "podinfo" / "Chart.yaml").write_text("name: podinfo\n")
    return root


def test_a_path_up_and_down_inside_the_workspace_is_accepted(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    chart = root / "blueprints" / "app" / "chart"
    check_inside(chart / "../../../upstream-charts/podinfo/Chart.yaml", root)


def test_a_link_inside_then_up_is_accepted(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    (root / "blueprints" / "up").symlink_to(root / "upstream-charts" / "podinfo")
    check_inside(root / "blueprints" / "up" / ".." / "podinfo" / "Chart.yaml", root)


def test_up_through_a_link_that_leaves_is_refused_naming_the_link(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    outside = tmp_path / "outside" / "deep"
    outside.mkdir(parents=True)
    (tmp_path / "outside" / "Chart.yaml").write_text("name: stolen\n")
    (root / "blueprints" / "away").symlink_to(outside)
    with pytest.raises(InputError) as raised:
        check_inside(root / "blueprints" / "away" / ".." / "Chart.yaml", root)
    assert raised.value.rule == "BPI006"
    assert "symbolic link blueprints/away points outside the workspace" in raised.value.message


def test_a_dangling_link_on_the_way_is_refused(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    (root / "blueprints" / "gone").symlink_to(root / "nowhere")
    with pytest.raises(InputError) as raised:
        check_inside(root / "blueprints" / "gone" / ".." / "x" / "Chart.yaml", root)
    assert "dangling or looping symbolic link: blueprints/gone" in raised.value.message
