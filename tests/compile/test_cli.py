"""`blueprintc explain-value` and the summary `blueprintc compile` prints."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from tests.cli.helpers import invoke

from .helpers import GOLDEN, GOLDEN_EXTRAS, REPO, tree_files

KEY = "webapp.serviceMonitor.interval"


def position(rel: str, needle: str) -> str:
    """`rel:line:column` of the value in the one line of the file that holds ``needle``."""
    lines = (REPO / rel).read_text("utf-8").splitlines()
    hits = [i for i, line in enumerate(lines) if needle in line]
    assert len(hits) == 1, f"{needle!r} is on {len(hits)} lines of {rel}"
    line = lines[hits[0]]
    return f"{rel}:{hits[0] + 1}:{line.index(needle) + len(needle.split(': ')[0]) + 3}"


def test_explain_value_over_several_layers() -> None:
    """The Sovereign overlay sets the key for every webapp, the prod Environment overlay
    overrides it, and both sit over the chart default: the value, the file:line:column
    that set it, and each one it overrode, latest first."""
    result = invoke("explain-value", "acme/shop/prod", KEY, "-w", REPO)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"{KEY} = '15s'",
        f"  set by Environment overlay prod at "
        f"{position('overlays/environments/prod.yaml', 'interval: 15s')}",
        f"  overrides '60s' from Sovereign overlay at "
        f"{position('overlays/sovereigns/omantel.yaml', 'interval: 60s')}",
        f"  overrides '30s' from chart defaults at "
        f"{position('blueprints/webapp/chart/values.yaml', 'interval: 30s')}",
    ]


def test_explain_value_without_the_environment_overlay() -> None:
    """dev has no overlay for the key: the Sovereign overlay decides."""
    result = invoke("explain-value", "acme/shop/dev", KEY, "-w", REPO)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:2] == [
        f"{KEY} = '60s'",
        f"  set by Sovereign overlay at "
        f"{position('overlays/sovereigns/omantel.yaml', 'interval: 60s')}",
    ]


def test_explain_value_of_application_config() -> None:
    """Application config for one Environment over the Application's config over the
    size overlay over the configSchema default over the chart default."""
    result = invoke("explain-value", "acme/shop/dev", "webapp.replicaCount", "-w", REPO)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "webapp.replicaCount = 1"
    assert lines[1].startswith("  set by Application config (dev) at organizations/acme.yaml:")
    assert lines[2].startswith("  overrides 3 from Application config at organizations/acme.yaml:")
    assert lines[3].startswith("  overrides 2 from size overlay medium at blueprints/webapp/")
    assert lines[4].startswith("  overrides 2 from configSchema defaults at blueprints/webapp/")
    assert lines[5].startswith("  overrides 2 from chart defaults at blueprints/webapp/chart/")


def test_a_configschema_default_is_placed_at_its_default_line() -> None:
    """It was placed at the configSchema's first line (`$schema:`), for every key."""
    result = invoke("explain-value", "acme/shop/dev", "webapp.ui.logLevel", "-w", REPO)
    assert result.stdout.splitlines()[1] == (
        "  set by configSchema defaults at "
        + position("blueprints/webapp/blueprint.yaml", "default: info")
    )


def test_a_mapping_is_explained_as_merged() -> None:
    """Its value is every layer merged (it was only the deciding layer's part), and each
    layer's part is shown with it."""
    result = invoke("explain-value", "acme/shop/dev", "webapp.ui", "-w", REPO)
    lines = result.stdout.splitlines()
    assert lines[0] == "webapp.ui = {'message': 'Welcome to Acme', 'logLevel': 'info'}"
    assert lines[1].startswith("  set by Application config at organizations/acme.yaml:")
    assert lines[1].endswith(": {'message': 'Welcome to Acme'}")
    assert lines[2].startswith(
        "  merged over {'message': 'Hello from Catalyst', 'logLevel': 'info'} from "
        "configSchema defaults at blueprints/webapp/blueprint.yaml:"
    )


@pytest.mark.parametrize(
    ("target", "key", "message"),
    [
        ("acme/nope/prod", KEY, "no Application 'acme/nope/prod' (known: acme/shop/dev, "),
        ("acme/shop", KEY, "no Application 'acme/shop'"),
        ("acme/shop/uat", KEY, "no Application 'acme/shop/uat'"),
        ("acme/shop/prod", "webapp.nope", "acme/shop/prod has no value at 'webapp.nope'"),
        (
            "acme/shop/prod",
            f"{KEY}.deeper",
            f"has no value at '{KEY}.deeper': {KEY} is '15s' (Environment overlay prod at ",
        ),
        ("acme/shop/prod", 'webapp."open', "bad key: key 'webapp.\"open': the quote"),
        ("acme/shop/prod", "webapp..x", "bad key: "),
    ],
)
def test_explain_value_unknown_target_or_key(target: str, key: str, message: str) -> None:
    """A usage error (exit 2) that says what is known, never a traceback."""
    result = invoke("explain-value", target, key, "-w", REPO)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def golden_kinds() -> Counter[str]:
    """Objects per kind in golden/ (kustomization.yaml files are not objects)."""
    kinds: Counter[str] = Counter()
    for data in tree_files(GOLDEN, ignore=GOLDEN_EXTRAS).values():
        for document in yaml.safe_load_all(data):
            if not isinstance(document, dict) or "kind" not in document:
                continue
            if not str(document.get("apiVersion", "")).startswith("kustomize.config.k8s.io"):
                kinds[document["kind"]] += 1
    return kinds


def summary(output: str) -> tuple[str, tuple[int, int, int, int], dict[str, int]]:
    """(first line, file counts, objects per kind) of a compile summary, checking its shape."""
    lines = output.splitlines()
    files = re.fullmatch(
        r"  files: (\d+) planned, (\d+) written, (\d+) unchanged, (\d+) removed"
        r"( \(sealed: inputs and out/ untouched, nothing re-planned\))?",
        lines[1],
    )
    assert files, lines[1]
    kinds = {}
    for line in lines[2:]:
        match = re.fullmatch(r"  ([A-Za-z]+) +(\d+)", line)
        assert match, line
        kinds[match[1]] = int(match[2])
    assert list(kinds) == sorted(kinds)
    planned, written, unchanged, removed = map(int, files.groups()[:4])
    return lines[0], (planned, written, unchanged, removed), kinds


def test_compile_prints_a_summary(tmp_path: Path) -> None:
    """Objects per kind, files written, time; a rerun writes nothing.

    The rerun's per-kind lines are only checked for shape: a rerun with the same
    inputs over an untouched out/ is answered by the seal (nothing is planned, so no
    kinds are printed)."""
    out = tmp_path / "out"
    total = len(tree_files(GOLDEN, ignore=GOLDEN_EXTRAS))
    first = invoke("compile", REPO, "-o", out)
    assert first.exit_code == 0, first.output
    head, counts, kinds = summary(first.stdout)
    assert re.fullmatch(rf"compiled omantel into {re.escape(str(out))}/ in \d+\.\d\d s", head)
    assert counts == (total, total, 0, 0)
    assert kinds == dict(golden_kinds())
    assert first.stderr == ""

    again = invoke("compile", REPO, "-o", out)
    assert again.exit_code == 0, again.output
    _, counts, _ = summary(again.stdout)
    # Same inputs, untouched out/: the seal answers without planning anything.
    assert counts == (0, 0, total, 0)
    assert "(sealed: inputs and out/ untouched" in again.stdout
