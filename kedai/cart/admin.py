from django.contrib import admin
from unfold.admin import ModelAdmin, TabularInline

from kedai.cart.models import Cart, CartLine


class CartLineInline(TabularInline):
    model = CartLine
    extra = 0
    raw_id_fields = ["variant"]


@admin.register(Cart)
class CartAdmin(ModelAdmin):
    list_display = ["id", "status", "email", "created_at", "last_seen_at"]
    list_filter = ["status"]
    search_fields = ["email"]
    readonly_fields = ["created_at", "updated_at", "last_seen_at"]
    inlines = [CartLineInline]
