"""The dashboard's forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .. import catalog
from .models import FaultKind


class FaultsForm(forms.Form):
    latency_ms = forms.IntegerField(label=_("Added latency (ms)"), min_value=0, initial=0)
    fault_rate = forms.FloatField(label=_("Fault rate (0..1)"), min_value=0, max_value=1, initial=0)
    fault_kinds = forms.MultipleChoiceField(
        label=_("Random fault kinds"),
        choices=FaultKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    retry_after_seconds = forms.IntegerField(
        label=_("Retry-After (s) for 429"), min_value=0, initial=1
    )


class FailNextForm(forms.Form):
    n = forms.IntegerField(label=_("Next N requests"), min_value=1, initial=1)
    kind = forms.ChoiceField(label=_("Fault"), choices=FaultKind.choices)
    method = forms.ChoiceField(
        label=_("Method"),
        required=False,
        choices=[("", _("any"))] + [(m, m) for m in ("GET", "POST", "PATCH", "PUT", "DELETE")],
    )
    path = forms.CharField(label=_("Path pattern"), required=False, max_length=500)
    delay_ms = forms.IntegerField(
        label=_("Delay / late-create visibility (ms)"), min_value=0, initial=0, required=False
    )


class ProfileForm(forms.Form):
    redirect_url = forms.CharField(
        label=_("Redirect template"),
        required=False,
        max_length=2000,
        help_text=_("e.g. https://app.example.com/codat/return?code={statusCode}&state={state}"),
    )
    one_time_links = forms.BooleanField(label=_("One-time Link URLs"), required=False)


class SyncTimingForm(forms.Form):
    queued_seconds = forms.FloatField(label=_("Queued for (s)"), min_value=0, max_value=3600)
    fetching_seconds = forms.FloatField(label=_("Fetching for (s)"), min_value=0, max_value=3600)


class SyncOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Sync ends"), choices=[(o, o) for o in catalog.SYNC_OUTCOMES]
    )
