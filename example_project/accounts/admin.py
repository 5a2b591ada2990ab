from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from conductor_django.admin import ConductorOwnerAdminMixin
from conductor_django.codat.admin import CodatOwnerAdminMixin

from .models import User


@admin.register(User)
class ExampleUserAdmin(ConductorOwnerAdminMixin, CodatOwnerAdminMixin, UserAdmin):
    list_display = ("username", "email", "company_name", "conductor_end_user_id")
    # The mixins add a "QuickBooks Desktop" section (end-user id and connection status) and an
    # "Accounting platforms (Codat)" section (company id and connections) below.
    fieldsets = UserAdmin.fieldsets + (("Company", {"fields": ("company_name",)}),)
