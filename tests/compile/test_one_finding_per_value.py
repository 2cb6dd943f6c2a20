"""One mistake, one finding: a code the canon does not know (an env type, provider,
region or building block) breaks the schema's pattern too, but compile reports it
once, as the canon rule (BPP013) whose hint names the codes the canon allows; the
schema's BPP015 at the same place is reported only when BPP013 is switched off. And
a typo in sovereign.yaml is not reported again in every Organization that the
Sovereign's (mistyped) regions or env types no longer fit, nor an Organization's
region or env type typo again at each placement or override that depends on it, nor
an unsupported placement mode as BPP015 beside BPP005."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from blueprintc.compile.run import plan
from blueprintc.diagnostics import Diagnostic
from tests.compile.helpers import copy_workspace

# (line as in the reference sovereign.yaml, as mistyped): each a code the canon lacks.
SOVEREIGN_EDITS = (
    ("  envTypes: [prod, stg, uat, dev, poc]\n", "  envTypes: [production, stg, uat, dev, poc]\n"),
    ("    - provider: hz\n      region: fsn\n", "    - provider: hetzner\n      region: fsn\n"),
    ("      region: nbg\n", "      region: nuremberg\n"),
    (
        "      region: fra\n      buildingBlocks: [dmz, rtz]\n",
        "      region: fra\n      buildingBlocks: [dmz, runtime]\n",
    ),
)
MISTYPED = ("'production'", "'hetzner'", "'nuremberg'", "'runtime'")


def _mistyped_sovereign(tmp_path: Path, rules: dict[str, object] | None = None) -> Path:
    root = copy_workspace(tmp_path / "ws")
    sovereign = root / "sovereign.yaml"
    text = sovereign.read_text(encoding="utf-8")
    for before, after in SOVEREIGN_EDITS:
        assert before in text, before
        text = text.replace(before, after, 1)
    sovereign.write_text(text, encoding="utf-8")
    if rules is not None:
        config = yaml.safe_load((root / "blueprintc.yaml").read_text(encoding="utf-8"))
        config.setdefault("lint", {})["rules"] = rules
        (root / "blueprintc.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return root


def _at_mistakes(diagnostics: list[Diagnostic]) -> dict[str, list[str]]:
    """The active findings of sovereign.yaml that name each mistyped code, by code."""
    found: dict[str, list[str]] = {code: [] for code in MISTYPED}
    for d in diagnostics:
        if d.suppressed is None and d.location.file == "sovereign.yaml":
            for code in MISTYPED:
                if code in d.message:
                    found[code].append(d.rule)
    return found


def test_a_code_the_canon_lacks_is_one_finding_with_the_canon_hint(tmp_path: Path) -> None:
    outcome = plan(_mistyped_sovereign(tmp_path))
    assert _at_mistakes(outcome.diagnostics) == {code: ["BPP013"] for code in MISTYPED}
    assert not [d for d in outcome.diagnostics if d.rule == "BPP015"]


def test_a_sovereign_typo_is_not_reported_again_in_every_organization(tmp_path: Path) -> None:
    """The region, building block and env type typos left the Sovereign without the
    regions and env type the Organizations use: on main that was a BPP011 per
    Organization region and a BPP013 per Environment, and a BPP008 for the region
    whose building block is misspelt. Only the four typos are reported, in
    sovereign.yaml; once they are fixed, the Organizations are checked against it."""
    outcome = plan(_mistyped_sovereign(tmp_path))
    shown = [(d.rule, d.location.file, d.location.line) for d in outcome.failing]
    assert sorted(shown) == sorted(
        ("BPP013", "sovereign.yaml", line) for line in _lines_of_mistakes(tmp_path)
    )


def test_organizations_are_checked_against_a_sovereign_without_typos(tmp_path: Path) -> None:
    root = copy_workspace(tmp_path / "ws")
    sovereign = root / "sovereign.yaml"
    text = sovereign.read_text(encoding="utf-8")
    envs = "  envTypes: [prod, stg, uat, dev, poc]\n"
    assert envs in text
    sovereign.write_text(text.replace(envs, "  envTypes: [stg, uat, dev, poc]\n"), "utf-8")
    outcome = plan(root)
    assert {(d.rule, d.location.file) for d in outcome.failing} >= {
        ("BPP013", "organizations/acme.yaml")
    }
    assert any("has no host clusters" in d.message for d in outcome.failing)


def _lines_of_mistakes(tmp_path: Path) -> list[int]:
    lines = (tmp_path / "ws" / "sovereign.yaml").read_text(encoding="utf-8").splitlines()
    return [i for i, line in enumerate(lines, 1) if any(c.strip("'") in line for c in MISTYPED)]


def test_with_the_canon_rule_off_the_schema_still_reports_each_code(tmp_path: Path) -> None:
    outcome = plan(_mistyped_sovereign(tmp_path, rules={"BPP013": "off"}))
    assert _at_mistakes(outcome.diagnostics) == {code: ["BPP015"] for code in MISTYPED}


def test_an_organization_env_type_the_canon_lacks_is_one_finding(tmp_path: Path) -> None:
    root = copy_workspace(tmp_path / "ws")
    org = root / "organizations" / "acme.yaml"
    text = org.read_text(encoding="utf-8")
    assert "    - type: prod\n" in text
    org.write_text(text.replace("    - type: prod\n", "    - type: production\n", 1), "utf-8")
    outcome = plan(root)
    at_type = [
        (d.rule, d.hint)
        for d in outcome.diagnostics
        if d.location.file == "organizations/acme.yaml" and "'production'" in d.message
    ]
    assert len(at_type) == 1, at_type
    rule, hint = at_type[0]
    assert rule == "BPP013"
    assert "prod, stg, uat, dev, poc" in hint


def test_an_organization_region_typo_is_not_reported_again_at_each_placement(
    tmp_path: Path,
) -> None:
    """acme's `regions: [hz-nbg, oci-fra]` mistyped as hz-nbgg: on main, also a BPP011
    for each Application placed in hz-nbg. Now the Organization's list alone, with the
    region it was meant to be; a placement outside a correct list is still reported
    (tests/rules/cases/BPP011)."""
    root = copy_workspace(tmp_path / "ws")
    org = root / "organizations" / "acme.yaml"
    text = org.read_text(encoding="utf-8")
    line = "  poolDomain: omani.homes\n  regions: [hz-nbg, oci-fra]\n"  # spec.regions
    assert line in text
    org.write_text(text.replace(line, line.replace("hz-nbg,", "hz-nbgg,")), "utf-8")
    outcome = plan(root)
    shown = [(d.rule, d.location.file, d.location.line, d.hint) for d in outcome.failing]
    assert shown == [("BPP011", "organizations/acme.yaml", 9, "did you mean hz-nbg?")]


def _mistyped_acme(tmp_path: Path, before: str, after: str) -> list[tuple[str, int, str]]:
    root = copy_workspace(tmp_path / "ws")
    org = root / "organizations" / "acme.yaml"
    text = org.read_text(encoding="utf-8")
    assert text.count(before) == 1, before
    org.write_text(text.replace(before, after), "utf-8")
    return [(d.rule, d.location.line, d.message) for d in plan(root).failing]


def test_an_unsupported_placement_mode_is_one_finding_naming_the_modes(tmp_path: Path) -> None:
    """On main also BPP015 at the same column: 'active-hotstandy' is not one of the
    schema's three modes; BPP005 says which of them the Blueprint supports."""
    shown = _mistyped_acme(tmp_path, "mode: active-hotstandby\n", "mode: active-hotstandy\n")
    assert [(rule, line) for rule, line, _ in shown] == [("BPP005", 46)]
    assert "supports: active-hotstandby" in shown[0][2]


def test_a_mistyped_environment_type_is_not_reported_again_at_its_overrides(
    tmp_path: Path,
) -> None:
    """`type: dev` mistyped `devel`: on main also BPP019 for shop's `environments: {dev:
    ...}` override, which the typo left without an Environment. An override that is
    not close to the mistyped type is still reported (tests/rules/cases/BPP019)."""
    shown = _mistyped_acme(tmp_path, "    - type: dev\n", "    - type: devel\n")
    assert [(rule, line) for rule, line, _ in shown] == [("BPP013", 23)]


def test_a_config_key_the_config_schema_refuses_is_not_also_an_unknown_chart_value(
    tmp_path: Path,
) -> None:
    """shop's `config: {webapp: ...}` mistyped `webap`: bp-webapp's configSchema refuses
    the key (BPP004, an error, with its did-you-mean); on main it was also BPP022, a
    warning that the chart has no such value. A key the schema lets through but the
    chart lacks is still BPP022 (tests/rules/cases/BPP022)."""
    root = copy_workspace(tmp_path / "ws")
    org = root / "organizations" / "acme.yaml"
    text = org.read_text(encoding="utf-8")
    line = "      config:\n        webapp:\n"  # shop's own config, not a dev override
    assert text.count(line) == 1
    org.write_text(text.replace(line, "      config:\n        webap:\n"), "utf-8")
    about = [
        (d.rule, d.severity.label)
        for d in plan(root).diagnostics
        if d.suppressed is None and "webap'" in d.message
    ]
    assert about == [("BPP004", "error")]


def test_an_invalid_slug_is_one_finding_that_suggests_a_valid_one(tmp_path: Path) -> None:
    """`name: Acme` in acme.yaml: on main also "name the file Acme.yaml", a second
    BPP013 at the same place advising a file name no slug may have."""
    shown = _mistyped_acme(tmp_path, "  name: acme\n", "  name: Acme\n")
    assert [(rule, line) for rule, line, _ in shown] == [("BPP013", 5)]
    root = tmp_path / "ws"
    (hint,) = [d.hint for d in plan(root).failing]
    assert "such as 'acme'" in hint


def test_a_valid_slug_in_another_file_is_still_told_the_file_name(tmp_path: Path) -> None:
    shown = _mistyped_acme(tmp_path, "  name: acme\n", "  name: acme-trading\n")
    assert [(rule, line) for rule, line, _ in shown] == [("BPP013", 5)]
    assert "name the file acme-trading.yaml" in shown[0][2]


KIT_ENTRY = "    - blueprint: bp-cert-manager\n      version: ^1.2\n"


def _kit_edit(tmp_path: Path, after: str) -> list[tuple[str, str]]:
    root = copy_workspace(tmp_path / "ws")
    sovereign = root / "sovereign.yaml"
    text = sovereign.read_text(encoding="utf-8")
    assert text.count(KIT_ENTRY) == 1
    sovereign.write_text(text.replace(KIT_ENTRY, after), "utf-8")
    return sorted((d.rule, d.location.file) for d in plan(root).failing)


@pytest.mark.parametrize(
    ("after", "rule"),
    [
        ("    - blueprint: bp-cert-manger\n      version: ^1.2\n", "BPP002"),
        ("    - blueprint: bp-cert-manager\n      version: ^9.2\n", "BPP003"),
    ],
    ids=["misspelt", "no-version"],
)
def test_a_kit_entry_is_reported_once_not_at_each_blueprint_that_needs_it(
    tmp_path: Path, after: str, rule: str
) -> None:
    """On main, also a BPP002 at bp-cluster-issuers' and bp-postgres' `depends` on
    bp-cert-manager ("not in the bootstrap kit"), which the entry means."""
    assert _kit_edit(tmp_path, after) == [(rule, "sovereign.yaml")]


def test_a_kit_without_a_needed_blueprint_is_told_at_each_blueprint(tmp_path: Path) -> None:
    root = copy_workspace(tmp_path / "ws")
    sovereign = root / "sovereign.yaml"
    text = sovereign.read_text(encoding="utf-8")
    start = text.index(KIT_ENTRY)
    end = text.index("    - blueprint:", start + len(KIT_ENTRY))  # the entry, whole
    sovereign.write_text(text[:start] + text[end:], "utf-8")
    shown = sorted((d.rule, d.location.file) for d in plan(root).failing)
    assert shown == [
        ("BPP002", "blueprints/cluster-issuers/blueprint.yaml"),
        ("BPP002", "blueprints/postgres/blueprint.yaml"),
    ]


def test_a_kit_entry_not_close_to_a_needed_blueprint_leaves_its_dependents_told(
    tmp_path: Path,
) -> None:
    """`bp-cert` is not taken for bp-cert-manager (difflib ratio 0.64, under 0.85): the
    kit lacks bp-cert-manager in its own right, so its dependents say so too."""
    shown = _kit_edit(tmp_path, "    - blueprint: bp-cert\n      version: ^1.2\n")
    assert shown == [
        ("BPP002", "blueprints/cluster-issuers/blueprint.yaml"),
        ("BPP002", "blueprints/postgres/blueprint.yaml"),
        ("BPP002", "sovereign.yaml"),
    ]


def test_a_misspelt_dependency_of_a_kit_blueprint_is_one_finding_naming_the_blueprint(
    tmp_path: Path,
) -> None:
    """bp-cluster-issuers' `depends: [bp-cert-manger]`: on main, BPP002 advised adding
    bp-cert-manger (a Blueprint that does not exist) to the bootstrap kit, and BPP027
    said the entry renders cert-manager's kinds without depending on bp-cert-manager."""
    root = copy_workspace(tmp_path / "ws")
    manifest = root / "blueprints" / "cluster-issuers" / "blueprint.yaml"
    text = manifest.read_text(encoding="utf-8")
    assert text.count("    - bp-cert-manager\n") == 1
    manifest.write_text(text.replace("    - bp-cert-manager\n", "    - bp-cert-manger\n"), "utf-8")
    shown = [(d.rule, d.location.file, d.message, d.hint) for d in plan(root).failing]
    assert [(rule, file) for rule, file, _, _ in shown] == [
        ("BPP002", "blueprints/cluster-issuers/blueprint.yaml")
    ]
    assert shown[0][2].endswith("depends on bp-cert-manger, which is not in the catalog")
    assert shown[0][3].startswith("did you mean bp-cert-manager?")
