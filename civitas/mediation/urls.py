from django.urls import path

from civitas.mediation import views

app_name = "mediation"
urlpatterns = [
    path("file/", views.intake, name="intake"),
    path("status/", views.status, name="status"),
    path("status/<str:code>/", views.party_case, name="party_case"),
    path("status/<str:code>/sign", views.party_sign, name="party_sign"),
    path("status/<str:code>/rate", views.party_rate, name="party_rate"),
    path("status/<str:code>/agreement.pdf", views.party_agreement_pdf, name="party_agreement_pdf"),
    path("workbench/", views.workbench, name="workbench"),
    path("workbench/duty", views.duty, name="duty"),
    path("offers/<int:pk>/accept", views.offer_accept, name="offer_accept"),
    path("offers/<int:pk>/decline", views.offer_decline, name="offer_decline"),
    path("cases/new/", views.file_case, name="file"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/do/<str:action>", views.case_act, name="case_act"),
    path("cases/<int:pk>/agreement.pdf", views.agreement_pdf, name="agreement_pdf"),
    path("cases/<int:pk>/evidence/<int:evidence_pk>", views.evidence_file, name="evidence"),
    path("cases/<int:pk>/parties/<int:party_pk>/phone", views.party_phone, name="party_phone"),
    path("cases/<int:pk>/assign", views.assign, name="assign"),
    path("console/", views.console, name="console"),
    path("console/dispatch", views.run_dispatch, name="run_dispatch"),
    path("alerts/<int:pk>/handled", views.alert_ack, name="alert_ack"),
    path("statistics/", views.statistics, name="statistics"),
]
