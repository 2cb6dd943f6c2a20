"""Benchmarks for blueprintc (run with `python -m benchmarks.<name>`)."""
