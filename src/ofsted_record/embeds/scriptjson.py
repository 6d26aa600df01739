"""JSON that is safe to inline in HTML ``<script>`` elements (one helper for the whole project).

``json.dumps`` leaves ``<``, ``>`` and ``&`` as they are, so a value such as ``<!--<script>``
puts the HTML parser into its "script data escaped" states and swallows the rest of the page
(issue 18, item 15); ``</script>`` ends the element early. U+2028/U+2029 are legal in JSON but
were line terminators in older JavaScript. Escaping all five as ``\\uXXXX`` keeps the text valid
JSON and valid JavaScript, and leaves the parser in the plain "script data" state whatever the
data holds.
"""

from __future__ import annotations

import json
from typing import Any

_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_TABLE = str.maketrans(_ESCAPES)


def script_json(value: Any, *, sort_keys: bool = False) -> str:
    """Compact, deterministic JSON with every script-context special character escaped."""
    text = json.dumps(value, sort_keys=sort_keys, separators=(",", ":"), ensure_ascii=False)
    return text.translate(_TABLE)
