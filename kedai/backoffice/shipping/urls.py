"""/office/shipping/: namespace ``backoffice_shipping``."""

from django.urls import path

from kedai.backoffice.shipping import views

app_name = "backoffice_shipping"
urlpatterns = [
    path("", views.home, name="home"),
    path("methods/new/", views.method_edit, name="method_add"),
    path("methods/<int:pk>/", views.method_edit, name="method"),
    path("methods/<int:pk>/active/", views.method_active, name="method_active"),
    path("cards/upload/", views.card_upload, name="card_upload"),
    path("cards/<int:pk>/", views.card_detail, name="card"),
    path("cards/<int:pk>/card.csv", views.card_download, name="card_download"),
    path("cards/<int:pk>/active/", views.card_active, name="card_active"),
]
