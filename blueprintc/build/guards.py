"""The three structural dependency-presence guards of CANON.md §6.

Helm's SDK renders a chart whose subcharts are missing as if they were empty,
so a package without its upstream would publish and install nothing. The
guard runs where the subchart could go missing: in the working tree after
``helm dependency build``, inside the package after ``helm package`` (a
``.helmignore`` can drop it), and in the artifact pulled back from the store
after the push (a registry or a concurrent publisher can serve other bytes).
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path

from blueprintc import helm
from blueprintc.build.chartfile import ChartArchive, ChartArchiveError, read_chart_archive
from blueprintc.oci import DigestMismatchError, NotFoundError, OCIError, RegistryError, Store
from blueprintc.oci.artifacts import HELM_CHART_MEDIA_TYPE

WORKING_TREE = "working-tree"
PACKAGE = "package"
PULLED = "pulled-artifact"


@dataclass(frozen=True)
class GuardResult:
    guard: str
    ok: bool
    problems: tuple[str, ...] = ()
    summary: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "guard": self.guard,
            "ok": self.ok,
            "summary": self.summary,
            "problems": list(self.problems),
        }


def guard_working_tree(chart_dir: Path, rel: str, budget: helm.Budget) -> GuardResult:
    """After ``helm dependency build``: Helm's own status of every declared dependency."""
    try:
        statuses = helm.dependency_status(chart_dir, budget)
    except helm.ChartLoadError as exc:
        return GuardResult(WORKING_TREE, False, (str(exc),), f"{rel}/")
    except helm.HelmAborted as exc:
        return GuardResult(WORKING_TREE, False, (f"{exc.message} on {rel}/",), f"{rel}/")
    problems = [
        f"dependency {s.get('name')} {s.get('version')} is {s.get('status')} in {rel}/charts/ "
        f"(expected {s.get('name')}-{s.get('version')}.tgz or {s.get('name')}/Chart.yaml)"
        for s in statuses
        if s.get("status") not in ("ok", "unpacked")
    ]
    for status in statuses:
        name = str(status.get("name"))
        packed = sorted(p.name for p in (chart_dir / "charts").glob(f"{name}-*.tgz"))
        if packed and (chart_dir / "charts" / name / "Chart.yaml").is_file():
            problems.append(
                f"dependency {name} is in {rel}/charts/ twice, as {name}/ and as "
                f"{', '.join(packed)}: Helm would package both; keep one"
            )
    return _result(WORKING_TREE, tuple(problems), len(statuses), f"{rel}/charts/")


def needs_dependency_build(chart_dir: Path, budget: helm.Budget) -> bool:
    """False when every dependency is vendored unpacked: ``helm dependency build``
    would add a ``.tgz`` beside each, and the package would hold it twice."""
    try:
        statuses = helm.dependency_status(chart_dir, budget)
    except (helm.ChartLoadError, helm.HelmAborted):
        return True  # a broken Chart.yaml, or one over the budget: lint reports it
    return not statuses or any(s.get("status") != "unpacked" for s in statuses)


def guard_archive(archive: ChartArchive, guard: str, where: str) -> GuardResult:
    """Every dependency the archive's Chart.yaml declares is a subchart inside it."""
    problems = []
    for dep in archive.dependencies:
        found = [s for s in archive.subcharts if s.name == dep.name]
        expected = dep.expected_version
        if not found:
            problems.append(
                f"dependency {dep.name} {expected or dep.version} is missing from {where}: "
                f"neither {archive.top}/charts/{dep.name}/Chart.yaml nor "
                f"{archive.top}/charts/{dep.name}-<version>.tgz is in it"
            )
        elif expected and all(s.version != expected for s in found):
            versions = ", ".join(sorted(s.version for s in found))
            problems.append(
                f"dependency {dep.name} in {where} is version {versions}, expected {expected}"
            )
    return _result(guard, tuple(problems), len(archive.dependencies), where)


def guard_package(tgz: bytes, where: str) -> tuple[GuardResult, ChartArchive | None]:
    try:
        archive = read_chart_archive(tgz)
    except ChartArchiveError as exc:
        return GuardResult(PACKAGE, False, (f"{where}: {exc}",), where), None
    return guard_archive(archive, PACKAGE, where), archive


def packager_refusal(message: str, chart_dir: Path, rel: str) -> GuardResult | None:
    """Helm's packager refuses a chart whose subchart it left out (``.helmignore``):
    that is this guard failing, reported with the ignore line that dropped it."""
    marker = "missing in charts/ directory:"
    if marker not in message:
        return None
    names = [n.strip() for n in message.split(marker, 1)[1].split(",") if n.strip()]
    problems = []
    for name in names:
        line = _ignored_by(chart_dir, name)
        cause = (
            f"{rel}/.helmignore line {line[0]} ({line[1]!r}) excludes it"
            if line
            else "check .helmignore"
        )
        problems.append(
            f"dependency {name} would be missing from the package: Helm's packager left "
            f"{rel}/charts/{name} out ({cause}); remove that pattern so the subchart is packaged"
        )
    return GuardResult(PACKAGE, False, tuple(problems), f"the package of {rel}")


def pull_chart(store: Store, repo: str, ref: str) -> tuple[str, bytes]:
    """The manifest digest of ``repo:ref`` and its Helm chart layer (raises ValueError)."""
    fetched = store.get_manifest(repo, ref)
    layers = [d for d in fetched.json().get("layers") or [] if isinstance(d, dict)]
    chart = [d for d in layers if d.get("mediaType") == HELM_CHART_MEDIA_TYPE]
    if len(chart) != 1:
        raise ValueError(f"it has no single Helm chart layer ({HELM_CHART_MEDIA_TYPE})")
    return fetched.digest, store.get_blob(repo, str(chart[0].get("digest")))


def guard_pulled(
    store: Store, repo: str, tag: str, pushed_digest: str, where: str
) -> tuple[GuardResult, ChartArchive | None]:
    """Pull ``repo:tag`` (or a digest) back and check it is what was pushed and holds
    its subcharts. A registry that fails to serve it (``RegistryError`` other than
    404) or serves bytes that miss their digest (``DigestMismatchError``) raises:
    the caller names those as transport and integrity failures, not findings."""
    try:
        digest, tgz = pull_chart(store, repo, tag)
        if digest != pushed_digest:
            return _fail(f"{where} is {digest}, not the pushed {pushed_digest}", where)
        archive = read_chart_archive(tgz)
    except NotFoundError as exc:
        return _fail(f"{where} cannot be pulled: {exc}", where)
    except (RegistryError, DigestMismatchError):
        raise
    except (OCIError, ChartArchiveError, ValueError) as exc:
        return _fail(f"{where} is unreadable: {exc}", where)
    return guard_archive(archive, PULLED, where), archive


def _fail(problem: str, where: str) -> tuple[GuardResult, None]:
    return GuardResult(PULLED, False, (problem,), where), None


def _result(guard: str, problems: tuple[str, ...], count: int, where: str) -> GuardResult:
    if problems:
        return GuardResult(guard, False, problems, where)
    noun = "dependency" if count == 1 else "dependencies"
    return GuardResult(guard, True, (), f"{count} declared {noun} present in {where}")


def _ignored_by(chart_dir: Path, name: str) -> tuple[int, str] | None:
    """The first ``.helmignore`` line matching the subchart (gitignore-like, best effort)."""
    path = chart_dir / ".helmignore"
    if not path.is_file():
        return None
    candidates = [f"charts/{p.name}" for p in sorted((chart_dir / "charts").glob(f"{name}*"))]
    candidates = candidates or [f"charts/{name}"]
    for number, raw in enumerate(path.read_text("utf-8", "replace").splitlines(), start=1):
        pattern = raw.strip()
        if not pattern or pattern.startswith(("#", "!")):
            continue
        bare = pattern.rstrip("/").lstrip("/")
        for candidate in candidates:
            parts = candidate.split("/")
            prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
            if any(
                fnmatch.fnmatch(p, bare)
                or ("/" not in bare and fnmatch.fnmatch(p.split("/")[-1], bare))
                for p in prefixes
            ):
                return number, pattern
    return None
