from django.urls import path

from . import views

app_name = "emulation"

urlpatterns = [
    path("", views.cluster_list, name="cluster_list"),
    path("moi/", views.cluster_edit, name="cluster_create"),
    path("<int:pk>/", views.cluster_detail, name="cluster_detail"),
    path("<int:pk>/sua/", views.cluster_edit, name="cluster_edit"),
    path("<int:pk>/van-ban/", views.document_add, name="document_add"),
    path("van-ban/<int:pk>/tai/", views.document_download, name="document_download"),
    path("<int:pk>/giao-uoc/", views.covenant_create, name="covenant_create"),
    path("<int:pk>/giao-uoc/xac-nhan/", views.covenant_confirm, name="covenant_confirm"),
    path("<int:pk>/giao-uoc/ban-ky/", views.covenant_scan, name="covenant_scan"),
    path("<int:pk>/tieu-chi/", views.criteria, name="criteria"),
    path("<int:pk>/tieu-chi/xlsx/", views.criteria_export, name="criteria_export"),
    path("<int:pk>/tu-cham/", views.scorecard_open, name="scorecard_open"),
    path("<int:pk>/chot/", views.cluster_finalise, name="cluster_finalise"),
    path("<int:pk>/xep-hang/", views.ranking, name="ranking"),
    path("bang-diem/<int:pk>/", views.scorecard, name="scorecard"),
    path("bang-diem/<int:pk>/gui/", views.scorecard_submit, name="scorecard_submit"),
    path("bang-diem/<int:pk>/xem-xet/", views.scorecard_review, name="scorecard_review"),
    path("bang-diem/<int:pk>/dieu-chinh/<int:criterion_pk>/", views.scorecard_adjust, name="scorecard_adjust"),
    path("bang-diem/<int:pk>/minh-chung/", views.evidence_add, name="evidence_add"),
    path("minh-chung/<int:pk>/tai/", views.evidence_download, name="evidence_download"),
    path("nam/<int:year>/de-nghi/", views.council, name="council"),
]
