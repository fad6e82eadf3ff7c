"""Collect: everything that touches the network. The result is one Snapshot."""
