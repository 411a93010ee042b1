from django.urls import path

from . import views

app_name = "integrations"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:organization_id>/", views.organization, name="organization"),
    path("<int:organization_id>/clients/new/", views.client_new, name="client_new"),
    path("clients/<int:client_id>/revoke/", views.client_revoke, name="client_revoke"),
    path("<int:organization_id>/sftp/approve/", views.sftp_approve, name="sftp_approve"),
    path("<int:organization_id>/sftp/suspend/", views.sftp_suspend, name="sftp_suspend"),
    path("<int:organization_id>/sftp/keys/", views.key_add, name="key_add"),
    path("keys/<int:key_id>/remove/", views.key_remove, name="key_remove"),
]
