"""The HTML a test client got back: its text, markup a test writes and expects escaped,
and the inline scripts the content security policy forbids."""

import re

SCRIPT = '<script>alert("x")</script>'
ESCAPED_SCRIPT = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
# A <script> tag without ``src``: the content security policy forbids inline scripts.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
# The header htmx sends with its requests: the view answers with a fragment.
HTMX = {"HTTP_HX_REQUEST": "true"}


def text(response) -> str:
    return response.content.decode()
