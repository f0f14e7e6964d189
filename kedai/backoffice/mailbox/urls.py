"""/office/mailbox/: namespace ``backoffice_mailbox``."""

from django.urls import path

from kedai.backoffice.mailbox import views

app_name = "backoffice_mailbox"
urlpatterns = [
    path("", views.message_list, name="list"),
    path("<int:pk>/", views.message_detail, name="detail"),
    path("<int:pk>/message.html", views.message_html, name="html"),
    path("<int:pk>/attachments/<int:index>/", views.message_attachment,
         name="attachment"),
]
