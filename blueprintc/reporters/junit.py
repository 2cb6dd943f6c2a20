"""JUnit XML for CI test tabs (Jenkins, GitLab, the GitHub and Gitea test-report actions).

One `testsuite` per Blueprint linted (findings outside every Blueprint, such as
blueprintc.yaml's, in a suite named "workspace"); a Blueprint without findings is one
passing testcase "lint", so the tab lists it; every finding at or above the run's
failing severity is a testcase with a `failure` (rule, place, message, fix); lower ones
are passing testcases that carry the finding in `system-out`. Suppressed findings are
left out, as in the text report. Paths are the report's (repository-relative).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from blueprintc.diagnostics import Diagnostic
from blueprintc.lint import LintResult

WORKSPACE_SUITE = "workspace"


def render(result: LintResult, colour: bool = False) -> str:
    suites: dict[str, list[Diagnostic]] = {name: [] for name in result.blueprints}
    for diagnostic in result.active:
        suites.setdefault(_suite_of(diagnostic, result.blueprints), []).append(diagnostic)
    root = ET.Element("testsuites", name="blueprintc lint")
    total = failed = 0
    for name, found in suites.items():
        suite = ET.SubElement(root, "testsuite", name=name)
        failures = [d for d in found if d.severity >= result.fail_on]
        if not found:
            ET.SubElement(suite, "testcase", classname=name, name="lint")
        for diagnostic in found:
            _testcase(suite, name, diagnostic, failing=diagnostic in failures)
        count = max(1, len(found))
        suite.set("tests", str(count))
        suite.set("failures", str(len(failures)))
        suite.set("errors", "0")
        total += count
        failed += len(failures)
    root.set("tests", str(total))
    root.set("failures", str(failed))
    root.set("errors", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def _testcase(suite: ET.Element, name: str, d: Diagnostic, failing: bool) -> None:
    loc = d.location
    where = f"{loc.file}:{loc.line}:{loc.column}"
    case = ET.SubElement(
        suite,
        "testcase",
        classname=name,
        name=f"{d.rule} {d.name} at {where}",
        file=loc.file,
        line=str(loc.line),
    )
    text = f"{where}: {d.severity.label} {d.rule} [{d.name}] {d.message}\nhelp: {d.hint}"
    if failing:
        failure = ET.SubElement(case, "failure", message=d.message, type=d.rule)
        failure.text = text
    else:
        ET.SubElement(case, "system-out").text = text


def _suite_of(d: Diagnostic, blueprints: list[str]) -> str:
    """The Blueprint directory holding the finding's file (the longest that does)."""
    holding = [b for b in blueprints if d.location.file.startswith(b.rstrip("/") + "/")]
    return max(holding, key=len) if holding else WORKSPACE_SUITE
