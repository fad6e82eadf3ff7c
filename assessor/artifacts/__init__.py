"""Artifacts: what collectors record, one module per kind, composed into a Snapshot.

Like Lighthouse's gatherer artifacts, each is plain data; checks read them and never
touch the network.
"""
