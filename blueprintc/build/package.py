"""``helm package`` with the real Helm SDK, made reproducible.

Helm writes each file's modification time into the package, so two checkouts
of the same commit would give two digests and the second publish of an
unchanged chart would be refused as a changed version. The chart is therefore
packaged from a staged copy whose files all carry one time
(``SOURCE_DATE_EPOCH``, else the epoch), and each vendored ``charts/*.tgz``
(which ``helm dependency build`` just rewrote with fresh times) is re-packed
with the same time first. Content, names and ``.helmignore`` are untouched.
"""

from __future__ import annotations

import io
import os
import shutil
import tarfile
import tempfile
from collections.abc import Mapping
from pathlib import Path

from blueprintc import helm
from blueprintc.build.errors import BuildError
from blueprintc.oci import UnsafeArchiveError, read_archive
from blueprintc.oci.tarball import gzip_deterministic


class PackageRefused(Exception):
    """Helm's packager refused the chart; the message is Helm's."""


def build_time(env: Mapping[str, str] | None = None) -> int:
    raw = (os.environ if env is None else env).get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return 0
    if not raw.isdigit():
        raise BuildError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, got {raw[:40]!r}")
    return int(raw)


def package_chart(
    chart_dir: Path, mtime: int | None = None, budget: helm.Budget = helm.DEFAULT_BUDGET
) -> bytes:
    """The bytes of ``helm package <chart_dir>``, identical for identical content."""
    stamp = build_time() if mtime is None else mtime
    _refuse_links(chart_dir)
    with tempfile.TemporaryDirectory(prefix="blueprintc-package-") as tmp:
        staged = Path(tmp) / "chart"
        shutil.copytree(chart_dir, staged)
        charts = staged / "charts"
        if charts.is_dir():
            for vendored in sorted(charts.glob("*.tgz")):
                vendored.write_bytes(_repack(vendored.read_bytes(), stamp, vendored.name))
        for path in sorted(staged.rglob("*"), reverse=True):
            os.utime(path, (stamp, stamp))
        try:
            archive = helm.package(staged, Path(tmp) / "out", budget)
        except helm.ChartLoadError as exc:
            raise PackageRefused(str(exc)) from None
        except helm.HelmAborted as exc:
            raise PackageRefused(exc.message) from None
        return Path(archive).read_bytes()


def _repack(data: bytes, mtime: int, name: str) -> bytes:
    try:
        files = read_archive(data)
    except UnsafeArchiveError as exc:
        raise BuildError(f"charts/{name}: {exc}") from None
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for member in sorted(files):
            info = tarfile.TarInfo(member)
            info.size, info.mtime, info.mode = len(files[member]), mtime, 0o644
            tar.addfile(info, io.BytesIO(files[member]))
    return gzip_deterministic(raw.getvalue())


def _refuse_links(chart_dir: Path) -> None:
    if not (chart_dir / "Chart.yaml").is_file():
        raise BuildError(f"{chart_dir} has no Chart.yaml")
    for path in sorted(chart_dir.rglob("*")):
        if path.is_symlink():
            raise BuildError(
                f"{path} is a symbolic link; charts are packaged from regular files only "
                "(copy the content instead)"
            )
