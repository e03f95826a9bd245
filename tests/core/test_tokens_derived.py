from core.tokens import derived_token, derived_token_matches, derived_token_ref, token_new


def test_a_derived_token_names_its_ref_and_matches_only_its_stored_hash(settings):
    settings.SECRET_KEY = "k" * 50
    _token, stored = token_new()
    _other_token, other = token_new()

    token = derived_token(ref=42, secret_hash=stored)

    assert derived_token_ref(token) == 42
    assert derived_token_matches(token, ref=42, secret_hash=stored)
    assert not derived_token_matches(token, ref=42, secret_hash=other)
    assert not derived_token_matches(token, ref=43, secret_hash=stored)
    assert not derived_token_matches(token, ref=42, secret_hash=None)


def test_a_derived_token_depends_on_the_secret_key(settings):
    _token, stored = token_new()
    settings.SECRET_KEY = "a" * 50
    first = derived_token(ref=7, secret_hash=stored)
    settings.SECRET_KEY = "b" * 50

    assert not derived_token_matches(first, ref=7, secret_hash=stored)


def test_plain_tokens_are_not_taken_for_derived_ones():
    token, _hash = token_new()

    assert derived_token_ref(token) is None
    assert derived_token_ref("12.short") is None
    assert derived_token_ref("x" * 12 + "." + "y" * 43) is None
