"""Project URLs: the only module (with settings) that sees every app."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog, set_language

from . import views
from .core.forms import PortalAuthenticationForm

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz/", views.healthz, name="healthz"),
    path("readyz/", views.readyz, name="readyz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path(
        "dang-nhap/",
        auth_views.LoginView.as_view(authentication_form=PortalAuthenticationForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("mat-khau/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("mat-khau/xong/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("ngon-ngu/", set_language, name="set_language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("", include("campaign_portal.core.urls")),
    path("van-ban/", include("directives.urls")),
    path("don-vi-nop/", include("pledges.urls")),
    path("cong-trinh/", include("projects.urls")),
    path("thi-dua/", include("emulation.urls")),
    path("bao-cao/", include("reports.urls")),
    path("quan-tri/", admin.site.urls),
]

handler403 = "campaign_portal.views.permission_denied"
handler404 = "campaign_portal.views.page_not_found"
handler500 = "campaign_portal.views.server_error"
