"""/office/: the owner's back office. Each area app brings its own URLs."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from kedai.backoffice import views

app_name = "backoffice"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]

# Mounted in kedai.conf.urls beside this one, each with its own namespace.
AREAS = [
    path("orders/", include("kedai.backoffice.orders.urls")),
    path("catalogue/", include("kedai.backoffice.catalog.urls")),
    path("reports/", include("kedai.reports.urls")),
    path("data/", include("kedai.dataio.urls")),
    path("settings/", include("kedai.shopsettings.urls")),
    path("shipping/", include("kedai.backoffice.shipping.urls")),
    path("mailbox/", include("kedai.backoffice.mailbox.urls")),
    path("promotions/", include("kedai.backoffice.promotions.urls")),
]
