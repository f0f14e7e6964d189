"""/office/promotions/: namespace ``backoffice_promotions``."""

from django.urls import path

from kedai.backoffice.promotions import views

app_name = "backoffice_promotions"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("report.csv", views.report_download, name="report_download"),
    path("vouchers/<int:pk>/pause/", views.voucher_pause, name="voucher_pause"),
    path("<str:kind>/new/", views.promotion_edit, name="new"),
    path("<str:kind>/<int:pk>/edit/", views.promotion_edit, name="edit"),
    path("vouchers/<int:pk>/generate/", views.voucher_generate, name="generate"),
    path("campaigns/<int:pk>/pause/", views.campaign_pause, name="campaign_pause"),
]
