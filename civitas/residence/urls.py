from django.urls import path

from civitas.residence.views import landlord, officer, tenant

app_name = "residence"
urlpatterns = [
    # Tenant, no account: the landlord code's signed URL.
    path("c/<str:token>/", tenant.checkin, name="checkin"),
    path("c/<str:token>/verify/", tenant.checkin_verify, name="checkin-verify"),
    path("c/<str:token>/change/", tenant.tenant_change, name="tenant-change"),
    path("receipt/<str:token>/", tenant.receipt, name="receipt"),
    # Landlord workbench.
    path("landlord/", landlord.workbench, name="workbench"),
    path("landlord/properties/<int:pk>/", landlord.property_page, name="landlord-property"),
    path("landlord/properties/<int:pk>/declare/", landlord.declare_for_tenant, name="landlord-declare"),
    path("landlord/properties/<int:pk>/codes/", landlord.code_issue, name="code-issue"),
    path("landlord/codes/<int:pk>/revoke/", landlord.code_revoke, name="code-revoke"),
    path("landlord/codes/<int:pk>/poster.png", landlord.poster, {"fmt": "png"}, name="poster-png"),
    path("landlord/codes/<int:pk>/poster.pdf", landlord.poster, {"fmt": "pdf"}, name="poster-pdf"),
    path("declarations/<int:pk>/confirm/", landlord.confirm, name="confirm"),
    path("declarations/<int:pk>/reject/", landlord.landlord_reject, name="landlord-reject"),
    path("declarations/<int:pk>/check-out/", landlord.check_out, name="check-out"),
    path("declarations/<int:pk>/change-room/", landlord.change_room, name="change-room"),
    # Officers.
    path("declarations/", officer.declaration_list, name="declarations"),
    path("declarations/<int:pk>/", officer.declaration, name="declaration"),
    path("declarations/<int:pk>/decide/", officer.decide, name="decide"),
    path("review/", officer.review_queue, name="review"),
    path("residents/", officer.residents, name="residents"),
    path("counts/", officer.counts, name="counts"),
    path("watch-list/", officer.watch_list, name="watch-list"),
    path("watch-list/<int:pk>/remove/", officer.watch_list_remove, name="watch-list-remove"),
]
