#!/usr/bin/env bash
# Browser test of report.html: scans corpus/, renders the report in headless
# Chromium and checks the rendered DOM: the Lavrov claim cluster with both
# translations side by side and their shared words marked, the heatmap SVG,
# the article view, and that the page's own script ran (so its CSP hash is
# right). Keeps a screenshot.
#   report_test.sh REFRAIN_BINARY CORPUS_DIR ARTIFACT_DIR
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/lib.sh"

[ $# -eq 3 ] || fail "usage: $0 REFRAIN_BINARY CORPUS_DIR ARTIFACT_DIR"
refrain="$1" corpus="$2" artifacts="$3"
require_chromium
mkdir -p "$artifacts"
artifacts="$(cd "$artifacts" && pwd)"
out="$artifacts/corpus-report"
rm -rf "$out"

"$refrain" scan "$corpus" --out "$out" --quiet || fail "refrain scan failed"
html="$out/report.html"
[ -s "$html" ] || fail "no report.html in $out"
for f in report.json pairs.csv claims.csv; do
  [ -f "$out/$f" ] || fail "no $f in $out"
done

dom="$artifacts/corpus-dom.html"
dump_dom "$html" "$dom"

expect_in "$dom" 'data-js="ready"' "inline script ran (CSP hash)"
expect_in "$dom" '<title>refrain report: corpus</title>' "page title names the input"
# The Lavrov claim: both translations, each in a claim card, words marked.
expect_in "$dom" 'class="card claim filterable"' "claim cluster card"
expect_in "$dom" 'concern</mark> are <mark>Islamic State' \
  "TASS translation with shared words marked"
expect_in "$dom" 'The <mark>plans</mark> of the <mark>Islamic State' \
  "Times of Ocean translation with shared words marked"
# Both quotes are inside the same claim card.
python3 - "$dom" <<'PY' || fail "the two Lavrov translations are not in one claim card"
import re, sys
dom = open(sys.argv[1], encoding="utf-8").read()
plain = lambda s: re.sub(r"<[^>]+>", "", s)
cards = re.findall(r'<article class="card claim filterable".*?</article>', dom, re.S)
ok = any("Of special concern are Islamic State" in plain(c) and
         "The plans of the Islamic State and its supporters" in plain(c) for c in cards)
sys.exit(0 if ok else 1)
PY
expect_in "$dom" '<svg id="heatmap"' "heatmap SVG"
expect_in "$dom" 'class="histogram"' "histogram SVG"
expect_in "$dom" '<a id="u' "article view anchors"
expect_in "$dom" 'href="#u' "claim members link into the article view"

# The filter box: report.html?filter=WORDS hides exactly the cards and
# articles whose text lacks one of the WORDS (case-insensitive, any order:
# "supporters" comes after "islamic" in the texts).
filtered="$artifacts/corpus-dom-filtered.html"
chromium_run "$filtered" --dump-dom "file://$html?filter=Supporters+Islamic"
expect_in "$filtered" 'data-js="ready"' "inline script ran with a filter"
python3 - "$filtered" "supporters islamic" <<'PY' || fail "the filter box hides the wrong items"
import re, sys
from html.parser import HTMLParser

class Items(HTMLParser):
    """Text and hidden state of every element with class 'filterable'."""
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.items, self.depth, self.tags = [], 0, []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self.depth == 0 and "filterable" in (a.get("class") or "").split():
            self.items.append({"hidden": "hidden" in a, "text": []})
            self.depth, self.tags = 1, [tag]
        elif self.depth > 0 and tag not in ("br", "input", "meta", "stop", "rect", "circle"):
            self.depth += 1
    def handle_endtag(self, tag):
        if self.depth > 0 and tag not in ("br", "input", "meta", "stop", "rect", "circle"):
            self.depth -= 1
    def handle_data(self, data):
        if self.depth > 0:
            self.items[-1]["text"].append(data)

p = Items()
p.feed(open(sys.argv[1], encoding="utf-8").read())
query = sys.argv[2]
shown = [i for i in p.items if not i["hidden"]]
words = query.split()
wrong = [i for i in p.items
         if i["hidden"] == all(w in "".join(i["text"]).lower() for w in words)]
print("filter %r: %d of %d items shown" % (query, len(shown), len(p.items)))
sys.exit(0 if p.items and shown and len(shown) < len(p.items) and not wrong else 1)
PY

screenshot "$html" "$artifacts/corpus-report.png"
echo "PASS: report.html of $corpus renders in Chromium ($(wc -c <"$html") bytes)"
