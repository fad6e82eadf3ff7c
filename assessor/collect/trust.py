"""Trusting an extra certificate authority (--ca-bundle) in the browser.

Chromium on Linux reads trust from an NSS database, not from a file; what it does take on the
command line is a list of leaf public-key hashes to accept. So we connect to each host with
Python's ssl, verify its certificate against the bundle (and the hostname), and hand Chromium
the hashes of the leaves that verified. A certificate the bundle does not vouch for stays
untrusted, exactly as a citizen's browser would see it.
"""

from __future__ import annotations

import base64
import hashlib
import socket
import ssl
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization


def spki_sha256(der_certificate: bytes) -> str:
    certificate = x509.load_der_x509_certificate(der_certificate)
    spki = certificate.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(hashlib.sha256(spki).digest()).decode("ascii")


def verified_leaf(host: str, address: tuple[str, int], ca_bundle: Path, timeout: float = 5.0) -> bytes | None:
    """The server's leaf certificate if it verifies for `host` against the bundle, else None."""
    context = ssl.create_default_context(cafile=str(ca_bundle))
    try:
        with socket.create_connection(address, timeout=timeout) as raw:
            with context.wrap_socket(raw, server_hostname=host) as tls:
                return tls.getpeercert(binary_form=True)
    except (OSError, ssl.SSLError):
        return None


def trusted_spki_hashes(
    hosts: dict[str, tuple[str, int]], ca_bundle: Path, timeout: float = 5.0
) -> list[str]:
    """hosts: host name -> (address, port) to connect to."""
    hashes: list[str] = []
    for host, address in hosts.items():
        leaf = verified_leaf(host, address, ca_bundle, timeout)
        if leaf is not None:
            digest = spki_sha256(leaf)
            if digest not in hashes:
                hashes.append(digest)
    return hashes
