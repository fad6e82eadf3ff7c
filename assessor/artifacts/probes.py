"""Names of the HTTP probes collect/probes.py records in `snapshot.probes`, shared with the checks."""

from __future__ import annotations

# The plain-HTTP home, followed hop by hop.
HTTP_ROOT = "http_root"
# One address no portal serves: its answer is the portal's own error page.
NOT_FOUND = "not_found"


def path_probe_name(path: str) -> str:
    """A well-known path, e.g. path:/.git/HEAD."""
    return f"path:{path}"


def listing_probe_name(folder: str) -> str:
    """A folder the home page loads assets from, probed for a directory listing."""
    return f"listing:{folder}"
