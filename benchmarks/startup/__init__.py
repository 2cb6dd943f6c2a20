"""Start-up benchmark: the real CLI as a fresh process (issue 11 point 1)."""
