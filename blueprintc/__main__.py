"""`python -m blueprintc`."""

from blueprintc.cli import main

main()
