import gettext
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

import conductor_django
from conductor_django.connection import check

from .catalog import entries, translations

PACKAGE = Path(conductor_django.__file__).parent
PO = PACKAGE / "locale" / "fr" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


@pytest.fixture
def french():
    with translation.override("fr"):
        yield


@pytest.mark.django_db
def test_settings_page_in_french(client, user, fake_conductor, french):
    fake_conductor.set_scenario(user, "connected")
    client.force_login(user)
    page = client.get(reverse("conductor_django:settings")).content.decode()
    assert "Connecté" in page
    assert "Vérifiée à l'instant." in page.replace("&#x27;", "'")
    assert "Vérifier à nouveau" in page
    assert "Déconnecter QuickBooks Desktop" in page
    assert "Checked just now" not in page


@pytest.mark.django_db
def test_unreachable_page_in_french(client, user, fake_conductor, french):
    fake_conductor.outage("network")
    client.force_login(user)
    page = client.get(reverse("conductor_django:settings")).content.decode()
    assert "Nous n’avons pas pu joindre QuickBooks pour le moment." in page
    assert "Réessayer" in page


@pytest.mark.django_db
def test_callback_rejection_in_french(client, user, fake_conductor, french):
    client.force_login(user)
    response = client.get(reverse("conductor_django:callback"))
    assert response.status_code == 400
    assert "Il manque le jeton de sécurité de ce lien." in response.content.decode()


@pytest.mark.django_db
def test_api_errors_in_french(client, user, fake_conductor, french):
    fake_conductor.outage(503)
    client.force_login(user)
    asked = client.post(reverse("conductor_django_api:health-check"))
    # The check's failure is the answer of following it.
    error = client.get(asked["Location"]).json()["error"]
    assert error["code"] == "CONDUCTOR_UNAVAILABLE"
    assert error["userFacingMessage"].startswith("Nous n’avons pas pu joindre QuickBooks")


@pytest.mark.django_db
def test_template_tags_in_french(user, fake_conductor, french):
    fake_conductor.set_scenario(user, "not_active")
    check(user)
    out = Template(
        "{% load conductor %}{% conductor_status_badge owner %}{% conductor_connect_button owner %}"
    ).render(Context({"owner": user}))
    assert ">Erreur</span>" in out
    assert ">Reconnecter QuickBooks Desktop</a>" in out


def test_every_french_entry_is_translated():
    found = entries(PO)
    assert len(found) > 100
    untranslated = [e["msgid"] for e in found if not all(translations(e))]
    fuzzy = [e["msgid"] for e in found if "fuzzy" in e["flags"]]
    assert (untranslated, fuzzy) == ([], [])


def test_placeholders_survive_translation():
    for entry in entries(PO):
        for text in translations(entry):
            for placeholder in ("%(owner)s", "%(message)s", "%(company_name)s", "%(when)s"):
                assert (placeholder in entry["msgid"]) == (placeholder in text), entry["msgid"]


def test_compiled_catalog_matches_the_source():
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in entries(PO):
        if "msgid_plural" in entry:
            assert compiled.ngettext(entry["msgid"], entry["msgid_plural"], 2) == entry["msgstr[1]"]
        else:
            assert compiled.gettext(entry["msgid"]) == entry["msgstr"], entry["msgid"]


@pytest.mark.skipif(not shutil.which("xgettext"), reason="needs GNU gettext (apt install gettext)")
def test_catalog_covers_every_string_in_the_package(tmp_path, monkeypatch):
    copy = tmp_path / "conductor_django"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["fr"], no_obsolete=True, verbosity=0)
    fresh = entries(copy / "locale" / "fr" / "LC_MESSAGES" / "django.po")
    # msgmerge guesses a new string's translation from a similar one and marks it fuzzy.
    missing = sorted(e["msgid"] for e in fresh if not all(translations(e)) or "fuzzy" in e["flags"])
    assert missing == [], "run makemessages -l fr in conductor_django/ and translate these"
    assert {e["msgid"] for e in fresh} == {e["msgid"] for e in entries(PO)}
