import pytest

from core.errors import ValidationFailed
from core.security import check_password_policy, hash_password, token_hash, verify_password


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("kort-passord", None),  # exactly 12: allowed
        ("elleve-tegn", "minst 12"),
        ("x" * 129, "høyst 128"),
        ("passwordpassword", "for vanlig"),
        ("123456789012", "for vanlig"),
        ("aaaaaaaaaaaaaaaa", "for vanlig"),
    ],
)
def test_password_policy(password, reason):
    if reason is None:
        check_password_policy(password)
        return
    with pytest.raises(ValidationFailed) as exc:
        check_password_policy(password)
    assert reason in exc.value.message
    assert exc.value.field == "password"


def test_password_may_be_128_characters_of_anything():
    check_password_policy("æøå 🙂 " * 21 + "ab")  # 128 chars incl. spaces and non-ASCII


def test_password_equal_to_email_refused():
    with pytest.raises(ValidationFailed):
        check_password_policy("kari.nordmann@nav.no", email="kari.nordmann@nav.no")


def test_hash_is_argon2_and_not_the_password():
    h = hash_password("korrekt-hest-batteri-stift")
    assert h.startswith("$argon2id$")
    assert "korrekt-hest-batteri-stift" not in h
    assert verify_password(h, "korrekt-hest-batteri-stift")
    assert not verify_password(h, "korrekt-hest-batteri-stifT")
    assert not verify_password(None, "korrekt-hest-batteri-stift")


def test_token_hash_is_stable_and_opaque():
    assert token_hash("abc") == token_hash("abc")
    assert token_hash("abc") != "abc" and len(token_hash("abc")) == 64
