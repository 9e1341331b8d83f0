from django.urls import path

from civitas.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("ping", views.ping, name="ping"),
    path("dev/sms/", views.dev_sms_outbox, name="dev_sms_outbox"),
]
