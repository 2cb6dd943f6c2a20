"""BPP022 below a subchart's key: a value an overlay or an Application's config gives an
upstream that the upstream never reads, one slip of the keyboard away from one of its
defaults, at the line that set it (blueprintc.unread_values says when)."""

from __future__ import annotations

from pathlib import Path

from blueprintc.compile.run import plan
from tests.compile.helpers import copy_workspace

DEV = "overlays/environments/dev.yaml"


def _unread(root: Path) -> list[tuple[str, int, str, str]]:
    return [
        (d.location.file, d.location.line, d.message, d.hint or "")
        for d in plan(root).diagnostics
        if d.rule == "BPP022"
    ]


def _dev_overlay_with(tmp_path: Path, addition: str) -> tuple[Path, int]:
    """A copy of the reference workspace whose dev overlay gets `addition` below
    bp-webapp's `webapp:` key; the line its first line is at."""
    root = copy_workspace(tmp_path / "ws")
    overlay = root / DEV
    text = overlay.read_text(encoding="utf-8")
    assert text.startswith("# Environment overlay") and "\nbp-webapp:\n  webapp:\n" in text
    overlay.write_text(text + addition, "utf-8")
    return root, len(text.splitlines()) + 1


def test_a_slip_below_an_upstreams_key_is_reported_where_it_was_set(tmp_path: Path) -> None:
    root, line = _dev_overlay_with(tmp_path, "    ui:\n      logLevl: debug\n")
    line += 1  # `logLevl:`, below `ui:`
    assert _unread(root) == [
        (
            DEV,
            line,
            "Environment overlay dev sets 'webapp.ui.logLevl', a value the subchart webapp "
            "never reads: its values.yaml has 'logLevel' there, and no template of it names "
            "'logLevl'",
            "did you mean 'webapp.ui.logLevel'? Helm passes a key no template reads, so the "
            "setting changes nothing",
        )
    ]


def test_a_key_the_upstream_reads_or_a_free_mapping_takes_is_not(tmp_path: Path) -> None:
    # `ui.color` is a default; `podAnnotations: {}` takes any key
    addition = "    ui:\n      color: '#000000'\n    podAnnotations:\n      team: shop\n"
    root, _ = _dev_overlay_with(tmp_path, addition)
    assert _unread(root) == []


def test_a_key_named_with_dots_below_an_upstreams_key(tmp_path: Path) -> None:
    root, line = _dev_overlay_with(tmp_path, "    ui.logLevel: debug\n")
    assert _unread(root) == [
        (
            DEV,
            line,
            "Environment overlay dev: under `webapp:`, `ui.logLevel:` is one key named with "
            "dots, not `ui:` with `logLevel:` below it: Helm does not split a key in a values "
            "file as `--set` does, so the subchart webapp never reads it",
            "write it nested: `ui:` with `logLevel:` below it",
        )
    ]


def test_a_bootstrap_kit_entrys_values_are_judged_too(tmp_path: Path) -> None:
    """The kit's cert-manager entry, `values:` given under its upstream's key."""
    root = copy_workspace(tmp_path / "ws")
    sovereign = root / "sovereign.yaml"
    entry = "      releaseName: cert-manager\n      targetNamespace: cert-manager\n"
    text = sovereign.read_text(encoding="utf-8")
    assert text.count(entry) == 1
    given = (
        "      values:\n        cert-manager:\n          controller:\n            replicaCont: 2\n"
    )
    sovereign.write_text(text.replace(entry, entry + given), encoding="utf-8")
    line = (
        sovereign.read_text(encoding="utf-8").splitlines().index("            replicaCont: 2") + 1
    )
    assert [(file, at, message.split(",")[0]) for file, at, message, _ in _unread(root)] == [
        (
            "sovereign.yaml",
            line,
            "bootstrap-kit values sets 'cert-manager.controller.replicaCont'",
        )
    ]


def test_a_kit_value_the_chart_does_not_have_at_all(tmp_path: Path) -> None:
    """network-policies' master gate misspelt in the kit: the policies would never render."""
    root = copy_workspace(tmp_path / "ws")
    sovereign = root / "sovereign.yaml"
    text = sovereign.read_text(encoding="utf-8")
    gate = "      values:\n        enabled: true\n"
    assert text.count(gate) == 1
    sovereign.write_text(text.replace(gate, gate.replace("enabled", "enabeld")), "utf-8")
    line = sovereign.read_text(encoding="utf-8").splitlines().index("        enabeld: true") + 1
    assert _unread(root) == [
        (
            "sovereign.yaml",
            line,
            "bootstrap-kit values sets 'enabeld', a value bp-network-policies's chart does not "
            "have: Helm passes it and nothing reads it",
            "did you mean 'enabled'? use a key of the chart's values.yaml, or remove the setting",
        )
    ]


def test_a_slip_whose_value_is_a_mapping_is_reported_at_its_key(tmp_path: Path) -> None:
    """`serviceMonitr:` for `serviceMonitor:`: at the key, not at `interval:` on the line
    below it."""
    root, line = _dev_overlay_with(tmp_path, "    serviceMonitr:\n      interval: 30s\n")
    [(file, at, message, _)] = _unread(root)
    assert (file, at) == (DEV, line)
    assert message.startswith("Environment overlay dev sets 'webapp.serviceMonitr'")
