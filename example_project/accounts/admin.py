from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import User


@admin.register(User)
class ExampleUserAdmin(UserAdmin):
    list_display = ("username", "email", "company_name", "conductor_end_user_id")
    readonly_fields = ("conductor_end_user_id",)
    fieldsets = UserAdmin.fieldsets + (
        ("QuickBooks", {"fields": ("company_name", "conductor_end_user_id")}),
    )
