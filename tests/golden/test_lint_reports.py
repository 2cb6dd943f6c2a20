"""Golden reports: `tests/fixtures/catalog-with-findings` linted into every format.

The catalog breaks rules of every family on purpose (see its blueprintc.yaml),
with one finding suppressed inline and one by configuration. Each report is a
committed snapshot under `__snapshots__/`; `tests/golden/README.md` says how to
review and update them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from blueprintc import __version__
from tests.cli.helpers import invoke

TESTS = Path(__file__).resolve().parents[1]
CATALOG = TESTS / "fixtures" / "catalog-with-findings"
SARIF_SCHEMA = TESTS / "data" / "sarif-schema-2.1.0.json"
FORMATS = ["text", "json", "sarif", "github"]


class TextSnapshot(SingleFileSnapshotExtension):
    """One plain UTF-8 file per snapshot, so `git diff` shows the report itself."""

    _write_mode = WriteMode.TEXT
    file_extension = "txt"


@pytest.fixture
def golden(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(TextSnapshot)


def stable(report: str) -> str:
    """The report with the tool version and the checkout's place masked: a release or a
    clone elsewhere is not a report change."""
    checkout = TESTS.parent.as_uri() + "/"
    return report.replace(f'"version": "{__version__}"', '"version": "<version>"').replace(
        f'"uri": "{checkout}"', '"uri": "file:///<checkout>/"'
    )


def transcript(*args: str) -> str:
    """Exit code, stdout and stderr of one run, together."""
    result = invoke(*args)
    command = " ".join(
        a.replace(str(CATALOG), "tests/fixtures/catalog-with-findings") for a in args
    )
    return (
        f"$ blueprintc {command}\n[exit {result.exit_code}]\n"
        f"--- stdout\n{result.stdout}--- stderr\n{result.stderr}"
    )


@pytest.fixture(scope="module")
def reports() -> dict[str, str]:
    out = {}
    for output_format in FORMATS:
        result = invoke("lint", "--format", output_format, str(CATALOG))
        assert (result.exit_code, result.stderr) == (1, "")
        out[output_format] = result.stdout
    return out


@pytest.mark.parametrize("output_format", FORMATS)
def test_report(reports: dict[str, str], output_format: str, golden: SnapshotAssertion) -> None:
    assert stable(reports[output_format]) == golden


def test_transcript_of_a_failing_run(golden: SnapshotAssertion) -> None:
    assert transcript("lint", str(CATALOG)) == golden


def test_transcript_of_a_usage_error(golden: SnapshotAssertion) -> None:
    assert transcript("lint", "--select", "BPX001", str(CATALOG)) == golden


def test_reports_name_repository_relative_paths_only(reports: dict[str, str]) -> None:
    """Paths are relative to the git top level (this repository), as CI resolves them;
    the one absolute path is SARIF's %SRCROOT% (masked by `stable`)."""
    for report in reports.values():
        assert str(CATALOG) not in stable(report)
        assert str(Path.home()) not in stable(report)
    files = {d["file"] for d in json.loads(reports["json"])["diagnostics"]}
    prefix = "tests/fixtures/catalog-with-findings/blueprints/"
    assert all(f.startswith(prefix) for f in files), files


def test_catalog_covers_every_family_and_both_suppressions(reports: dict[str, str]) -> None:
    diagnostics = json.loads(reports["json"])["diagnostics"]
    active = [d for d in diagnostics if d["suppressed"] is None]
    assert 8 <= len(active) <= 12
    families = {d["rule"][:3] for d in active}
    assert {"BPI", "BPS", "BPG"} <= families
    assert {d["suppressed"] for d in diagnostics} == {None, "inline", "config"}


def test_reports_do_not_depend_on_parallelism() -> None:
    one = invoke("lint", "--format", "json", "-j", "1", str(CATALOG)).stdout
    many = invoke("lint", "--format", "json", "-j", "8", str(CATALOG)).stdout
    assert one == many


def sarif_validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    # The SARIF 2.1.0 schema declares draft-04; validate with exactly that draft.
    assert schema["$schema"] == "http://json-schema.org/draft-04/schema#"
    cls = jsonschema.validators.validator_for(schema)
    assert cls is jsonschema.Draft4Validator
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def test_sarif_validates_against_the_schema(reports: dict[str, str]) -> None:
    log: dict[str, Any] = json.loads(reports["sarif"])
    errors = sorted(sarif_validator().iter_errors(log), key=lambda e: list(e.path))
    assert [f"{list(e.path)}: {e.message}" for e in errors] == []
    # Draft 4 has no `uri-reference` format; check artifact URIs with a later draft's checker.
    uri_checker = jsonschema.Draft7Validator.FORMAT_CHECKER
    for result in log["runs"][0]["results"]:
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert uri_checker.conforms(uri, "uri-reference"), uri


def test_sarif_marks_suppressed_results(reports: dict[str, str]) -> None:
    results = json.loads(reports["sarif"])["runs"][0]["results"]
    kinds = sorted(s["kind"] for r in results for s in r.get("suppressions", []))
    assert kinds == ["external", "inSource"]
