from django.urls import path

from . import emulation_memo, views

app_name = "reports"
urlpatterns = [
    path("tong-quan/", views.dashboard, name="dashboard"),
    path("ma-tran/", views.matrix, name="matrix"),
    path("don-vi/<int:pk>/", views.unit_detail, name="unit"),
    path("cho-duyet/", views.review_queue, name="review_queue"),
    path("", views.report_list, name="list"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/trang-thai/", views.report_status, name="status"),
    path("<int:pk>/chay-lai/", views.report_rerun, name="rerun"),
    path("<int:pk>/tai-ve/", views.report_download, name="download"),
    path("thi-dua/to-trinh/", emulation_memo.request_view, name="emulation_memo"),
]
