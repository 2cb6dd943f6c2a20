"""Byte-for-byte determinism: the same inputs give the same tree, whatever the order
files are discovered in, the order keys are written in, the hash seed or the clock.

Every compile here is compared with golden/ by tree hash (sha256 over the sorted
relative paths and the bytes), so a drift shows up as a golden mismatch too.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

import blueprintc.compile.inputs as inputs_module
from blueprintc.compile.run import run_compile

from .helpers import GOLDEN, GOLDEN_EXTRAS, REPO, copy_workspace, tree_files, tree_hash

SEEDS = [11, 23, 47]


@pytest.fixture(scope="module")
def golden_hash() -> str:
    return tree_hash(tree_files(GOLDEN, ignore=GOLDEN_EXTRAS))


def compiled_hash(root: Path, out: Path) -> str:
    outcome = run_compile(root, out=out, validate=False)
    assert outcome.diagnostics == []
    return tree_hash(tree_files(out))


def patch_everywhere(monkeypatch: pytest.MonkeyPatch, original: Any, replacement: Any) -> int:
    """Rebind ``original`` to ``replacement`` in every loaded blueprintc module.

    Modules import these functions by name (``from ... import discover``), so
    patching the defining module alone would miss the copies.
    """
    patched = 0
    for name, module in list(sys.modules.items()):
        if not name.startswith("blueprintc") or module is None:
            continue
        for attr, value in list(vars(module).items()):
            if value is original:
                monkeypatch.setattr(module, attr, replacement)
                patched += 1
    return patched


def shuffled(function: Callable[..., list[Any]], rng: random.Random) -> Callable[..., list[Any]]:
    def wrapper(*args: Any, **kwargs: Any) -> list[Any]:
        found = list(function(*args, **kwargs))
        rng.shuffle(found)
        return found

    return wrapper


def shuffle_dict(mapping: dict[Any, Any], rng: random.Random) -> None:
    """Re-insert the items of ``mapping`` in a random order (same content)."""
    items = list(mapping.items())
    rng.shuffle(items)
    mapping.clear()
    mapping.update(items)


def shuffle_keys(node: Any, rng: random.Random, lists: frozenset[str] = frozenset()) -> Any:
    """``node`` with every mapping's keys in a random order; the lists named in
    ``lists`` (order-free by meaning, e.g. an Organization's Applications) shuffled too."""
    if isinstance(node, dict):
        items = list(node.items())
        rng.shuffle(items)
        result = {}
        for key, value in items:
            value = shuffle_keys(value, rng, lists)
            if key in lists and isinstance(value, list):
                value = rng.sample(value, len(value))
            result[key] = value
        return result
    if isinstance(node, list):
        return [shuffle_keys(item, rng, lists) for item in node]
    return node


def test_two_compiles_are_identical(tmp_path: Path, golden_hash: str) -> None:
    first = compiled_hash(REPO, tmp_path / "a")
    second = compiled_hash(REPO, tmp_path / "b")
    assert first == second == golden_hash


@pytest.mark.parametrize("seed", SEEDS)
def test_shuffled_discovery_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, golden_hash: str, seed: int
) -> None:
    """Organization files and Blueprint directories found in a random order, and the
    catalog and overlay dicts filled in a random order: the same tree."""
    rng = random.Random(seed)
    seen: list[str] = []

    def organization_files(workspace: Any) -> list[Path]:
        found = real_organization_files(workspace)
        rng.shuffle(found)
        seen.extend(p.name for p in found)
        return found

    real_organization_files = inputs_module.organization_files
    real_load_inputs = inputs_module.load_inputs

    def load_inputs(*args: Any, **kwargs: Any) -> inputs_module.Inputs:
        loaded = real_load_inputs(*args, **kwargs)
        shuffle_dict(loaded.catalog, rng)
        shuffle_dict(loaded.env_overlays, rng)
        rng.shuffle(loaded.organizations)
        return loaded

    assert patch_everywhere(monkeypatch, real_organization_files, organization_files)
    assert patch_everywhere(
        monkeypatch, inputs_module.discover, shuffled(inputs_module.discover, rng)
    )
    assert patch_everywhere(monkeypatch, real_load_inputs, load_inputs)
    assert compiled_hash(REPO, tmp_path / "out") == golden_hash
    assert sorted(set(seen)) == ["acme.yaml", "globex.yaml", "initech.yaml"]


@pytest.mark.parametrize("seed", SEEDS)
def test_shuffled_key_order_in_inputs(tmp_path: Path, golden_hash: str, seed: int) -> None:
    """Every input YAML rewritten with its mapping keys (and each Organization's
    Applications) in a random order, comments dropped: the same tree."""
    rng = random.Random(seed)
    workspace = copy_workspace(tmp_path / "ws")
    inputs = [
        workspace / "sovereign.yaml",
        *sorted(workspace.glob("organizations/*.yaml")),
        *sorted(workspace.glob("overlays/**/*.yaml")),
        *sorted(workspace.glob("blueprints/*/blueprint.yaml")),
        *sorted(workspace.glob("blueprints/*/overlays/*.yaml")),
    ]
    for path in inputs:
        data = yaml.safe_load(path.read_text("utf-8"))
        mixed = shuffle_keys(data, rng, frozenset({"applications"}))
        path.write_text(yaml.safe_dump(mixed, sort_keys=False), "utf-8")
    assert compiled_hash(workspace, tmp_path / "out") == golden_hash


def test_source_date_epoch_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, golden_hash: str
) -> None:
    """No timestamps anywhere: SOURCE_DATE_EPOCH unset, or set to two different times."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    unset = compiled_hash(REPO, tmp_path / "unset")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "315532800")
    early = compiled_hash(REPO, tmp_path / "early")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1999999999")
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")
    late = compiled_hash(REPO, tmp_path / "late")
    assert unset == early == late == golden_hash


def test_separate_processes_with_other_hash_seeds(tmp_path: Path, golden_hash: str) -> None:
    """Set and dict iteration order of strings changes with PYTHONHASHSEED: a compile
    in two fresh processes with different seeds writes the same tree."""
    hashes = []
    for seed in ("1", "4242"):
        out = tmp_path / f"out-{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        env.pop("SOURCE_DATE_EPOCH", None)
        result = subprocess.run(
            [sys.executable, "-m", "blueprintc", "compile", str(REPO), "-o", str(out)],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        hashes.append(tree_hash(tree_files(out)))
    assert hashes == [golden_hash, golden_hash]
