"""P-256 (R1) keys: signing, verification and ECDH through ``cryptography``; key recovery here.

``cryptography`` offers no public-key recovery nor point arithmetic, so recovery (and finding
the recovery id of a fresh signature) uses the small Jacobian-coordinate arithmetic below;
``cryptography`` still decompresses and validates every point and double-checks each recovered
key by verifying the signature with it.
"""

from __future__ import annotations

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, utils

from sessionkit.errors import CryptoError, InvalidKey

__all__ = ["DETERMINISTIC", "Signer", "recover", "validate_public_key", "verify"]

P = 0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF
N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
_G = (
    0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296,
    0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5,
    1,
)
_CURVE = ec.SECP256R1()
_HEADER = 31  # 27 + 4: recovery id of a compressed key

# A Jacobian point (X, Y, Z) stands for the affine (X/Z^2, Y/Z^3); None is the point at infinity.
_Point = tuple[int, int, int] | None


def _signing_algorithm() -> tuple[ec.ECDSA, bool]:
    """Deterministic (RFC 6979) ECDSA over a prehashed SHA-256 digest when OpenSSL has it."""
    try:
        return ec.ECDSA(utils.Prehashed(hashes.SHA256()), deterministic_signing=True), True
    except UnsupportedAlgorithm:
        return ec.ECDSA(utils.Prehashed(hashes.SHA256())), False


_SIGNING, DETERMINISTIC = _signing_algorithm()
"""Whether R1 signatures are RFC 6979 (then they match the reference's byte for byte)."""
_VERIFYING = ec.ECDSA(utils.Prehashed(hashes.SHA256()))


def _double(point: _Point) -> _Point:
    if point is None or point[1] == 0:
        return None
    x, y, z = point
    delta = z * z % P
    gamma = y * y % P
    beta = x * gamma % P
    alpha = 3 * (x - delta) * (x + delta) % P
    x3 = (alpha * alpha - 8 * beta) % P
    z3 = ((y + z) * (y + z) - gamma - delta) % P
    y3 = (alpha * (4 * beta - x3) - 8 * gamma * gamma) % P
    return (x3, y3, z3)


def _add(first: _Point, second: _Point) -> _Point:
    if first is None:
        return second
    if second is None:
        return first
    x1, y1, z1 = first
    x2, y2, z2 = second
    z1z1 = z1 * z1 % P
    z2z2 = z2 * z2 % P
    u1 = x1 * z2z2 % P
    u2 = x2 * z1z1 % P
    s1 = y1 * z2 * z2z2 % P
    s2 = y2 * z1 * z1z1 % P
    if u1 == u2:
        return _double(first) if s1 == s2 else None
    h = (u2 - u1) % P
    r = (s2 - s1) % P
    hh = h * h % P
    hhh = h * hh % P
    v = u1 * hh % P
    x3 = (r * r - hhh - 2 * v) % P
    y3 = (r * (v - x3) - s1 * hhh) % P
    z3 = h * z1 * z2 % P
    return (x3, y3, z3)


def _combination(u1: int, u2: int, point: _Point) -> tuple[int, int] | None:
    """Affine ``u1*G + u2*point`` (Shamir's trick), or None for the point at infinity."""
    both = _add(_G, point)
    table: tuple[_Point, _Point, _Point, _Point] = (None, _G, point, both)
    result: _Point = None
    for bit in range(max(u1.bit_length(), u2.bit_length()) - 1, -1, -1):
        result = _double(result)
        index = ((u1 >> bit) & 1) | (((u2 >> bit) & 1) << 1)
        if index:
            result = _add(result, table[index])
    if result is None:
        return None
    x, y, z = result
    z_inverse = pow(z, -1, P)
    z_inverse_squared = z_inverse * z_inverse % P
    return (x * z_inverse_squared % P, y * z_inverse_squared * z_inverse % P)


def _compress(x: int, y: int) -> bytes:
    return bytes((2 + (y & 1),)) + x.to_bytes(32, "big")


def _load_public(data: bytes) -> ec.EllipticCurvePublicKey:
    return ec.EllipticCurvePublicKey.from_encoded_point(_CURVE, data)


def validate_public_key(data: bytes) -> None:
    """Raise ``InvalidKey`` unless ``data`` is a 33-byte compressed point on P-256."""
    if len(data) != 33 or data[0] not in (2, 3):
        raise InvalidKey("an R1 public key is 33 bytes: 0x02 or 0x03, then the x coordinate")
    try:
        _load_public(data)
    except ValueError:
        raise InvalidKey("not an R1 public key: the point is not on P-256") from None


class Signer:
    """An R1 private key ready to sign; ``secret`` must be 32 bytes in 1..n-1."""

    __slots__ = ("_key",)

    def __init__(self, secret: bytes) -> None:
        value = int.from_bytes(secret, "big")
        if len(secret) != 32 or not 0 < value < N:
            raise InvalidKey(
                "not a P-256 private key: it must be 32 bytes between 1 and the curve order"
            )
        self._key = ec.derive_private_key(value, _CURVE)

    def public_key(self) -> bytes:
        """The 33-byte compressed public key."""
        return self._key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint
        )

    def sign(self, digest: bytes) -> bytes:
        """A 65-byte low-S signature (RFC 6979 where available) with its recovery header."""
        der = self._key.sign(digest, _SIGNING)
        r, s = utils.decode_dss_signature(der)
        if s > N // 2:
            s = N - s
        public = self._key.public_key().public_numbers()
        recid = _recovery_id(r, s, digest, (public.x, public.y, 1))
        return bytes((_HEADER + recid,)) + r.to_bytes(32, "big") + s.to_bytes(32, "big")

    def shared_x(self, public_key: bytes) -> bytes:
        """The 32-byte big-endian x coordinate of ``secret x public_key`` (raw ECDH)."""
        return self._key.exchange(ec.ECDH(), _load_public(public_key))


def _recovery_id(r: int, s: int, digest: bytes, public: _Point) -> int:
    """Which of the four candidate points R the signature (r, s) of ``public`` came from."""
    s_inverse = pow(s, -1, N)
    e = int.from_bytes(digest, "big") % N
    point = _combination(e * s_inverse % N, r * s_inverse % N, public)
    if point is None:
        raise CryptoError("this R1 signature has no recovery id")
    x, y = point
    return (y & 1) | (2 if x >= N else 0)


def recover(signature: bytes, digest: bytes) -> bytes:
    """The compressed public key that made a 65-byte signature over ``digest``.

    Raises ``CryptoError`` when the signature holds no recoverable key.
    """
    header = signature[0]
    if not 27 <= header < 35:
        raise CryptoError(f"an R1 signature header must be 27..34, not {header}")
    recid = (header - 27) & 3
    r = int.from_bytes(signature[1:33], "big")
    s = int.from_bytes(signature[33:65], "big")
    if not (0 < r < N and 0 < s < N):
        raise CryptoError("an R1 signature's r and s must be between 1 and the curve order")
    x = r + N if recid & 2 else r
    if x >= P:
        raise CryptoError("no R1 public key recovers from this signature")
    try:
        nonce_point = _load_public(bytes((2 + (recid & 1),)) + x.to_bytes(32, "big"))
    except ValueError:
        raise CryptoError("no R1 public key recovers from this signature") from None
    numbers = nonce_point.public_numbers()
    r_inverse = pow(r, -1, N)
    e = int.from_bytes(digest, "big") % N
    point = _combination(-e * r_inverse % N, s * r_inverse % N, (numbers.x, numbers.y, 1))
    if point is None:
        raise CryptoError("no R1 public key recovers from this signature")
    public_key = _compress(*point)
    if not verify(signature, digest, public_key):
        raise CryptoError("the R1 key recovered from this signature does not verify it")
    return public_key


def verify(signature: bytes, digest: bytes, public_key: bytes) -> bool:
    """Whether the r and s of a 65-byte signature verify ``digest`` under ``public_key``."""
    r = int.from_bytes(signature[1:33], "big")
    s = int.from_bytes(signature[33:65], "big")
    if not (0 < r < N and 0 < s < N):
        return False
    try:
        _load_public(public_key).verify(utils.encode_dss_signature(r, s), digest, _VERIFYING)
    except (InvalidSignature, ValueError):
        return False
    return True
