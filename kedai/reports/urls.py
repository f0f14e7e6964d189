from django.urls import path
from django.views.generic import RedirectView

from kedai.reports import views

app_name = "reports"
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="reports:dashboard"), name="home"),
    path("sales/", views.dashboard, name="dashboard"),
    path("low-stock/", views.low_stock, name="low_stock"),
    path("low-stock/threshold/", views.stock_alert, name="stock_alert"),
]
