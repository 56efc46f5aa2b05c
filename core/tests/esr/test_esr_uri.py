"""The esr: wire layer: base64url, raw deflate, the inflate cap, and bad input of every kind."""

from __future__ import annotations

import binascii
import contextlib
import zlib

import pytest
from conformance_vectors import load
from hypothesis import given, settings
from hypothesis import strategies as st
from sessionkit.antelope import PrivateKey
from sessionkit.errors import InvalidSigningRequest, SessionKitError
from sessionkit.esr import DEFAULT_MAX_PAYLOAD_SIZE, ChainName, SigningRequest
from sessionkit.esr._uri import decode_payload, encode_payload, inflate_payload

TRANSFER_URI = (
    "esr://gmNgZGBY1mTC_MoglIGBIVzX5uxZRqAQGDBBaUWYAAODQ6bC5aiMSZ98wTwWV_9gMIPZKKOkpKDYSl8_tSIxtyAn"
    "VS85P1c_OTEnJykxOdu-pMK2urqkorZWrTgzHcgEkrW1DAA"
)


def _deflate(data: bytes) -> bytes:
    deflater = zlib.compressobj(9, zlib.DEFLATED, -15)
    return deflater.compress(data) + deflater.flush()


def _uri(header: int, body: bytes) -> str:
    return "esr:" + binascii.b2a_base64(bytes((header,)) + body, newline=False).decode()


@pytest.mark.parametrize("compress", [True, False])
@pytest.mark.parametrize("slashes", [True, False])
def test_payload_round_trip(compress: bool, slashes: bool) -> None:
    payload = b"\x00\x01" + b"hello world " * 20
    uri = encode_payload(3, payload, compress=compress, slashes=slashes)
    assert uri.startswith("esr://" if slashes else "esr:")
    assert "=" not in uri
    assert decode_payload(uri) == (3, payload)


def test_short_payload_stays_uncompressed() -> None:
    uri = encode_payload(2, b"\x01", compress=True)
    assert uri == "esr://AgE"


@pytest.mark.parametrize(
    "uri",
    [
        TRANSFER_URI,
        TRANSFER_URI.replace("esr://", "esr:"),
        TRANSFER_URI.replace("esr://", "web+esr://"),
        TRANSFER_URI.replace("-", "+").replace("_", "/"),
        TRANSFER_URI + "==",
    ],
)
def test_every_accepted_form_decodes_the_same(uri: str) -> None:
    assert SigningRequest.from_uri(uri) == SigningRequest.from_uri(TRANSFER_URI)


@pytest.mark.parametrize(
    ("uri", "message"),
    [
        ("", "not a signing request URI"),
        ("gmNgZGBY", "not a signing request URI"),
        ("esr:", "no data"),
        ("esr://", "no data"),
        ("esr:ab cd", "not base64url"),
        ("esr:abc!", "not base64url"),
        ("esr:a", "truncated"),
        ("esr:AQ", "version 1"),
        ("esr:BA", "version 4"),
        ("esr:AgAB", "does not decode"),
    ],
)
def test_bad_uris_are_refused(uri: str, message: str) -> None:
    with pytest.raises(InvalidSigningRequest, match=message):
        SigningRequest.from_uri(uri)


def test_non_string_is_refused() -> None:
    with pytest.raises(InvalidSigningRequest, match="str"):
        SigningRequest.from_uri(b"esr:AgE")  # type: ignore[arg-type]


def test_inflate_bomb_is_refused_without_inflating_it() -> None:
    bomb = _deflate(bytes(64 * 1024 * 1024))
    assert len(bomb) < 100_000
    with pytest.raises(InvalidSigningRequest, match="more than"):
        SigningRequest.from_uri(_uri(0x82, bomb))


def test_inflate_cap_is_configurable() -> None:
    body = _deflate(bytes(5000))
    with pytest.raises(InvalidSigningRequest, match="more than 4096 bytes"):
        decode_payload(_uri(0x82, body), max_size=4096)
    assert decode_payload(_uri(0x82, body), max_size=5000) == (2, bytes(5000))


def test_uncompressed_payload_is_capped_too() -> None:
    with pytest.raises(InvalidSigningRequest, match="larger than"):
        decode_payload(_uri(0x02, bytes(200)), max_size=100)


def test_truncated_and_trailing_deflate_streams_are_refused() -> None:
    stream = _deflate(b"x" * 300)
    with pytest.raises(InvalidSigningRequest, match="truncated"):
        inflate_payload(stream[:-2], 1000)
    with pytest.raises(InvalidSigningRequest, match="after its end"):
        inflate_payload(stream + b"junk", 1000)
    with pytest.raises(InvalidSigningRequest, match="does not inflate"):
        inflate_payload(b"\xff\xff\xff", 1000)


def test_from_bytes_matches_from_uri() -> None:
    request = SigningRequest.from_uri(TRANSFER_URI)
    raw = binascii.a2b_base64(
        TRANSFER_URI.removeprefix("esr://").replace("-", "+").replace("_", "/") + "=="
    )
    assert SigningRequest.from_bytes(raw) == request
    with pytest.raises(InvalidSigningRequest):
        SigningRequest.from_bytes(b"")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_string_decodes_or_raises_a_sessionkit_error(text: str) -> None:
    for uri in (text, "esr:" + text):
        try:
            request = SigningRequest.from_uri(uri)
        except SessionKitError:
            continue
        assert request.version in (2, 3)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300), st.sampled_from([0x02, 0x03, 0x82, 0x83]))
def test_any_payload_decodes_or_raises_a_sessionkit_error(body: bytes, header: int) -> None:
    if header & 0x80:
        body = _deflate(body)
    try:
        request = SigningRequest.from_uri(_uri(header, body))
    except SessionKitError:
        return
    # What decodes re-encodes to the same request bytes.
    assert SigningRequest.from_uri(request.encode()) == request
    assert request.to_bytes() + (request.signature.to_abi() if request.signature else b"") == (
        zlib.decompress(body, -15) if header & 0x80 else body
    )


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_via_from_bytes(data: bytes) -> None:
    try:
        request = SigningRequest.from_bytes(data)
    except SessionKitError:
        return
    assert request.version in (2, 3)


VECTOR_PAYLOADS = [
    bytes.fromhex(v["request_data_hex"] + v["request_signature_hex"])
    for v in load("esr.json")["vectors"]
]


def _read_everything(request: SigningRequest) -> None:
    """Touch every view of a decoded request: each gives a value or a sessionkit error."""
    for view in (
        "chain_id",
        "chain_ids",
        "identity",
        "identity_permission",
        "identity_scope",
        "raw_info",
        "required_abis",
        "requires_tapos",
        "raw_actions",
        "raw_transaction",
        "signature_digest",
        "data",
    ):
        with contextlib.suppress(SessionKitError):
            getattr(request, view)


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(VECTOR_PAYLOADS),
    st.lists(st.tuples(st.integers(0, 1000), st.integers(0, 255)), max_size=3),
    st.integers(1, 1000),
    st.sampled_from([2, 3]),
)
def test_mutated_requests_decode_or_raise_a_sessionkit_error(
    payload: bytes, edits: list[tuple[int, int]], keep: int, version: int
) -> None:
    data = bytearray(payload)
    for index, value in edits:
        data[index % len(data)] = value
    try:
        request = SigningRequest.from_bytes(bytes((version,)) + bytes(data[:keep]))
    except SessionKitError:
        return
    _read_everything(request)
    assert SigningRequest.from_uri(request.encode()) == request


def _many_actions(count: int) -> SigningRequest:
    """A request of ``count`` identical no-data actions: a few KB deflated, large inflated."""
    action = {"account": "eosio.token", "name": "open", "authorization": [], "data": b""}
    return SigningRequest.create(actions=[action] * count, chain_id=ChainName.EOS)


def test_default_cap_is_64_kib_and_stops_a_small_uri_expanding_to_many_actions() -> None:
    assert DEFAULT_MAX_PAYLOAD_SIZE == 64 * 1024
    big = _many_actions(5000)
    uri = big.encode()
    assert len(uri) < 2000 < DEFAULT_MAX_PAYLOAD_SIZE < len(big.to_bytes())
    with pytest.raises(InvalidSigningRequest, match="more than 65536 bytes"):
        SigningRequest.from_uri(uri)
    assert SigningRequest.from_uri(uri, max_size=1024 * 1024) == big


def test_a_request_just_under_the_default_cap_decodes() -> None:
    request = _many_actions(3000)
    assert len(request.to_bytes()) < DEFAULT_MAX_PAYLOAD_SIZE
    assert SigningRequest.from_uri(request.encode()) == request
    assert SigningRequest.from_uri(request.encode(compress=False)) == request


# -- wider inputs: text in the base64url alphabet reaches the decoder itself -------------------

BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
SCHEMES = st.sampled_from(["esr:", "esr://", "web+esr://", "ESR:", "x:", ""])
BASE64_TEXT = st.text(alphabet=BASE64URL, max_size=600) | st.builds(
    str.__add__, st.sampled_from(["Ag", "Aw", "gg", "gw"]), st.text(alphabet=BASE64URL)
)


@settings(max_examples=400, deadline=None)
@given(SCHEMES, BASE64_TEXT, st.sampled_from(["", "=", "=="]))
def test_any_base64url_text_decodes_or_raises_a_sessionkit_error(
    scheme: str, body: str, padding: str
) -> None:
    try:
        request = SigningRequest.from_uri(scheme + body + padding)
    except SessionKitError:
        return
    _read_everything(request)
    assert SigningRequest.from_uri(request.encode()) == request


TAPOS = {"expiration": "2024-05-01T12:00:00", "ref_block_num": 1, "ref_block_prefix": 2}
EOS = "aca376f206b8fc25a6ed44dbdc66547c36c6c33e3a119ffbeaef943642f0e906"
SIGNATURE = str(PrivateKey.from_bytes(bytes(31) + b"\x01").sign_digest(bytes(32)))


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(VECTOR_PAYLOADS),
    st.lists(st.tuples(st.integers(0, 1000), st.integers(0, 255)), max_size=3),
    st.sampled_from([2, 3]),
    st.sampled_from(["alice@active", "............1@............2", "a@b"]),
)
def test_mutated_requests_resolve_or_raise_a_sessionkit_error(
    payload: bytes, edits: list[tuple[int, int]], version: int, signer: str
) -> None:
    data = bytearray(payload)
    for index, value in edits:
        data[index % len(data)] = value
    try:
        request = SigningRequest.from_bytes(bytes((version,)) + bytes(data))
        chain = None if request.chain_id else EOS
        resolved = request.resolve(None, signer, chain_id=chain, **TAPOS)
        callback = resolved.get_callback([SIGNATURE], block_num=7)
    except SessionKitError:
        return
    assert resolved.request is request
    if callback is not None:
        assert callback.payload["tx"] == str(resolved.transaction_id)
