"""The dashboard's forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import FaultKind, Scenario


class ScenarioForm(forms.Form):
    end_user_id = forms.CharField(widget=forms.HiddenInput)
    scenario = forms.ChoiceField(label=_("Scenario"), choices=Scenario.choices)
    delay_seconds = forms.FloatField(
        label=_("Slow: seconds"), min_value=0, max_value=600, required=False, initial=0
    )


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
    delay_ms = forms.IntegerField(
        label=_("Delay (ms) for delay and complete-late faults"),
        min_value=0,
        initial=0,
        required=False,
    )


class FailNextForm(forms.Form):
    n = forms.IntegerField(label=_("Next N requests"), min_value=1, initial=1)
    kind = forms.ChoiceField(label=_("Fault"), choices=FaultKind.choices)
    method = forms.ChoiceField(
        label=_("Method"),
        required=False,
        choices=[("", _("any")), ("GET", "GET"), ("POST", "POST"), ("DELETE", "DELETE")],
    )
    path = forms.CharField(label=_("Path pattern"), required=False, max_length=500)
    delay_ms = forms.IntegerField(
        label=_("Delay (ms) for delay and complete-late"), min_value=0, required=False, initial=0
    )

    def clean_delay_ms(self) -> int:
        return self.cleaned_data["delay_ms"] or 0
