from django.urls import path

from . import views

app_name = "directives"
urlpatterns = [
    path("", views.directive_list, name="list"),
    path("van-ban-den/", views.inbox, name="inbox"),
    path("tao-moi/", views.directive_create, name="create"),
    path("nhap-tu-van-ban/", views.directive_import, name="import"),
    path("dong-yeu-cau/", views.requirement_row, name="requirement_row"),
    path("<int:pk>/", views.directive_detail, name="detail"),
    path("<int:pk>/sua/", views.directive_edit, name="edit"),
    path("<int:pk>/doc-ban-quet/", views.import_progress, name="import_progress"),
    path("<int:pk>/doc-ban-quet/trang-thai/", views.import_status, name="import_status"),
    path("<int:pk>/doc-ban-quet/trang/<int:number>/", views.import_page_image, name="import_page_image"),
    path("<int:pk>/xem-truoc/", views.directive_preview, name="preview"),
    path("<int:pk>/ban-hanh/", views.directive_publish, name="publish"),
    path("<int:pk>/thu-hoi/", views.directive_withdraw, name="withdraw"),
    path("<int:pk>/xac-nhan-da-nhan/", views.receipt_confirm, name="receipt_confirm"),
    path("<int:pk>/dinh-kem/", views.attachment_add, name="attachment_add"),
    path("<int:pk>/dinh-kem/<int:attachment_pk>/", views.attachment_download, name="attachment_download"),
    path("<int:pk>/lich-su/", views.directive_revisions, name="revisions"),
    path("phong-trao/", views.campaign_list, name="campaign_list"),
    path("phong-trao/tao-moi/", views.campaign_create, name="campaign_create"),
    path("phong-trao/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("phong-trao/<int:pk>/sua/", views.campaign_edit, name="campaign_edit"),
    path("phong-trao/<int:pk>/moc/<int:milestone_pk>/xoa/", views.milestone_delete, name="milestone_delete"),
]
