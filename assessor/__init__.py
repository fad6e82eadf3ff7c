"""assessor: automated quality assessment of Vietnam's online public-service portals."""

__version__ = "0.1.0"
