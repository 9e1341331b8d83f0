from django.urls import URLPattern

app_name = "mediation"
urlpatterns: list[URLPattern] = []
