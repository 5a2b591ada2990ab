"""Just enough of an HTML reader for a ``requests``-driven browser: forms, elements by id, text.

The pages under test are ours and small; a full HTML library would be one more dependency for
what ``html.parser`` already does.
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


@dataclass
class Form:
    attrs: dict
    fields: dict = field(default_factory=dict)
    buttons: list = field(default_factory=list)

    @property
    def action(self):
        return self.attrs.get("action", "")

    @property
    def method(self):
        return self.attrs.get("method", "get").lower()


class Page(HTMLParser):
    """A parsed response: ``forms``, ``links``, ``by_id`` (attributes of each element with an id),
    ``text`` (the visible text with whitespace collapsed, entities decoded)."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self.links = []
        self.by_id = {}
        self._text = []
        self._skip = 0
        self._form = None
        #: (seconds, url) of a ``<meta http-equiv="refresh">``, wherever it is.
        self.refresh = None
        self.feed(html)
        self.close()
        self.text = " ".join(" ".join(self._text).split())

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if "id" in attrs:
            self.by_id[attrs["id"]] = {"tag": tag, **attrs}
        if tag == "a":
            self.links.append(attrs)
        if tag == "meta" and attrs.get("http-equiv", "").lower() == "refresh":
            seconds, _, url = attrs.get("content", "").partition(";url=")
            self.refresh = (float(seconds), url)
        if tag in ("script", "style", "title"):
            self._skip += 1
        elif tag == "form":
            self._form = Form(attrs)
            self.forms.append(self._form)
        elif tag == "input" and self._form is not None and attrs.get("name"):
            if attrs.get("type") not in ("checkbox", "radio") or "checked" in attrs:
                self._form.fields[attrs["name"]] = attrs.get("value", "")
        elif tag == "button" and self._form is not None:
            self._form.buttons.append(attrs)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "title"):
            self._skip -= 1
        elif tag == "form":
            self._form = None

    def handle_data(self, data):
        if not self._skip:
            self._text.append(data)

    def form(self, *, containing=None, action=None):
        """The first form holding the button with id ``containing``, or posting to ``action``."""
        for form in self.forms:
            if containing and any(b.get("id") == containing for b in form.buttons):
                return form
            if action and form.action == action:
                return form
        raise AssertionError(f"No form with button {containing!r} / action {action!r}")

    def link(self, css_class):
        """The ``href`` of the first link with ``css_class``."""
        for attrs in self.links:
            if css_class in attrs.get("class", "").split():
                return attrs["href"]
        raise AssertionError(f"No link .{css_class} on the page")

    def attr(self, element_id, name):
        assert element_id in self.by_id, f"No element #{element_id} on the page"
        return self.by_id[element_id].get(name)
