"""/office/catalogue/: namespace ``backoffice_catalog``."""

from django.urls import path

from kedai.backoffice.catalog import views

app_name = "backoffice_catalog"
urlpatterns = [
    path("", views.product_list, name="products"),
    path("prices-and-stock/", views.product_bulk, name="bulk"),
    path("new/", views.product_create, name="new"),
    path("p/<int:pk>/", views.product_edit, name="edit"),
    path("p/<int:pk>/duplicate/", views.product_duplicate, name="duplicate"),
    path("p/<int:pk>/archive/", views.product_archive, name="archive"),
    path("p/<int:pk>/delete/", views.product_delete, name="delete"),
    path("p/<int:pk>/pictures/", views.image_add, name="image_add"),
    path("p/<int:pk>/pictures/<int:image_pk>/", views.image_change,
         name="image_change"),
    path("categories/", views.category_list, name="categories"),
    path("categories/<int:pk>/", views.category_list, name="category_edit"),
    path("categories/<int:pk>/move/", views.category_move, name="category_move"),
    path("tax/", views.tax_list, name="tax"),
    path("tax/<int:pk>/", views.tax_list, name="tax_edit"),
]
