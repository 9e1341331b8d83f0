from django.urls import URLPattern

app_name = "residence"
urlpatterns: list[URLPattern] = []
