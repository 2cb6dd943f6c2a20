"""`python -m benchmarks.lint`: lint time of a generated catalog against its bare Helm renders."""
