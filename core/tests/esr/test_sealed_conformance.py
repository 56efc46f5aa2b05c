"""sealed.json: every reference sealed message, and what happens with wrong keys or bytes."""

from __future__ import annotations

from typing import Any

import pytest
from conformance_vectors import ids, load
from sessionkit.antelope import PrivateKey, PublicKey
from sessionkit.errors import InvalidSealedMessage
from sessionkit.esr import sealed as sealed_module
from sessionkit.esr.sealed import SealedMessage, seal, unseal, unseal_text

pytestmark = pytest.mark.conformance

SEALED = load("sealed.json")


@pytest.mark.parametrize("vector", SEALED["vectors"], ids=ids("message"))
def test_sealed_vector(vector: dict[str, Any]) -> None:
    sender = PrivateKey.from_string(vector["sender_private_key"])
    receiver = PrivateKey.from_string(vector["receiver_private_key"])
    assert str(sender.public_key) == vector["sender_public_key"]
    assert str(receiver.public_key) == vector["receiver_public_key"]
    nonce = int(vector["nonce"])

    secret = sender.shared_secret(receiver.public_key)
    assert secret.hex() == vector["shared_secret"]
    assert receiver.shared_secret(sender.public_key) == secret
    envelope = sealed_module._envelope(sender, receiver.public_key, nonce)
    assert envelope.key.hex() == vector["symmetric_key"]
    assert envelope.iv.hex() == vector["iv"]
    assert envelope.checksum == vector["checksum"]

    message = seal(vector["message"], sender, receiver.public_key, nonce)
    assert seal(bytes.fromhex(vector["message_hex"]), sender, receiver.public_key, nonce) == message
    assert message.ciphertext.hex() == vector["ciphertext"]
    assert message.to_json() == vector["sealed_message"]
    assert message.to_abi().hex() == vector["sealed_message_hex"]

    decoded = SealedMessage.from_bytes(bytes.fromhex(vector["sealed_message_hex"]))
    assert decoded == message
    assert SealedMessage.from_json(vector["sealed_message"]) == message
    assert unseal(decoded, receiver) == bytes.fromhex(vector["message_hex"])
    assert unseal_text(decoded, receiver) == vector["unsealed"]
    assert unseal_text(decoded, sender, peer=receiver.public_key) == vector["unsealed_by_sender"]


@pytest.mark.parametrize("vector", SEALED["unseal_failures"], ids=ids("note"))
def test_unseal_failure(vector: dict[str, Any]) -> None:
    """Each reference failure is an InvalidSealedMessage here, whether or not the checksum
    given matches: the checksum catches a wrong key or nonce first, the padding check and the
    block-length check catch the rest.
    """
    receiver = PrivateKey.from_string(vector["receiver_private_key"])
    sender = PublicKey.from_string(vector["sender_public_key"])
    nonce = int(vector["nonce"])
    ciphertext = bytes.fromhex(vector["ciphertext"])
    # The checksum these keys and nonce derive passes the check, so decryption is what fails.
    matching = sealed_module._envelope(receiver, sender, nonce).checksum
    for checksum in (matching, (matching + 1) % 2**32):
        message = SealedMessage(sender, nonce, ciphertext, checksum)
        with pytest.raises(InvalidSealedMessage):
            unseal(message, receiver)
