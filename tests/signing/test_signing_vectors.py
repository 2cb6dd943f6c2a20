"""The committed vector copy is intact and, where ../shared exists, up to date."""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from .conftest import DATA

REPO_ROOT = Path(__file__).resolve().parents[2]
SCRIPT = REPO_ROOT / "scripts" / "import_cosign_vectors.py"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("import_cosign_vectors", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_vectors_match_the_hashes_in_source_md() -> None:
    source = (DATA / "SOURCE.md").read_text(encoding="utf-8")
    assert "../shared/testdata/cosign/" in source
    hashes = _script().expected_hashes(source)
    assert len(hashes) == 19
    for rel, digest in hashes.items():
        assert hashlib.sha256((DATA / rel).read_bytes()).hexdigest() == digest, rel


@pytest.mark.skipif(
    not (REPO_ROOT.parent / "shared" / "testdata" / "cosign").is_dir(),
    reason="no ../shared beside this clone",
)
def test_committed_vectors_are_what_the_script_would_write() -> None:
    assert _script().main(["--check"]) == 0
