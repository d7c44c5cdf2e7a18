from django.urls import path

from . import views

app_name = "pledges"
urlpatterns = [
    path("", views.owed, name="owed"),
    path("ho-so/", views.submission_list, name="submission_list"),
    path("duyet/", views.review_list, name="review_list"),
    path("quan-triet/moi/<int:requirement_pk>/", views.dissemination_create, name="dissemination_create"),
    path("quan-triet/<int:pk>/", views.dissemination_detail, name="dissemination_detail"),
    path("ke-hoach/moi/<int:requirement_pk>/", views.plan_create, name="emulation_plan_create"),
    path("ke-hoach/<int:pk>/", views.plan_detail, name="emulation_plan_detail"),
    path("chu-diem/moi/<int:requirement_pk>/", views.theme_create, name="breakthrough_theme_create"),
    path("linh-vuc-kho-khan/moi/<int:requirement_pk>/", views.difficult_field_create, name="difficult_field_create"),
    path("dang-ky/<int:pk>/", views.commitment_detail, name="commitment_detail"),
]
