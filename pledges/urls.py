from django.urls import path

from . import views

app_name = "pledges"
urlpatterns = [
    path("", views.owed, name="owed"),
    path("ho-so/", views.submission_list, name="submission_list"),
    path("duyet/", views.review_list, name="review_list"),
    path("quan-triet/moi/<int:requirement_pk>/", views.dissemination_create, name="dissemination_create"),
    path("quan-triet/<int:pk>/", views.dissemination_detail, name="dissemination_detail"),
    path("quan-triet/<int:pk>/sua/", views.dissemination_edit, name="dissemination_edit"),
    path("ke-hoach/moi/<int:requirement_pk>/", views.plan_create, name="emulation_plan_create"),
    path("ke-hoach/<int:pk>/", views.plan_detail, name="emulation_plan_detail"),
    path("ke-hoach/<int:pk>/sua/", views.plan_edit, name="emulation_plan_edit"),
    path("chu-diem/moi/<int:requirement_pk>/", views.theme_create, name="breakthrough_theme_create"),
    path("linh-vuc-kho-khan/moi/<int:requirement_pk>/", views.difficult_field_create, name="difficult_field_create"),
    path("bao-cao/moi/<int:requirement_pk>/", views.result_report_create, name="result_report_create"),
    path("bao-cao/<int:pk>/", views.result_report_detail, name="result_report_detail"),
    path("bao-cao/<int:pk>/sua/", views.result_report_edit, name="result_report_edit"),
    path("dang-ky/<int:pk>/", views.commitment_detail, name="commitment_detail"),
    path("dang-ky/<int:pk>/sua/", views.commitment_edit, name="commitment_edit"),
    path("chi-tieu/dong-moi/", views.target_row, name="target_row"),
    path("chi-tieu/mau.xlsx", views.targets_template, name="targets_template"),
    path("chi-tieu/<int:pk>/tien-do/", views.progress_add, name="progress_add"),
    path("tien-do/<int:pk>/minh-chung/", views.evidence_download, name="evidence_download"),
    path("tep/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("tep/<int:pk>/xoa/", views.attachment_delete, name="attachment_delete"),
    path("<slug:slug>/<int:pk>/chuyen-trang-thai/", views.transition, name="transition"),
    path("<slug:slug>/<int:pk>/xoa/", views.delete, name="delete"),
    path("<slug:slug>/<int:pk>/dinh-kem/", views.attachment_upload, name="attachment_upload"),
    path("<slug:slug>/<int:pk>/nhap-chi-tieu/", views.targets_import, name="targets_import"),
]
