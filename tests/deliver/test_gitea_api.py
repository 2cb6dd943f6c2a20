"""The Gitea client (blueprintc/gitea.py) against Gitea 1.22.0's spec and against the
loopback stand-in that enforces it (tests/gitea_contract.py)."""

from __future__ import annotations

import json
import subprocess
import urllib.request
from pathlib import Path

import pytest

from blueprintc.deliver.credentials import Credentials
from blueprintc.gitea import OPERATIONS, Gitea, GiteaError
from tests.gitea_contract import GiteaStandIn, body_schema, response_schema, spec

CREDS = Credentials("deliver", "test-only", "test")


@pytest.mark.parametrize("operation_id", sorted(OPERATIONS))
def test_every_operation_is_gitea_s_own(operation_id: str) -> None:
    op = OPERATIONS[operation_id]
    operation = spec()["paths"][op.path][op.method.lower()]
    assert operation["operationId"] == operation_id
    body = body_schema(operation)
    assert (body or {}).get("$ref") == (op.body and f"#/definitions/{op.body}")
    success = [s for s in operation["responses"] if s.startswith("2")]
    assert len(success) == 1
    assert operation["responses"][success[0]]["$ref"] == f"#/responses/{op.answer}"


def _raw(base: str, method: str, path: str, body: object) -> int:
    request = urllib.request.Request(
        f"{base}/api/v1{path}", data=json.dumps(body).encode(), method=method
    )
    request.add_header("Authorization", "Basic ZGVsaXZlcjp0ZXN0LW9ubHk=")  # deliver:test-only
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def test_the_stand_in_refuses_what_gitea_s_contract_refuses(
    gitea: tuple[str, Path, GiteaStandIn],
) -> None:
    base, _, stand_in = gitea
    assert _raw(base, "POST", "/orgs", {"username": "acme", "visbility": "private"}) == 422
    assert _raw(base, "POST", "/orgs", {"username": 7}) == 422
    assert _raw(base, "POST", "/orgs/acme/repositories", {"name": "x"}) == 501
    assert len(stand_in.violations) == 3
    assert "visbility" in stand_in.violations[0]
    stand_in.violations.clear()


def test_a_stand_in_answer_outside_the_contract_is_a_violation() -> None:
    _, schema = response_schema(spec()["paths"]["/repos/{owner}/{repo}"]["get"], 200)
    from tests.gitea_contract import schema_errors

    assert schema is not None
    assert schema_errors(schema, {"name": "x", "private": "yes"})
    assert not schema_errors(schema, {"name": "x", "private": True})


def test_orgs_repos_protections_hooks_and_pulls(
    gitea: tuple[str, Path, GiteaStandIn], tmp_path: Path
) -> None:
    base, root, stand_in = gitea
    api = Gitea(base, CREDS, timeout=10)
    assert api.version() == "1.22.0"
    assert api.org("acme") is None
    api.create_org("acme")
    assert api.org("acme") is not None
    assert api.repo("acme", "shop") is None
    api.create_org_repo("acme", "shop", "main", "compiled by blueprintc")
    repo = api.repo("acme", "shop")
    assert repo is not None and repo["empty"] and repo["default_branch"] == "main"
    assert (root / "acme/shop.git/HEAD").is_file()
    with pytest.raises(GiteaError) as refused:
        api.create_org_repo("acme", "shop", "main", "")
    assert refused.value.status == 409 and "already exists" in refused.value.message

    # a protection is enforced by the git server's pre-receive hook
    api.protect_branch(
        "acme",
        "shop",
        {"rule_name": "main", "enable_push": False, "required_approvals": 2},
    )
    assert [p["rule_name"] for p in api.branch_protections("acme", "shop")] == ["main"]
    work = tmp_path / "work"
    git = ["git", "-C", str(work), "-c", "user.name=x", "-c", "user.email=x@x"]
    subprocess.run(["git", "init", "-q", "-b", "main", str(work)], check=True)
    (work / "f").write_text("x\n")
    subprocess.run([*git, "add", "f"], check=True)
    subprocess.run([*git, "commit", "-qm", "x"], check=True)
    url = base.replace("http://", "http://deliver:test-only@") + "/acme/shop.git"
    pushed = subprocess.run([*git, "push", "-q", url, "main"], capture_output=True, text=True)
    assert pushed.returncode != 0 and "protected" in pushed.stderr
    subprocess.run([*git, "push", "-q", url, "main:proposal"], check=True, capture_output=True)

    api.create_hook(
        "acme",
        "shop",
        {
            "type": "gitea",
            "config": {
                "url": "https://flux.example.test/hook/x",
                "content_type": "json",
                "secret": "s",
            },
            "events": ["push"],
            "active": True,
        },
    )
    hooks = api.hooks("acme", "shop")
    assert [h["config"]["url"] for h in hooks] == ["https://flux.example.test/hook/x"]
    assert "secret" not in hooks[0]["config"]  # Gitea never shows it back
    with pytest.raises(GiteaError) as missing:
        api.create_pull("acme", "shop", {"head": "proposal", "base": "main", "title": "t"})
    assert missing.value.status == 404  # main does not exist yet
    assert api.open_pulls("acme", "shop") == []
    writes = [template for _, template in stand_in.writes]
    assert writes.count("/orgs") == 1 and writes.count("/orgs/{org}/repos") == 2


def test_bad_credentials_and_an_unreachable_server(
    gitea: tuple[str, Path, GiteaStandIn],
) -> None:
    base, _, _ = gitea
    with pytest.raises(GiteaError) as refused:
        Gitea(base, Credentials("deliver", "wrong", "test"), timeout=10).version()
    assert refused.value.status == 401
    with pytest.raises(GiteaError) as unreachable:
        Gitea("http://127.0.0.1:9", CREDS, timeout=5).version()
    assert unreachable.value.status == 0 and "unreachable" in unreachable.value.message
    assert "test-only" not in unreachable.value.message
