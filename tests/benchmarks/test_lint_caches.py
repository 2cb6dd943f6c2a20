"""`benchmarks.lint --cold-caches` clears every cache it names (a renamed cache fails here)."""

from __future__ import annotations

import blueprintc.emit.yamlwriter
import blueprintc.lint
import blueprintc.schemacheck
import blueprintc.yamldata  # noqa: F401 - imported for their caches
from benchmarks.lint.caches import CACHE_DICTS, clear_process_caches
from blueprintc.yamldata import Loader, load_all


def test_clear_process_caches_clears_the_named_dicts_and_functools_caches() -> None:
    load_all("a: 1\nb: true\n")
    assert Loader._resolved
    assert clear_process_caches() > len(CACHE_DICTS)
    assert not Loader._resolved
