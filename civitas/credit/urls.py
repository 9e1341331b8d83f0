from django.urls import path

from civitas.credit import views

app_name = "credit"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("entries/<int:pk>/", views.entry, name="entry"),
    path("entries/<int:pk>/appeal/", views.appeal, name="appeal"),
    path("entries/<int:pk>/evidence/", views.evidence, name="evidence"),
    path("landlords/", views.landlords, name="landlords"),
    path("landlords/<int:pk>/", views.landlord, name="landlord"),
    path("merchants/", views.merchants, name="merchants"),
    path("merchants/<int:pk>/", views.merchant, name="merchant"),
    path("merchants/<int:pk>/qr.svg", views.merchant_qr, name="merchant_qr"),
    path("merchant/consent/", views.merchant_consent, name="merchant_consent"),
    path("appeals/", views.appeals, name="appeals"),
    path("appeals/<int:pk>/", views.decide, name="decide"),
    path("simulate/", views.simulate, name="simulate"),
    path("m/<str:token>/", views.public_grade, name="public_grade"),
]
