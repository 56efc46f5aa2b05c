"""The published test keys are deterministic, distinct, and never shown by repr."""

from __future__ import annotations

import hashlib

from sessionkit.antelope import PrivateKey
from sessionkit.devnet._accounts import (
    PRODUCER_PRIVATE_KEY,
    default_accounts,
    extra_permissions,
    producer_account,
    published_key,
)


def test_keys_are_sha256_of_a_published_label() -> None:
    seed = hashlib.sha256(b"sessionkit devnet test key: alice@active").digest()
    assert published_key("alice@active").to_string() == PrivateKey.from_bytes(seed).to_string()
    assert str(default_accounts()["alice"].public_key) == (
        "PUB_K1_73vQzmo7jdgaRLJCpwJy8UhLSJmC9nvRcorR8mHgQwWsxEGmoa"
    )


def test_every_key_is_distinct() -> None:
    keys = [k.to_string() for a in default_accounts().values() for k in a.private_keys]
    keys += [k.to_string() for a in extra_permissions().values() for k in a.private_keys]
    keys.append(PRODUCER_PRIVATE_KEY)
    assert len(keys) == len({*keys}) == 10


def test_account_shapes() -> None:
    accounts = default_accounts()
    assert set(accounts) == {"alice", "bob", "carol", "dave", "erin", "team"}
    assert all(str(a.permission) == "active" for a in accounts.values())
    team = accounts["team"]
    assert (team.threshold, len(team.private_keys), len(set(map(str, team.public_keys)))) == (
        2,
        3,
        3,
    )
    assert str(accounts["bob"].permission_level) == "bob@active"
    transfer = extra_permissions()["erin@transfer"]
    assert str(transfer) == "erin@transfer"
    assert transfer.public_key != accounts["erin"].public_key


def test_producer_is_the_development_key() -> None:
    producer = producer_account()
    assert producer.public_key.to_legacy_string() == (
        "EOS6MRyAjQq8ud7hVNYcfnVPJqcVpscN5So8BhtHuGYqET5GDW5CV"
    )


def test_repr_never_shows_a_private_key() -> None:
    for account in [*default_accounts().values(), producer_account()]:
        text = repr(account) + str(account)
        for key in account.private_keys:
            assert key.to_string() not in text
            assert key.to_wif() not in text
