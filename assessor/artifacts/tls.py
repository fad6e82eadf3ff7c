"""What a passive TLS scan (sslyze) records about the portal's HTTPS endpoint.

Plain data, so the certificate and protocol checks stay pure: the scan time is recorded with the
facts, and a check computes the days left on the certificate from it, never from the clock.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

# The protocol names as reports print them, oldest first.
PROTOCOL_NAMES = ("SSL 2.0", "SSL 3.0", "TLS 1.0", "TLS 1.1", "TLS 1.2", "TLS 1.3")


class CipherSuiteFact(BaseModel):
    name: str
    key_size: int
    anonymous: bool = False
    # The key exchange is ephemeral (ECDHE/DHE, or any TLS 1.3 suite).
    forward_secrecy: bool = False


class ProtocolFact(BaseModel):
    name: str
    offered: bool
    cipher_suites: list[CipherSuiteFact] = Field(default_factory=list)
    # Set when sslyze could not tell (scan command failed); `offered` is then False.
    error: str | None = None


class CertificateFact(BaseModel):
    subject: str
    issuer: str
    not_before: datetime
    not_after: datetime
    dns_names: list[str] = Field(default_factory=list)
    ip_addresses: list[str] = Field(default_factory=list)
    public_key_type: str
    public_key_bits: int
    signature_hash: str | None = None
    sha256_fingerprint: str


class TrustFact(BaseModel):
    """The verdict of one trust store (Mozilla, Apple, ..., or the --ca-bundle file)."""

    store: str
    trusted: bool
    error: str | None = None


class TlsFacts(BaseModel):
    host: str
    port: int
    # The address connected to, when --resolve mapped the host elsewhere.
    address: str | None = None
    scanned_at: datetime
    scanner: str = ""
    protocols: list[ProtocolFact] = Field(default_factory=list)
    # As sent by the server; index 0 is the leaf.
    chain: list[CertificateFact] = Field(default_factory=list)
    chain_in_order: bool | None = None
    trust: list[TrustFact] = Field(default_factory=list)
    # The CA bundle given with --ca-bundle, when one was used.
    ca_bundle: str | None = None
    # Set when the server could not be scanned at all (no TLS listener, handshake refused).
    error: str | None = None

    @property
    def leaf(self) -> CertificateFact | None:
        return self.chain[0] if self.chain else None

    def protocol(self, name: str) -> ProtocolFact | None:
        return next((protocol for protocol in self.protocols if protocol.name == name), None)

    @property
    def offered(self) -> list[ProtocolFact]:
        return [protocol for protocol in self.protocols if protocol.offered]

    @property
    def trusted_by(self) -> list[str]:
        return [fact.store for fact in self.trust if fact.trusted]
