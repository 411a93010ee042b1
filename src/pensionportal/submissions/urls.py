from django.urls import path

from . import views

app_name = "submissions"
urlpatterns = [
    path("", views.submission_list, name="list"),
    path("upload/", views.upload, name="upload"),
    path("online/<str:template>/", views.online_entry, name="online"),
    path("formats/", views.formats, name="formats"),
    path("formats/<str:template>.<str:fmt>", views.template_download, name="template"),
    path("<int:submission_id>/", views.submission_detail, name="detail"),
    path("<int:submission_id>/confirm/", views.confirm, name="confirm"),
    path("<int:submission_id>/correct/", views.correct, name="correct"),
    path("<int:submission_id>/apply-now/", views.apply_now, name="apply_now"),
    path("<int:submission_id>/run-again/", views.run_again, name="run_again"),
    path("<int:submission_id>/problems.<str:fmt>", views.report, name="report"),
]
