"""``blueprintc deliver``: the compiled tree of ``out/`` as commits in git repositories."""
