from django.urls import path

from kedai.invoicing import views

app_name = "invoicing"
urlpatterns = [
    path("order/<str:token>/documents/", views.order_documents,
         name="order_documents"),
    path("order/<str:token>/documents/<str:number>.pdf", views.document_download,
         name="document_download"),
]
