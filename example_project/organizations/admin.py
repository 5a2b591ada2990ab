from django.contrib import admin

from conductor_django.admin import ConductorOwnerAdminMixin
from conductor_django.codat.admin import CodatOwnerAdminMixin

from .models import Membership, Organization


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ("user",)


@admin.register(Organization)
class OrganizationAdmin(ConductorOwnerAdminMixin, CodatOwnerAdminMixin, admin.ModelAdmin):
    # The mixins add the connection links, health check and disconnect actions, and a
    # "QuickBooks Desktop" section with the recorded status to the change page; and Codat's
    # actions and section.
    list_display = ("name", "email", "conductor_end_user_id")
    search_fields = ("name", "email")
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organization", "role")
    list_filter = ("role",)
    search_fields = ("user__username", "organization__name")
    autocomplete_fields = ("user", "organization")
