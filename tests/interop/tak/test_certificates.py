"""The gateway's certificates: one authority, made once and kept; a server certificate for
the names it is reached by; client certificates naming their user, signed by the authority,
their keys readable by their owner alone, and a PKCS #12 bundle for ATAK."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from clearline.interop.tak import certificates
from clearline.model.errors import ClearlineError
from tests.conftest import START


def common_name(path: Path) -> str:
    certificate = x509.load_pem_x509_certificate(path.read_bytes())
    return str(certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value)


def test_the_authority_is_made_once_and_signs_what_it_issues(tmp_path: Path) -> None:
    files = certificates.Files(tmp_path / "tak")
    certificates.prepare(files, ["tak.example.org", "10.0.0.5"], START)
    authority = files.authority.read_bytes()
    certificates.prepare(files, ["elsewhere"], START)
    assert files.authority.read_bytes() == authority  # the clients' trust must not change
    ca = x509.load_pem_x509_certificate(authority)
    server = x509.load_pem_x509_certificate(files.server.read_bytes())
    server.verify_directly_issued_by(ca)
    names = server.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.DNSName) == ["tak.example.org"]
    assert [str(a) for a in names.get_values_for_type(x509.IPAddress)] == ["10.0.0.5"]
    cert, key, trust = certificates.issue(files, "il-system", tmp_path / "il", START, None)
    x509.load_pem_x509_certificate(cert.read_bytes()).verify_directly_issued_by(ca)
    assert common_name(cert) == "il-system" and trust.read_bytes() == authority
    for secret in (files.authority_key, files.server_key, key):
        assert stat.S_IMODE(secret.stat().st_mode) == 0o600


def test_a_bundle_for_atak_opens_with_its_password(tmp_path: Path) -> None:
    files = certificates.Files(tmp_path / "tak")
    certificates.prepare(files, ["localhost"], START)
    *_, bundle = certificates.issue(files, "tr-system", tmp_path / "tr", START, "s3cret")
    loaded = pkcs12.load_pkcs12(bundle.read_bytes(), b"s3cret")
    assert loaded.cert is not None and loaded.key is not None
    assert loaded.cert.certificate.subject.rfc4514_string() == "CN=tr-system,O=Clearline"
    with pytest.raises(ValueError):
        pkcs12.load_pkcs12(bundle.read_bytes(), b"wrong")


def test_nothing_is_issued_without_an_authority(tmp_path: Path) -> None:
    with pytest.raises(ClearlineError, match="no authority"):
        certificates.issue(certificates.Files(tmp_path), "il-system", tmp_path, START, None)
