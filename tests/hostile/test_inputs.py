"""Hostile and careless inputs to `blueprintc compile` (issue 13, points 2, 4 and 10).

Every input compile reads, and every file it hashes for the seal, goes through
the safe source layer: a FIFO or a device link is a diagnostic at that file,
never a hang (the harness's timeout fails a hang) or an unbounded read. A spec
that holds nothing is one error; a YAML key or value Helm cannot read is one
error where it stands; an override for an env type the Organization does not
have is an error listing the ones it has. The workspace keeps every byte.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.hostile.harness import CliRun, assert_refused, run_cli, snapshot

# A FIFO must fail fast: far below the harness default, far above a cold compile.
TIMEOUT = 45.0


def _compile(workspace: Path, *args: str) -> CliRun:
    return run_cli("compile", *args, cwd=workspace, timeout=TIMEOUT)


def _errors(run: CliRun) -> list[str]:
    """The `file:line:col: error RULE` header lines of the diagnostics printed."""
    return re.findall(r"^\S+:\d+:\d+: error \S+ .*$", run.stderr, flags=re.MULTILINE)


def _refused_at(workspace: Path, where: str, *needles: str) -> CliRun:
    """Compile: exit 1, one error, at `where`, every needle in it; workspace unchanged."""
    before = snapshot(workspace, skip=("out",))
    run = _compile(workspace)
    assert_refused(run, *needles, code=1)
    errors = _errors(run)
    assert len(errors) == 1 and errors[0].startswith(f"{where}:"), str(run)
    assert snapshot(workspace, skip=("out",)) == before
    return run


def test_fifo_organization_file(workspace: Path) -> None:
    os.mkfifo(workspace / "organizations" / "fifo.yaml")
    _refused_at(workspace, "organizations/fifo.yaml", "BPI007", "FIFO")


def test_dev_zero_link_among_organizations(workspace: Path) -> None:
    (workspace / "organizations" / "zero.yaml").symlink_to("/dev/zero")
    _refused_at(workspace, "organizations/zero.yaml", "BPI006", "outside the workspace")


def test_fifo_in_overlays(workspace: Path) -> None:
    """Never parsed by the plan, but hashed for the seal: refused all the same."""
    os.mkfifo(workspace / "overlays" / "notes.txt")
    _refused_at(workspace, "overlays/notes.txt", "BPI007", "FIFO")


def test_dev_zero_link_in_overlays(workspace: Path) -> None:
    (workspace / "overlays" / "environments" / "zero.txt").symlink_to("/dev/zero")
    _refused_at(workspace, "overlays/environments/zero.txt", "BPI006", "/dev/zero")


def test_fifo_in_a_sealed_workspace(workspace: Path) -> None:
    """A FIFO planted after a sealed compile: the next compile is not 'sealed'."""
    assert _compile(workspace).code == 0
    os.mkfifo(workspace / "overlays" / "late.yaml")
    _refused_at(workspace, "overlays/late.yaml", "FIFO")


def test_organizations_is_a_regular_file(workspace: Path) -> None:
    """blueprintc.yaml names `organizations: organizations`; it is a file: an error at
    that key, never a Sovereign with zero Organizations."""
    for spec in (workspace / "organizations").iterdir():
        spec.unlink()
    (workspace / "organizations").rmdir()
    (workspace / "organizations").write_text("acme\n")
    _refused_at(workspace, "blueprintc.yaml", "BPI009", "organizations", "not a directory")


def test_default_organizations_is_a_regular_file(workspace: Path) -> None:
    """Without the key: an error at the file itself."""
    config = workspace / "blueprintc.yaml"
    config.write_text(config.read_text().replace("organizations: organizations\n", ""))
    for spec in (workspace / "organizations").iterdir():
        spec.unlink()
    (workspace / "organizations").rmdir()
    (workspace / "organizations").write_text("acme\n")
    _refused_at(workspace, "organizations", "BPI007", "not a directory")


def test_organizations_outside_the_workspace(workspace: Path) -> None:
    config = workspace / "blueprintc.yaml"
    config.write_text(
        config.read_text().replace("organizations: organizations", "organizations: /etc")
    )
    _refused_at(workspace, "blueprintc.yaml", "BPI009", "organizations: /etc", "outside")


def test_organizations_directory_missing(workspace: Path) -> None:
    config = workspace / "blueprintc.yaml"
    config.write_text(
        config.read_text().replace("organizations: organizations", "organizations: orgs")
    )
    _refused_at(workspace, "blueprintc.yaml", "BPI009", "does not exist")


@pytest.mark.parametrize("text", ["", "# nothing here yet\n", "---\n", "[]\n"])
def test_empty_organization_file_is_one_error(workspace: Path, text: str) -> None:
    (workspace / "organizations" / "empty.yaml").write_text(text)
    run = _refused_at(workspace, "organizations/empty.yaml", "BPP015", "organization spec")
    assert "1 finding(s)" in run.stderr and "''" not in run.output, str(run)


def test_empty_sovereign_is_one_error(workspace: Path) -> None:
    (workspace / "sovereign.yaml").write_text("# to be written\n")
    _refused_at(workspace, "sovereign.yaml", "BPP015", "sovereign spec")


# The wiki Application of acme: its Blueprint's configSchema admits keys of its own.
WIKI_CONFIG = "          mode: embedded\n"
WIKI_RELEASE = "out/repos/acme/wiki/main/base/helmrelease.yaml"


def _wiki_config(workspace: Path, lines: str) -> int:
    """Add `lines` (YAML under the wiki's config) to acme.yaml; the line of the first."""
    acme = workspace / "organizations" / "acme.yaml"
    text = acme.read_text()
    assert WIKI_CONFIG in text
    head = text[: text.index(WIKI_CONFIG) + len(WIKI_CONFIG)]
    acme.write_text(head + lines + text[len(head) :])
    return head.count("\n") + 1


@pytest.mark.parametrize(
    ("lines", "needle"),
    [
        ("        extra:\n          !!binary aGVsbG8=: x\n", "!!binary key"),
        ("        extra:\n          null: x\n", "null key"),
        ("        extra: {80: a, '80': b}\n", "two keys"),
        ("        extra: 123456789012345678901234567890\n", "beyond 64 bits"),
        ("        extra: .nan\n", ".nan"),
        ("        extra: !!binary /w==\n", "not UTF-8"),
    ],
)
def test_config_keys_and_values_helm_cannot_read(workspace: Path, lines: str, needle: str) -> None:
    line = _wiki_config(workspace, lines)
    run = _refused_at(workspace, "organizations/acme.yaml", "BPP018", needle)
    assert f"organizations/acme.yaml:{line + lines.count(chr(10)) - 1}:" in _errors(run)[0]


def test_five_thousand_digit_integer(workspace: Path) -> None:
    _wiki_config(workspace, f"        extra: {'9' * 5000}\n")
    _refused_at(workspace, "organizations/acme.yaml", "BPI001", "5,000 digits")


def test_config_keys_and_values_read_as_helm_reads_them(workspace: Path) -> None:
    """`80:`, `true:`, `1.5:`, a date key, a mixed int/str mapping (it crashed the sort),
    a timestamp, a date and !!binary text: compiled, each the string Helm reads."""
    _wiki_config(
        workspace,
        "        extra:\n"
        "          ports: {80: http, https: 443}\n"
        "          true: yes-key\n"
        "          1.5: ratio\n"
        "          2024-1-1: launch\n"
        "          when: 2024-01-01T10:00:00Z\n"
        "          day: 2024-01-01\n"
        "          text: !!binary aGVsbG8=\n",
    )
    before = snapshot(workspace, skip=("out",))
    run = _compile(workspace)
    assert run.code == 0, str(run)
    release = (workspace / WIKI_RELEASE).read_text()
    for expected in (
        '"80": http',
        "https: 443",
        '"true": yes-key',
        '"1.5": ratio',
        '"2024-1-1": launch',
        'when: "2024-01-01T10:00:00Z"',
        'day: "2024-01-01"',
        "text: hello",
    ):
        assert expected in release, f"{expected!r} not in\n{release}"
    assert snapshot(workspace, skip=("out",)) == before


def test_kit_values_read_as_helm_reads_them(workspace: Path) -> None:
    """The same in a bootstrap-kit entry's values (sovereign.yaml)."""
    sovereign = workspace / "sovereign.yaml"
    text = sovereign.read_text()
    assert "        enabled: true\n" in text
    sovereign.write_text(
        text.replace(
            "        enabled: true\n",
            "        enabled: true\n        since: 2024-01-01\n        ports: {80: http, b: 1}\n",
            1,
        )
    )
    run = _compile(workspace)
    assert run.code == 0, str(run)
    kit = "\n".join(p.read_text() for p in (workspace / "out" / "clusters").rglob("*.yaml"))
    assert 'since: "2024-01-01"' in kit and '"80": http' in kit


def test_kit_values_helm_cannot_read(workspace: Path) -> None:
    sovereign = workspace / "sovereign.yaml"
    text = sovereign.read_text()
    sovereign.write_text(
        text.replace("        enabled: true\n", "        enabled: true\n        ~: 1\n", 1)
    )
    _refused_at(workspace, "sovereign.yaml", "BPP018", "null key")


def test_override_for_an_env_type_the_organization_lacks(workspace: Path) -> None:
    acme = workspace / "organizations" / "acme.yaml"
    text = acme.read_text()
    override = (
        "      environments:\n        dev:\n          config:\n"
        "            webapp:\n              replicaCount: 1\n"
    )
    assert override in text
    unknown = (
        "        dév:\n          config:\n            webapp:\n              replicaCount: 9\n"
    )
    acme.write_text(text.replace(override, override + unknown))
    run = _refused_at(workspace, "organizations/acme.yaml", "BPP019", "'dév'")
    assert "prod, stg, dev" in run.output, str(run)


def test_config_schema_default_read_as_helm_reads_it(workspace: Path) -> None:
    """A date as a configSchema default (it crashed the JSON of the render check)."""
    blueprint = workspace / "blueprints" / "wiki" / "blueprint.yaml"
    text = blueprint.read_text()
    anchor = "    properties:\n      postgres:\n"
    assert anchor in text
    blueprint.write_text(
        text.replace(
            anchor,
            "    properties:\n      since:\n        default: 2024-01-01\n      postgres:\n",
            1,
        )
    )
    run = _compile(workspace)
    assert run.code == 0, str(run)
    assert 'since: "2024-01-01"' in (workspace / WIKI_RELEASE).read_text()


def test_organization_without_a_name_is_one_error(workspace: Path) -> None:
    """No slug '' finding and no planned organizations/.yaml after the schema's error."""
    (workspace / "organizations" / "noname.yaml").write_text(
        "apiVersion: catalyst.openova.io/v1alpha1\nkind: Organization\n"
        "spec:\n  displayName: Nameless\n  regions: [hz-nbg]\n  environments: [{type: dev}]\n"
    )
    run = _refused_at(workspace, "organizations/noname.yaml", "BPP015", "metadata")
    assert "1 finding(s)" in run.stderr and ".yaml:1:1: error BPC" not in run.output, str(run)
