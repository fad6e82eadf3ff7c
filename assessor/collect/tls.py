"""The TLS scan: sslyze looks at the portal's HTTPS endpoint, passively, once per assessment.

Only the scan commands the checks need are run: the certificate chain and one cipher-suite scan
per protocol version. sslyze is synchronous, so it runs in a worker thread. The host's address
follows --resolve, and the --ca-bundle file is handed to sslyze as an extra trust store, so a
staging portal behind a private CA is judged like the browser and the HTTP probes judge it.
"""

from __future__ import annotations

import asyncio
import warnings
from datetime import UTC, datetime
from ipaddress import ip_address
from pathlib import Path
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509 import load_pem_x509_certificates
from cryptography.x509.oid import ExtendedKeyUsageOID
from cryptography.x509.verification import (
    Criticality,
    DNSName,
    ExtensionPolicy,
    IPAddress,
    PolicyBuilder,
    Store,
    VerificationError,
)
from sslyze import (
    CertificateInfoExtraArgument,
    CipherSuitesScanResult,
    ScanCommand,
    ScanCommandAttemptStatusEnum,
    ScanCommandsExtraArguments,
    Scanner,
    ServerConnectivityStatusEnum,
    ServerNetworkConfiguration,
    ServerNetworkLocation,
    ServerScanRequest,
    ServerScanResult,
    TrustStore,
)

# The trust stores sslyze ships hold a legacy root with a non-positive serial number; loading it
# warns on every scan, which tells the user nothing about their portal.
warnings.filterwarnings(
    "ignore", message="Parsed a serial number which wasn't positive", category=CryptographyDeprecationWarning
)
from sslyze.__version__ import __version__ as sslyze_version

from assessor.artifacts.tls import CertificateFact, CipherSuiteFact, ProtocolFact, TlsFacts, TrustFact
from assessor.collect.context import CollectContext
from assessor.collect.gatherers import STAGE_INDEPENDENT, portal_gatherer
from assessor.snapshot import Snapshot

# sslyze's result field for each protocol, in PROTOCOL_NAMES order.
PROTOCOL_SCANS: tuple[tuple[str, ScanCommand, str], ...] = (
    ("SSL 2.0", ScanCommand.SSL_2_0_CIPHER_SUITES, "ssl_2_0_cipher_suites"),
    ("SSL 3.0", ScanCommand.SSL_3_0_CIPHER_SUITES, "ssl_3_0_cipher_suites"),
    ("TLS 1.0", ScanCommand.TLS_1_0_CIPHER_SUITES, "tls_1_0_cipher_suites"),
    ("TLS 1.1", ScanCommand.TLS_1_1_CIPHER_SUITES, "tls_1_1_cipher_suites"),
    ("TLS 1.2", ScanCommand.TLS_1_2_CIPHER_SUITES, "tls_1_2_cipher_suites"),
    ("TLS 1.3", ScanCommand.TLS_1_3_CIPHER_SUITES, "tls_1_3_cipher_suites"),
)
# Few connections at once: the scan is polite, like the crawl.
CONCURRENT_CONNECTIONS = 3


def tls_target(snapshot: Snapshot) -> tuple[str, int] | None:
    """The HTTPS host and port to scan: the start URL, or where the home page ended up."""
    candidates = [snapshot.start_url] + ([snapshot.home.final_url] if snapshot.home else [])
    for url in candidates:
        parts = urlsplit(url)
        if parts.scheme == "https" and parts.hostname:
            return parts.hostname, parts.port or 443
    return None


def scan_tls(
    host: str, port: int, address: str | None = None, ca_bundle: Path | None = None, timeout_s: float = 5.0
) -> TlsFacts:
    """Scan one endpoint (blocking). `address` connects there instead of resolving `host`."""
    scanned_at = datetime.now(UTC)
    facts = TlsFacts(
        host=host, port=port, address=address, scanned_at=scanned_at, scanner=f"sslyze {sslyze_version}",
        ca_bundle=str(ca_bundle) if ca_bundle else None,
    )
    extra = ScanCommandsExtraArguments(
        certificate_info=CertificateInfoExtraArgument(custom_ca_file=ca_bundle) if ca_bundle else None
    )
    try:
        location = ServerNetworkLocation(hostname=host, port=port, ip_address=address)
        request = ServerScanRequest(
            server_location=location,
            network_configuration=ServerNetworkConfiguration(
                tls_server_name_indication=host, network_timeout=int(max(1, timeout_s))
            ),
            scan_commands={ScanCommand.CERTIFICATE_INFO, *(command for _, command, _ in PROTOCOL_SCANS)},
            scan_commands_extra_arguments=extra,
        )
    except Exception as exc:  # noqa: BLE001 - an unresolvable host is a fact about the portal
        facts.error = f"{type(exc).__name__}: {exc}"
        return facts
    scanner = Scanner(per_server_concurrent_connections_limit=CONCURRENT_CONNECTIONS)
    scanner.queue_scans([request])
    result = next(iter(scanner.get_results()))
    record_result(facts, result)
    return facts


def record_result(facts: TlsFacts, result: ServerScanResult) -> None:
    if result.connectivity_status != ServerConnectivityStatusEnum.COMPLETED or result.scan_result is None:
        trace = result.connectivity_error_trace
        facts.error = "".join(trace.format_exception_only()).strip() if trace else "TLS handshake failed"
        return
    attempts = result.scan_result
    for name, _, field in PROTOCOL_SCANS:
        attempt = getattr(attempts, field)
        if attempt.status != ScanCommandAttemptStatusEnum.COMPLETED or attempt.result is None:
            facts.protocols.append(ProtocolFact(name=name, offered=False, error=str(attempt.error_reason)))
            continue
        facts.protocols.append(protocol_fact(name, attempt.result))
    certificate = attempts.certificate_info
    if certificate.status != ScanCommandAttemptStatusEnum.COMPLETED or certificate.result is None:
        facts.error = f"certificate scan failed: {certificate.error_reason}"
        return
    deployment = certificate.result.certificate_deployments[0]
    facts.chain = [certificate_fact(item) for item in deployment.received_certificate_chain]
    facts.chain_in_order = deployment.received_chain_has_valid_order
    stores = [path.trust_store for path in deployment.path_validation_results]
    facts.trust = [
        browser_like_trust(deployment.received_certificate_chain, facts.host, store, facts.scanned_at)
        for store in stores
    ]


def _server_auth_usage(policy: object, certificate: x509.Certificate, usage: x509.ExtendedKeyUsage | None) -> None:
    if usage is not None and ExtendedKeyUsageOID.SERVER_AUTH not in usage:
        raise ValueError("extended key usage does not allow TLS server authentication")


# Browsers accept a critical subjectAltName or extendedKeyUsage on a leaf whose subject is not
# empty (trustme and many private CAs issue such leaves); cryptography's default web-PKI policy,
# which sslyze uses, rejects them. A citizen's browser is the yardstick, so trust is re-checked
# with those two criticality rules relaxed and everything else (chain, dates, name) as strict.
BROWSER_LEAF_POLICY = (
    ExtensionPolicy.webpki_defaults_ee()
    .require_present(x509.SubjectAlternativeName, Criticality.AGNOSTIC, None)
    .may_be_present(x509.ExtendedKeyUsage, Criticality.AGNOSTIC, _server_auth_usage)
)


def browser_like_trust(chain: list[x509.Certificate], host: str, store: TrustStore, at: datetime) -> TrustFact:
    try:
        subject: DNSName | IPAddress = IPAddress(ip_address(host))
    except ValueError:
        subject = DNSName(host)
    builder = (
        PolicyBuilder()
        .store(Store(load_pem_x509_certificates(store.path.read_bytes())))
        .time(at)
        .extension_policies(ee_policy=BROWSER_LEAF_POLICY, ca_policy=ExtensionPolicy.webpki_defaults_ca())
    )
    try:
        builder.build_server_verifier(subject).verify(chain[0], chain[1:])
    except (VerificationError, ValueError) as exc:
        return TrustFact(store=store.name, trusted=False, error=str(exc).split(" (encountered")[0])
    return TrustFact(store=store.name, trusted=True)


def protocol_fact(name: str, result: CipherSuitesScanResult) -> ProtocolFact:
    suites = [
        CipherSuiteFact(
            name=accepted.cipher_suite.name,
            key_size=accepted.cipher_suite.key_size,
            anonymous=accepted.cipher_suite.is_anonymous,
            forward_secrecy=name == "TLS 1.3" or "DHE_" in accepted.cipher_suite.name,
        )
        for accepted in result.accepted_cipher_suites
    ]
    return ProtocolFact(name=name, offered=bool(suites), cipher_suites=suites)


def certificate_fact(certificate: x509.Certificate) -> CertificateFact:
    key = certificate.public_key()
    try:
        names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        dns_names = names.get_values_for_type(x509.DNSName)
        ip_addresses = [str(address) for address in names.get_values_for_type(x509.IPAddress)]
    except x509.ExtensionNotFound:
        dns_names, ip_addresses = [], []
    algorithm = certificate.signature_hash_algorithm
    return CertificateFact(
        subject=certificate.subject.rfc4514_string(),
        issuer=certificate.issuer.rfc4514_string(),
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
        dns_names=dns_names,
        ip_addresses=ip_addresses,
        public_key_type=key_type(key),
        public_key_bits=getattr(key, "key_size", 256),
        signature_hash=algorithm.name if algorithm else None,
        sha256_fingerprint=certificate.fingerprint(hashes.SHA256()).hex(),
    )


def key_type(key: object) -> str:
    kinds = ((rsa.RSAPublicKey, "RSA"), (ec.EllipticCurvePublicKey, "EC"), (dsa.DSAPublicKey, "DSA"),
             (ed25519.Ed25519PublicKey, "Ed25519"), (ed448.Ed448PublicKey, "Ed448"))
    return next((name for kind, name in kinds if isinstance(key, kind)), type(key).__name__)


def resolved_address(host: str, port: int, resolve: dict[str, str]) -> tuple[str | None, int]:
    """--resolve maps host -> address:port; sslyze connects there and still sends the host as SNI."""
    target = resolve.get(host)
    if not target:
        return None, port
    address, _, mapped_port = target.rpartition(":")
    return address.strip("[]"), int(mapped_port)


@portal_gatherer("tls", stage=STAGE_INDEPENDENT)
async def gather_tls(snapshot: Snapshot, ctx: CollectContext) -> None:
    target = tls_target(snapshot)
    if target is None:
        return  # a portal without HTTPS has nothing to scan; the HTTPS check reports it
    host, port = target
    address, port = resolved_address(host, port, ctx.settings.resolve)
    timeout = min(10.0, ctx.settings.page_timeout_s)
    snapshot.tls = await asyncio.to_thread(scan_tls, host, port, address, ctx.ca_bundle, timeout)
