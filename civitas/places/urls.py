from django.urls import path

from civitas.places import views

app_name = "places"
urlpatterns = [
    path("divisions/", views.division_root, name="division-root"),
    path("divisions/<str:code>/", views.division, name="division"),
    path("properties/<int:pk>/", views.property_detail, name="property"),
]
