"""Baselines and the fast fake Bot API of `make bench` (tools/bench.py)."""
