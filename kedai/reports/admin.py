from django.contrib import admin
from unfold.admin import ModelAdmin

from kedai.reports.models import StockAlert


@admin.register(StockAlert)
class StockAlertAdmin(ModelAdmin):
    list_display = ["variant", "threshold", "updated_at"]
    list_select_related = ["variant__product"]
    search_fields = ["variant__sku", "variant__product__name"]
    raw_id_fields = ["variant"]
