from django.urls import path

from . import views

app_name = "buybacks"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new_application, name="new"),
    path("deduction-file/", views.deduction_file, name="deduction_file"),
    path("deduction-file/setting/", views.deduction_file_setting, name="deduction_file_setting"),
    path("problem-report/", views.problem_report, name="problem_report"),
    path("tax/", views.tax, name="tax"),
    path("letters/<int:letter_id>/", views.letter, name="letter"),
    path("<int:buyback_id>/", views.detail, name="detail"),
    path("<int:buyback_id>/quote/", views.quote, name="quote"),
    path("<int:buyback_id>/agreement/", views.agreement, name="agreement"),
    path("<int:buyback_id>/lump-sum/", views.lump_sum, name="lump_sum"),
    path("<int:buyback_id>/stop/", views.stop, name="stop"),
    path("<int:buyback_id>/reissue/", views.reissue, name="reissue"),
    path("<int:buyback_id>/change/", views.change_deduction, name="change"),
    path("<int:buyback_id>/1017.pdf", views.agreement_pdf, name="agreement_pdf"),
    path("<int:buyback_id>/1016.pdf", views.direction_pdf, name="direction_pdf"),
]
