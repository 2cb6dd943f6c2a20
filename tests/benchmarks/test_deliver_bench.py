"""`python -m benchmarks.deliver` runs end to end on a tiny workspace and reports
every figure (the targets themselves are judged at N = 100 by the runner)."""

from __future__ import annotations

import json

import pytest

from benchmarks import deliver


def test_runner_reports_every_figure(capsys: pytest.CaptureFixture[str]) -> None:
    deliver.main(["--orgs", "2", "--repeat", "1", "--json"])
    report = json.loads(capsys.readouterr().out)
    [size] = report["sizes"]
    assert size["orgs"] == 2 and size["commits"] > 10
    keys = ("compile_s", "first_signed_s", "first_unsigned_s", "unchanged_s", "one_app_s")
    for key in (*keys, "signing_s"):
        assert size[key] > 0, key
    assert 0 < report["signature_ms"] < 50
