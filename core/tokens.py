"""Unguessable link tokens: 256 random bits in the link, only their SHA-256 in the database."""

import hashlib
import secrets


def token_new() -> tuple[str, str]:
    """Return a fresh (token, hash) pair; the token goes in the link, the hash in the database."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
