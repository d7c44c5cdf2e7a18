from django.urls import path

from . import views

app_name = "projects"
urlpatterns = [
    path("", views.key_work_list, name="list"),
    path("xuat-excel/", views.key_work_export, name="export"),
    path("nhap-tien-do/", views.progress_import, name="import"),
    path("dang-ky/<int:requirement_pk>/", views.key_work_create, name="create"),
    path("<int:pk>/", views.key_work_detail, name="detail"),
    path("<int:pk>/sua/", views.key_work_edit, name="edit"),
    path("<int:pk>/chuyen-trang-thai/", views.key_work_transition, name="transition"),
    path("<int:pk>/tinh-trang/", views.key_work_set_status, name="set_status"),
    path("<int:pk>/tien-do/", views.progress_create, name="progress"),
    path("anh/<int:pk>/", views.photo_original, name="photo"),
    path("anh/<int:pk>/thu-nho/", views.photo_thumbnail, name="thumbnail"),
]
