"""Output targets: printers from the lowest-level IR to source text."""
