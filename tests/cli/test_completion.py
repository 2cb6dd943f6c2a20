"""Shell completion as README documents it: the script click writes for the
`blueprintc` console script, sourced into a real bash, completes commands and options."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = Path(sys.executable).parent / "blueprintc"  # the console script pip installed


def _complete(words: str, env_var: str = "bash_source") -> list[str]:
    assert SCRIPT.is_file(), f"{SCRIPT} missing: install the project (make .venv/.installed)"
    env = {
        **os.environ,
        "PATH": f"{SCRIPT.parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONPATH": str(REPO),
    }
    program = (
        f'eval "$(_BLUEPRINTC_COMPLETE={env_var} blueprintc)"\n'
        f"COMP_WORDS=({words}); COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))\n"
        "_blueprintc_completion blueprintc\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    done = subprocess.run(
        ["bash", "-c", program], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("blueprintc li", ["lint"]),
        ("blueprintc com", ["compile"]),
        ("blueprintc lint --fo", ["--format"]),
        ("blueprintc lint --format s", ["sarif"]),
    ],
)
def test_bash_completes_commands_options_and_choices(words: str, expected: list[str]) -> None:
    assert _complete(words) == expected


def test_zsh_and_fish_scripts_are_written() -> None:
    for shell, marker in (("zsh", "#compdef blueprintc"), ("fish", "complete --no-files")):
        done = subprocess.run(
            [str(SCRIPT)],
            env={**os.environ, "_BLUEPRINTC_COMPLETE": f"{shell}_source", "PYTHONPATH": str(REPO)},
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        assert marker in done.stdout, shell
