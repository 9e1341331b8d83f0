from django.urls import path

from civitas.services import views, views_partner, views_staff

app_name = "services"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("s/<slug:code>/", views.service_detail, name="service"),
    path("s/<slug:code>/apply/", views.apply, name="apply"),
    path("status/<str:token>/", views.application_status, name="application_status"),
    path("me/", views.me, name="me"),
    path("me/leave/", views.me_leave, name="me_leave"),
    path("points/", views.points, name="points"),
    path("points/<int:pk>/", views.point_detail, name="point"),
    path("points/<int:pk>/book/<int:slot_pk>/", views.book, name="book"),
    path("booking/<str:token>/", views.booking, name="booking"),
    path("card/apply/", views.card_apply, name="card_apply"),
    path("card/public-key", views.public_key, name="card_public_key"),
    path("card/<str:token>/", views.card, name="card"),
    path("verify/", views_partner.scan, name="partner_scan"),
    path("v/<str:code>", views_partner.scan, name="verify_link"),
    path("staff/", views_staff.home, name="staff_home"),
    path("staff/applications/", views_staff.applications, name="staff_applications"),
    path("staff/applications/<int:pk>/", views_staff.application, name="staff_application"),
    path("staff/documents/<int:pk>/", views_staff.document, name="staff_document"),
    path("staff/report/", views_staff.report, name="staff_report"),
    path("staff/points/<int:pk>/", views_staff.point_day, name="staff_point"),
    path("staff/appointments/<int:pk>/check-in/", views_staff.check_in, name="staff_check_in"),
    path("staff/cards/", views_staff.cards, name="staff_cards"),
    path("staff/cards/<int:pk>/", views_staff.card, name="staff_card"),
    path("staff/volunteers/", views_staff.volunteers, name="staff_volunteers"),
]
