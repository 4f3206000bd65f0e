#!/usr/bin/env bash
# Screenshot check of the real window under Xvfb (UI.md §6.4): builds the program, makes
# the demo book of DOMAIN.md §8 (恒达便利店) through the CLI, opens the window at each main
# screen in both languages, and writes one PNG per screen and language to $1 (default
# ./screenshots). Fails when the program crashes or an image is blank. A person looks at
# the PNGs before a GUI change is done: no tofu boxes, no clipped labels. The book has two
# users, so every screen but "login" opens as admin (--user admin, no password). January's
# documents are entered through `doc new`; "doc:NUMBER" opens a document in its editor,
# "voucher:2025-01/记-0001" a voucher, "backup:preview" what the newest backup holds, "backup:confirm" the question before restoring it, "lock" the idle lock. Then the count is audited and the GUI closes
# January ("close:run", un-closed through the CLI between the languages), and the screens
# of $AFTER show the closed month.
# BOOK=FILE shoots the screens of $SCREENS on a copy of that book instead (no demo book,
# no close; `make bench` shows the generated 3-year book this way).
set -euo pipefail

out=${1:-./screenshots}
screens=${SCREENS:-"home items warehouses partners accounts opening users settings backup backup:preview backup:confirm lock sales_delivery doc:XS-202501-0003 doc:PD-202501-0001 sales_list stock_onhand stock_ledger partner_balance login"}
# before the close (the count still a draft): the voucher entry and the checks, B3 blocking
screens="$screens ${VOUCHER_SCREENS-voucher:2025-01/记-0001 close:check}"
after=${AFTER:-"voucher_list detail_ledger general_ledger close balance_sheet profit trial_balance gross_margin home backup"}
langs=${LANGS:-"zh-CN en"}
display=${DISPLAY_NUM:-:99}
wait_s=${WAIT:-4}

for tool in Xvfb xwd convert; do
	command -v "$tool" >/dev/null || { echo "screenshots: $tool is missing (apt-get install xvfb x11-apps imagemagick)" >&2; exit 1; }
done

root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
app_pid=""
xvfb_pid=""
cleanup() {
	[ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null || true
	[ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$out"
bin="$work/shopbooks"
echo "screenshots: building" >&2
(cd "$root" && go build -o "$bin" .)

# a private home, so the run neither reads nor changes the user's settings
export HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config"
mkdir -p "$HOME"
book="$work/恒达便利店.book"
export LANG=en_US.UTF-8
sb() { "$bin" --book "$book" "$@" >/dev/null; }
if [ -n "${BOOK:-}" ]; then
	book="$work/$(basename "$BOOK")"
	cp "$BOOK" "$book"
else
sb init --name 恒达便利店 --start 2025-01 --costing moving --taxpayer general
sb warehouse add --code W1 --name 主仓
sb warehouse add --code W2 --name 门店
sb item add --code A --name 洗衣液2kg --unit 瓶 --vat 13 --buy 20 --sell 32 --barcode 6901234567890 --reorder 300 --spec 2kg
sb item add --code B --name 抽纸 --unit 提 --vat 13 --buy 5 --sell 8 --barcode 6901234567891
sb item add --code C --name 矿泉水550ml --unit 瓶 --vat 13 --buy 0.8 --sell 1.5
sb item add --code D --name 方便面 --unit 箱 --vat 13 --buy 38 --sell 52
sb partner add --code C1 --name 明辉餐厅 --customer --contact 王明 --phone 13800000001 --terms 30
sb partner add --code C2 --name 阳光幼儿园 --customer --contact 李芳 --phone 13800000002 --terms 30
sb partner add --code C3 --name 零售客户 --customer
sb partner add --code S1 --name 华南日化批发 --supplier --contact 陈华 --terms 45
sb partner add --code S2 --name 江城纸业 --supplier
sb opening set 1001 5000
sb opening set 1002 200000
sb opening set 1122 8000 --partner C1
sb opening stock A W1 200 4000
sb opening stock A W2 100 2000
sb opening stock B W1 1000 5000
sb opening set 1601 50000
sb opening set 1602 10000
sb opening set 2202 12000 --partner S1
sb opening set 3001 200000
sb opening set 3101 10000
sb opening set 310415 42000 || true
# January's documents (DOMAIN.md §8.1), audited; the count stays a draft to show its sheet
sb doc new po --date 2025-01-02 --partner S1 --line A:200:21.50 --audit
sb doc new receipt --date 2025-01-03 --partner S1 --warehouse W1 --from CD-202501-0001 --audit
sb doc new receipt --date 2025-01-05 --partner S2 --warehouse W1 --account 1002 --tax-inclusive --line B:600:6.20 --audit
sb doc new delivery --date 2025-01-08 --partner C1 --warehouse W1 --line A:150:32 --audit
sb doc new transfer --date 2025-01-09 --warehouse W1 --to-warehouse W2 --line B:400 --audit
sb doc new delivery --date 2025-01-10 --partner C3 --warehouse W2 --account 1001 --tax-inclusive --line B:300:8.80 --audit
sb doc new preturn --date 2025-01-12 --partner S1 --warehouse W1 --from CG-202501-0001 --line A:20 --audit
sb doc new so --date 2025-01-14 --partner C2 --line A:100:32:d5% --line B:200:8 --audit
sb doc new delivery --date 2025-01-15 --partner C2 --warehouse W1 --from XD-202501-0001 --audit
sb doc new sreturn --date 2025-01-18 --partner C1 --warehouse W1 --from XS-202501-0001 --line A:10 --audit
sb doc new collect --date 2025-01-20 --partner C1 --account 1002 --amount 10000 --audit
sb doc new pay --date 2025-01-22 --partner S1 --account 1002 --amount 12000 --audit
sb doc new expense --date 2025-01-25 --account 1002 --line 560206:3000 --line 560302:12.50 --audit
sb doc new collect --date 2025-01-26 --partner C2 --account 1002 --amount 6000 --audit
sb doc new count --date 2025-01-28 --warehouse W1 --from-stock --line A:138
SHOPBOOKS_NEW_PASSWORD=pw sb user add 李梅 --role accountant || true
# the manual voucher of §8.1, entered and audited before the close
sb --user admin voucher new --date 2025-01-31 --summary 计提折旧 --line 560207:500: --line 1602::500 --audit
# a backup for the backup screen's list and its preview (into <book dir>/backups)
sb --user admin backup
fi

Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
sleep 1
kill -0 "$xvfb_pid" || { echo "screenshots: Xvfb did not start" >&2; exit 1; }

fail=0
# shoot LANG SCREEN: opens the window at the screen, waits, writes the PNG
shoot() {
	local lang=$1 screen=$2
	local name=${screen//[:\/]/_}
	local png="$out/$name-$lang.png"
	local locale=en_US.UTF-8
	[ "$lang" = zh-CN ] && locale=zh_CN.UTF-8
	local user=(--user admin)
	[ "$screen" = login ] && user=()
	local wait=$wait_s
	[ "$screen" = close:run ] && wait=$((wait_s + 4))
	DISPLAY=$display LANG=$locale "$bin" --book "$book" --lang "$lang" "${user[@]}" gui --screen "$screen" >"$work/app.log" 2>&1 &
	app_pid=$!
	sleep "$wait"
	if ! kill -0 "$app_pid" 2>/dev/null; then
		echo "screenshots: the program exited early on $screen ($lang):" >&2
		cat "$work/app.log" >&2
		app_pid=""
		fail=1
		return
	fi
	xwd -root -display "$display" | convert xwd:- "PNG:$png"
	kill "$app_pid" 2>/dev/null || true
	# the program exits on SIGTERM (at the latest 5 s later, main.go exitIfStuck); never hang here
	for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		kill -0 "$app_pid" 2>/dev/null || break
		sleep 0.5
	done
	if kill -0 "$app_pid" 2>/dev/null; then
		echo "screenshots: the program ignored SIGTERM on $screen ($lang)" >&2
		kill -9 "$app_pid" 2>/dev/null || true
		fail=1
	fi
	wait "$app_pid" 2>/dev/null || true
	app_pid=""
	sd=$(convert "$png" -format '%[fx:standard_deviation]' info:)
	if awk -v s="$sd" 'BEGIN { exit !(s > 0.01) }'; then
		echo "$png"
	else
		echo "screenshots: $png is blank (standard deviation $sd)" >&2
		fail=1
	fi
}
for lang in $langs; do
	for screen in $screens; do
		shoot "$lang" "$screen"
	done
done
[ -n "${BOOK:-}" ] && exit $fail
# the close: the planted draft audited, then January closed from the window in each
# language (un-closed through the CLI in between), ending at the wizard's last step
sb --user admin doc audit PD-202501-0001
for lang in $langs; do
	sb --user admin unclose 2025-01 --reason "screenshots: close again in $lang" 2>/dev/null || true
	shoot "$lang" close:run
done
for lang in $langs; do
	for screen in $after; do
		shoot "$lang" "$screen"
	done
done
exit $fail
