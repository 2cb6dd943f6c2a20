"""`blueprintc compile`: Sovereign + Organizations + Blueprints -> the Flux tree.

Stages: `inputs` loads and checks the workspace, `planner` turns it into a
pure description of every output file (built by `flux` and `names`), and
`blueprintc.emit` writes it deterministically.
"""
