"""`python -m benchmarks.compile`: full and incremental compile times against a bare YAML dump."""
