from django.urls import path

from . import views

app_name = "remittances"
urlpatterns = [path("", views.index, name="index")]
