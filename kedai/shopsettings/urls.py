from django.urls import path

from kedai.shopsettings import payment_keys, views

app_name = "shopsettings"
urlpatterns = [
    path("", views.home, name="home"),
    path("identity/", views.identity, name="identity"),
    path("front-page/", views.front_page, name="front_page"),
    path("theme/", views.theme, name="theme"),
    path("pages/", views.shop_pages, name="shop_pages"),
    path("pages/<slug:kind>/", views.shop_page_edit, name="shop_page_edit"),
    path("shipping/", views.shipping, name="shipping"),
    path("payments/", views.payments, name="payments"),
    path("payments/<slug:code>/", views.payment_switch, name="payment_switch"),
    path("payments/<slug:code>/keys/", payment_keys.payment_keys, name="payment_keys"),
    path("go-live/", views.golive, name="golive"),
    path("numbering/", views.numbering, name="numbering"),
    path("emails/", views.emails, name="emails"),
    path("emails/<slug:event>/", views.email_edit, name="email_edit"),
    path("emails/<slug:event>/test/", views.email_test_send, name="email_test_send"),
]
