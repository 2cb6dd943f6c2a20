"""Hostile and broken input: each case ends in a diagnostic with the right rule id, file
and line (or exit 2), never a traceback, never a hang, and never reads what it refuses.

Every case runs through click with `catch_exceptions=False`, so an exception fails the
test; `test_no_traceback_from_a_real_process` runs them all together once more, in a real
`python -m blueprintc` process.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blueprintc.lint import lint
from tests.cli.helpers import CLEAN_VALUES, invoke, write_workspace
from tests.lint.test_upstream_objects import wrapper

DEMO = "blueprints/demo"
VALUES = f"{DEMO}/chart/values.yaml"
CHART = f"{DEMO}/chart/Chart.yaml"
BLUEPRINT = f"{DEMO}/blueprint.yaml"
BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi", strict=True)
)

Findings = set[tuple[str, str, int]]


def diagnostics(workspace: Path, *args: str) -> tuple[int, Findings]:
    """Exit code and the (rule, file, line) of every active diagnostic."""
    result = invoke("lint", "--format", "json", *args, workspace)
    assert result.exit_code in (0, 1), result.output
    document = json.loads(result.stdout)
    found = {
        (d["rule"], d["file"], d["line"]) for d in document["diagnostics"] if not d["suppressed"]
    }
    return result.exit_code, found


def demo(tmp_path: Path, files: dict[str, str | bytes] | None = None) -> Path:
    """A clean one-Blueprint workspace (`blueprints/demo`), then `files` (workspace path
    to content) written over it."""
    workspace = write_workspace(tmp_path / "ws", {"demo": CLEAN_VALUES})
    for rel, content in (files or {}).items():
        path = workspace / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return workspace


def test_the_clean_demo_passes(tmp_path: Path) -> None:
    assert diagnostics(demo(tmp_path)) == (0, set())


def test_alias_bomb(tmp_path: Path) -> None:
    workspace = demo(tmp_path, {VALUES: BOMB})
    start = time.monotonic()
    # Reported at the anchored node the expansion keeps copying (libyaml keeps no alias
    # positions).
    assert diagnostics(workspace) == (1, {("BPI003", VALUES, 1)})
    assert time.monotonic() - start < 5


def test_recursive_alias(tmp_path: Path) -> None:
    workspace = demo(tmp_path, {VALUES: "a: &a\n  b: *a\n"})
    assert diagnostics(workspace) == (1, {("BPI003", VALUES, 1)})  # at the anchor


def test_huge_file_is_refused_without_being_read(tmp_path: Path) -> None:
    workspace = demo(tmp_path)
    # 50 MB of NUL bytes (sparse): read, it would also be BPI005 (binary); Helm would choke.
    with open(workspace / VALUES, "wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    start = time.monotonic()
    assert diagnostics(workspace) == (1, {("BPI004", VALUES, 1)})
    assert time.monotonic() - start < 2


def test_binary_file(tmp_path: Path) -> None:
    workspace = demo(tmp_path, {VALUES: b"replicas: 1\nx: \x00\x01\n"})
    assert diagnostics(workspace) == (1, {("BPI005", VALUES, 2)})


def test_invalid_utf8(tmp_path: Path) -> None:
    content = b"replicas: 1\nauth:\n  name: caf\xe9\n"
    workspace = demo(tmp_path, {VALUES: content})
    exit_code, found = diagnostics(workspace)
    assert (exit_code, found) == (1, {("BPI005", VALUES, 3)})
    (diagnostic,) = json.loads(invoke("lint", "--format", "json", workspace).stdout)["diagnostics"]
    assert diagnostic["column"] == 12  # the byte 0xe9 itself


def test_duplicate_keys(tmp_path: Path) -> None:
    workspace = demo(tmp_path, {VALUES: "replicas: 1\nreplicas: 2\n"})
    assert diagnostics(workspace) == (1, {("BPI002", VALUES, 2)})


def test_duplicate_keys_spelt_differently(tmp_path: Path) -> None:
    workspace = demo(tmp_path, {VALUES: "replicas: 1\n1: a\n1.0: b\n"})
    assert diagnostics(workspace) == (1, {("BPI002", VALUES, 3)})


def test_scalar_its_tag_cannot_hold(tmp_path: Path) -> None:
    workspace = demo(tmp_path, {VALUES: "replicas: 1\nday: 2001-02-30\n"})
    assert diagnostics(workspace) == (1, {("BPI001", VALUES, 2)})


def test_symlink_out_of_the_workspace(tmp_path: Path) -> None:
    workspace = demo(tmp_path)
    secret = tmp_path / "secret.yaml"
    secret.write_text("password: outside\n", encoding="utf-8")
    (workspace / VALUES).unlink()
    (workspace / VALUES).symlink_to(secret)
    assert diagnostics(workspace) == (1, {("BPI006", VALUES, 1)})


def test_symlink_out_of_the_workspace_under_a_name_no_rule_reads(tmp_path: Path) -> None:
    # Helm reads every file of a chart (.Files.Get); a link there must stop it too.
    workspace = demo(tmp_path)
    (workspace / DEMO / "chart" / "files").mkdir()
    (workspace / DEMO / "chart" / "files" / "key.pem").symlink_to("/etc/passwd")
    assert diagnostics(workspace) == (1, {("BPI006", f"{DEMO}/chart/files/key.pem", 1)})


def test_dangling_symlink(tmp_path: Path) -> None:
    workspace = demo(tmp_path)
    (workspace / VALUES).unlink()
    (workspace / VALUES).symlink_to("missing.yaml")
    assert diagnostics(workspace) == (1, {("BPI006", VALUES, 1)})


def run_with_timeout(action: Callable[[], object], seconds: float = 20) -> object:
    """Run `action` in a thread; a hang fails the test instead of the whole suite."""
    outcome: list[object] = []
    thread = threading.Thread(target=lambda: outcome.append(action()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s (blocked on a FIFO?)"
    return outcome[0]


@pytest.mark.parametrize("where", [VALUES, BLUEPRINT, f"{DEMO}/chart/templates/x.yaml"])
def test_fifo_where_a_file_is_expected(tmp_path: Path, where: str) -> None:
    workspace = demo(tmp_path)
    (workspace / where).unlink(missing_ok=True)
    os.mkfifo(workspace / where)
    assert run_with_timeout(lambda: diagnostics(workspace)) == (1, {("BPI007", where, 1)})


def test_chart_yaml_that_is_a_list(tmp_path: Path) -> None:
    content = "- apiVersion: v2\n  name: bp-demo\n  version: 1.0.0\n"
    workspace = demo(tmp_path, {CHART: content})
    assert diagnostics(workspace) == (1, {("BPS004", CHART, 1)})


def test_chart_yaml_with_a_non_string_name(tmp_path: Path) -> None:
    content = "apiVersion: v2\nname: 42\nversion: 1.0.0\n"
    content += 'annotations:\n  catalyst.openova.io/no-upstream: "true"\n'
    workspace = demo(tmp_path, {CHART: content})
    # Helm renders `.Chart.Name` as 42: the ConfigMap's name label is then a number (BPG012,
    # at the label's line).
    configmap = "blueprints/demo/chart/templates/configmap.yaml"
    assert diagnostics(workspace) == (1, {("BPS004", CHART, 2), ("BPG012", configmap, 6)})


def test_blueprint_with_neither_chart_nor_manifests(tmp_path: Path) -> None:
    content = (
        "apiVersion: catalyst.openova.io/v1\nkind: Blueprint\nmetadata:\n  name: bp-demo\n"
        "spec:\n  version: 1.0.0\n  card:\n    title: Demo\n"
    )
    workspace = demo(tmp_path, {BLUEPRINT: content})
    shutil.rmtree(workspace / DEMO / "chart")
    assert diagnostics(workspace) == (1, {("BPI008", BLUEPRINT, 6)})  # the spec mapping


def test_chart_outside_the_workspace(tmp_path: Path) -> None:
    workspace = demo(tmp_path)
    shutil.copytree(workspace / DEMO / "chart", tmp_path / "elsewhere")
    blueprint = (workspace / BLUEPRINT).read_text(encoding="utf-8")
    (workspace / BLUEPRINT).write_text(
        blueprint.replace("chart: ./chart", "chart: ../../../elsewhere"), encoding="utf-8"
    )
    exit_code, found = diagnostics(workspace)
    assert exit_code == 1
    assert ("BPI006", BLUEPRINT, 10) in found
    assert all(file == BLUEPRINT for _, file, _ in found), found  # nothing outside was read


def test_empty_blueprint_yaml(tmp_path: Path) -> None:
    workspace = demo(tmp_path, {BLUEPRINT: ""})
    assert diagnostics(workspace) == (1, {("BPS001", BLUEPRINT, 1)})


def _messages(workspace: Path) -> list[tuple[str, str]]:
    result = invoke("lint", "--format", "json", workspace)
    return [(d["message"], d["hint"]) for d in json.loads(result.stdout)["diagnostics"]]


@pytest.mark.parametrize("text", ["", "# only a comment\n", "~\n"])
def test_an_empty_blueprint_yaml_says_what_it_needs(tmp_path: Path, text: str) -> None:
    """Not jsonschema's `None is not of type 'object'`: one finding naming the keys."""
    workspace = demo(tmp_path / "ws", {BLUEPRINT: text})
    [(message, hint)] = _messages(workspace)
    assert message.startswith("the file holds no document (it is empty, comments only or null)")
    assert "apiVersion" in message and "spec" in message
    assert hint.startswith("add apiVersion")


def test_an_empty_value_is_named_as_such_not_as_python_none(tmp_path: Path) -> None:
    workspace = demo(tmp_path)
    text = (workspace / BLUEPRINT).read_text(encoding="utf-8")
    head = text[: text.index("\nspec:")]
    (workspace / BLUEPRINT).write_text(head + "\nspec:\n", encoding="utf-8")
    messages = [m for m, _ in _messages(workspace)]
    assert "spec: the value is empty (null), and it must be of type object" in messages
    assert not any("None" in m for m in messages), messages


def test_blueprint_yaml_that_is_a_scalar(tmp_path: Path) -> None:
    workspace = demo(tmp_path, {BLUEPRINT: "just a string\n"})
    assert diagnostics(workspace) == (1, {("BPS001", BLUEPRINT, 1)})


def test_values_yaml_indented_with_a_tab(tmp_path: Path) -> None:
    content = "replicas: 1\nimage:\n\ttag: latest\n"
    workspace = demo(tmp_path, {VALUES: content})
    assert diagnostics(workspace) == (1, {("BPI001", VALUES, 3)})


def test_a_yaml_error_does_not_hide_findings_in_other_files(tmp_path: Path) -> None:
    # A vendor host in a template reaches a Sovereign (a link in README.md is documentation).
    template = "kind: ConfigMap\ndata:\n  docs: https://console.openova.io/docs\n"
    workspace = demo(
        tmp_path,
        {VALUES: "replicas: 1\nimage:\n\ttag: x\n", f"{DEMO}/chart/templates/docs.yaml": template},
    )
    assert diagnostics(workspace) == (
        1,
        {("BPI001", VALUES, 3), ("BPD001", f"{DEMO}/chart/templates/docs.yaml", 3)},
    )


def test_symlinked_blueprint_dir_inside_the_workspace_is_followed(tmp_path: Path) -> None:
    """Decision: a link to a Blueprint inside the workspace is linted, once, under the
    target's real path; a link leaving the workspace is BPI006 (next test)."""
    workspace = demo(tmp_path, {VALUES: "auth:\n  password: x1\n"})
    (workspace / "shared").mkdir()
    (workspace / DEMO).rename(workspace / "shared" / "demo")
    (workspace / DEMO).symlink_to("../shared/demo")
    for path in (workspace, workspace / DEMO, workspace / VALUES):
        document = json.loads(invoke("lint", "--format", "json", path).stdout)
        assert document["blueprints"] == ["shared/demo"], path
        assert [(d["rule"], d["file"]) for d in document["diagnostics"]] == [
            ("BPG007", "shared/demo/chart/values.yaml")
        ]


def test_symlinked_blueprint_dir_leaving_the_workspace(tmp_path: Path) -> None:
    workspace = demo(tmp_path)
    (workspace / DEMO).rename(tmp_path / "outside-demo")
    (workspace / DEMO).symlink_to(tmp_path / "outside-demo")
    assert diagnostics(workspace) == (1, {("BPI006", BLUEPRINT, 1)})
    assert diagnostics(workspace / DEMO) == (1, {("BPI006", BLUEPRINT, 1)})


def test_path_outside_the_workspace_is_a_usage_error(tmp_path: Path) -> None:
    workspace = demo(tmp_path)
    (tmp_path / "other").mkdir()
    result = invoke("lint", workspace / "blueprints", tmp_path / "other")
    assert result.exit_code == 2
    assert "outside the workspace" in result.stderr


# -- once as real processes ------------------------------------------------------


def hostile_workspace(root: Path) -> Path:
    """Every kind of bad input above, one Blueprint each, in one workspace."""
    blueprints = {
        "bomb": BOMB,
        "binary": "x",
        "latin1": "x",
        "dup": "a: 1\na: 2\n",
        "tab": "a:\n\tb: 1\n",
        "leak": CLEAN_VALUES,
        "dangling": CLEAN_VALUES,
        "fifo": CLEAN_VALUES,
        "huge": CLEAN_VALUES,
    }
    workspace = write_workspace(root, blueprints)
    chart = workspace / "blueprints"
    (chart / "binary/chart/values.yaml").write_bytes(b"\x00\x01")
    (chart / "latin1/chart/values.yaml").write_bytes(b"a: caf\xe9\n")
    (chart / "leak/chart/values.yaml").unlink()
    (chart / "leak/chart/values.yaml").symlink_to("/etc/hostname")
    (chart / "dangling/chart/values.yaml").unlink()
    (chart / "dangling/chart/values.yaml").symlink_to("nowhere.yaml")
    (chart / "fifo/chart/values.yaml").unlink()
    os.mkfifo(chart / "fifo/chart/values.yaml")
    with open(chart / "huge/chart/values.yaml", "wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    (chart / "list/chart/templates").mkdir(parents=True)
    (chart / "list/blueprint.yaml").write_text("[1, 2]\n", encoding="utf-8")
    (chart / "list/chart/Chart.yaml").write_text("- a\n", encoding="utf-8")
    return workspace


def run(command: list[str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*command, *args], capture_output=True, text=True, timeout=60, check=False
    )


def test_no_traceback_from_a_real_process(tmp_path: Path) -> None:
    workspace = hostile_workspace(tmp_path / "ws")
    proc = run([sys.executable, "-m", "blueprintc"], "lint", "--format", "json", str(workspace))
    assert "Traceback" not in proc.stderr
    assert proc.returncode == 1, proc.stderr
    rules = {d["rule"] for d in json.loads(proc.stdout)["diagnostics"]}
    assert {"BPI001", "BPI002", "BPI003", "BPI004", "BPI005", "BPI006", "BPI007"} <= rules
    assert {"BPS001", "BPS004"} <= rules


def test_console_script_usage_error_has_no_traceback(tmp_path: Path) -> None:
    script = shutil.which("blueprintc", path=str(Path(sys.executable).parent))
    if script is None:  # pragma: no cover - the package is installed in the venv
        pytest.skip("the blueprintc console script is not installed beside this Python")
    proc = run([script], "lint", "--select", "NOPE", str(demo(tmp_path)))
    assert (proc.returncode, "Traceback" in proc.stderr) == (2, False)
    assert "unknown rule id(s): NOPE" in proc.stderr


# -- fuzzing -------------------------------------------------------------------

_KEYS = ["apiVersion", "kind", "metadata", "name", "version", "spec", "manifests", "chart"]
_KEYS += ["source", "ref", "depends", "blueprint", "upstream", "card", "title", "configSchema"]
_KEYS += ["type", "properties", "default", "enum", "minimum", "overlays", "when", "values"]
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=12),
    st.sampled_from(["./chart", "../..", "/etc", "bp-demo", "1.0.0", "Kustomize", "object"]),
)
_DOCUMENTS = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(_KEYS), st.text(max_size=6)), inner, max_size=5),
    ),
    max_leaves=20,
)
BLUEPRINT_BYTES = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=300).map(lambda text: text.encode("utf-8", "surrogatepass")),
    _DOCUMENTS.map(lambda doc: yaml.safe_dump(doc, allow_unicode=True).encode("utf-8", "replace")),
)


@pytest.fixture(scope="module")
def fuzz_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_workspace(tmp_path_factory.mktemp("fuzz"), {"demo": CLEAN_VALUES})


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=BLUEPRINT_BYTES)
def test_any_blueprint_yaml_gives_diagnostics_not_exceptions(
    fuzz_workspace: Path, data: bytes
) -> None:
    (fuzz_workspace / BLUEPRINT).write_bytes(data)
    result = lint([fuzz_workspace], root=fuzz_workspace, jobs=1)
    assert result.blueprints == [DEMO]
    for diagnostic in result.diagnostics:
        assert not Path(diagnostic.location.file).is_absolute(), diagnostic


def test_a_dependency_with_no_name_is_one_finding_at_its_entry(tmp_path: Path) -> None:
    """`alias:` written for `name:`: Helm renders the chart (its charts/ archive matches
    no entry and is kept), so only BPS004 says which entry, once; the version pin rule
    (BPG004) no longer adds "Chart.yaml does not depend on upstream-app" twice. No
    archive can be matched to the entry, so the render guards do not trust the render
    and BPG011 (info) says they were skipped, naming the entry `(no name)`."""
    workspace = wrapper(tmp_path, "replicas: 1\nupstream-app:\n  image: x\n", {}, {})
    chart = workspace / CHART
    chart.write_text(chart.read_text().replace("- name: upstream-app", "- alias: upstream-app"))
    exit_code, found = diagnostics(workspace)
    assert exit_code == 1
    assert found == {("BPS004", CHART, 5), ("BPG011", CHART, 4)}
    result = invoke("lint", "--format", "json", workspace)
    by_rule = {d["rule"]: d for d in json.loads(result.stdout)["diagnostics"]}
    assert by_rule["BPS004"]["message"] == "Chart.yaml: dependency 1 (upstream-app) has no name"
    assert by_rule["BPS004"]["hint"].startswith("set `name:` to the chart's name in its")
    assert by_rule["BPG011"]["message"].startswith("dependencies not built: (no name) 1.0.0 (")


@pytest.mark.parametrize(
    ("dependencies", "lines"),
    [
        ("dependencies: {upstream-app: 1.0.0}\n", {4}),  # a mapping, not a list
        ("dependencies:\n  - null\n  - 42\n", {5, 6}),  # entries that are no mappings
    ],
)
def test_dependencies_helm_cannot_read_are_reported_where_they_stand(
    tmp_path: Path, dependencies: str, lines: set[int]
) -> None:
    """Helm refuses to load such a Chart.yaml with a Go unmarshalling error (BPS004 at
    line 1), and the chart looked hollow (BPG001). Now: BPS004 at each entry, alone."""
    workspace = wrapper(tmp_path, "replicas: 1\nupstream-app:\n  image: x\n", {}, {})
    chart = workspace / CHART
    text = chart.read_text()
    chart.write_text(text[: text.index("dependencies:")] + dependencies)
    exit_code, found = diagnostics(workspace)
    assert exit_code == 1
    assert found == {("BPS004", CHART, line) for line in lines}
