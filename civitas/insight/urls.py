from django.urls import path

from civitas.insight import views

app_name = "insight"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("public/", views.public_dashboard, name="public"),
    path("runs/", views.run_list, name="runs"),
    path("runs/new/", views.run_new, name="run_new"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/publish/", views.run_publish, name="run_publish"),
    path("runs/<int:pk>/stages/<str:name>/", views.stage_table, name="stage"),
    path("runs/<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
    path("runs/<int:pk>/report.xlsx", views.report_xlsx, name="report_xlsx"),
    path("runs/<int:pk>/units/<str:code>/", views.unit_detail, name="unit"),
    path("runs/<int:pk>/units/<str:code>/<str:indicator>/", views.indicator_detail, name="indicator"),
    path("frameworks/", views.framework_list, name="frameworks"),
    path("frameworks/<int:pk>/", views.framework_detail, name="framework"),
    path("import/", views.import_external, name="import"),
]
