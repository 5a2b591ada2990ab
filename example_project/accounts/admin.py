from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from conductor_django.admin import ConductorOwnerAdminMixin

from .models import User


@admin.register(User)
class ExampleUserAdmin(ConductorOwnerAdminMixin, UserAdmin):
    list_display = ("username", "email", "company_name", "conductor_end_user_id")
    # The mixin adds a "QuickBooks Desktop" section (end-user id and connection status) below.
    fieldsets = UserAdmin.fieldsets + (("Company", {"fields": ("company_name",)}),)
