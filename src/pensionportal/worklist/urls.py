from django.urls import path

from . import views

app_name = "worklist"
urlpatterns = [
    path("staff/", views.staff_queue, name="staff"),
    path("tasks/<int:task_id>/done/", views.mark_done, name="done"),
    path("todo/", views.employer_index, name="todo"),
    path("todo/<int:org_id>/", views.employer_todos, name="employer"),
]
