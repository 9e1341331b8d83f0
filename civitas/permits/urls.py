from django.urls import URLPattern

app_name = "permits"
urlpatterns: list[URLPattern] = []
