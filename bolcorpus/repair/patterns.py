"""Compiled patterns and small tables used by the repair rules (data, not logic)."""

from __future__ import annotations

import re

# Line separators other than "\n": Windows and old-Mac newlines, Unicode line and
# paragraph separators, form feeds left by page breaks.
OTHER_NEWLINE_RE = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")

# A word broken across a line end: "insti-\n tutional". Group 1 and 2 are the halves.
LINE_END_HYPHEN_RE = re.compile(r"(\w+)-[ \t]*\n[ \t]*(\w+)")

# Any line break with the horizontal space around it; a run with a blank line inside
# is a paragraph break.
LINE_BREAK_RE = re.compile(r"[ \t]*\n(?:[ \t]*\n)*[ \t]*")

# Space at the very start or end of the text.
EDGE_SPACE_RE = re.compile(r"\A\s+|\s+\Z")

# Characters that close a sentence or clause at the end of a line (with closing quotes).
LINE_FINAL_PUNCT_RE = re.compile(r"[.!?:;][\"'”’)\]]*$")
