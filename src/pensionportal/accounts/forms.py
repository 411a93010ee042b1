from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.db.models import QuerySet

from .chooser import OrganizationChooserField
from .models import PLAN_CHOICES, Organization, OrganizationKind, Role, StaffRole, VendorType


class RolesField(forms.MultipleChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            choices=Role.choices,
            widget=forms.CheckboxSelectMultiple,
            label="Roles",
            help_text=(
                "Communications: secure messages. File upload: messages, File Upload, "
                "pension data, members, buybacks and remittances. Administrator: all of "
                "these and managing the organization's users. Payroll manager: the Reports "
                "section (reports from the plan administrator) and remittances."
            ),
            **kwargs,
        )

    def clean(self, value: Any) -> frozenset[Role]:
        return frozenset(Role(v) for v in super().clean(value))


class InviteUserForm(forms.Form):
    email = forms.EmailField(label="E-mail address", max_length=254)
    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150)
    organization = OrganizationChooserField(
        queryset=Organization.objects.none(), label="Organization"
    )
    roles = RolesField()

    def __init__(self, *args: Any, organizations: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]
        if organizations.count() == 1:
            self.fields["organization"].initial = organizations.first()


class StaffUserForm(forms.Form):
    email = forms.EmailField(label="E-mail address", max_length=254)
    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150)
    staff_roles = forms.MultipleChoiceField(
        choices=StaffRole.choices, widget=forms.CheckboxSelectMultiple, label="Staff roles"
    )


class StaffRolesForm(forms.Form):
    staff_roles = forms.MultipleChoiceField(
        choices=StaffRole.choices,
        widget=forms.CheckboxSelectMultiple,
        label="Staff roles",
        required=False,
    )


class MembershipRolesForm(forms.Form):
    roles = RolesField()


class ProfileForm(forms.Form):
    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150)


class OrganizationForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200)
    kind = forms.ChoiceField(label="Type", choices=OrganizationKind.choices)
    plan = forms.ChoiceField(
        label="Plan (employers)", choices=[("", "—"), *PLAN_CHOICES], required=False
    )
    plan_participation_date = forms.DateField(
        label="Plan participation date (employers)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The date the employer began participating in the plan (YYYY-MM-DD).",
    )
    vendor_type = forms.ChoiceField(
        label="Vendor type (vendors)", choices=[("", "—"), *VendorType.choices], required=False
    )
    mailing_address = forms.CharField(
        label="Mailing address",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "street-address"}),
        help_text="Printed on invoices and statements: one line each, e.g. "
        "“Accounts payable”, street, “Toronto, ON  M5V 2T6”.",
    )
    is_active = forms.BooleanField(label="Active", required=False, initial=True)

    def clean_mailing_address(self) -> str:
        lines = [line.strip() for line in self.cleaned_data.get("mailing_address", "").splitlines()]
        return "\n".join(line for line in lines if line)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == OrganizationKind.EMPLOYER:
            if not data.get("plan"):
                self.add_error("plan", "An employer must have a plan.")
            if (
                not data.get("plan_participation_date")
                and "plan_participation_date" not in self.errors
            ):
                self.add_error(
                    "plan_participation_date", "An employer must have a plan participation date."
                )
        elif data.get("kind") == OrganizationKind.VENDOR and not data.get("vendor_type"):
            self.add_error("vendor_type", "Choose what kind of vendor this is.")
        return data


class SetPasswordForm(forms.Form):
    password1 = forms.CharField(
        label="New password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
        help_text=password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="New password again",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("password1")
            and data.get("password2")
            and data["password1"] != data["password2"]
        ):
            self.add_error("password2", "The two passwords do not match.")
        return data
