from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

# The back office signs in through the portal's own sign-in (with MFA), never a second form.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = "Employer Portal back office"

urlpatterns = [
    path("", include("pensionportal.core.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("pensionportal.accounts.urls")),
    path("staff/audit/", include("pensionportal.audit.urls")),
    path("messages/", include("pensionportal.messaging.urls")),
    path("files/", include("pensionportal.exchange.urls")),
    path("reports/", include("pensionportal.reports.urls")),
    path("members/", include("pensionportal.members.urls")),
    path("submissions/", include("pensionportal.submissions.urls")),
    path("remittances/", include("pensionportal.remittances.urls")),
    path("buybacks/", include("pensionportal.buybacks.urls")),
    path("missed/", include("pensionportal.missed.urls")),
    path("worklist/", include("pensionportal.worklist.urls")),
    path("member-events/", include("pensionportal.memberevents.urls")),
    path("forms/", include("pensionportal.signedforms.urls")),
    path("connections/", include("pensionportal.integrations.urls")),
    path("api/v1/", include("pensionportal.api.urls")),
    path("admin/", admin.site.urls),
]

handler500 = "pensionportal.core.errors.server_error"
