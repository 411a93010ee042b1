"""The seed's password rule, one validator per requirement so each failure is named.

secure-employer-portal.txt, "Types of accounts": "a minimum of 8 characters, include at
least one lower case letter, one upper case letter and a symbol (!@#$%^&)". The length part
is Django's MinimumLengthValidator(8).
"""

from __future__ import annotations

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
        return self.message.replace("must contain", "contains")


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
