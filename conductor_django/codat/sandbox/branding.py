"""Branding images served by the sandbox itself (``<mount>/assets/<key>/<variant>.svg``), so
``logoUrl`` and ``GET /integrations/{key}/branding`` point at images that load offline.

They are simple drawings in each platform's colour, not the vendors' artwork. QuickBooks gets a
green "Connect to QuickBooks" button with a darker hover state, standing in for the Intuit
buttons Codat's branding endpoint returns (Intuit requires them, hover state included).
"""

from xml.sax.saxutils import escape

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from .. import catalog
from . import config

VARIANTS = ("logo-full", "logo-square", "button", "button-hover")
# A day: Codat asks clients to cache branding; the sandbox's images never change.
CACHE_SECONDS = 86400


def darker(colour: str, factor: float = 0.75) -> str:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{int(c * factor):02X}" for c in (red, green, blue))


def _svg(width: int, height: int, body: str, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img"><title>{escape(title)}</title>{body}</svg>\n'
    )


def _text(x: float, y: float, size: int, colour: str, text: str, anchor: str = "middle") -> str:
    return (
        f'<text x="{x}" y="{y}" font-family="Helvetica, Arial, sans-serif" font-size="{size}" '
        f'font-weight="700" fill="{colour}" text-anchor="{anchor}" '
        f'dominant-baseline="central">{escape(text)}</text>'
    )


def logo_square(entry: catalog.Integration) -> str:
    body = f'<rect width="64" height="64" rx="14" fill="{entry.colour}"/>' + _text(
        32, 32, 26, "#FFFFFF", entry.initials
    )
    return _svg(64, 64, body, f"{entry.name} logo")


def logo_full(entry: catalog.Integration) -> str:
    body = (
        f'<circle cx="24" cy="24" r="20" fill="{entry.colour}"/>'
        + _text(24, 24, 16, "#FFFFFF", entry.initials)
        + _text(54, 24, 18, "#1D2330", entry.name, anchor="start")
    )
    return _svg(280, 48, body, f"{entry.name} logo")


def button(entry: catalog.Integration, *, hover: bool) -> str:
    if entry.branded_button:
        # Intuit's button: green, "Connect to QuickBooks", a darker green on hover.
        fill = "#108000" if hover else "#2CA01C"
        label = "Connect to QuickBooks"
    else:
        fill = darker(entry.colour) if hover else entry.colour
        label = f"Connect to {entry.name}"
    body = f'<rect width="240" height="40" rx="6" fill="{fill}"/>' + _text(
        120, 20, 15, "#FFFFFF", label
    )
    return _svg(240, 40, body, label)


def render(entry: catalog.Integration, variant: str) -> str:
    if variant == "logo-full":
        return logo_full(entry)
    if variant == "logo-square":
        return logo_square(entry)
    return button(entry, hover=variant == "button-hover")


@config.require_enabled
@require_GET
def asset(request: HttpRequest, key: str, variant: str) -> HttpResponse:
    entry = catalog.integration(key)
    if entry is None or variant not in VARIANTS:
        raise Http404("No such branding image.")
    response = HttpResponse(render(entry, variant), content_type="image/svg+xml")
    response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    return response
