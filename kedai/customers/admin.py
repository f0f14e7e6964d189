from django.contrib import admin
from unfold.admin import ModelAdmin, StackedInline

from kedai.customers.models import Address, Customer


class AddressInline(StackedInline):
    model = Address
    extra = 0


@admin.register(Customer)
class CustomerAdmin(ModelAdmin):
    list_display = ["number", "name", "email", "phone", "created_at"]
    search_fields = ["number", "name", "email", "phone"]
    readonly_fields = ["number", "created_at", "updated_at"]
    inlines = [AddressInline]
