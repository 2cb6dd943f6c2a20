"""Where the workspace is not, say so: no finding at `blueprints:1:1`, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.harness import assert_refused, run_cli, snapshot


@pytest.mark.parametrize(
    "args", [("compile",), ("diff",), ("compile", "--check"), ("explain-value", "a/b/c", "k")]
)
def test_outside_a_workspace_is_one_usage_error(tmp_path: Path, args: tuple[str, ...]) -> None:
    before = snapshot(tmp_path)
    run = run_cli(*args, cwd=tmp_path)
    assert_refused(run, "no blueprintc.yaml in", "or any parent directory")
    how = " --workspace DIR ...`" if args[0] == "explain-value" else " DIR`"
    assert f"(`blueprintc {args[0]}{how})" in run.stderr  # how to name one
    assert "BPI007" not in run.output and "blueprints:1:1" not in run.output
    assert len(run.stderr.strip().splitlines()) == 1
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize(
    "args",
    [
        ("compile", "{}"),
        ("diff", "{}"),
        ("lock", "{}"),
        ("explain-value", "-w", "{}", "acme/shop/prod", "k"),
        ("promote", "-w", "{}", "acme/shop", "--to", "prod"),
    ],
)
@pytest.mark.parametrize("missing", ["nodir", "/tmp/blueprintc-no-such-dir/ws"])
def test_a_workspace_directory_that_does_not_exist_is_one_usage_error(
    workspace: Path, args: tuple[str, ...], missing: str
) -> None:
    """Not the workspace around the current directory (the search started at the
    missing directory's parent), nor "no blueprintc.yaml in" it."""
    before = snapshot(workspace)
    run = run_cli(*(missing if a == "{}" else a for a in args), cwd=workspace)
    assert_refused(run, f"error: {missing} does not exist")
    assert "blueprintc.yaml" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
    assert snapshot(workspace) == before


def test_a_failed_compile_names_the_output_directory_it_left_untouched(workspace: Path) -> None:
    org = workspace / "organizations" / "acme.yaml"
    org.write_text(org.read_text(encoding="utf-8") + "  bogusKey: 1\n", encoding="utf-8")
    run = run_cli("compile", "-o", "build/flux", cwd=workspace)
    assert run.code == 1, str(run)
    assert "build/flux/ left untouched" in run.stderr
    assert not (workspace / "build").exists()


@pytest.mark.parametrize(
    "args",
    [
        ("compile",),
        ("diff",),
        ("compile", "--check"),
        ("explain-value", "acme/shop/prod", "k"),
        ("lock",),
    ],
)
def test_a_missing_sovereign_spec_is_one_usage_error(
    workspace: Path, args: tuple[str, ...]
) -> None:
    (workspace / "sovereign.yaml").unlink()
    before = snapshot(workspace)
    run = run_cli(*args, cwd=workspace)
    assert_refused(run, "no Sovereign spec: sovereign.yaml does not exist", "sovereign:")
    assert "BPI007" not in run.output and "Traceback" not in run.output
    assert len(run.stderr.strip().splitlines()) == 1
    assert snapshot(workspace) == before


def test_the_sovereign_file_blueprintc_yaml_names_is_the_one_looked_for(workspace: Path) -> None:
    (workspace / "sovereign.yaml").rename(workspace / "omantel.yaml")
    config = workspace / "blueprintc.yaml"
    text = config.read_text(encoding="utf-8")
    assert "sovereign: sovereign.yaml\n" in text
    config.write_text(
        text.replace("sovereign: sovereign.yaml\n", "sovereign: sovereigns/omantel.yaml\n")
    )
    run = run_cli("compile", cwd=workspace)
    assert_refused(run, "sovereigns/omantel.yaml does not exist")
    (workspace / "sovereigns").mkdir()
    (workspace / "omantel.yaml").rename(workspace / "sovereigns" / "omantel.yaml")
    assert run_cli("compile", cwd=workspace).code == 0
