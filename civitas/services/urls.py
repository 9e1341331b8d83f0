from django.urls import URLPattern

app_name = "services"
urlpatterns: list[URLPattern] = []
