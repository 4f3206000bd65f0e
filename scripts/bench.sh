#!/usr/bin/env bash
# Every benchmark of the product on the generated book (package ledger/demo), with the
# targets from the issues: prints a table (figure, target, measured, pass/missed) and
# writes it to BENCH.md. A figure without a target is shown as measured only; a figure
# over its target is "missed", with the measured value and the reason recorded for it in
# scripts/bench-missed.tsv (package, figure, reason: tab-separated); a package whose
# benchmarks fail or time out is listed as missed too. Exit status 1 when anything was
# missed.
#
#   BENCH_TIMEOUT=90m        go test's timeout (the first run generates the book)
#   BENCH_FILTER=.           which benchmarks (go test -bench)
#   SHOPBOOKS_BENCH_YEARS=3  the generated book's size (SHOPBOOKS_BENCH_SCALE=1)
set -uo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
TIMEOUT=${BENCH_TIMEOUT:-90m}
FILTER=${BENCH_FILTER:-.}
OUT=BENCH.md
RAW=$(mktemp)

echo "bench: the generated book (years ${SHOPBOOKS_BENCH_YEARS:-3}, scale ${SHOPBOOKS_BENCH_SCALE:-1}; cached in ${TMPDIR:-/tmp})" >&2
BUILD=$(mktemp)
trap 'rm -f "$RAW" "$BUILD"' EXIT
if ! SHOPBOOKS_BENCH_BUILD=1 $GO test -count=1 -run '^TestBuildBenchBook$' -timeout "$TIMEOUT" ./ledger/demo -v 2>&1 |
	grep -E 'demo month|TestBuildBenchBook|FAIL|\.book' | tee "$BUILD" >&2; then
	echo "bench: the benchmark book could not be generated" >&2
fi
BOOK=$(grep -o '/[^ ]*\.book' "$BUILD" | head -1)

echo "bench: go test -run '^\$' -bench '$FILTER' -benchmem ./..." >&2
$GO test -run '^$' -bench "$FILTER" -benchmem -timeout "$TIMEOUT" ./... 2>&1 | tee "$RAW" >&2

REASONS=scripts/bench-missed.tsv
table=$(awk -v reasons="$REASONS" '
	FILENAME == reasons { # the reasons file: package, figure, why it is missed (tab-separated)
		if ($0 !~ /^#/ && split($0, r, "\t") >= 3) why[r[1] " " r[2]] = r[3]
		next
	}
	function verdict(ok) {
		if (ok) return "pass"
		missed++
		return "missed: " ((pkg " " name) in why ? why[pkg " " name] : "no reason recorded")
	}
	/^pkg: / { pkg = $2; sub(/^shopbooks\/?/, "", pkg); if (pkg == "") pkg = "shopbooks" }
	/^Benchmark/ {
		name = $1; sub(/-[0-9]+$/, "", name)
		ns = ""; med = ""; tgt = ""; mb = ""; rss = ""; tmb = ""
		for (i = 3; i < NF; i += 2) {
			if ($(i+1) == "ns/op") ns = $i
			if ($(i+1) == "median-ms") med = $i
			if ($(i+1) == "target-ms") tgt = $i
			if ($(i+1) == "B/op") mb = sprintf("%.1f", $i / 1048576)
			if ($(i+1) == "rss-MB") rss = $i
			if ($(i+1) == "target-MB") tmb = $i
			if ($(i+1) == "ours-ms") ours = $i
			if ($(i+1) == "x-ours") xo = $i
		}
		if (ours != "") { # another engine time beside ours (hledger): reported only when the totals agreed
			printf "| %s | %s | — | %s ms (median); ours %s ms; ×%.0f ours; totals agree | %s MB/op | — |\n", pkg, name, med, ours, xo, mb
			ours = ""; xo = ""
			next
		}
		if (rss != "") { # a memory figure: resident MB against its target
			res = (tmb != "") ? verdict(rss + 0 <= tmb + 0) : "—"
			printf "| %s | %s | %s | %s MB resident | — | %s |\n", pkg, name, (tmb != "" ? "< " tmb " MB" : "—"), rss, res
			next
		}
		ms = (med != "") ? med : sprintf("%.3f", ns / 1e6)
		how = (med != "") ? "median" : "mean"
		res = "—"
		if (tgt != "") res = verdict(ms + 0 <= tgt + 0)
		printf "| %s | %s | %s | %s ms (%s) | %s MB/op | %s |\n", pkg, name, (tgt != "" ? "< " tgt " ms" : "—"), ms, how, mb, res
	}
	/^(FAIL|--- FAIL|panic:)/ || /^\*\*\* Test killed/ {
		if ($1 == "FAIL" && NF >= 2 && $2 ~ /^shopbooks/) { p = $2; sub(/^shopbooks\/?/, "", p); printf "| %s | (benchmarks failed or timed out) | — | — | — | missed |\n", p; missed++ }
	}
	END { if (missed > 0) exit 3 }
'  "$REASONS" "$RAW")
status=$?

# The window on that book (issue 8: shown in a screenshot), into screenshots/bench/.
SHOTS=screenshots/bench
shots=""
if [ -n "$BOOK" ] && [ -f "$BOOK" ]; then
	echo "bench: the window on $BOOK" >&2
	rm -rf "$SHOTS"
	if BOOK="$BOOK" SCREENS="home voucher_list balance_sheet stock_onhand" VOUCHER_SCREENS="" LANGS="zh-CN en" \
		scripts/screenshots.sh "$SHOTS" >&2; then
		shots=$(cd "$SHOTS" && ls *.png | sed "s|.*|[&]($SHOTS/&)|" | paste -sd ' ')
	else
		echo "bench: the window's screenshots failed" >&2
		status=1
	fi
fi

{
	echo "# Benchmarks"
	echo
	echo "\`make bench\` (scripts/bench.sh) on $(date -u +%Y-%m-%d), $($GO env GOVERSION), $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ //') × $(nproc 2>/dev/null || echo ?)."
	echo "The book: package ledger/demo's generated shop, ${SHOPBOOKS_BENCH_YEARS:-3} year(s) at scale ${SHOPBOOKS_BENCH_SCALE:-1} (2,000 items, 3 warehouses, 200 customers, 50 suppliers)."
	echo "Targets are the issues' (3–8); \"missed\" shows the measured value against its target and why it is missed ($REASONS); \"—\" has no target."
	echo
	echo "| Package | Figure | Target | Measured | Memory | Result |"
	echo "|---|---|---|---|---|---|"
	echo "$table"
	if [ -n "$shots" ]; then
		echo
		echo "The window on this book, as \`make bench\` left it (PNGs under $SHOTS/, not kept in the repository): $shots"
	fi
} > "$OUT"
echo >&2
cat "$OUT"
[ "$status" -eq 0 ] || { echo; echo "bench: some targets were missed (see above)"; exit 1; }
