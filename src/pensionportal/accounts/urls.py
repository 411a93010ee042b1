from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("users/", views.users, name="users"),
    path("users/invite/", views.invite, name="invite"),
    path("users/invite-staff/", views.invite_staff, name="invite_staff"),
    path("users/<int:user_id>/", views.user_detail, name="user"),
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
    path("invitation/<str:token>/", views.accept_invitation, name="accept_invitation"),
]
