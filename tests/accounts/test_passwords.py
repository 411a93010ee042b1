"""The seed's password rule (secure-employer-portal.txt, "Types of accounts"), plus common
and e-mail-like passwords refused, each failure named."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from pensionportal import settings as portal_settings
from pensionportal.accounts.models import User


def _errors(password: str, user: User | None = None) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return list(error.messages)
    return []


def test_it_accepts_a_password_meeting_every_rule() -> None:
    assert _errors("Maple!Leaf7") == []


@pytest.mark.parametrize(
    ("password", "named"),
    [
        ("Ab!defg", "at least 8 characters"),
        ("ABCDEFG!1", "lower-case letter"),
        ("abcdefg!1", "upper-case letter"),
        ("Abcdefgh1", "symbols: !@#$%^&"),
        ("Abcdefgh*", "symbols: !@#$%^&"),  # * is not one of the seed's symbols
    ],
)
def test_it_names_each_rule_a_password_breaks(password: str, named: str) -> None:
    assert any(named in message for message in _errors(password))


def test_it_names_every_broken_rule_at_once() -> None:
    messages = _errors("abc")
    assert len(messages) >= 3


def test_it_refuses_a_common_password_even_with_the_required_characters() -> None:
    assert any("too common" in m for m in _errors("Password1!"))


@pytest.mark.django_db
def test_it_refuses_a_password_similar_to_the_email() -> None:
    user = User(email="jordan.smithers@example.com")
    assert any("too similar" in m for m in _errors("Jordan.Smithers!", user))


def test_argon2_is_the_production_hasher() -> None:
    assert portal_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


@pytest.mark.parametrize("password", ["Smithers!2024a", "xJORDAN#smithersx&", "Jordansm!th1"])
def test_it_refuses_passwords_built_on_the_email_local_part(password: str) -> None:
    user = User(email="jordan.smithers@example.com")
    assert any("similar to your e-mail" in m for m in _errors(password, user))
