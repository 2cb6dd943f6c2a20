"""A child process's environment holds no credential blueprintc or cosign reads."""

from __future__ import annotations

from blueprintc.build.keys import PASSWORD_ENV
from blueprintc.childenv import child_env, is_secret_name
from blueprintc.oci.auth import ENV_PASSWORD, ENV_USERNAME


def test_the_credentials_blueprintc_reads_are_never_passed_on() -> None:
    env = {ENV_USERNAME: "u", ENV_PASSWORD: "p", PASSWORD_ENV: "k", "PATH": "/bin", "HOME": "/h"}
    assert child_env(env) == {"PATH": "/bin", "HOME": "/h"}


def test_names_that_say_secret_are_dropped_and_ordinary_ones_kept() -> None:
    for name in ("GITHUB_TOKEN", "AWS_SECRET_ACCESS_KEY", "db_password", "DOCKER_AUTH_CONFIG"):
        assert is_secret_name(name), name
    for name in ("PATH", "HOME", "KUBECONFIG", "GIT_DIR", "SSH_AUTH_SOCK", "LANG"):
        assert not is_secret_name(name), name
