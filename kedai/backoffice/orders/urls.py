"""/office/orders/: namespace ``backoffice_orders``."""

from django.urls import path

from kedai.backoffice.orders import refund_views, views

app_name = "backoffice_orders"
urlpatterns = [
    path("", views.order_list_view, name="list"),
    path("bulk/", views.bulk, name="bulk"),
    path("tracking/", views.tracking_bulk, name="tracking_bulk"),
    path("tracking/upload/", views.tracking_upload, name="tracking_upload"),
    path("tracking/upload/apply/", views.tracking_upload_apply,
         name="tracking_upload_apply"),
    path("o/<str:number>/", views.order_detail, name="detail"),
    path("o/<str:number>/note/", views.order_note, name="note"),
    path("o/<str:number>/status/", views.order_status, name="status"),
    path("o/<str:number>/cancel/", views.order_cancel_view, name="cancel"),
    path("o/<str:number>/paid/", views.order_mark_paid, name="mark_paid"),
    path("o/<str:number>/fulfil/", views.order_fulfil, name="fulfil"),
    path("o/<str:number>/refund/", refund_views.order_refund, name="refund"),
    path("o/<str:number>/payments/<str:reference>/refund/",
         refund_views.order_payment_refund, name="payment_refund"),
    path("o/<str:number>/refunds/<str:reference>/confirm/",
         refund_views.order_refund_confirm, name="refund_confirm"),
    path("o/<str:number>/slip.pdf", views.order_slip, name="slip"),
    path("o/<str:number>/label.pdf", views.order_label, name="label"),
    path("o/<str:number>/shipping-label.pdf", views.order_thermal_label,
         name="thermal_label"),
    path("o/<str:number>/documents/<str:document>.pdf", views.order_document,
         name="document"),
]
