from django.urls import path

from . import views

app_name = "remittances"
urlpatterns = [
    path("", views.index, name="index"),
    path("org/<int:org_id>/", views.dashboard, name="dashboard"),
    path("org/<int:org_id>/advice/new/", views.advice_new, name="advice_new"),
    path("org/<int:org_id>/ledger/", views.ledger, name="ledger"),
    path("advice/<int:advice_id>/", views.advice, name="advice"),
    path("advice/<int:advice_id>/invoice/", views.invoice_issue, name="invoice_issue"),
    path("invoices/<int:invoice_id>/", views.invoice, name="invoice"),
    path("invoices/<int:invoice_id>/pdf/", views.invoice_download, name="invoice_pdf"),
    path(
        "invoices/<int:invoice_id>/recalculate/",
        views.invoice_recalculate,
        name="invoice_recalculate",
    ),
    path("cases/<int:case_id>/", views.case, name="case"),
    path("payments/new/", views.payment_new, name="payment_new"),
    path("payments/import/", views.bank_import, name="bank_import"),
    path("payments/<int:payment_id>/match/", views.payment_match, name="payment_match"),
    path("rates/", views.rates, name="rates"),
    path("regulator/", views.regulator, name="regulator"),
    path("regulator/list.<str:fmt>", views.regulator_list, name="regulator_list"),
    path("regulator/<int:notice_id>/", views.regulator_notice, name="regulator_notice"),
    path("regulator/<int:notice_id>/pdf/", views.regulator_notice_pdf, name="regulator_notice_pdf"),
    path(
        "advice/<int:advice_id>/recovery-invoice/",
        views.recovery_invoice,
        name="recovery_invoice",
    ),
]
