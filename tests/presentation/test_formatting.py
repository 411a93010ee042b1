"""One money, rate and date presentation (issue 15, item 9 and "One money and date
presentation"): Canadian English by default, Babel underneath so French follows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from pensionportal.presentation import formatting


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("1890"), "$1,890.00"),
        (Decimal("1790.00"), "$1,790.00"),
        (Decimal("-100.00"), "-$100.00"),
        (Decimal("669.810000000000"), "$669.81"),  # a SQLite sum's noise (item 1)
        (Decimal("0.005"), "$0.01"),  # half up, named
        (Decimal("1234567.891"), "$1,234,567.89"),
        (2400, "$2,400.00"),
        ("714.46", "$714.46"),
        (None, ""),
    ],
)
def test_money_is_canadian_english_to_the_cent(value: object, shown: str) -> None:
    assert formatting.money(value) == shown  # type: ignore[arg-type]


def test_money_follows_the_locale_for_french() -> None:
    assert formatting.money(Decimal("1890.5"), "fr_CA") == "1\u00a0890,50\u00a0$"


def test_a_float_goes_through_its_text_not_its_binary_expansion() -> None:
    assert formatting.to_decimal(0.1) == Decimal("0.1")
    assert formatting.money(669.81) == "$669.81"


def test_rates_are_shown_in_per_cent_as_the_form_asks() -> None:
    assert formatting.rate(Decimal("0.025000")) == "2.500%"
    assert formatting.rate(Decimal("0.04"), 2) == "4.00%"
    assert formatting.rate(None) == ""


def test_dates_are_iso_and_times_are_in_ontario() -> None:
    assert formatting.iso_date(dt.date(2026, 11, 6)) == "2026-11-06"
    moment = dt.datetime(2026, 11, 6, 15, 30, tzinfo=dt.UTC)
    assert formatting.iso_datetime(moment) == "2026-11-06 10:30"
    assert formatting.period(dt.date(2026, 10, 11), dt.date(2026, 10, 24)) == (
        "2026-10-11 to 2026-10-24"
    )


def test_quantities_that_are_not_money_keep_their_places() -> None:
    assert formatting.decimal(Decimal("2.83333333"), 4) == "2.8333"
    assert formatting.decimal(Decimal("1.0000"), 2) == "1.00"
    assert formatting.money_plain(Decimal("669.810000000000")) == "669.81"


def test_template_filters_are_built_in_and_dates_never_wrap() -> None:
    template = Template(
        "{{ a|money }}|{{ r|rate }}|{{ d|isodate }}|{{ s|period:d }}|{{ n|money|default:'none' }}"
    )
    html = template.render(
        Context(
            {
                "a": Decimal("-100"),
                "r": Decimal("0.025"),
                "d": dt.date(2026, 11, 6),
                "s": dt.date(2026, 10, 24),
                "n": None,
            }
        )
    )
    assert html == (
        '-$100.00|2.500%|<time class="date" datetime="2026-11-06">2026-11-06</time>|'
        '<time class="date" datetime="2026-10-24">2026-10-24</time> to '
        '<time class="date" datetime="2026-11-06">2026-11-06</time>|none'
    )


def test_template_filters_follow_the_active_language() -> None:
    with translation.override("fr-ca"):
        assert Template("{{ a|money }}").render(Context({"a": Decimal("2.5")})) == ("2,50\u00a0$")
