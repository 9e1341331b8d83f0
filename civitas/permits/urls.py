from django.urls import path

from civitas.permits import views

app_name = "permits"
urlpatterns = [
    path("public-key", views.public_key, name="public_key"),
    path("verify/", views.verify, name="verify"),
    path("services/", views.catalogue, name="catalogue"),
    path("me/", views.resident_home, name="resident_home"),
    path("me/start/", views.resident_start, name="resident_start"),
    path("me/code/", views.resident_code, name="resident_code"),
    path("me/link/<str:token>/", views.resident_link, name="resident_link"),
    path("me/logout/", views.resident_logout, name="resident_logout"),
    path("me/apply/", views.resident_apply, name="resident_apply"),
    path("me/card/", views.resident_card, name="resident_card"),
    path("me/school/", views.resident_school, name="resident_school"),
    path("officer/", views.queue, name="queue"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/<str:action>/", views.application_action, name="application_action"),
    path("p/<int:pk>/", views.permit_detail, name="permit"),
    path("p/<int:pk>/<str:action>/", views.permit_action, name="permit_action"),
    path("person/<int:pk>/", views.person_eligibility, name="person"),
    path("person/<int:pk>/apply/", views.person_apply, name="person_apply"),
    path("schools/", views.schools, name="schools"),
    path("forecast/", views.forecast_page, name="forecast"),
    path("forecast.xlsx", views.forecast_xlsx, name="forecast_xlsx"),
]
