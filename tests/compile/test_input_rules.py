"""Input rules are configured like every rule, and compile honours lint's settings
(issue 12 point 2): a duplicate key with the same value twice (which Helm accepts) is
BPI013, a warning, and the file is read; with different values it is BPI002, an error
that refuses the file, unless `blueprintc.yaml` lowers it (then the last key wins, as
in Helm). `lint` and `compile` report the same rule at the same severity."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from blueprintc.compile.run import explain_value, plan
from blueprintc.diagnostics import Severity
from blueprintc.lint import lint
from blueprintc.source import SourceFile
from blueprintc.yamldoc import load_yaml
from tests.cli.helpers import invoke
from tests.compile.helpers import copy_workspace, line_of

VALUES = "blueprints/webapp/chart/values.yaml"
# A chart default the Application acme/shop (bp-webapp) gets, written twice.
SAME = ("  replicaCount: 2\n", "  replicaCount: 2\n  replicaCount: 2\n")
DIFFERENT = (
    "  clusterIssuer: letsencrypt-http01\n",
    "  clusterIssuer: letsencrypt-http01\n  clusterIssuer: shop\n",
)


def _workspace(
    tmp_path: Path, edit: tuple[str, str], rules: dict[str, object] | None = None
) -> Path:
    root = copy_workspace(tmp_path / "ws")
    values = root / VALUES
    text = values.read_text(encoding="utf-8")
    assert edit[0] in text
    values.write_text(text.replace(edit[0], edit[1], 1), encoding="utf-8")
    if rules is not None:
        config = yaml.safe_load((root / "blueprintc.yaml").read_text(encoding="utf-8"))
        config.setdefault("lint", {})["rules"] = rules
        (root / "blueprintc.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return root


def _found(diagnostics: list, rule: str) -> list[tuple[str, int, Severity, str | None]]:
    return [
        (d.location.file, d.location.line, d.severity, d.suppressed)
        for d in diagnostics
        if d.rule == rule
    ]


def _lint(root: Path, rule: str) -> list[tuple[str, int, Severity, str | None]]:
    return _found(lint([root / "blueprints" / "webapp"], root=root).diagnostics, rule)


def _line_of_second(root: Path, key: str) -> int:
    lines = (root / VALUES).read_text(encoding="utf-8").splitlines()
    return [i for i, text in enumerate(lines, 1) if text.strip().startswith(key)][-1]


def test_same_value_twice_is_a_warning_and_compile_goes_on(tmp_path: Path) -> None:
    root = _workspace(tmp_path, SAME)
    line = _line_of_second(root, "replicaCount:")
    outcome = plan(root)
    expected = [(VALUES, line, Severity.WARNING, None)]
    assert _found(outcome.diagnostics, "BPI013") == expected
    assert outcome.failing == []
    assert _lint(root, "BPI013") == expected  # lint says the same
    result = invoke("compile", root)
    assert result.exit_code == 0, result.output
    assert "warning BPI013 [duplicate-key-same-value]" in result.output
    assert (root / "out" / "clusters").is_dir()


@pytest.mark.parametrize(("setting", "severity", "suppressed"), [("error", Severity.ERROR, None)])
def test_raised_to_error_it_stops_compile(
    tmp_path: Path, setting: str, severity: Severity, suppressed: str | None
) -> None:
    root = _workspace(tmp_path, SAME, {"BPI013": setting})
    line = _line_of_second(root, "replicaCount:")
    outcome = plan(root)
    expected = [(VALUES, line, severity, suppressed)]
    assert _found(outcome.diagnostics, "BPI013") == expected
    assert [d.rule for d in outcome.failing] == ["BPI013"]
    assert _lint(root, "BPI013") == expected
    result = invoke("compile", root)
    assert result.exit_code == 1
    assert "error BPI013" in result.output and not (root / "out").exists()


def test_off_silences_it(tmp_path: Path) -> None:
    root = _workspace(tmp_path, SAME, {"BPI013": "off"})
    outcome = plan(root)
    assert [d for d in outcome.diagnostics if d.suppressed is None] == []
    assert _lint(root, "BPI013") == [
        (VALUES, _line_of_second(root, "replicaCount:"), Severity.WARNING, "config")
    ]
    result = invoke("compile", root)
    assert result.exit_code == 0 and "BPI013" not in result.output


def test_different_values_refuse_the_file_by_default(tmp_path: Path) -> None:
    root = _workspace(tmp_path, DIFFERENT)
    line = _line_of_second(root, "clusterIssuer:")
    outcome = plan(root)
    expected = [(VALUES, line, Severity.ERROR, None)]
    assert _found(outcome.diagnostics, "BPI002") == expected
    assert [d.rule for d in outcome.failing] == ["BPI002"]
    assert _lint(root, "BPI002") == expected


def test_different_values_lowered_are_read_as_helm_reads_them(tmp_path: Path) -> None:
    root = _workspace(tmp_path, DIFFERENT, {"BPI002": {"severity": "warning"}})
    line = _line_of_second(root, "clusterIssuer:")
    outcome = plan(root)
    expected = [(VALUES, line, Severity.WARNING, None)]
    assert _found(outcome.diagnostics, "BPI002") == expected
    assert outcome.failing == []
    assert _lint(root, "BPI002") == expected
    # The last of the two keys wins, as in Helm: the second one's value, at its line.
    lines = explain_value(root, "acme/shop/dev", "ingress.clusterIssuer")
    assert lines[0] == "ingress.clusterIssuer = 'shop'", lines
    assert f"{VALUES}:{line}:" in lines[1]


def test_an_inline_comment_on_the_second_key_reads_the_file(tmp_path: Path) -> None:
    edit = (DIFFERENT[0], DIFFERENT[1].replace("shop\n", "shop  # blueprintc: disable=BPI002\n"))
    root = _workspace(tmp_path, edit)
    outcome = plan(root)
    assert outcome.failing == []
    assert [d.suppressed for d in outcome.diagnostics if d.rule == "BPI002"] == ["inline"]


def test_an_organization_duplicate_follows_the_same_settings(tmp_path: Path) -> None:
    root = copy_workspace(tmp_path / "ws")
    org = root / "organizations" / "acme.yaml"
    text = org.read_text(encoding="utf-8")
    org.write_text(
        text.replace(
            "          replicaCount: 3\n",
            "          replicaCount: 3\n          replicaCount: 3\n",
            1,
        ),
        encoding="utf-8",
    )
    outcome = plan(root)
    assert [(d.rule, d.severity) for d in outcome.diagnostics] == [("BPI013", Severity.WARNING)]
    assert outcome.failing == []


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("a: 1\na: 1\n", "BPI013"),
        ("a: {b: [1, x]}\na: {b: [1, x]}\n", "BPI013"),
        ("a: 1\na: 1.0\n", "BPI002"),  # equal in Python, not in Helm's JSON
        ("a: 1\na: true\n", "BPI002"),
        ("a: {b: 1}\na: {b: 1, c: 2}\n", "BPI002"),
    ],
)
def test_same_means_same_types_all_the_way_down(text: str, rule: str) -> None:
    source = SourceFile(Path("values.yaml"), "values.yaml", text)
    doc = load_yaml(source, lambda error, _source: True)
    assert [e.rule for e in doc.findings] == [rule]
    assert doc.locate(("a",)) == (2, 4)  # the value that wins: the last one


def test_an_input_error_is_not_repeated_as_an_invalid_planned_object(tmp_path: Path) -> None:
    """An Organization without `regions` or `environments` is BPP015 at its own lines;
    the Organization object planned from it (`spec.regions: []`) is invalid for that
    same reason, and a BPC001 at out/ saying "if the input is right, it is a
    blueprintc bug" would only send the user to the wrong file."""
    root = copy_workspace(tmp_path / "ws")
    (root / "organizations" / "acme.yaml").write_text(
        "apiVersion: catalyst.openova.io/v1alpha1\nkind: Organization\n"
        "metadata:\n  name: acme\nspec:\n  displayName: Acme\n",
        encoding="utf-8",
    )
    outcome = plan(root)
    assert sorted((d.rule, d.location.file, d.message) for d in outcome.failing) == [
        ("BPP015", "organizations/acme.yaml", "spec: 'environments' is a required property"),
        ("BPP015", "organizations/acme.yaml", "spec: 'regions' is a required property"),
    ]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("          replicaCount: 3\n", "          replicaCnt: 3\n"),  # the Application's
        ("              replicaCount: 1\n", "              replicaCnt: 1\n"),  # dev's own
    ],
)
def test_a_misspelt_config_key_is_one_finding_at_its_line_with_the_right_one(
    tmp_path: Path, old: str, new: str
) -> None:
    """acme/shop's config and its dev override both hold `webapp`: a misspelt key in
    either is reported once, at the line that holds it (not at the other file's
    `webapp`), with the configSchema's closest key."""
    root = copy_workspace(tmp_path / "ws")
    org = root / "organizations" / "acme.yaml"
    text = org.read_text(encoding="utf-8")
    assert text.count(old) == 1
    org.write_text(text.replace(old, new), encoding="utf-8")
    line = org.read_text(encoding="utf-8").splitlines().index(new.rstrip("\n")) + 1
    found = [d for d in plan(root).failing if d.rule == "BPP004"]
    assert [(d.location.file, d.location.line, d.hint) for d in found] == [
        ("organizations/acme.yaml", line, "did you mean 'replicaCount'? Otherwise remove the key")
    ]
    assert "'replicaCnt' was unexpected" in found[0].message


def test_a_misspelt_blueprint_name_gets_the_closest_one(tmp_path: Path) -> None:
    root = copy_workspace(tmp_path / "ws")
    org = root / "organizations" / "acme.yaml"
    org.write_text(
        org.read_text(encoding="utf-8").replace("blueprint: bp-webapp", "blueprint: bp-webap", 1)
    )
    [found] = [d for d in plan(root).failing if d.rule == "BPP002"]
    assert found.message == "Application shop: Blueprint bp-webap is not in the catalog"
    assert found.hint is not None and found.hint.startswith(
        "did you mean bp-webapp? The catalog has: "
    )


def test_a_misspelt_region_gets_the_closest_region_of_the_sovereign(tmp_path: Path) -> None:
    root = copy_workspace(tmp_path / "ws")
    org = root / "organizations" / "acme.yaml"
    text = org.read_text(encoding="utf-8")
    org.write_text(text.replace("  regions: [hz-nbg,", "  regions: [hz-nbgg,", 1), encoding="utf-8")
    found = [d for d in plan(root).failing if d.rule == "BPP011"]
    [region] = [d for d in found if d.message.startswith("Organization region hz-nbgg ")]
    assert region.location.line == 9 and region.hint == "did you mean hz-nbg?"
    # the Applications placed in hz-nbg are now outside acme's regions: said as such
    assert all("is placed in hz-nbg" in d.message for d in found if d is not region)


@pytest.mark.parametrize(
    ("org", "old", "new", "message"),
    [
        (
            "initech",
            "\n  regions: [hz-nbg]\n",
            "\n  regions: [nbg]\n",
            "Organization region nbg is not a region of Sovereign omantel",
        ),
        (
            "acme",
            "active-active\n        regions: [hz-nbg, oci-fra]\n",
            "active-active\n        regions: [nbg, oci-fra]\n",
            "Application shop is placed in nbg, which is not one of",
        ),
    ],
)
@pytest.mark.parametrize("jobs", [1, 2])
def test_a_region_without_its_provider_is_bpp011_with_the_key_to_write(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    org: str,
    old: str,
    new: str,
    message: str,
    jobs: int,
) -> None:
    """`nbg` for `hz-nbg` (region codes are provider-scoped): BPP011 at the region,
    saying the key to write, never a traceback from naming its cluster; the same in
    compile's worker processes (`--jobs`, from 16 Organizations: here from 2)."""
    from blueprintc.compile import planner

    monkeypatch.setattr(planner, "PARALLEL_MIN_ORGANIZATIONS", 2)
    root = copy_workspace(tmp_path / "ws")
    path = root / "organizations" / f"{org}.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    line = line_of(path, "[nbg")
    outcome = plan(root, jobs=jobs)
    assert outcome.result is not None and bool(outcome.result.checked) == (jobs > 1)
    assert [
        (d.rule, d.location.file, d.location.line, d.location.column, d.hint)
        for d in outcome.failing
    ] == [
        (
            "BPP011",
            f"organizations/{org}.yaml",
            line,
            new.rstrip("\n").rpartition("\n")[2].index("nbg") + 1,
            "write the region with its provider: hz-nbg",
        )
    ]
    assert outcome.failing[0].message.startswith(message)
