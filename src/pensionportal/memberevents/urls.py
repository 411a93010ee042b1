from django.urls import path

from . import views

app_name = "memberevents"
urlpatterns = [
    path("members/<int:member_id>/retirement/", views.retirement_notice, name="retirement"),
    path("employers/<int:org_id>/", views.employer, name="employer"),
]
