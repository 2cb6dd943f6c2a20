"""Suppressed diagnostics, inline (`# blueprintc: disable=ID`, `disable-next-line=ID`) or
by blueprintc.yaml (`off`, a severity, `ignore` globs): they do not fail the run, the
text report leaves them out but counts them, JSON marks them and SARIF carries
`suppressions`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.helpers import SECRET_VALUES, invoke, write_workspace

SAME_LINE = "replicas: 1\nauth:\n  password: hunter2  # blueprintc: disable=BPG007\n"
NEXT_LINE = "replicas: 1\nauth:\n  # blueprintc: disable-next-line=BPG007\n  password: hunter2\n"
SARIF_KIND = {"inline": "inSource", "config": "external"}


def assert_suppressed(workspace: Path, how: str) -> None:
    text = invoke("lint", workspace)
    assert text.exit_code == 0, text.output
    assert "BPG007" not in text.stdout
    assert text.stdout == "1 Blueprint(s) linted: 0 error(s), 0 warning(s), 1 suppressed; passed\n"

    assert invoke("lint", "--format", "github", workspace).stdout == ""

    document = json.loads(invoke("lint", "--format", "json", workspace).stdout)
    assert document["exitCode"] == 0
    assert [(d["rule"], d["suppressed"]) for d in document["diagnostics"]] == [("BPG007", how)]

    log = json.loads(invoke("lint", "--format", "sarif", workspace).stdout)
    (entry,) = log["runs"][0]["results"]
    assert (entry["ruleId"], entry["suppressions"]) == ("BPG007", [{"kind": SARIF_KIND[how]}])


def assert_active(workspace: Path) -> None:
    result = invoke("lint", "--format", "json", workspace)
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert [(d["rule"], d["suppressed"]) for d in document["diagnostics"]] == [("BPG007", None)]


@pytest.mark.parametrize("values", [SAME_LINE, NEXT_LINE], ids=["disable", "disable-next-line"])
def test_inline_comment_suppresses(tmp_path: Path, values: str) -> None:
    assert_suppressed(write_workspace(tmp_path, {"demo": values}), "inline")


@pytest.mark.parametrize(
    "values",
    [
        # another rule's id
        "replicas: 1\nauth:\n  password: hunter2  # blueprintc: disable=BPG001\n",
        "replicas: 1\nauth:\n  # blueprintc: disable-next-line=BPG001\n  password: hunter2\n",
        # disable-next-line silences the next line, not its own
        "replicas: 1\nauth:\n  password: hunter2  # blueprintc: disable-next-line=BPG007\n",
        # disable silences its own line, not the next
        "replicas: 1\nauth:\n  # blueprintc: disable=BPG007\n  password: hunter2\n",
        # two lines below is out of reach
        "replicas: 1\n# blueprintc: disable-next-line=BPG007\nauth:\n  password: hunter2\n",
    ],
    ids=["other-id", "other-id-next-line", "next-line-own-line", "disable-next", "too-far"],
)
def test_inline_comment_does_not_reach_other_rules_or_lines(tmp_path: Path, values: str) -> None:
    assert_active(write_workspace(tmp_path, {"demo": values}))


def test_inline_ids_are_a_list_and_case_insensitive(tmp_path: Path) -> None:
    values = "replicas: 1\nauth:\n  password: hunter2  # blueprintc: disable=BPG001, bpg007\n"
    assert_suppressed(write_workspace(tmp_path, {"demo": values}), "inline")


@pytest.mark.parametrize(
    "setting",
    [
        "off",
        "'off'",
        "false",
        "{severity: off}",
        "{severity: 'off'}",
        "{ignore: ['blueprints/demo/**']}",
        "{ignore: ['blueprints/other/**', 'blueprints/*/chart/values.yaml']}",
    ],
)
def test_config_suppresses(tmp_path: Path, setting: str) -> None:
    config = f"lint:\n  rules:\n    BPG007: {setting}\n"
    assert_suppressed(write_workspace(tmp_path, {"demo": SECRET_VALUES}, config), "config")


def test_config_ignore_glob_that_does_not_match_leaves_the_finding(tmp_path: Path) -> None:
    config = "lint:\n  rules:\n    BPG007:\n      ignore: ['blueprints/other/**']\n"
    assert_active(write_workspace(tmp_path, {"demo": SECRET_VALUES}, config))


@pytest.mark.parametrize(
    ("setting", "severity"), [("warning", "warning"), ("{severity: info}", "info")]
)
def test_config_severity_changes_the_finding_without_suppressing_it(
    tmp_path: Path, setting: str, severity: str
) -> None:
    config = f"lint:\n  rules:\n    BPG007: {setting}\n"
    workspace = write_workspace(tmp_path, {"demo": SECRET_VALUES}, config)
    result = invoke("lint", "--format", "json", workspace)
    assert result.exit_code == 0
    (diagnostic,) = json.loads(result.stdout)["diagnostics"]
    assert (diagnostic["severity"], diagnostic["suppressed"]) == (severity, None)
    assert invoke("lint", "--fail-on", "info", workspace).exit_code == 1


def test_a_malformed_rule_setting_is_reported(tmp_path: Path) -> None:
    config = "lint:\n  rules:\n    BPG007:\n      ignore: blueprints/demo/**\n"
    workspace = write_workspace(tmp_path, {"demo": SECRET_VALUES}, config)
    result = invoke("lint", "--format", "json", workspace)
    assert result.exit_code == 1
    found = {(d["rule"], d["file"], d["line"]) for d in json.loads(result.stdout)["diagnostics"]}
    assert ("BPI009", "blueprintc.yaml", 6) in found


def test_inline_comment_works_in_a_file_over_the_default_size_limit(tmp_path: Path) -> None:
    # lint.maxFileBytes admits the file; the suppression reader must use the same limit.
    padding = ("# " + "x" * 97 + "\n") * 43_000  # 4.3 MB of comment: above the 4 MiB default
    config = "lint:\n  maxFileBytes: 8000000\n"
    workspace = write_workspace(tmp_path, {"demo": SAME_LINE + padding}, config)
    result = invoke("lint", "--format", "json", workspace)
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert [(d["rule"], d["suppressed"]) for d in document["diagnostics"]] == [("BPG007", "inline")]
