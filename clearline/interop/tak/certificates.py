"""The gateway's certificates: a certificate authority of the line's own, the gateway's server
certificate, and a client certificate for each user that connects a TAK server or client.

As TAK Server does it: a client proves who it is with a certificate the line's authority
signed, and the certificate's common name is the user's name, whose party and role then
decide what it sees and may report. Deactivating the user cuts its connection. RSA 2048,
which every TAK client reads; PEM for pytak and TAK Server, PKCS #12 for ATAK and WinTAK.
"""

from __future__ import annotations

import ipaddress
import os
import ssl
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from clearline.model.errors import invalid

VALID_FOR = timedelta(days=365)
AUTHORITY_VALID_FOR = timedelta(days=10 * 365)


@dataclass(frozen=True)
class Files:
    """The gateway's own files in its directory: the keys readable by its owner alone."""

    directory: Path

    @property
    def authority(self) -> Path:
        return self.directory / "ca.pem"

    @property
    def authority_key(self) -> Path:
        return self.directory / "ca.key"

    @property
    def server(self) -> Path:
        return self.directory / "server.pem"

    @property
    def server_key(self) -> Path:
        return self.directory / "server.key"


def prepare(files: Files, hosts: list[str], now: datetime) -> None:
    """The authority and the server certificate, made where they are not yet: the first start
    of a gateway makes them, later ones use them (clients hold certificates the authority
    signed, so it must not change)."""
    files.directory.mkdir(parents=True, exist_ok=True)
    if not files.authority.exists():
        key = _key()
        name = _name("Clearline TAK gateway authority")
        certificate = (
            _builder(name, name, key, now, AUTHORITY_VALID_FOR)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(_usage(sign=True), critical=True)
            .sign(key, hashes.SHA256())
        )
        _write(files.authority_key, files.authority, key, certificate)
    if not files.server.exists():
        key = _key()
        alternatives = [_alternative(host) for host in hosts]
        certificate = (
            _signed_by_authority(files, _name(hosts[0]), key, now)
            .add_extension(x509.SubjectAlternativeName(alternatives), critical=False)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .sign(_authority_key(files), hashes.SHA256())
        )
        _write(files.server_key, files.server, key, certificate)


def issue(files: Files, user: str, out: Path, now: datetime, password: str | None) -> list[Path]:
    """A client certificate for ``user``, with its key and the authority to trust, written to
    ``out``; with a ``password``, as a PKCS #12 bundle as well. Returns the files written."""
    if not files.authority.exists():
        raise invalid("tak_dir", f"no authority in {files.directory}: prepare it first")
    key = _key()
    certificate = (
        _signed_by_authority(files, _name(user), key, now)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        .sign(_authority_key(files), hashes.SHA256())
    )
    out.mkdir(parents=True, exist_ok=True)
    written = [out / f"{user}.pem", out / f"{user}.key", out / "ca.pem"]
    _write(written[1], written[0], key, certificate)
    written[2].write_bytes(files.authority.read_bytes())
    if password is not None:
        bundle = out / f"{user}.p12"
        encryption = serialization.BestAvailableEncryption(password.encode())
        authority = [_authority(files)]
        _private(
            bundle,
            pkcs12.serialize_key_and_certificates(
                user.encode(), key, certificate, authority, encryption
            ),
        )
        written.append(bundle)
    return written


def server_context(files: Files) -> ssl.SSLContext:
    """TLS 1.2 or later, and a client certificate the authority signed, or no connection."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile=str(files.authority))
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.verify_mode = ssl.CERT_REQUIRED
    context.load_cert_chain(files.server, files.server_key)
    return context


def common_name(peer: dict[str, object] | None) -> str | None:
    """The common name of a verified peer certificate, as ``ssl`` gives it."""
    for entry in (peer or {}).get("subject", ()):  # type: ignore[attr-defined]
        for key, value in entry:
            if key == "commonName":
                return str(value)
    return None


def _signed_by_authority(
    files: Files, subject: x509.Name, key: rsa.RSAPrivateKey, now: datetime
) -> x509.CertificateBuilder:
    issuer = _authority(files).subject
    return (
        _builder(subject, issuer, key, now, VALID_FOR)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(sign=False), critical=True)
    )


def _builder(
    subject: x509.Name, issuer: x509.Name, key: rsa.RSAPrivateKey, now: datetime, life: timedelta
) -> x509.CertificateBuilder:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + life)
    )


def _usage(sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not sign,
        content_commitment=False,
        key_encipherment=not sign,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=sign,
        crl_sign=sign,
        encipher_only=False,
        decipher_only=False,
    )


def _name(common: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Clearline"),
            x509.NameAttribute(NameOID.COMMON_NAME, common),
        ]
    )


def _alternative(host: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        return x509.DNSName(host)


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _authority(files: Files) -> x509.Certificate:
    return x509.load_pem_x509_certificate(files.authority.read_bytes())


def _authority_key(files: Files) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(files.authority_key.read_bytes(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


def _write(
    key_path: Path, certificate_path: Path, key: rsa.RSAPrivateKey, certificate: x509.Certificate
) -> None:
    encoded = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    _private(key_path, encoded)
    certificate_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))


def _private(path: Path, data: bytes) -> None:
    """Written readable by its owner alone from the first byte, not made so afterwards."""
    path.unlink(missing_ok=True)
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as file:
        file.write(data)
