from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("organizations/search/", views.organization_search, name="organization_search"),
    path("users/", views.users, name="users"),
    path("users/invite/", views.invite, name="invite"),
    path("users/invite-staff/", views.invite_staff, name="invite_staff"),
    path("users/<int:user_id>/", views.user_detail, name="user"),
    path(
        "users/invitations/<int:invitation_id>/resend/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "users/invitations/<int:invitation_id>/cancel/",
        views.invitation_cancel,
        name="invitation_cancel",
    ),
    path("users/<int:user_id>/active/", views.user_active, name="user_active"),
    path("users/<int:user_id>/staff-roles/", views.user_staff_roles, name="user_staff_roles"),
    path("users/<int:user_id>/resend/", views.user_resend_invitation, name="user_resend"),
    path("users/<int:user_id>/reset-mfa/", views.user_reset_mfa, name="user_reset_mfa"),
    path("memberships/<int:membership_id>/roles/", views.membership_roles, name="membership_roles"),
    path(
        "memberships/<int:membership_id>/remove/", views.membership_remove, name="membership_remove"
    ),
    path("organizations/", views.organizations, name="organizations"),
    path("organizations/new/", views.organization_new, name="organization_new"),
    path("organizations/<int:organization_id>/", views.organization_edit, name="organization_edit"),
    path("invitations/", views.my_invitations, name="my_invitations"),
    path("notifications/", views.notification_choices, name="notifications"),
    # Named by a public id, never the session key (a bearer secret).
    path("sessions/", views.signed_in_sessions, name="sessions"),
    path("sessions/end-others/", views.sessions_end_others, name="sessions_end_others"),
    path("sessions/<str:session_id>/end/", views.session_end, name="session_end"),
    path(
        "invitations/<int:invitation_id>/accept/", views.invitation_accept, name="invitation_accept"
    ),
    path(
        "invitations/<int:invitation_id>/decline/",
        views.invitation_decline,
        name="invitation_decline",
    ),
    # The e-mailed link moves its token into the session and goes on to the page without it.
    path("invitation/", views.accept_invitation, name="accept_invitation"),
    path("invitation/<str:token>/", views.invitation_link, name="invitation_link"),
]
