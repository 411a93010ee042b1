from django.urls import path

from . import views

app_name = "signedforms"
urlpatterns = [
    path("", views.index, name="index"),
    path("records/", views.records, name="records"),
    path("catalogue/<str:code>/", views.about, name="about"),
    path("catalogue/<str:code>/blank.pdf", views.blank_pdf, name="blank"),
    path("catalogue/<str:code>/new/", views.start, name="start"),
    path("<int:form_id>/", views.detail, name="detail"),
    path("<int:form_id>/edit/", views.edit, name="edit"),
    path("<int:form_id>/send/", views.send, name="send"),
    path("<int:form_id>/sign/", views.sign, name="sign"),
    path("<int:form_id>/remind/", views.remind, name="remind"),
    path("<int:form_id>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:form_id>/sealed.pdf", views.download, name="download"),
    # A member's single-use link (no portal account): the token is the only key. Opening it
    # grants this browser's session the link and redirects to the pages below, which carry
    # no token (issue 17, finding 6).
    path("sign/<str:token>/", views.member_link, name="member_link"),
    path("signing/", views.member_start, name="member_start"),
    path("signing/code/", views.member_code, name="member_code"),
    path("signing/form/", views.member_form, name="member_form"),
]
