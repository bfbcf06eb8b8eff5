"""statlearn benchmark suite: ``python -m benchmarks --help``."""
