"""Signing requests (EEP-7 / ESR), sealed messages and identity proofs."""

__all__: list[str] = []
