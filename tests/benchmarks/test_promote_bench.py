"""`python -m benchmarks.promote` runs end to end on a tiny workspace (the real git
server and the Gitea stand-in on 127.0.0.1) and reports both figures."""

from __future__ import annotations

import json

import pytest

from benchmarks import promote


def test_runner_reports_every_figure(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The runner sets the TEST-ONLY credentials of its server; restored after the test.
    monkeypatch.setenv("BLUEPRINTC_GIT_USERNAME", "deliver")
    monkeypatch.setenv("BLUEPRINTC_GIT_PASSWORD", "test-only")
    promote.main(["--orgs", "2", "--repeat", "1", "--json"])
    [size] = json.loads(capsys.readouterr().out)["sizes"]
    assert size["orgs"] == 2
    assert size["compile_s"] > 0 and size["promote_s"] > 0
    assert size["share"] == pytest.approx(size["promote_s"] / size["compile_s"], rel=0.01)
    assert size["promote_samples_s"] == [size["promote_s"]]  # one round: its one sample
    assert "samples (upper median taken)" in promote._table(size)
