""" "Did you mean": the enrolled Employee IDs an unknown one was probably meant to be.

A candidate is an enrolled ID that differs from the typed one only by characters a person
or an OCR reads alike (0 and O, 1 and I and l), or by letter case, in at most two places; or
by two neighbouring characters swapped (D1O03 -> D1003, C000020 -> C000002). Choice
(docs/datafiles.md 'Checks from the payroll history'): general one- or two-letter edits
would suggest a stranger's ID for most short IDs, so only these look-alike slips are offered.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

MAX_LOOK_ALIKES = 2
"""Most places in which a suggestion may differ by a look-alike character."""
MAX_SUGGESTIONS = 3

_LOOK_ALIKE = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1"})


def _key(employee_id: str) -> str:
    return employee_id.translate(_LOOK_ALIKE).upper()


def _differences(one: str, other: str) -> int:
    if len(one) != len(other):
        return max(len(one), len(other))
    return sum(a != b for a, b in zip(one, other, strict=True))


class Suggester:
    """Built once per file, and only when the file has an unknown ID: one pass over the
    registry's IDs, then a dictionary look-up per unknown ID and swap."""

    def __init__(self, on_record: Collection[str]) -> None:
        index: dict[str, list[str]] = {}
        for known in on_record:
            index.setdefault(_key(known), []).append(known)
        self._index: Mapping[str, list[str]] = index

    def __call__(self, typed: str) -> list[str]:
        key = _key(typed)
        found = [
            known
            for known in self._index.get(key, ())
            if known != typed and _differences(known, typed) <= MAX_LOOK_ALIKES
        ]
        for i in range(len(key) - 1):
            if key[i] == key[i + 1]:
                continue
            swapped = key[:i] + key[i + 1] + key[i] + key[i + 2 :]
            found.extend(k for k in self._index.get(swapped, ()) if k not in found)
        return sorted(found)[:MAX_SUGGESTIONS]


def did_you_mean(suggestions: list[str]) -> str:
    """The sentence for a message ("" when there is nothing to suggest)."""
    if not suggestions:
        return ""
    if len(suggestions) == 1:
        return f" Did you mean {suggestions[0]}?"
    return f" Did you mean {', '.join(suggestions[:-1])} or {suggestions[-1]}?"
