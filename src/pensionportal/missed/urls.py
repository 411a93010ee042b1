from django.urls import path

from . import views

app_name = "missed"
urlpatterns = [
    path("", views.index, name="index"),
    path("run/", views.run_now, name="run"),
    path("employers/<int:organization_id>/", views.organization, name="organization"),
    path("employers/<int:organization_id>/run/", views.run_preview, name="preview"),
    path("employers/<int:organization_id>/publish/", views.publish_now, name="publish"),
    path("cases/<int:case_id>/", views.case_detail, name="case"),
    path("letters/<int:letter_id>/", views.letter_download, name="letter"),
    path("members/<int:member_id>/elections/new/", views.election_new, name="election_new"),
    path("members/<int:member_id>/bridging/new/", views.bridging_new, name="bridging_new"),
    path("members/<int:member_id>/wrong-plan/new/", views.wrong_plan_new, name="wrong_plan_new"),
    path(
        "transfers/<int:transfer_id>/received/", views.transfer_received, name="transfer_received"
    ),
]
