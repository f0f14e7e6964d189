"""``/api/``: the JSON API, its OpenAPI document and a reference page."""

from django.urls import path

from kedai.api import reference
from kedai.api.api import api

urlpatterns = [
    path("", api.urls),
    path("reference/", reference.reference_page, name="api-reference"),
]
