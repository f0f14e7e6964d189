from django.urls import path

from kedai.api import office

app_name = "api_office"
urlpatterns = [
    path("", office.home, name="home"),
    path("keys/", office.key_create, name="key_create"),
    path("keys/<int:pk>/revoke/", office.key_revoke, name="key_revoke"),
    path("webhooks/", office.endpoint_create, name="endpoint_create"),
    path("webhooks/<int:pk>/delete/", office.endpoint_delete, name="endpoint_delete"),
    path("deliveries/<int:pk>/resend/", office.delivery_resend,
         name="delivery_resend"),
]
