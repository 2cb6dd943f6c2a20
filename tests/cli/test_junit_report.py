"""`lint --format junit`: a JUnit XML document CI test tabs read, through the real CLI."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from tests.compile.helpers import copy_workspace
from tests.hostile.harness import run_cli

REPO = Path(__file__).resolve().parents[2]
FINDINGS = REPO / "tests/fixtures/catalog-with-findings"
PREFIX = "tests/fixtures/catalog-with-findings/"


def _suites(xml: str) -> dict[str, ET.Element]:
    root = ET.fromstring(xml)
    assert root.tag == "testsuites"
    suites = {s.get("name", ""): s for s in root.findall("testsuite")}
    total = sum(int(s.get("tests", "0")) for s in suites.values())
    assert int(root.get("tests", "0")) == total
    for suite in suites.values():  # counts agree with the cases
        cases = suite.findall("testcase")
        assert int(suite.get("tests", "0")) == len(cases)
        assert int(suite.get("failures", "0")) == sum(
            1 for c in cases if c.find("failure") is not None
        )
    return suites


def test_findings_are_failures_in_their_blueprints_suite() -> None:
    run = run_cli("lint", "--format", "junit", "blueprints", cwd=FINDINGS)
    assert run.code == 1, run
    suites = _suites(run.stdout)
    assert set(suites) >= {PREFIX + "blueprints/ledger", PREFIX + "blueprints/legacy-wiki"}
    ledger = suites[PREFIX + "blueprints/ledger"].findall("testcase")
    failures = [c.find("failure") for c in ledger if c.find("failure") is not None]
    assert any(f is not None and f.get("type") == "BPS004" for f in failures)
    warnings = [c for c in ledger if c.find("system-out") is not None]
    assert any("BPN001" in (c.get("name") or "") for c in warnings)  # below failOn: passes
    assert all((c.get("file") or "").startswith(PREFIX + "blueprints/ledger/") for c in ledger)


def test_a_clean_blueprint_is_one_passing_case(tmp_path: Path) -> None:
    run = run_cli("lint", "--format", "junit", "blueprints/webapp", cwd=copy_workspace(tmp_path))
    assert run.code == 0, run
    (suite,) = _suites(run.stdout).values()
    (case,) = suite.findall("testcase")
    assert case.get("name") == "lint" and not list(case)
