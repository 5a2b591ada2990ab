"""What each system check says and what it tells the reader to do: the exact message and hint,
for every id, and the docs' table of checks lists them all."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import checks

GOOD = settings.CONDUCTOR
SECRET = GOOD["SECRET_KEY"]
PUBLISHABLE = GOOD["PUBLISHABLE_KEY"]
DOCS = Path(__file__).parents[2] / "docs" / "operations.md"
PACKAGE = Path(__file__).parents[2] / "conductor_django"

OWNER_MODEL_HINT = (
    "set CONDUCTOR['OWNER_MODEL'] to a model of yours that has the mixin (an organization, a "
    "team or a profile: whatever should own the QuickBooks connection)"
)


def conductor(**values):
    def apply(settings):
        settings.CONDUCTOR = {**GOOD, **values}

    return apply


def setting(name, value):
    def apply(settings):
        setattr(settings, name, value)

    return apply


def without(name, entry):
    def apply(settings):
        setattr(settings, name, [item for item in getattr(settings, name) if item != entry])

    return apply


def unroute(settings):
    settings.ROOT_URLCONF = "tests.checks.urls_without_conductor"


def production(**values):
    def apply(settings):
        settings.DEBUG = False
        settings.CONDUCTOR = {**GOOD, **values}

    return apply


CASES = [
    (
        "E001",
        setting("CONDUCTOR", ["sk_conductor_x"]),
        "settings.CONDUCTOR must be a dict.",
        'Make it one, e.g. CONDUCTOR = {"SECRET_KEY": ..., "PUBLISHABLE_KEY": ...}, or remove '
        "it and set CONDUCTOR_SECRET_KEY and CONDUCTOR_PUBLISHABLE_KEY in the environment.",
    ),
    (
        "E002",
        conductor(SECRET_KEY="sk_live_123"),
        "CONDUCTOR[\"SECRET_KEY\"] does not start with 'sk_conductor_'.",
        "Set it, or the CONDUCTOR_SECRET_KEY environment variable, to the secret key from the "
        "Conductor dashboard (API keys).",
    ),
    (
        "E003",
        conductor(PUBLISHABLE_KEY="pub_123"),
        "CONDUCTOR[\"PUBLISHABLE_KEY\"] does not start with 'pk_conductor_'.",
        "Set it, or the CONDUCTOR_PUBLISHABLE_KEY environment variable, to the publishable key "
        "from the Conductor dashboard (API keys).",
    ),
    (
        "E004",
        conductor(SECRET_KEY=PUBLISHABLE),
        'CONDUCTOR["SECRET_KEY"] holds a publishable key.',
        "Put the secret key (it starts with 'sk_conductor_') in SECRET_KEY and the publishable "
        "key ('pk_conductor_') in PUBLISHABLE_KEY; the two look swapped.",
    ),
    (
        "E005",
        conductor(PUBLISHABLE_KEY=SECRET),
        'CONDUCTOR["PUBLISHABLE_KEY"] holds a secret key.',
        "Put the secret key in SECRET_KEY only, and rotate it in the Conductor dashboard if it "
        "has been used here: it would have been sent in connection links.",
    ),
    (
        "E006",
        conductor(OWNER_MODEL="billing.Company"),
        "The owner model 'billing.Company' (CONDUCTOR[\"OWNER_MODEL\"]) is not an installed model.",
        "Set CONDUCTOR[\"OWNER_MODEL\"] to 'app_label.ModelName', naming a model whose app is in "
        "INSTALLED_APPS.",
    ),
    (
        "E007",
        setting("AUTH_USER_MODEL", "auth.User"),
        "The owner model auth.User (AUTH_USER_MODEL) does not use ConductorEndUserMixin.",
        "auth.User cannot take the mixin. Either point AUTH_USER_MODEL at a custom user model of "
        "yours that has it (class User(ConductorEndUserMixin, AbstractUser) in one of your apps, "
        'then makemigrations; see Django\'s "Substituting a custom User model", simplest at '
        f"the start of a project), or {OWNER_MODEL_HINT}.",
    ),
    (
        "E007",
        conductor(OWNER_MODEL="organizations.Membership"),
        'The owner model organizations.Membership (CONDUCTOR["OWNER_MODEL"]) does not use '
        "ConductorEndUserMixin.",
        "Add conductor_django.models.ConductorEndUserMixin to Membership's bases and run "
        f"makemigrations, or {OWNER_MODEL_HINT}.",
    ),
    (
        "E007",
        conductor(OWNER_MODEL="auth.Group"),
        'The owner model auth.Group (CONDUCTOR["OWNER_MODEL"]) does not use ConductorEndUserMixin.',
        "auth.Group belongs to Django or an installed package and cannot take the mixin: "
        f"{OWNER_MODEL_HINT}, or remove OWNER_MODEL to let the user model (AUTH_USER_MODEL) own "
        "connections.",
    ),
    (
        "E015",
        conductor(INLINE_CHECK_WAIT=30),
        'CONDUCTOR["INLINE_CHECK_WAIT"] must be a number of seconds from 0 to 10; it is 30.',
        "It bounds how long a page waits for a health check when no task worker runs them (the "
        "immediate backend): longer, and slow QuickBooks holds web workers again. Remove it for "
        "the default of 1 s.",
    ),
    (
        "E008",
        conductor(EMAIL_LINK_EXPIRY_MINUTES=10),
        'CONDUCTOR["EMAIL_LINK_EXPIRY_MINUTES"] must be a whole number of minutes from 15 to '
        "10080.",
        "Set it within those bounds (Conductor refuses any other link expiry), or remove it for "
        "the default of 1440 minutes.",
    ),
    (
        "E009",
        conductor(COMPANY_NAME_GETTER="accounts.nowhere.name"),
        "CONDUCTOR[\"COMPANY_NAME_GETTER\"] = 'accounts.nowhere.name' cannot be imported: No "
        "module named 'accounts'",
        "Give the dotted path of a function that exists ('package.module.function') in a module "
        "that imports without error, or the function itself.",
    ),
    (
        "E009",
        conductor(OWNER_RESOLVER=5),
        'CONDUCTOR["OWNER_RESOLVER"] must be a dotted path or a function, not 5.',
        "Give the dotted path of a function that exists ('package.module.function') in a module "
        "that imports without error, or the function itself.",
    ),
    (
        "E010",
        without("INSTALLED_APPS", "django.contrib.sessions"),
        "django.contrib.sessions is not in INSTALLED_APPS.",
        "Add 'django.contrib.sessions' to INSTALLED_APPS (and run migrate): the callback's "
        "one-time state is kept in the session.",
    ),
    (
        "E011",
        without("MIDDLEWARE", "django.contrib.sessions.middleware.SessionMiddleware"),
        "django.contrib.sessions.middleware.SessionMiddleware is not in MIDDLEWARE.",
        "Add 'django.contrib.sessions.middleware.SessionMiddleware' (or a subclass) to "
        "MIDDLEWARE, before AuthenticationMiddleware: the callback's one-time state is kept in "
        "the session.",
    ),
    (
        "E012",
        without("INSTALLED_APPS", "django.contrib.messages"),
        "django.contrib.messages is not in INSTALLED_APPS.",
        "Add 'django.contrib.messages' to INSTALLED_APPS (and run migrate): the callback tells "
        "the user the outcome with a message.",
    ),
    (
        "E013",
        without("MIDDLEWARE", "django.contrib.messages.middleware.MessageMiddleware"),
        "django.contrib.messages.middleware.MessageMiddleware is not in MIDDLEWARE.",
        "Add 'django.contrib.messages.middleware.MessageMiddleware' (or a subclass) to "
        "MIDDLEWARE, after SessionMiddleware: the callback tells the user the outcome with a "
        "message.",
    ),
    (
        "W001",
        conductor(SUCESS_URL="/"),
        "CONDUCTOR has no setting named 'SUCESS_URL'.",
        "Did you mean 'SUCCESS_URL'?",
    ),
    (
        "W002",
        conductor(SECRET_KEY=None),
        'CONDUCTOR["SECRET_KEY"] is not set.',
        "Set it, or the CONDUCTOR_SECRET_KEY environment variable, to the secret key from the "
        "Conductor dashboard; no call to Conductor can be made without it.",
    ),
    (
        "W003",
        conductor(PUBLISHABLE_KEY=""),
        'CONDUCTOR["PUBLISHABLE_KEY"] is not set.',
        "Set it, or the CONDUCTOR_PUBLISHABLE_KEY environment variable, to the publishable key "
        "from the Conductor dashboard; no connection link can be created without it.",
    ),
    (
        "W004",
        unroute,
        "The URL conductor_django:callback cannot be reversed.",
        'Add path("quickbooks/", include("conductor_django.urls")) to your URLconf; without it '
        "no user can connect QuickBooks Desktop.",
    ),
    (
        "W008",
        conductor(API_BASE_URL="http://user:pw@127.0.0.1:8000/sandbox/v1"),
        'CONDUCTOR["API_BASE_URL"] is not https (http://127.0.0.1): the secret key would cross '
        "the network in clear text.",
        'Remove CONDUCTOR["API_BASE_URL"] and the CONDUCTOR_BASE_URL environment variable to '
        "use https://api.conductor.is/v1, or give an https URL; an http URL is only for the "
        "sandbox on your own machine.",
    ),
    (
        "W009",
        production(
            SECRET_KEY="sk_conductor_sandbox_demo_0000000000000000",
            PUBLISHABLE_KEY="pk_conductor_sandbox_demo_0000000000000000",
        ),
        'Sandbox keys are configured with DEBUG off: CONDUCTOR["SECRET_KEY"] is a sandbox key '
        '(sk_conductor_sandbox_…); CONDUCTOR["PUBLISHABLE_KEY"] is a sandbox key '
        "(pk_conductor_sandbox_…).",
        "Set CONDUCTOR_SECRET_KEY and CONDUCTOR_PUBLISHABLE_KEY (or CONDUCTOR's SECRET_KEY and "
        "PUBLISHABLE_KEY) to the keys from the Conductor dashboard, and remove the keys from "
        "CONDUCTOR_SANDBOX: Conductor refuses the sandbox's keys, so every call would fail.",
    ),
]
W007_HINT = (
    "In production settings remove 'conductor_django.sandbox' from INSTALLED_APPS and "
    'include("conductor_django.sandbox.urls") from the URLconf (add them only when a '
    "development setting is on, as the example project's SANDBOX does), and leave "
    "CONDUCTOR_SANDBOX unset: the sandbox's dashboard and control endpoint have no login."
)


@pytest.fixture(autouse=True)
def no_key_environment(monkeypatch):
    monkeypatch.delenv("CONDUCTOR_SECRET_KEY", raising=False)
    monkeypatch.delenv("CONDUCTOR_PUBLISHABLE_KEY", raising=False)
    monkeypatch.delenv("CONDUCTOR_BASE_URL", raising=False)


def messages_with(id_):
    found = checks.run_checks(tags=["conductor"], include_deployment_checks=True)
    return [message for message in found if message.id == f"conductor_django.{id_}"]


@pytest.mark.parametrize(
    ("id_", "apply", "message", "hint"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_message_and_hint(settings, id_, apply, message, hint):
    apply(settings)
    [found] = messages_with(id_)
    assert found.msg == message
    assert found.hint == hint
    assert isinstance(found, checks.Error) == id_.startswith("E")


def test_w007_says_what_it_found_and_what_to_do(settings):
    [found] = messages_with("W007")
    assert found.msg == (
        "The Conductor sandbox is deployed: conductor_django.sandbox is in INSTALLED_APPS, its "
        'URLs are mounted at /sandbox/, CONDUCTOR_SANDBOX["ENABLED"] makes it serve with DEBUG '
        "off."
    )
    assert found.hint == W007_HINT


def documented_ids():
    rows = re.findall(r"^\| `(conductor_django\.[EW]\d{3})` \|", DOCS.read_text(), re.M)
    assert len(rows) == len(set(rows)), "an id is in the table twice"
    return set(rows)


def test_every_check_is_in_the_docs_table_and_nothing_else_is():
    modules = ("checks.py", "owner_checks.py", "deploy_checks.py")
    source = "".join((PACKAGE / name).read_text() for name in modules)
    made = {
        f"conductor_django.{'E' if kind == 'error' else 'W'}{int(number):03d}"
        for kind, number in re.findall(r"\b_?(error|warning)\(\s*(\d+)", source)
    }
    made |= {"conductor_django.E010", "conductor_django.E011"}  # ids passed as variables
    made |= {"conductor_django.E012", "conductor_django.E013"}
    made |= {"conductor_django.W005"}  # a checks.Warning with its id spelt out
    assert documented_ids() == made


def test_every_id_has_a_test_of_its_message_and_hint():
    tested = {f"conductor_django.{case[0]}" for case in CASES} | {"conductor_django.W007"}
    # E014 needs a process where no task framework imports: tests/checks/test_task_framework.py.
    # W005 and W006 depend on the owner model and the timeouts: tests/checks/test_checks.py.
    tested |= {"conductor_django.E014", "conductor_django.W005", "conductor_django.W006"}
    assert documented_ids() == tested
