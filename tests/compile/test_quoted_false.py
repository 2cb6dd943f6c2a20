"""BPP032: a string that says false where the chart, or below a subchart's key the
subchart, has a boolean, at the line that set it (blueprintc.quoted_false)."""

from __future__ import annotations

import shutil
from pathlib import Path

from blueprintc.compile.run import plan
from tests.compile.helpers import copy_workspace

DEV = "overlays/environments/dev.yaml"
CASE = Path(__file__).parents[1] / "rules" / "cases" / "BPP032" / "fail"


def _quoted(root: Path) -> list[tuple[str, int, str]]:
    return [
        (d.location.file, d.location.line, d.message)
        for d in plan(root).diagnostics
        if d.rule == "BPP032"
    ]


def test_below_a_subcharts_key_the_default_is_the_subcharts_or_the_wrappers(
    tmp_path: Path,
) -> None:
    """webapp's own values.yaml has `autoscaling.enabled: false`; bp-webapp's sets
    `webapp.networkPolicy.enabled: true` over the upstream's."""
    root = copy_workspace(tmp_path / "ws")
    overlay = root / DEV
    text = overlay.read_text(encoding="utf-8")
    assert "\nbp-webapp:\n  webapp:\n" in text
    addition = (
        "    autoscaling:\n      enabled: 'false'\n    networkPolicy:\n      enabled: \"off\"\n"
    )
    overlay.write_text(text + addition, "utf-8")
    first = len(text.splitlines()) + 2
    assert _quoted(root) == [
        (
            DEV,
            first,
            'Environment overlay dev: webapp.autoscaling.enabled is the string "false", '
            "where webapp's values.yaml has a boolean (false): its templates' `if` reads any "
            "non-empty string as true, so this does not switch it off",
        ),
        (
            DEV,
            first + 2,
            'Environment overlay dev: webapp.networkPolicy.enabled is the string "off", '
            "where bp-webapp's values.yaml has a boolean (true): its templates' `if` reads "
            "any non-empty string as true, so this does not switch it off",
        ),
    ]


def test_a_string_where_the_chart_has_a_string_is_not(tmp_path: Path) -> None:
    """`webapp.tracing.samplingRatio` is the string "0.1" upstream; "0" stays a string."""
    root = copy_workspace(tmp_path / "ws")
    overlay = root / DEV
    text = overlay.read_text(encoding="utf-8")
    overlay.write_text(text + '    tracing:\n      samplingRatio: "0"\n', "utf-8")
    assert _quoted(root) == []


def test_where_the_charts_schema_refuses_the_string_only_that_error_stands(
    tmp_path: Path,
) -> None:
    """The BPP032 rule case's bp-app given a values.schema.json that types `tls.enabled`:
    Helm refuses the string (BPP016, an error, at the same value), which says it all."""
    root = tmp_path / "ws"
    shutil.copytree(CASE, root)
    (root / "blueprints" / "app" / "chart" / "values.schema.json").write_text(
        '{"type": "object", "properties": {"tls": {"type": "object", '
        '"properties": {"enabled": {"type": "boolean"}}}}}\n',
        encoding="utf-8",
    )
    found = [
        (d.rule, d.location.line)
        for d in plan(root).diagnostics
        if d.location.file == "organizations/acme.yaml"
    ]
    assert ("BPP016", 20) in found  # `enabled: "no"` below `tls:`
    assert ("BPP032", 20) not in found
    assert ("BPP032", 26) in found  # `metrics.enabled: 'Off'`: the schema says nothing
