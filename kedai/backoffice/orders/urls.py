from django.urls import URLPattern

app_name = "backoffice_orders"
urlpatterns: list[URLPattern] = []
