"""Each structural guard fails where it should, with a message that says what and how."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

from blueprintc.build import Signer, build_blueprint, open_target, verify_artifact
from blueprintc.build.chartfile import read_chart_archive
from blueprintc.build.guards import PACKAGE, PULLED, guard_package, guard_pulled, guard_working_tree
from blueprintc.build.package import package_chart
from blueprintc.helm_pool import DEFAULT_BUDGET
from blueprintc.oci import RegistryStore, helm_chart_artifact, read_archive
from blueprintc.oci.tarball import gzip_deterministic
from tests.oci.registry_fixture import RegistryServer

from .conftest import make_workspace


def _tgz(files: dict[str, bytes]) -> bytes:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name in sorted(files):
            info = tarfile.TarInfo(name)
            info.size = len(files[name])
            tar.addfile(info, io.BytesIO(files[name]))
    return gzip_deterministic(raw.getvalue())


def _without_subchart(tgz: bytes, top: str, name: str) -> bytes:
    files = read_archive(tgz)
    return _tgz({k: v for k, v in files.items() if not k.startswith(f"{top}/charts/{name}/")})


def test_hollow_chart_fails_at_lint_guard_1_and_nothing_is_packaged(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws", "cluster-issuers")
    chart_yaml = ws / "blueprints/cluster-issuers/chart/Chart.yaml"
    text = chart_yaml.read_text()
    chart_yaml.write_text(text.replace('  catalyst.openova.io/no-upstream: "true"\n', ""))
    target = open_target(None, layout=ws / "out" / "oci")

    record = build_blueprint(ws / "blueprints/cluster-issuers", target=target)

    assert record.failed_at == "lint"
    assert [d.rule for d in record.diagnostics] == ["BPG001"]
    assert "no-upstream" in record.diagnostics[0].hint + record.diagnostics[0].message
    assert record.guards == [] and record.package_file is None and record.published is None
    assert not (ws / "out" / "oci").exists()


def test_subchart_dropped_by_helmignore_fails_the_in_package_guard(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws", "wiki")
    chart = ws / "blueprints/wiki/chart"
    (chart / ".helmignore").write_text("# packaging\n*.orig\ncharts/wiki-*.tgz\n")
    target = open_target(None, layout=ws / "out" / "oci")

    record = build_blueprint(ws / "blueprints/wiki", target=target)

    assert record.failed_at == "guard", record.to_json()
    working, package = record.guards
    assert working.ok  # dependency build put the subchart in charts/ ...
    assert package.guard == PACKAGE and not package.ok  # ... and packaging lost it
    (problem,) = package.problems
    assert problem.startswith("dependency wiki would be missing from the package:")
    assert "blueprints/wiki/chart/.helmignore line 3 ('charts/wiki-*.tgz') excludes it" in problem
    assert record.published is None and not (ws / "out" / "oci").exists()


def test_in_package_guard_reads_the_archive_itself(tmp_path: Path) -> None:
    """The same guard on the bytes: a package without its subchart, packed or unpacked."""
    ws = make_workspace(tmp_path / "ws", "webapp")
    good = package_chart(ws / "blueprints/webapp/chart")
    assert guard_package(good, "the package")[0].ok

    hollow = _without_subchart(good, "bp-webapp", "webapp")
    result, _ = guard_package(hollow, "the package")
    assert not result.ok
    assert result.problems == (
        "dependency webapp 2.4.1 is missing from the package: neither "
        "bp-webapp/charts/webapp/Chart.yaml nor bp-webapp/charts/webapp-<version>.tgz is in it",
    )

    files = read_archive(hollow)
    files["bp-webapp/charts/webapp-2.4.1.tgz"] = (
        ws / "blueprints/webapp/chart/charts/webapp-2.4.1.tgz"
    ).read_bytes()
    packed, archive = guard_package(_tgz(files), "the package")
    assert packed.ok and archive is not None
    assert archive.subcharts[0].digest == read_chart_archive(good).subcharts[0].digest


def test_working_tree_guard_names_the_missing_dependency(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws", "webapp")
    chart = ws / "blueprints/webapp/chart"
    (chart / "charts/webapp-2.4.1.tgz").unlink()
    result = guard_working_tree(chart, "blueprints/webapp/chart", DEFAULT_BUDGET)
    assert not result.ok
    assert result.problems == (
        "dependency webapp 2.4.1 is missing in blueprints/webapp/chart/charts/ "
        "(expected webapp-2.4.1.tgz or webapp/Chart.yaml)",
    )


def test_pulled_artifact_without_its_subchart_fails_the_pulled_guard(
    tmp_path: Path, registry: RegistryServer, prefix: str, signer: Signer
) -> None:
    ws = make_workspace(tmp_path / "ws", "webapp")
    target = open_target(f"oci://{registry.host}/{prefix}")
    record = build_blueprint(ws / "blueprints/webapp", target=target, signer=signer)
    assert record.ok, record.to_json()
    tgz = (ws / "out/build/bp-webapp-1.4.2.tgz").read_bytes()

    # Someone pushes a doctored package straight to the registry under the version.
    doctored = helm_chart_artifact(_without_subchart(tgz, "bp-webapp", "webapp"))
    store = RegistryStore(registry.host)
    repo = target.repo("bp-webapp")
    doctored.push(store, repo, "1.4.2")

    where = f"the artifact pulled from oci://{registry.host}/{repo}:1.4.2"
    result, _ = guard_pulled(store, repo, "1.4.2", doctored.digest, where)
    assert result.guard == PULLED and not result.ok
    assert result.problems == (
        f"dependency webapp 2.4.1 is missing from {where}: neither "
        "bp-webapp/charts/webapp/Chart.yaml nor bp-webapp/charts/webapp-<version>.tgz is in it",
    )
    # What the build pushed is no longer what the registry serves: the guard says so too.
    moved, _ = guard_pulled(store, repo, "1.4.2", str(record.manifest_digest), where)
    assert moved.problems == (
        f"{where} is {doctored.digest}, not the pushed {record.manifest_digest}",
    )

    verified = verify_artifact(
        store, repo, "1.4.2", signer.public_key, identity=target.identity(repo)
    )
    assert {"signature", "dependencies"} <= set(verified.failed)
