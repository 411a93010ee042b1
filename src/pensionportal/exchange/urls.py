from django.urls import path

from . import views

app_name = "exchange"
urlpatterns = [
    path("", views.index, name="index"),
    path("upload/", views.upload, name="upload"),
    path("deliver/", views.deliver, name="deliver"),
    path("receipt/", views.receipt, name="receipt"),
    path("new/", views.inbox, name="inbox"),
    path("<int:file_id>/", views.detail, name="detail"),
    path("<int:file_id>/download/", views.download, name="download"),
    path("<int:file_id>/delete/", views.delete, name="delete"),
]
