"""Demo files for `make run`: a PAY file sent by upload@ and a PA file delivered by staff."""

from __future__ import annotations

from pensionportal.accounts.models import Organization, User
from pensionportal.core.demo import DEMO_DOMAIN, DEMO_EMPLOYER
from pensionportal.files.uploads import receive

from . import actions
from .models import Category
from .policies import employer_uploads

DEMO_PAY = (
    b"Employee ID,Last Name,First Name,Contribution Type,Service Type,Pensionable Hours,"
    b"Pensionable Pay,Employee Regular Contribution,Employer Regular Contribution\n"
    b"C000001,ALASTNAME,ANNA,N,REG,75.00,2500.00,75.00,75.00\n"
    b"C000002,BLASTNAME,BEN,N,REG,75.00,3100.00,93.00,93.00\n"
)
DEMO_PA = b"Employee ID,Last Name,First Name,Year,Amount\nC000001,ALASTNAME,ANNA,2025,1257\n"


def load() -> None:
    organization = Organization.objects.get(name=DEMO_EMPLOYER)
    if organization.files.exists():
        return
    uploader = User.objects.get(email=f"upload@{DEMO_DOMAIN}")
    staff = User.objects.get(email=f"staff@{DEMO_DOMAIN}")
    received = receive(employer_uploads(), "PAY_2026-01-15.csv", [DEMO_PAY])
    actions.receive_uploads(uploader, organization, [received])
    actions.deliver_file(staff, organization, "PA_2025.csv", [DEMO_PA], Category.PA_FILE)
