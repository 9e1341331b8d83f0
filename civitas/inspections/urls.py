from django.urls import path

from civitas.inspections import open311, views

app_name = "inspections"
urlpatterns = [
    path("", views.home, name="home"),
    path("checklists/", views.checklists, name="checklists"),
    path("campaigns/new/", views.campaign_new, name="campaign-new"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign"),
    path("tasks/", views.task_list, name="tasks"),
    path("tasks/<int:pk>/inspect/", views.inspect, name="inspect"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection"),
    path("hazards/", views.hazard_list, name="hazards"),
    path("hazards/<int:pk>/", views.hazard_detail, name="hazard"),
    path("hazards/<int:pk>/<slug:action>/", views.hazard_action, name="hazard-action"),
    path("notices/<int:pk>.pdf", views.notice_download, name="notice-pdf"),
    path("reports/", views.lead_list, name="leads"),
    path("reports/<int:pk>/", views.lead_detail, name="lead"),
    path("reports/<int:pk>/<slug:action>/", views.lead_action, name="lead-action"),
    path("accountability/", views.accountability_view, name="accountability"),
    path("accountability.xlsx", views.accountability_xlsx, name="accountability-xlsx"),
    path("open311/v2/services.<str:fmt>", open311.services, name="open311-services"),
    path("open311/v2/services/<str:code>.<str:fmt>", open311.service_definition, name="open311-service"),
    path("open311/v2/requests.<str:fmt>", open311.requests, name="open311-requests"),
    path("open311/v2/requests/<str:pk>.<str:fmt>", open311.request_detail, name="open311-request"),
]
