"""/office/data/: downloads, uploads, backup and restore."""

from django.urls import path

from kedai.dataio import views

app_name = "dataio"
urlpatterns = [
    path("", views.home, name="home"),
    path("export/", views.export, name="export"),
    path("export/shopify.csv", views.export_shopify, name="export_shopify"),
    path("exports/<uuid:job_id>/", views.export_job, name="export_job"),
    path("exports/<uuid:job_id>/download/", views.export_download,
         name="export_download"),
    path("backup/", views.backup, name="backup"),
    path("restore/", views.restore, name="restore"),
    path("upload/", views.upload, name="upload"),
    path("imports/<uuid:job_id>/", views.import_job, name="import_job"),
    path("imports/<uuid:job_id>/apply/", views.import_apply, name="import_apply"),
]
