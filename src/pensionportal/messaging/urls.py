from django.urls import path

from . import views

app_name = "messaging"
urlpatterns = [
    path("", views.index, name="index"),
    path("archived/", views.archived, name="archived"),
    path("new/", views.compose, name="compose"),
    path("id/<int:pk>/", views.thread_by_id, name="thread_by_id"),
    path("<str:reference>/", views.thread_detail, name="thread"),
    path("<str:reference>/reply/", views.reply, name="reply"),
    path("<str:reference>/archive/", views.archive, name="archive"),
    path("<str:reference>/unarchive/", views.unarchive, name="unarchive"),
    path("<str:reference>/unread/", views.mark_unread, name="mark_unread"),
    path("<str:reference>/assign/", views.assign, name="assign"),
    path("<str:reference>/status/", views.set_status, name="status"),
    path(
        "<str:reference>/attachments/<int:attachment_id>/",
        views.download,
        name="download",
    ),
]
