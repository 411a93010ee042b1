"""The searchable organization chooser (issue 18, "Must do" 3): a staff page never renders
every organization; a name, its first letters or a link's id choose one; anything else is
refused saying why."""

from __future__ import annotations

import pytest
from django import forms
from django.test import Client

from pensionportal.accounts.chooser import (
    SELECT_UP_TO,
    OrganizationChooserField,
    organization_filter,
)
from pensionportal.accounts.models import Organization
from pensionportal.core.query_filters import QueryFilters
from tests.factories import make_org, make_staff, make_user

pytestmark = pytest.mark.django_db


class _Form(forms.Form):
    organization = OrganizationChooserField(label="Organization")

    def __init__(self, *args: object, organizations: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]


def _many() -> list[Organization]:
    names = [f"Employer {n:02d}" for n in range(SELECT_UP_TO)] + ["Riverside Hospital"]
    return [make_org(name) for name in names]


def test_a_few_organizations_are_a_select_and_many_a_search_box_without_every_option() -> None:
    few = [make_org(f"Small {n}") for n in range(2)]
    small = _Form(organizations=Organization.objects.filter(pk__in=[o.pk for o in few]))
    assert "<select" in str(small["organization"])
    _many()
    html = str(_Form(organizations=Organization.objects.all())["organization"])
    assert "<select" not in html
    assert "<option" not in html
    assert 'list="id_organization-options"' in html
    assert "<datalist" in html
    assert 'data-org-search="/organizations/search/"' in html


@pytest.mark.parametrize(
    ("typed", "chosen"),
    [("riverside hospital", "Riverside Hospital"), ("River", "Riverside Hospital")],
)
def test_a_name_or_its_unique_start_chooses_the_organization(typed: str, chosen: str) -> None:
    _many()
    form = _Form({"organization": typed}, organizations=Organization.objects.all())
    assert form.is_valid(), form.errors
    assert form.cleaned_data["organization"].name == chosen


def test_a_shared_start_is_refused_with_the_matching_names() -> None:
    _many()
    form = _Form({"organization": "Employer 0"}, organizations=Organization.objects.all())
    assert not form.is_valid()
    message = form.errors["organization"][0]
    assert "Several organizations start with “Employer 0”" in message
    assert "Employer 00" in message
    assert "Type more of the name" in message


def test_an_organization_outside_the_choosable_ones_is_refused_even_by_name() -> None:
    orgs = _many()
    other = make_org("Hidden Employer")
    form = _Form(
        {"organization": other.name},
        organizations=Organization.objects.filter(pk__in=[o.pk for o in orgs]),
    )
    assert not form.is_valid()
    assert "No organization is named “Hidden Employer”" in form.errors["organization"][0]


def test_a_list_filter_takes_a_links_id_or_a_name_and_says_what_it_ignored() -> None:
    orgs = _many()
    found = QueryFilters({"organization": str(orgs[3].pk)})
    assert organization_filter(found, Organization.objects.all()).chosen == orgs[3]
    found = QueryFilters({"organization": "Nowhere"})
    result = organization_filter(found, Organization.objects.all())
    assert result.chosen is None
    assert result.options is None
    assert found.errors == [
        "Organization: “Nowhere” is not one of the choices (no organization has that name); "
        "showing all."
    ]


def test_the_suggestions_endpoint_names_matches_and_only_the_users_own_organizations() -> None:
    orgs = _many()
    staff = Client()
    staff.force_login(make_staff())
    body = staff.get("/organizations/search/", {"q": "side"}).json()
    assert body == {"names": ["Riverside Hospital"]}
    starting = staff.get("/organizations/search/", {"q": "employer"}).json()["names"]
    assert starting[:2] == ["Employer 00", "Employer 01"]
    employer = Client()
    employer.force_login(make_user(orgs[0]))
    assert employer.get("/organizations/search/", {"q": "Employer"}).json() == {
        "names": ["Employer 00"]
    }
    assert employer.get("/organizations/search/", {"q": "Riverside"}).json() == {"names": []}
    assert Client().get("/organizations/search/", {"q": "x"}).status_code == 302


def test_the_remittances_overview_finds_employers_instead_of_listing_them_all() -> None:
    _many()
    staff = Client()
    staff.force_login(make_staff())
    page = staff.get("/remittances/", {"q": "riverside"}).content.decode()
    assert "Riverside Hospital" in page
    assert "Employer 00" not in page
    assert "1 employer matching" in page
