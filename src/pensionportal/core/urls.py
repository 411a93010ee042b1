from django.urls import path

from pensionportal.operations import views as operations

from . import health, views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("staff/operations/", operations.overview, name="operations"),
    path(
        "staff/operations/emails/<int:email_id>/send-again/",
        operations.send_again,
        name="send_again",
    ),
]
