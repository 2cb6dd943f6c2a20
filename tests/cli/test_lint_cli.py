"""`blueprintc lint` and `blueprintc explain` through click: exit codes, formats,
output file, colour, and which Blueprints a set of paths selects."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from blueprintc.rules import RULES
from tests.cli.helpers import CLEAN_VALUES, SECRET_VALUES, invoke, write_workspace

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def failing(tmp_path: Path) -> Path:
    """One clean Blueprint and one with a BPG007 error at values.yaml:3."""
    return write_workspace(tmp_path, {"clean": CLEAN_VALUES, "leaky": SECRET_VALUES})


def lint_json(*args: str | Path) -> dict:
    result = invoke("lint", "--format", "json", *args)
    document = json.loads(result.stdout)
    assert document["exitCode"] == result.exit_code
    return document


# -- exit codes -------------------------------------------------------------


def test_reference_catalog_is_clean() -> None:
    result = invoke("lint", REPO / "blueprints")
    assert result.exit_code == 0, result.output
    assert "0 error(s), 0 warning(s)" in result.stdout
    assert result.stdout.rstrip().endswith("passed")


def test_findings_exit_1(failing: Path) -> None:
    result = invoke("lint", failing)
    assert result.exit_code == 1
    assert "blueprints/leaky/chart/values.yaml:3:13: error BPG007" in result.stdout
    summary = "2 Blueprint(s) linted: 1 error(s), 0 warning(s); failed"
    assert result.stdout.rstrip().endswith(summary)


@pytest.mark.parametrize(
    ("args", "config", "expected"),
    [
        ((), "", 0),  # default --fail-on error: warnings alone pass
        (("--fail-on", "warning"), "", 1),
        (("--fail-on", "error"), "  failOn: warning\n", 0),  # the flag beats the file
        ((), "  failOn: warning\n", 1),
        (("--fail-on", "info"), "", 1),
    ],
)
def test_fail_on_decides_whether_warnings_fail(
    tmp_path: Path, args: tuple[str, ...], config: str, expected: int
) -> None:
    config = "lint:\n" + config + "  rules:\n    BPG007: warning\n"
    workspace = write_workspace(tmp_path, {"leaky": SECRET_VALUES}, config)
    result = invoke("lint", *args, workspace)
    assert result.exit_code == expected, result.output
    assert "warning BPG007" in result.stdout
    assert "0 error(s), 1 warning(s)" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--bogus",), "No such option '--bogus'"),
        (("--select", "BPX999"), "unknown rule id(s): BPX999"),
        (("--select", "BPG001,"), "unknown rule id(s): '' (empty); `blueprintc explain` lists"),
        (("--fail-on", "fatal"), "Invalid value for '--fail-on'"),
        (("--format", "xml"), "Invalid value for '--format'"),
        (("does-not-exist",), "no such file or directory: does-not-exist"),
    ],
)
def test_usage_errors_exit_2(
    failing: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], message: str
) -> None:
    monkeypatch.chdir(failing)
    result = invoke("lint", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_paths_from_two_workspaces_are_a_usage_error(tmp_path: Path) -> None:
    one = write_workspace(tmp_path / "one", {"a": CLEAN_VALUES})
    two = write_workspace(tmp_path / "two", {"b": CLEAN_VALUES})
    result = invoke("lint", one / "blueprints", two / "blueprints")
    assert result.exit_code == 2
    assert "is outside the workspace" in result.stderr


def test_select_limits_the_rules(failing: Path) -> None:
    assert invoke("lint", "--select", "BPG001", failing).exit_code == 0
    assert invoke("lint", "--select", "BPG001", "--select", "BPG007", failing).exit_code == 1
    assert invoke("lint", "--select", "BPG001,BPG007", failing).exit_code == 1  # as ruff takes it


def test_no_paths_lints_the_workspace_catalog(
    failing: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(failing / "blueprints" / "clean" / "chart")
    assert lint_json()["blueprints"] == ["blueprints/clean", "blueprints/leaky"]


# -- formats, output file, colour ------------------------------------------


def test_json_format(failing: Path) -> None:
    document = lint_json(failing)
    assert document["failOn"] == "error"
    assert document["blueprints"] == ["blueprints/clean", "blueprints/leaky"]
    (diagnostic,) = document["diagnostics"]
    assert diagnostic == {
        "rule": "BPG007",
        "name": "plaintext-secret",
        "severity": "error",
        "message": diagnostic["message"],
        "file": "blueprints/leaky/chart/values.yaml",
        "line": 3,
        "column": 13,
        "path": diagnostic["path"],
        "hint": RULES["BPG007"].hint,
        "suppressed": None,
    }
    assert "hunter2" not in json.dumps(document)


def test_sarif_format(failing: Path) -> None:
    result = invoke("lint", "--format", "sarif", failing)
    assert result.exit_code == 1
    log = json.loads(result.stdout)
    (run,) = log["runs"]
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == ["BPG007"]
    (entry,) = run["results"]
    assert entry["ruleId"] == "BPG007"
    assert entry["level"] == "error"
    location = entry["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "blueprints/leaky/chart/values.yaml"
    assert location["region"] == {"startLine": 3, "startColumn": 13}


def test_github_format(failing: Path) -> None:
    result = invoke("lint", "--format", "github", failing)
    assert result.exit_code == 1
    group, line, end = result.stdout.splitlines()  # one group (issue 10 point 9)
    assert (group, end) == (
        "::group::blueprintc lint: 2 Blueprint(s), 1 error(s), 0 warning(s)",
        "::endgroup::",
    )
    assert line.startswith(
        "::error file=blueprints/leaky/chart/values.yaml,line=3,col=13,"
        "title=BPG007 plaintext-secret::"
    )
    assert "%0Ahelp: " in line


def test_text_format_shows_the_source_line_and_a_caret(failing: Path) -> None:
    result = invoke("lint", "--format", "text", failing)
    lines = result.stdout.splitlines()
    at = lines.index(" 3 |   password: hunter2")
    assert lines[at + 1] == "   |             ^"
    assert lines[at + 2] == f"  = help: {RULES['BPG007'].hint}"


@pytest.mark.parametrize("output_format", ["text", "json", "sarif", "github"])
def test_output_file_gets_the_report_and_stdout_stays_empty(
    failing: Path, tmp_path: Path, output_format: str
) -> None:
    report = tmp_path / "report.out"
    result = invoke("lint", "--format", output_format, "-o", report, failing)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert (
        report.read_text(encoding="utf-8")
        == invoke("lint", "--format", output_format, failing).stdout
    )


def test_unwritable_output_file_is_a_usage_error(failing: Path, tmp_path: Path) -> None:
    result = invoke("lint", "-o", tmp_path / "missing" / "report.json", failing)
    assert result.exit_code == 2
    assert "cannot write" in result.stderr


def test_no_colour_unless_asked(failing: Path) -> None:
    assert "\x1b[" not in invoke("lint", failing).output
    assert "\x1b[" not in invoke("lint", "--no-color", failing).output
    coloured = invoke("lint", "--color", failing).stdout
    assert "\x1b[31merror\x1b[0m" in coloured
    assert "\x1b[" not in invoke("lint", "--color", "--format", "json", failing).stdout


# -- which Blueprints a set of paths selects ---------------------------------


def test_a_file_inside_a_blueprint_lints_only_that_blueprint(failing: Path) -> None:
    clean = lint_json(failing / "blueprints" / "clean" / "chart" / "values.yaml")
    assert (clean["blueprints"], clean["exitCode"]) == (["blueprints/clean"], 0)
    leaky = lint_json(failing / "blueprints" / "leaky" / "chart" / "templates" / "configmap.yaml")
    assert (leaky["blueprints"], leaky["exitCode"]) == (["blueprints/leaky"], 1)


def test_files_of_one_blueprint_lint_it_once(failing: Path) -> None:
    chart = failing / "blueprints" / "leaky" / "chart"
    document = lint_json(chart / "values.yaml", chart / "Chart.yaml", chart.parent)
    assert document["blueprints"] == ["blueprints/leaky"]
    assert len(document["diagnostics"]) == 1


def test_the_workspace_file_selects_every_blueprint(failing: Path) -> None:
    # The pre-commit hook passes a changed blueprintc.yaml; its settings apply to all.
    document = lint_json(failing / "blueprintc.yaml")
    assert document["blueprints"] == ["blueprints/clean", "blueprints/leaky"]
    assert document["exitCode"] == 1


def test_a_directory_inside_a_blueprint_selects_that_blueprint(failing: Path) -> None:
    assert lint_json(failing / "blueprints" / "leaky" / "chart")["blueprints"] == [
        "blueprints/leaky"
    ]


def test_two_blueprint_dirs_lint_both(failing: Path) -> None:
    document = lint_json(failing / "blueprints" / "leaky", failing / "blueprints" / "clean")
    assert document["blueprints"] == ["blueprints/clean", "blueprints/leaky"]
    assert document["exitCode"] == 1


def test_relative_paths_from_the_workspace(failing: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(failing)
    result = invoke("lint", "blueprints/leaky/chart/values.yaml")
    assert result.exit_code == 1
    assert result.stdout.startswith("blueprints/leaky/chart/values.yaml:3:13: error BPG007")


# -- explain ----------------------------------------------------------------


def test_explain_prints_rationale_and_fix() -> None:
    result = invoke("explain", "BPG001")
    assert result.exit_code == 0
    rule = RULES["BPG001"]
    assert result.stdout.startswith("BPG001 hollow-chart (chart guards, default severity error)")
    assert rule.doc.splitlines()[0] in result.stdout
    assert result.stdout.rstrip().endswith(f"Fix: {rule.hint}")


def test_explain_is_case_insensitive() -> None:
    assert invoke("explain", "bpg001").stdout == invoke("explain", "BPG001").stdout


def test_explain_unknown_rule_exits_2() -> None:
    result = invoke("explain", "NOPE")
    assert result.exit_code == 2
    assert "unknown rule id 'NOPE'" in result.stderr


def test_explain_lists_every_rule() -> None:
    result = invoke("explain")
    assert result.exit_code == 0
    assert [line.split()[0] for line in result.stdout.splitlines()] == list(RULES)


def test_a_hollow_chart_without_blueprint_yaml_is_found(failing: Path) -> None:
    """A directory with chart/ but no blueprint.yaml is guarded: its hollow chart fails."""
    axon = failing / "blueprints" / "axon" / "chart"
    axon.mkdir(parents=True)
    (axon / "Chart.yaml").write_text("apiVersion: v2\nname: axon\nversion: 0.1.0\n")
    result = invoke("lint", failing / "blueprints" / "axon")
    assert result.exit_code == 1, result.output
    assert "blueprints/axon/chart/Chart.yaml:1:1: error BPI010" in result.stdout
    assert "blueprints/axon/chart/Chart.yaml:2:1: error BPG001" in result.stdout
    assert "1 Blueprint(s) linted" in result.stdout


def test_an_explicit_path_without_a_blueprint_is_a_usage_error(failing: Path) -> None:
    (failing / "blueprints" / "notes").mkdir()
    result = invoke("lint", failing / "blueprints" / "notes")
    assert result.exit_code == 2
    assert "holds no Blueprint" in result.stderr
    assert "passed" not in result.stdout
