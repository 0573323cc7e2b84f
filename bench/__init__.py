"""Side-by-side benchmarks of tui-reader; `python bench/run.py` runs them all (docs/benchmarks.md)."""
