"""What a browser would post for a page's form: inputs, ticked boxes, selected options, textareas."""

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self, action: str):
        super().__init__(convert_charrefs=True)
        self.action = action
        self.inside = False
        self.pairs: list[tuple[str, str]] = []
        self._select = None
        self._select_pairs: list[tuple[str, str]] = []
        self._option = None
        self._textarea = None
        self._text = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.inside = (attrs.get("action") or "").split("?")[0] == self.action
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.pairs.append((name, attrs.get("value") or ("on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self._select, self._select_pairs = name, []
        elif tag == "option" and self._select:
            if "selected" in attrs:
                self._select_pairs.append((self._select, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        if tag == "select" and self._select:
            self.pairs.extend(self._select_pairs)
            self._select = None
        if tag == "textarea" and self._textarea:
            text = "".join(self._text)
            self.pairs.append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None


def form_pairs(html: str, action: str) -> list[tuple[str, str]]:
    """The (name, value) pairs of the page's POST form to `action`, as a browser would send them."""
    reader = _FormReader(action)
    reader.feed(html)
    return reader.pairs


def as_post(pairs: list[tuple[str, str]]) -> dict:
    """Pairs as the test client's POST data (a list for repeated names)."""
    data: dict = {}
    for name, value in pairs:
        data.setdefault(name, []).append(value)
    return {name: values if len(values) > 1 else values[0] for name, values in data.items()}
