from django.urls import URLPattern

app_name = "shopsettings"
urlpatterns: list[URLPattern] = []
