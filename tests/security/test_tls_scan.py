"""sslyze against real TLS servers on 127.0.0.1, certificates made at test time with trustme.

Good and weak configurations are real (Python's OpenSSL 3 still speaks TLS 1.0/1.1 and RSA key
exchange at security level 0). SSL 2.0/3.0, SHA-1 and short keys cannot be served here and are
tested on recorded facts in test_checks.py.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import trustme

from assessor.artifacts.tls import TlsFacts
from assessor.checks import security
from assessor.collect.context import CollectContext
from assessor.collect.tls import gather_tls, scan_tls
from assessor.criteria import load_rubric
from assessor.model import Status
from assessor.snapshot import CollectSettings
from tests.builders import make_snapshot, page, params_of
from tests.security.tls_server import GOOD, LEGACY, WEAK, TlsServer, write_ca

HOST = "portal.test"


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def bundle(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_ca(ca, tmp_path_factory.mktemp("ca"))


def scan(ca: trustme.CA, bundle: Path | None, config: object = GOOD, name: str = HOST, **cert_options: object) -> TlsFacts:
    cert = ca.issue_cert(name, **cert_options)  # type: ignore[arg-type]
    with TlsServer(cert, config) as server:  # type: ignore[arg-type]
        return scan_tls(HOST, server.port, "127.0.0.1", bundle)


@pytest.fixture(scope="module")
def good(ca: trustme.CA, bundle: Path) -> TlsFacts:
    return scan(ca, bundle)


@pytest.fixture(scope="module")
def weak(ca: trustme.CA, bundle: Path) -> TlsFacts:
    return scan(ca, bundle, WEAK, key_type=trustme.KeyType.RSA)


def judge(check_id: str, facts: TlsFacts) -> object:
    snapshot = make_snapshot(page(f"https://{HOST}/"), url=f"https://{HOST}/", tls=facts)
    return getattr(security, check_id.split(".")[1])(snapshot, params_of(check_id))


def test_good_server_offers_only_tls12_and_13_with_forward_secrecy(good: TlsFacts) -> None:
    assert good.error is None
    assert [p.name for p in good.offered] == ["TLS 1.2", "TLS 1.3"]
    assert all(suite.forward_secrecy for p in good.offered for suite in p.cipher_suites)
    assert judge("security.tls_protocols", good).status == Status.PASS


def test_ca_bundle_makes_sslyze_trust_the_private_ca(good: TlsFacts, bundle: Path) -> None:
    assert good.trusted_by == ["Supplied CA file"]
    assert good.ca_bundle == str(bundle)
    assert good.leaf is not None and good.leaf.dns_names == [HOST]
    finding = judge("security.certificate", good)
    assert finding.status == Status.PASS


def test_weak_server_is_caught_for_old_protocols_weak_suites_and_no_forward_secrecy(weak: TlsFacts) -> None:
    offered = [p.name for p in weak.offered]
    assert offered == ["TLS 1.0", "TLS 1.1", "TLS 1.2"]
    assert any(suite.anonymous for p in weak.offered for suite in p.cipher_suites)
    finding = judge("security.tls_protocols", weak)
    for words in ("TLS 1.0, TLS 1.1", "weak cipher suites", "without forward secrecy", "no TLS 1.3"):
        assert words in finding.message.en
    # 1 - 0.5 (legacy) - 0.3 (weak) - 0.2 (no forward secrecy) - 0.1 (no TLS 1.3), floored at 0.
    assert (finding.status, finding.fraction) == (Status.FAIL, 0.0)
    table = next(e for e in finding.evidence if e.label_in("en").startswith("Weak cipher suites"))
    assert any("anon" in row for row in table.value)


def test_legacy_protocols_alone_cost_half_the_points(ca: trustme.CA, bundle: Path) -> None:
    facts = scan(ca, bundle, LEGACY)
    assert [p.name for p in facts.offered] == ["TLS 1.0", "TLS 1.1", "TLS 1.2", "TLS 1.3"]
    finding = judge("security.tls_protocols", facts)
    assert (finding.status, finding.fraction) == (Status.PARTIAL, 0.5)
    assert finding.message.en == "TLS configuration weak: still offers TLS 1.0, TLS 1.1"


def test_without_the_bundle_the_private_ca_is_a_finding(ca: trustme.CA) -> None:
    facts = scan(ca, None)
    assert facts.trusted_by == [] and facts.ca_bundle is None
    finding = judge("security.certificate", facts)
    assert finding.status == Status.FAIL and "not trusted" in finding.message.en


def test_hostname_mismatch_fails(ca: trustme.CA, bundle: Path) -> None:
    finding = judge("security.certificate", scan(ca, bundle, name="other.test"))
    assert finding.status == Status.FAIL and "does not name portal.test" in finding.message.en


def test_certificate_expiring_within_30_days_is_partial(ca: trustme.CA, bundle: Path) -> None:
    facts = scan(ca, bundle, not_after=datetime.now(UTC) + timedelta(days=10))
    finding = judge("security.certificate", facts)
    assert finding.status == Status.PARTIAL and "expires in" in finding.message.en


def test_expired_certificate_fails(ca: trustme.CA, bundle: Path) -> None:
    facts = scan(ca, bundle, not_before=datetime.now(UTC) - timedelta(days=60),
                 not_after=datetime.now(UTC) - timedelta(days=1))
    finding = judge("security.certificate", facts)
    assert finding.status == Status.FAIL and "expired" in finding.message.en


def test_a_port_without_tls_is_a_failed_handshake() -> None:
    listener = socket.create_server(("127.0.0.1", 0))

    def answer_plain_text() -> None:
        with listener:
            client, _ = listener.accept()
            client.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n")
            client.close()

    threading.Thread(target=answer_plain_text, daemon=True).start()
    facts = scan_tls(HOST, listener.getsockname()[1], "127.0.0.1", None, timeout_s=2)
    assert facts.error
    assert judge("security.tls_protocols", facts).status == Status.FAIL


@pytest.fixture
def server(ca: trustme.CA) -> Iterator[TlsServer]:
    with TlsServer(ca.issue_cert(HOST), GOOD) as running:
        yield running


def test_gatherer_follows_resolve_and_the_ca_bundle(server: TlsServer, bundle: Path, tmp_path: Path) -> None:
    # The start URL names a host that DNS does not know; --resolve points it at the local server.
    url = f"https://{HOST}:8443/"
    settings = CollectSettings(resolve={HOST: f"127.0.0.1:{server.port}"})
    snapshot = make_snapshot(page(url), url=url, settings=settings)
    ctx = CollectContext(settings=settings, session=None, folder=tmp_path, rubric=load_rubric(), ca_bundle=bundle)  # type: ignore[arg-type]
    asyncio.run(gather_tls(snapshot, ctx))
    assert snapshot.tls is not None and snapshot.tls.error is None
    assert (snapshot.tls.host, snapshot.tls.port, snapshot.tls.address) == (HOST, server.port, "127.0.0.1")
    assert snapshot.tls.trusted_by == ["Supplied CA file"]


def test_gatherer_skips_a_portal_without_https(tmp_path: Path) -> None:
    url = "http://portal.test/"
    snapshot = make_snapshot(page(url), url=url)
    ctx = CollectContext(settings=CollectSettings(), session=None, folder=tmp_path, rubric=load_rubric())  # type: ignore[arg-type]
    asyncio.run(gather_tls(snapshot, ctx))
    assert snapshot.tls is None
