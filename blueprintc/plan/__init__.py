"""Planning: the pure description of every output file (graph, values, placement, Flux objects)."""
