"""Commands are imported only when they run, and `--help` says what each one says."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click

from blueprintc.cli import COMMANDS, cli
from tests.compile.helpers import copy_workspace

REPO = Path(__file__).resolve().parents[2]
# What lint and --help must never import: the publish side of the house.
HEAVY = ("blueprintc.build", "blueprintc.signing", "blueprintc.oci", "git", "cyclonedx")


def test_kept_help_lines_equal_each_commands_own() -> None:
    for name, lazy in COMMANDS.items():
        command = lazy.load()
        assert command.name == name
        assert command.get_short_help_str(limit=200) == lazy.short_help, name


def test_every_command_is_reachable_and_runs_its_help() -> None:
    ctx = click.Context(cli)
    assert cli.list_commands(ctx) == sorted(COMMANDS)
    for name in COMMANDS:
        command = cli.get_command(ctx, name)
        assert command is not None and command.params, name


def _imported_after(*args: str, cwd: Path = REPO) -> list[str]:
    """Module names a fresh `blueprintc ARGS` process had imported when it exited, and
    `helm-workers:N`, the Helm worker processes it had started."""
    probe = (
        "import atexit, json, sys\n"
        "from blueprintc.cli import main\n"
        "from blueprintc.helm_pool import POOL\n"
        "def report():\n"  # registered after POOL.close, so it runs before it
        "    started = sum(1 for w in POOL.workers if w.process is not None)\n"
        "    modules = [*sorted(sys.modules), f'helm-workers:{started}']\n"
        "    print(json.dumps(modules), file=sys.stderr)\n"
        "atexit.register(report)\n"
        f"sys.argv = ['blueprintc', *{list(args)!r}]\n"
        "main()\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=cwd, env=env, capture_output=True, text=True
    )
    return json.loads(done.stderr.strip().splitlines()[-1])


def _heavy(modules: list[str]) -> list[str]:
    return [m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY)]


def test_help_imports_no_command() -> None:
    modules = _imported_after("--help")
    assert _heavy(modules) == []
    command_modules = {lazy.target.partition(":")[0] for lazy in COMMANDS.values()}
    assert [m for m in modules if m in command_modules] == []
    assert "blueprintc.cli.lazy" in modules


def test_lint_imports_nothing_of_build_signing_oci_or_git() -> None:
    assert _heavy(_imported_after("lint", "blueprints/webapp")) == []


def test_a_text_lint_of_a_chart_without_dependencies_imports_only_what_it_runs() -> None:
    """No dependency build, stand-in chart or kustomize for webapp's chart, no other
    report format, no zip reader for package data, no ctypes in the parent process:
    each cost a one-Blueprint lint's start-up 2-4 ms (issue 11)."""
    modules = _imported_after("lint", "blueprints/webapp")
    unused = (
        "blueprintc.depbuild",
        "blueprintc.standin",
        "blueprintc.kustomize",
        "blueprintc.vendored",
        "blueprintc.reporters.junit",
        "blueprintc.reporters.sarif",
        "blueprintc.reporters.json_report",
        "blueprintc.reporters.github",
        "importlib.readers",
        "zipfile",
        "tarfile",
        "ctypes",
    )
    assert [m for m in unused if m in modules] == []
    assert "blueprintc.reporters.text" in modules


def test_each_report_format_is_imported_when_asked_for() -> None:
    from blueprintc.reporters import FORMATS, reporter

    for output_format in FORMATS:
        assert callable(reporter(output_format))
    assert "blueprintc.reporters.junit" in _imported_after(
        "lint", "--format", "junit", "blueprints/webapp"
    )


def test_a_sealed_compile_loads_neither_planner_nor_rules_nor_helm(tmp_path: Path) -> None:
    """With nothing to do, compile reads its inputs and the seal: no planner, no rules,
    no jsonschema, no Helm worker (issue 11: a sealed compile under 300 ms)."""
    workspace = copy_workspace(tmp_path / "ws")
    first = _imported_after("compile", cwd=workspace)
    assert "blueprintc.compile.planner" in first and "helm-workers:0" not in first
    modules = _imported_after("compile", cwd=workspace)
    loaded = [
        m
        for m in modules
        if m.split(".")[0] == "jsonschema"
        or m in ("blueprintc.lint", "blueprintc.compile.planner", "blueprintc.emit.emitter")
        or m.startswith("blueprintc.rules")
    ]
    assert loaded == []
    assert "helm-workers:0" in modules
    assert _heavy(modules) == []


def test_lint_imports_no_network_module() -> None:
    """ssl and socket come in only with urllib, when a failed dependency build probes."""
    modules = _imported_after("lint", "blueprints/webapp")
    assert [m for m in modules if m in ("ssl", "socket", "urllib.request")] == []


def test_lint_of_a_blueprint_without_predicates_does_not_import_jinja() -> None:
    """Jinja's parser is only for `when:` predicates (BPS005): webapp has none, and the
    pre-commit case should not pay ~30 ms importing it (issue 11, lint under 300 ms)."""
    modules = _imported_after("lint", "blueprints/webapp")
    assert "blueprintc.rules.schema.when_predicate" in modules
    assert [m for m in modules if m == "jinja2" or m.startswith("jinja2.")] == []


def test_lint_of_a_valid_blueprint_builds_no_validator() -> None:
    """Every schema check of webapp (blueprint.yaml, its configSchema and defaults, what
    its chart renders) is settled by the quick walk on the raw schemas: jsonschema and
    kubernetes-validate, which imports it (~90 ms together), are never imported
    (issue 11: lint of one Blueprint under 300 ms)."""
    modules = _imported_after("lint", "blueprints/webapp")
    assert "blueprintc.validate.objects" in modules, "BPG012 checked the rendered objects"
    tops = {"jsonschema", "referencing", "jsonschema_specifications", "kubernetes_validate"}
    assert [m for m in modules if m.split(".")[0] in tops] == []


def test_lint_of_a_few_blueprints_does_not_import_the_worker_jobs() -> None:
    """Below `lint.WORKERS_FROM` Blueprints lint runs in threads: the hook does not pay
    for `lint_jobs` and pickle (about 3 ms)."""
    modules = _imported_after("lint", "blueprints/webapp")
    assert [m for m in modules if m in ("blueprintc.lint_jobs", "pickle")] == []
