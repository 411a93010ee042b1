from django.urls import path

from . import views

app_name = "missed"
urlpatterns = [path("", views.index, name="index")]
