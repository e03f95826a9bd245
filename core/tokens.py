"""Unguessable link tokens: 256 random bits in the link, only their SHA-256 in the database."""

import base64
import hashlib
import hmac
import secrets


def token_new() -> tuple[str, str]:
    """Return a fresh (token, hash) pair; the token goes in the link, the hash in the database."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def derived_token(*, ref: int, secret_hash: str) -> str:
    """A link token for `ref` that can be made again later from what the database keeps.

    Only a token's hash is stored, so a notice written later cannot repeat the
    token itself. This one is `<ref>.<HMAC(SECRET_KEY, ref and the stored hash)>`:
    as unguessable as the original, and dead as soon as the stored hash changes
    (a revoked or replaced link).
    """
    return f"{ref}.{_derived_mac(ref, secret_hash)}"


def derived_token_ref(token: str) -> int | None:
    """The ref a derived token names, or None when the token is not of that form."""
    ref, dot, mac = token.partition(".")
    if not dot or not ref.isdigit() or len(ref) > 12 or len(mac) != 43:
        return None
    return int(ref)


def derived_token_matches(token: str, *, ref: int, secret_hash: str | None) -> bool:
    if not secret_hash:
        return False
    return hmac.compare_digest(token.encode(), derived_token(ref=ref, secret_hash=secret_hash).encode())


def _derived_mac(ref: int, secret_hash: str) -> str:
    from django.conf import settings

    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"derived-link:{ref}:{secret_hash}".encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")
