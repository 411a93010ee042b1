from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("publish/", views.publish, name="publish"),
    path("<int:report_id>/", views.detail, name="detail"),
    path("<int:report_id>/files/<int:file_id>/", views.download, name="download"),
]
