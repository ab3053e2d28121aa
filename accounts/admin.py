from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "get_full_name", "role", "regency", "is_active", "last_login"]
    list_filter = ["role", "regency", "is_active", "is_superuser"]
    list_select_related = ["regency"]
    search_fields = ["username", "first_name", "last_name", "email"]
    autocomplete_fields = ["regency"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (_("Role and scope"), {"fields": ["role", "regency"]}),
    ]
    add_fieldsets = [
        *DjangoUserAdmin.add_fieldsets,
        (_("Role and scope"), {"fields": ["role", "regency"]}),
    ]
