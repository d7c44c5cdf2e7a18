from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("thong-bao/", views.notification_list, name="notifications"),
    path("thong-bao/da-doc/", views.notification_read_all, name="notifications_read_all"),
    path("nhat-ky/", views.audit_log, name="audit_log"),
    path("don-vi/", views.unit_list, name="unit_list"),
]
