"""The seed's password rule, one validator per requirement so each failure is named.

secure-employer-portal.txt, "Types of accounts": "a minimum of 8 characters, include at
least one lower case letter, one upper case letter and a symbol (!@#$%^&)". The length part
is Django's MinimumLengthValidator(8).
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from typing import Any

from django.core.exceptions import ValidationError

SYMBOLS = "!@#$%^&"


class _RequiresCharacter(ABC):
    code = ""
    message = ""

    @abstractmethod
    def matches(self, char: str) -> bool:
        """Whether `char` is of the required kind."""

    def validate(self, password: str, user: Any = None) -> None:
        if not any(self.matches(char) for char in password):
            raise ValidationError(self.message, code=self.code)

    def get_help_text(self) -> str:
        # A rule to meet, not a statement that it is met (issue 15, item 14).
        return self.message


class LowercaseLetterValidator(_RequiresCharacter):
    code = "password_no_lower"
    message = "Your password must contain at least one lower-case letter (a-z)."

    def matches(self, char: str) -> bool:
        return char.islower()


class UppercaseLetterValidator(_RequiresCharacter):
    code = "password_no_upper"
    message = "Your password must contain at least one upper-case letter (A-Z)."

    def matches(self, char: str) -> bool:
        return char.isupper()


class SymbolValidator(_RequiresCharacter):
    code = "password_no_symbol"
    message = f"Your password must contain at least one of these symbols: {SYMBOLS}"

    def matches(self, char: str) -> bool:
        return char in SYMBOLS


class EmailSimilarityValidator:
    """Refuse a password built on the e-mail address (its local part or a name in it).

    Django's UserAttributeSimilarityValidator compares whole strings and lets through
    "Jordan.Smithers!" for jordan.smithers@example.com; this catches such passwords.
    """

    min_token = 4

    def validate(self, password: str, user: Any = None) -> None:
        email = str(getattr(user, "email", "") or "")
        if "@" not in email:
            return
        local = email.split("@", 1)[0].lower()
        squashed = "".join(ch for ch in password.lower() if ch.isalnum())
        local_squashed = "".join(ch for ch in local if ch.isalnum())
        tokens = [t for t in re.split(r"[^a-z0-9]+", local) if len(t) >= self.min_token]
        if (len(local_squashed) >= 3 and local_squashed in squashed) or any(
            token in squashed for token in tokens
        ):
            raise ValidationError(
                "Your password is too similar to your e-mail address.", code="password_like_email"
            )

    def get_help_text(self) -> str:
        return "Your password must not be based on your e-mail address."
