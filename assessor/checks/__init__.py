"""Checks: pure functions of a Snapshot, one module per group of the rubric."""
