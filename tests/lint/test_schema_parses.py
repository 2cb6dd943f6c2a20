"""Each schema file is parsed once per lint run (issue 10 point 12's schemas, measured):
the command line checks `schemaLocations` and `--schema-location` on their own, BPG012
then loads them with the CRD directories the catalog ships, each of which is also
checked on its own; a file is read for one of these and reused by the others."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from blueprintc.validate import extra_schemas
from tests.cli.helpers import invoke

REPO = Path(__file__).resolve().parents[2]


def test_a_lint_run_parses_each_schema_file_once(monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: Counter[str] = Counter()
    original = extra_schemas._crd_schemas

    def counting(path: Path) -> Iterable[Any]:
        parsed[path.relative_to(REPO).as_posix()] += 1
        return original(path)

    monkeypatch.setattr(extra_schemas, "_crd_schemas", counting)
    extra_schemas.load_locations.cache_clear()
    extra_schemas._location_schemas.cache_clear()
    monkeypatch.chdir(REPO)
    # bp-cluster-issuers renders cert-manager's ClusterIssuer: a kind only the CRDs that
    # bp-cert-manager ships describe, so BPG012 loads every location.
    result = invoke("lint", "--schema-location", "schemas/crds", "blueprints/cluster-issuers")
    assert result.exit_code == 0, result.output
    assert "schemas/crds/external-secrets.io_externalsecrets.yaml" in parsed
    assert any(path.startswith("upstream-charts/cert-manager/") for path in parsed), parsed
    assert {path: n for path, n in parsed.items() if n > 1} == {}
