"""Connectors: generators of event batches plus a declared mapping (see connectors.base)."""
