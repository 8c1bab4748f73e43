#!/usr/bin/env bash
# Browser test of report.html against hostile input: articles whose text,
# title, id, source, URL and file name carry script and markup payloads are
# scanned, the report is rendered in headless Chromium, and the rendered DOM
# must show every payload as literal text with nothing executed or injected.
#   security_test.sh REFRAIN_BINARY ARTIFACT_DIR
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/lib.sh"

[ $# -eq 2 ] || fail "usage: $0 REFRAIN_BINARY ARTIFACT_DIR"
refrain="$1" artifacts="$2"
require_chromium
mkdir -p "$artifacts"
artifacts="$(cd "$artifacts" && pwd)"
in="$artifacts/hostile-input"
out="$artifacts/hostile-report"
rm -rf "$in" "$out"
mkdir -p "$in"

# The fixture: two near-duplicate articles and a third restating one of
# their claims, a .txt file with a hostile name, a duplicate id and a
# malformed line (so skip reasons carry payloads too).
python3 - "$in" <<'PY'
import json, os, sys
d = sys.argv[1]
script = "<script>document.title='pwned'</script>"
img = "<img src=x onerror=\"document.title='pwned'\">"
svg = "\"><svg onload=\"document.title='pwned'\">"
body = (
    "Moscow (Agencies) - Russia is seriously concerned over the Islamic State plans "
    "to destabilize Central Asia and export instability to Russia, the foreign "
    "minister said on Thursday at a press conference in the capital. " + script + "\n"
    "Officials in the region reported that militants had moved closer to the "
    "border over the past month, according to several security sources who asked "
    "not to be named because they were not allowed to speak publicly. " + img + "\n"
    "The ministry added that it would keep working with its partners in the region "
    "to prevent the spread of violence & extremism across the frontier. " + svg + "\n")
other = (
    "Dushanbe (Wire) - \"The plans of the Islamic State and its supporters to "
    "destabilize Central Asian states and export instability to Russia are of "
    "particular concern,\" the foreign minister said. " + img + "\n"
    "Farmers in the valley said the harvest this year was the best in a decade "
    "thanks to a wet spring and new irrigation channels built by the village.\n")
recs = [
    {"id": "evil-1", "title": svg + " & <b>bold</b> " + script, "source": img,
     "url": "javascript:document.title='pwned'", "date": script, "text": body},
    {"id": "evil-2", "title": "Copy " + img, "source": svg,
     "url": "https://example.org/a?x=\"><script>document.title='pwned'</script>",
     "text": body.replace("capital", "city")},
    {"id": svg, "title": script, "source": "Wire & Co", "text": other},
    {"id": svg, "title": "duplicate", "text": "duplicate id " + script},
]
with open(os.path.join(d, "hostile.jsonl"), "w", encoding="utf-8") as f:
    for r in recs:
        f.write(json.dumps(r) + "\n")
    f.write("{\"id\": \"" + script + "\", \"text\": \n")
name = "\"><img src=x onerror=\"document.title='pwned'\">.txt"
with open(os.path.join(d, name), "w", encoding="utf-8") as f:
    f.write(script + "\n" + other)
PY

"$refrain" scan "$in" --out "$out" --quiet 2>/dev/null || fail "refrain scan failed"
html="$out/report.html"
[ -s "$html" ] || fail "no report.html in $out"

dom="$artifacts/hostile-dom.html"
dump_dom "$html" "$dom"

expect_in "$dom" 'data-js="ready"' "the page's own script ran"
expect_in "$dom" '<title>refrain report: hostile-input</title>' "document.title unchanged"
expect_not_in "$dom" 'pwned</title>' "document.title unchanged"
# Structure of the rendered DOM: one script (ours), no element or event
# handler from the payloads, and every payload visible as literal text.
python3 - "$dom" <<'PY' || fail "hostile input changed the rendered page (see above)"
import sys
from html.parser import HTMLParser

class Walk(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems, self.text, self.scripts, self.stack = [], [], [], []
        self.styles = 0
    def handle_starttag(self, tag, attrs):
        if tag == "style":
            self.styles += 1
        if tag in ("img", "iframe", "object", "embed", "base", "form", "link"):
            self.problems.append("injected <%s %s>" % (tag, attrs))
        if tag == "svg" and dict(attrs).get("id") != "heatmap" and \
                dict(attrs).get("class") != "histogram":
            self.problems.append("injected <svg %s>" % attrs)
        for k, v in attrs:
            if k.startswith("on"):
                self.problems.append("event handler %s=%r on <%s>" % (k, v, tag))
            if k in ("href", "src") and v and v.strip().lower().startswith("javascript:"):
                self.problems.append("javascript: URL on <%s>" % tag)
        self.stack.append(tag)
    def handle_endtag(self, tag):
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()
    def handle_data(self, data):
        if self.stack and self.stack[-1] == "script":
            self.scripts.append(data)
        else:
            self.text.append(data)

w = Walk()
w.feed(open(sys.argv[1], encoding="utf-8").read())
if len(w.scripts) != 1 or "pwned" in w.scripts[0]:
    w.problems.append("expected exactly our one script, found %d" % len(w.scripts))
if w.styles != 1:
    w.problems.append("expected exactly our one <style>, found %d" % w.styles)
text = "".join(w.text)
for payload in ["<script>document.title='pwned'</script>",
                "<img src=x onerror=\"document.title='pwned'\">",
                "\"><svg onload=\"document.title='pwned'\">",
                "violence & extremism", "& <b>bold</b>"]:
    if payload not in text:
        w.problems.append("payload not shown as literal text: " + payload)
for p in w.problems:
    print("  " + p, file=sys.stderr)
sys.exit(1 if w.problems else 0)
PY

screenshot "$html" "$artifacts/hostile-report.png"
echo "PASS: hostile input is shown literally and nothing executed"
