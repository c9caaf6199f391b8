#!/usr/bin/env bash
# send_excel_email end to end: shop-mcp behind nginx, called over MCP (POST /mcp), mailing to a
# real SMTP server (aiosmtpd, started here on a free port) that saves what it receives. The saved
# message is read with Python's email module and the .xlsx inside it with zipfile and the sheet's
# XML (tests/integration/inspect_mail.py), then compared with the database through sqlite3:
# headers, row count, cells, typed numbers and dates, bold filled header, frozen pane, widths.
# Also: SMTP AUTH, servers that refuse (550 at RCPT, 554 after DATA) or never greet (timeouts, the
# workers free afterwards, cancellation mid-send), a wrong password, no mail configured, argument
# errors, three exports at once, and that every temporary .xlsx is gone. Prints the size and
# timings of a 10,000-order export.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PY=/usr/bin/python3  # Debian's: python3-aiosmtpd is installed for it, not for other pythons
HERE=$SHOPMCP_SOURCE_DIR/tests/integration
[[ -x $PY ]] && $PY -c 'import aiosmtpd' 2>/dev/null ||
  t_fatal "$PY with aiosmtpd not found: run deploy/install-deps.sh"

ORDERS=10000
MAIL_DIR=$T_DIR/mail          # the SMTP server saves messages here: 1.eml, 2.eml, ...
EXPORT_TMP=$T_DIR/export-tmp  # the app's TMPDIR: where the .xlsx files are written
mkdir -p "$MAIL_DIR" "$EXPORT_TMP"
printf 'correct horse battery staple\n' >"$T_DIR/smtp.pw"
printf 'wrong password\n' >"$T_DIR/wrong.pw"
SMTP_PID=

# start_smtp NAME [server args...]: the SMTP server, logging to $T_DIR/NAME.log; sets SMTP_PORT.
start_smtp() {
  local name=$1
  shift
  rm -f "$T_DIR/$name.port"
  "$PY" "$HERE/smtp_server.py" --port-file "$T_DIR/$name.port" "$@" >"$T_DIR/$name.log" 2>&1 &
  SMTP_PID=$!
  t_track "$SMTP_PID"
  local deadline=$((SECONDS + 15))
  until [[ -s $T_DIR/$name.port ]]; do
    ((SECONDS < deadline)) && kill -0 "$SMTP_PID" 2>/dev/null ||
      t_fatal "the SMTP server ($name) did not start" "$(cat "$T_DIR/$name.log")"
    sleep 0.05
  done
  SMTP_PORT=$(<"$T_DIR/$name.port")
  echo "# SMTP server '$name' on 127.0.0.1:$SMTP_PORT (pid $SMTP_PID)"
}
stop_smtp() {
  [[ -z $SMTP_PID ]] || shopmcp_stop_pids 10 "$SMTP_PID" || true
  SMTP_PID=
}

# mail_env PORT [PASSWORD_FILE]: the app's mail settings for a server on PORT.
mail_env() {
  local env=("SHOP_MCP_SMTP_URL=smtp://127.0.0.1:$1" "SHOP_MCP_MAIL_FROM=shop@example.com"
    "TMPDIR=$EXPORT_TMP")
  [[ -z ${2:-} ]] || env+=("SHOP_MCP_SMTP_USER=shopuser" "SHOP_MCP_SMTP_PASSWORD_FILE=$2")
  printf '%s\n' "${env[@]}"
}

# export_call ID ARGS_JSON [progress]: tools/call send_excel_email over POST /mcp (with a progress
# token when asked). Sets RESP_*, CALL_MS (wall time) and RESULT (the JSON-RPC message with the
# result, also when the answer came as an SSE stream).
export_call() {
  local id=$1 args=$2 meta='' t0
  [[ ${3:-} == progress ]] && meta=',"_meta":{"progressToken":"p-'$id'"}'
  t0=$EPOCHREALTIME
  rpc '{"jsonrpc":"2.0","id":'"$id"',"method":"tools/call","params":{"name":"send_excel_email","arguments":'"$args$meta"'}}'
  CALL_MS=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", (b - a) * 1000 }')
  if [[ $RESP_CT == text/event-stream* ]]; then
    RESULT=$(sed -n 's/^data: \(.\+\)$/\1/p' <<<"$RESP_BODY" | tr -d '\r' | jq -c "select(.id == $id)")
  else
    RESULT=$RESP_BODY
  fi
}
result_text() { jq -r '.result.content[0].text // empty' <<<"$RESULT"; }
messages_saved() { find "$MAIL_DIR" -name '*.eml' | wc -l; }
export_files_left() { find "$EXPORT_TMP" -mindepth 1 | wc -l; }

# The expected rows, from the database with this test's own SQL.
ORDER_ROWS="SELECT json_group_array(json_array(o.transaction_id, o.name, p.name, p.category,
  o.quantity, p.price, o.amount, o.status, o.created_at)) FROM (SELECT o.* FROM orders o
  JOIN products p ON p.id = o.product_id WHERE %s
  ORDER BY o.created_at DESC, o.transaction_id DESC LIMIT %s) o JOIN products p ON p.id = o.product_id"
ORDER_HEADER='["交易ID","客戶姓名","產品名稱","產品類別","數量","單價","總金額","訂單狀態","訂單日期"]'
PRODUCT_HEADER='["產品ID","產品名稱","產品描述","產品類別","價格","庫存數量","創建日期","更新日期"]'

# check_sheet DESC INSPECT_JSON HEADER_JSON NUMBER_COLS DATE_COLS: the sheet's shape and styles.
check_sheet() {
  local desc=$1 j=$2 header=$3 numbers=$4 dates=$5
  assert_jq "$desc: header row" '.sheet.header' "$header" "$j"
  assert_json '.sheet.header_styles | length > 0 and all(.bold and .fill)' \
    "$desc: every header cell bold with a solid fill" "$j"
  assert_json '.sheet.pane.state == "frozen" and .sheet.pane.ySplit == "1" and .sheet.pane.topLeftCell == "A2"' \
    "$desc: the pane is frozen under the header row" "$j"
  assert_json "[.sheet.columns[] | select(.header as \$h | $numbers | index(\$h))]
    | length == ($numbers | length) and all(.types == [\"n\"] and .dates == [false])" \
    "$desc: $numbers are numeric cells" "$j"
  assert_json "[.sheet.columns[] | select(.header as \$h | $dates | index(\$h))]
    | length == ($dates | length) and all(.types == [\"n\"] and .dates == [true])" \
    "$desc: $dates are numbers with a date format" "$j"
  assert_json "[.sheet.columns[] | select(.header as \$h | ($numbers + $dates) | index(\$h) | not)]
    | all(.types == [\"s\"])" "$desc: the other columns are text (shared strings)" "$j"
  assert_json '.sheet.columns | all(.width != null and .width >= .max_width and .width >= .header_width and .width <= 62)' \
    "$desc: every column is at least as wide as its widest value (CJK counted double)" "$j"
}

# --- 1. A server that accepts mail, with AUTH ---------------------------------------------------
start_smtp accept --out "$MAIL_DIR" --user shopuser --password-file "$T_DIR/smtp.pw"
mapfile -t ENV < <(mail_env "$SMTP_PORT" "$T_DIR/smtp.pw")
start_stack "${ENV[@]}" --seed-orders "$ORDERS" --threads 4
assert_eq "the database has $ORDERS orders" "$ORDERS" "$(sql 'SELECT count(*) FROM orders')"

echo "# tools/list"
rpc '{"jsonrpc":"2.0","id":1,"method":"tools/list"}'
assert_json '(.result.tools | length) == 5 and (.result.tools | map(.name) | index("send_excel_email") != null)' \
  "tools/list: five tools, send_excel_email among them"
assert_json '.result.tools[] | select(.name == "send_excel_email") | .inputSchema.required == ["type","email"]
  and .outputSchema.properties.data.required != null' "send_excel_email has input and output schemas"

echo "# an orders export with filters, with progress"
# The seeded orders span the last 30 days; the date range keeps about the middle ten.
DATE_FROM=$(date -u -d '20 days ago' +%F)
DATE_TO=$(date -u -d '10 days ago' +%F)
FILTER_ARGS='{"status":"completed","customer_name":"陳","date_from":"'$DATE_FROM'","date_to":"'$DATE_TO'"}'
WHERE="o.status = 'completed' AND instr(o.name, '陳') > 0
  AND substr(o.created_at, 1, 10) BETWEEN '$DATE_FROM' AND '$DATE_TO'"
export_call 2 '{"type":"orders","email":"manager@example.org","filters":'"$FILTER_ARGS"',"limit":10000}' progress
assert_ct text/event-stream "a call with a progress token is answered as SSE"
assert_json '.result.isError != true and .result.structuredContent.success == true' \
  "filtered orders export: success" "$RESULT"
expected_count=$(sql "SELECT count(*) FROM orders o WHERE $WHERE")
assert_jq "records_count is the number of matching orders ($expected_count)" \
  '.result.structuredContent.data.records_count' "$expected_count" "$RESULT"
progress=$(sed -n 's/^data: \(.\+\)$/\1/p' <<<"$RESP_BODY" | tr -d '\r' |
  jq -r 'select(.method == "notifications/progress") | .params.message')
for stage in "querying the shop database" "writing $expected_count rows" "sending the e-mail" "sent"; do
  assert_contains "progress: '$stage'" "$progress" "$stage"
done
assert_json '[.[] | .params.progress] | . == sort' "progress never goes backwards" \
  "$(sed -n 's/^data: \(.\+\)$/\1/p' <<<"$RESP_BODY" | tr -d '\r' |
    jq -sc '[.[] | select(.method == "notifications/progress")]')"
assert_eq "the server saved one message" 1 "$(messages_saved)"
assert_contains "the SMTP session was authenticated" "$(cat "$T_DIR/accept.log")" "auth shopuser"

J=$("$PY" "$HERE/inspect_mail.py" "$MAIL_DIR/1.eml")
DATA=$(jq -c '.result.structuredContent.data' <<<"$RESULT")
assert_jq "From" '.from' '"shop@example.com"' "$J"
assert_jq "To" '.to' '"manager@example.org"' "$J"
assert_eq "the Subject decodes to the result's subject" "$(jq -r .subject <<<"$DATA")" \
  "$(jq -r .subject <<<"$J")"
assert_json '.subject_raw | test("^=\\?UTF-8\\?B\\?")' "the UTF-8 subject is RFC 2047 encoded" "$J"
assert_json '.date_parsed != null and (.message_id | test("^<[0-9a-z.]+@example.com>$")) and .mime_version == "1.0"' \
  "Date, Message-ID and MIME-Version headers" "$J"
assert_json '.content_type == "multipart/mixed" and .parts == ["text/plain", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"] and .defects == []' \
  "multipart/mixed: a text part and the .xlsx, no defects" "$J"
assert_json '.bare_lf == 0 and .max_line <= 78' "CRLF line endings only, lines of at most 78" "$J"
assert_json '.text_charset == "utf-8" and (.text | contains("'"$expected_count"' 筆記錄") and contains("status=completed") and contains("date_from='"$DATE_FROM"'"))' \
  "UTF-8 text body names the row count and the filters" "$J"
assert_eq "the attachment's file name is the result's filename" "$(jq -r .filename <<<"$DATA")" \
  "$(jq -r .attachment.filename <<<"$J")"
assert_json '.attachment.cte == "base64" and .attachment.base64_line_lengths == [76] and .attachment.base64_last_line <= 76' \
  "the attachment is base64 in 76-character lines" "$J"
check_sheet "filtered orders" "$J" "$ORDER_HEADER" '["數量","單價","總金額"]' '["訂單日期"]'
assert_jq "filtered orders: one row per matching order" '.sheet.row_count' "$expected_count" "$J"
# shellcheck disable=SC2059  # the query is the format
assert_same_json "filtered orders: every cell equals the database's, newest first" \
  "$(sql "$(printf "$ORDER_ROWS" "$WHERE" 10000)")" "$(jq -c .sheet.rows <<<"$J")" 0.001

echo "# a products export"
export_call 3 '{"type":"products","email":"stock@example.org","subject":"本週飲料庫存","message":"見附件。","filters":{"category":"飲料","stock_quantity":100}}'
assert_json '.result.structuredContent.success == true and .result.structuredContent.data.subject == "本週飲料庫存"' \
  "products export with a subject of its own: success" "$RESULT"
assert_eq "the server saved a second message" 2 "$(messages_saved)"
J=$("$PY" "$HERE/inspect_mail.py" "$MAIL_DIR/2.eml")
assert_jq "products: the custom subject" '.subject' '"本週飲料庫存"' "$J"
assert_jq "products: the custom message" '.text | rtrimstr("\n") | rtrimstr("\r")' '"見附件。"' "$J"
check_sheet "products" "$J" "$PRODUCT_HEADER" '["產品ID","價格","庫存數量"]' '["創建日期","更新日期"]'
assert_same_json "products: every cell equals the database's, by name" \
  "$(sql "SELECT json_group_array(json_array(id, name, description, category, price, stock_quantity,
            created_at, updated_at)) FROM (SELECT * FROM products
            WHERE instr(category, '飲料') > 0 AND stock_quantity >= 100 ORDER BY name, id)")" \
  "$(jq -c .sheet.rows <<<"$J")" 0.001
assert_json '.sheet.columns[] | select(.header == "產品名稱") | .width >= 10' \
  "products: 產品名稱 is wide enough for four CJK characters" "$J"

echo "# refusals"
export_call 4 '{"type":"orders","email":"refuse-rcpt@example.com","limit":5}'
assert_json '.result.isError == true and (.result.content[0].text | test("SMTP 550") and test("not e-mailed"))' \
  "550 at RCPT TO: a tool error with the code" "$RESULT"
assert_json '.result.structuredContent == null' "550: no structured success" "$RESULT"
export_call 5 '{"type":"orders","email":"refuse-data@example.com","limit":5}'
assert_json '.result.isError == true and (.result.content[0].text | test("SMTP 554") and test("not e-mailed"))' \
  "554 after DATA: a tool error with the code" "$RESULT"
assert_eq "refused mail was not saved" 2 "$(messages_saved)"

echo "# bad arguments"
export_call 6 '{"type":"orders","email":"manager@example.org","filters":{"category":"飲料"}}'
assert_json '.result.isError == true and (.result.content[0].text | test("filters.category: not a filter for type orders"))' \
  "a products filter on orders is refused by name" "$RESULT"
export_call 7 '{"type":"orders","email":"a@example.com\r\nBcc: x@example.com"}'
assert_json '.result.isError == true and (.result.content[0].text | test("email: must not contain CR or LF"))' \
  "CR/LF in the address is refused" "$RESULT"
export_call 8 '{"type":"orders","email":"a@example.com","subject":"x\nBcc: y@example.com"}'
assert_json '.result.isError == true and (.result.content[0].text | test("subject: must be one line"))' \
  "CR/LF in the subject is refused" "$RESULT"
export_call 9 '{"type":"orders","email":"a@example.com","filters":{"date_from":"2025-02-30"}}'
assert_json '.result.isError == true and (.result.content[0].text | test("filters.date_from: must be a real calendar date"))' \
  "an impossible date is refused" "$RESULT"
export_call 10 '{"type":"orders","email":"a@example.com","limit":10001}'
assert_json '.result.isError == true and (.result.content[0].text | test("limit: must be from 1 to 10000"))' \
  "limit above 10000 is refused" "$RESULT"
assert_eq "nothing was sent for bad arguments" 2 "$(messages_saved)"

echo "# $ORDERS orders in one export"
export_call 11 '{"type":"orders","email":"manager@example.org","limit":10000}'
assert_json '.result.structuredContent.data.records_count == 10000' "10,000 orders exported" "$RESULT"
assert_eq "the server saved the 10,000-order message" 3 "$(messages_saved)"
J=$("$PY" "$HERE/inspect_mail.py" "$MAIL_DIR/3.eml" --max-rows 10000)
assert_jq "10,000 rows in the sheet" '.sheet.row_count' 10000 "$J"
check_sheet "10,000 orders" "$J" "$ORDER_HEADER" '["數量","單價","總金額"]' '["訂單日期"]'
# shellcheck disable=SC2059
all_rows=$(sql "$(printf "$ORDER_ROWS" "1 = 1" 10000)")
for i in 0 1 4999 9998 9999; do
  assert_same_json "10,000 orders: row $((i + 1)) equals the database's" \
    "$(jq -c ".[$i]" <<<"$all_rows")" "$(jq -c ".sheet.rows[$i]" <<<"$J")" 0.001
done
assert_same_json "10,000 orders: the 總金額 column adds up to the database's total" \
  "$(sql "SELECT round(sum(amount), 2) FROM orders")" "$(jq '[.sheet.rows[][6]] | add' <<<"$J")" 0.01
line=$(grep 'send_excel_email: 10000 orders to manager@example.org' "$(app_log)" | tail -n 1)
assert_contains "the app logs the export's size and timings" "$line" "accepted in"
xlsx_bytes=$(jq .attachment.size <<<"$J")
assert_contains "the logged size is the attachment's ($xlsx_bytes bytes)" "$line" "xlsx $xlsx_bytes bytes"
build_ms=$(sed -n 's/.*built in \([0-9.]*\) ms.*/\1/p' <<<"$line")
send_ms=$(sed -n 's/.*accepted in \([0-9.]*\) ms.*/\1/p' <<<"$line")
server_line=$(grep 'message 3:' "$T_DIR/accept.log")
echo "# MEASURED 10,000-order export: xlsx $xlsx_bytes bytes ($(jq .bytes <<<"$J") bytes as mail);" \
  "built in $build_ms ms; sent in $send_ms ms (SMTP server: ${server_line#*bytes; });" \
  "whole tools/call $CALL_MS ms through nginx"

echo "# three exports at once (each workbook is built in a directory of its own)"
par_pids=()
for n in 1 2 3; do
  curl -sS -m 60 -o "$T_DIR/par$n.json" -H 'Content-Type: application/json' --data-binary \
    '{"name":"send_excel_email","arguments":{"type":"orders","email":"par'$n'@example.org","limit":'$((n * 1000))'}}' \
    "$(base_url)/mcp/tools/call" &
  par_pids[n]=$!
  t_track "${par_pids[n]}"
done
wait "${par_pids[1]}" "${par_pids[2]}" "${par_pids[3]}" || true
for n in 1 2 3; do
  assert_json '.structuredContent.data.records_count == '$((n * 1000)) \
    "concurrent export $n: $((n * 1000)) orders reported sent" "$(cat "$T_DIR/par$n.json")"
done
assert_eq "the server saved the three messages" 6 "$(messages_saved)"
for f in 4 5 6; do
  J=$("$PY" "$HERE/inspect_mail.py" "$MAIL_DIR/$f.eml" --max-rows 1)
  n=$(jq -r '.to | capture("par(?<n>[0-9])@").n' <<<"$J")
  assert_jq "concurrent export to par$n: a whole workbook of $((n * 1000)) rows" \
    '[.sheet.row_count, .sheet.header == '"$ORDER_HEADER"']' "[$((n * 1000)),true]" "$J"
done

echo "# temporary files and secrets"
assert_eq "no export file is left in the app's TMPDIR" 0 "$(export_files_left)"
written=$(sed -n 's/.*send_excel_email: wrote \([^ ]*\) .*/\1/p' "$(app_log)")
assert_eq "the app wrote its .xlsx files in TMPDIR (one per export that got that far)" 8 \
  "$(grep -c "^$EXPORT_TMP/shop-export-.*\.xlsx$" <<<"$written")"
assert_true "those files are gone" bash -c '! ls -d '"$(tr '\n' ' ' <<<"$written")"' 2>/dev/null'
assert_true "the SMTP password is in no log" bash -c \
  "! grep -rqF 'correct horse battery staple' '$(app_log)' '$T_DIR/nginx/logs'"
assert_healthy
stop_stack

echo "# a wrong password"
mapfile -t ENV < <(mail_env "$SMTP_PORT" "$T_DIR/wrong.pw")
start_stack "${ENV[@]}"
export_call 12 '{"type":"products","email":"a@example.com"}'
assert_json '.result.isError == true and (.result.content[0].text | test("refused the login \\(SMTP 535\\)"))' \
  "a refused login is a tool error with 535" "$RESULT"
assert_true "...and the password is not in it" bash -c "! grep -qF 'wrong password' <<<'$RESULT'"
assert_eq "nothing was saved" 6 "$(messages_saved)"
stop_stack
stop_smtp

# hanging_send N: in the background, a REST send_excel_email whose answer goes to hang$N.json;
# its curl pid goes to hang_pids[N].
hanging_send() {
  curl -sS -m 30 -o "$T_DIR/hang$1.json" -H 'Content-Type: application/json' \
    --data-binary '{"name":"send_excel_email","arguments":{"type":"orders","email":"a@example.com","limit":10}}' \
    "$(base_url)/mcp/tools/call" &
  hang_pids[$1]=$!
  t_track "${hang_pids[$1]}"
}

# --- 2. A server that never greets --------------------------------------------------------------
echo "# a mail server that accepts connections and never answers"
start_smtp hang --hang
mapfile -t ENV < <(mail_env "$SMTP_PORT")
start_stack "${ENV[@]}" --threads 2 --smtp-connect-timeout 3 --smtp-timeout 6
# Both workers busy with a hanging send each; then a third request must find a free worker.
hang_pids=()
t0=$EPOCHREALTIME
for n in 1 2; do hanging_send "$n"; done
sleep 0.5
assert_health_within 1000 "both workers hang on the mail server: health still answers at once"
wait "${hang_pids[1]}" "${hang_pids[2]}" || true
hang_ms=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", (b - a) * 1000 }')
for n in 1 2; do
  assert_json '.isError == true and (.content[0].text | test("did not answer in time") and test("nothing was sent"))' \
    "hanging server, call $n: a tool error naming the timeout" "$(cat "$T_DIR/hang$n.json")"
done
echo "# two hanging sends ended after $hang_ms ms (connect timeout 3 s)"
assert_true "...after the 3 s connect timeout, not before and not much later ($hang_ms ms)" \
  test "$hang_ms" -ge 2900 -a "$hang_ms" -le 7000
t0=$EPOCHREALTIME
call_tool get_products '{"limit":1}'
free_ms=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", (b - a) * 1000 }')
assert_json '.structuredContent.total == 1' "the workers are free again: get_products answers"
assert_true "...at once ($free_ms ms)" test "$free_ms" -lt 2000

echo "# notifications/cancelled during the SMTP exchange"
mcp_session
curl -sS -N -m 30 -o "$T_DIR/cancel.sse" -H 'Content-Type: application/json' \
  -H 'Accept: application/json, text/event-stream' -H "Mcp-Session-Id: $MCP_SESSION" \
  -H 'MCP-Protocol-Version: 2025-11-25' --data-binary \
  '{"jsonrpc":"2.0","id":77,"method":"tools/call","params":{"name":"send_excel_email","arguments":{"type":"orders","email":"a@example.com","limit":10},"_meta":{"progressToken":"c-77"}}}' \
  "$(base_url)/mcp" &
cancel_pid=$!
t_track "$cancel_pid"
assert_true "the call reached the SMTP step" wait_for "$T_DIR/cancel.sse" "sending the e-mail" 10
t0=$EPOCHREALTIME
rpc '{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":77,"reason":"test"}}'
assert_status 202
wait "$cancel_pid" || true
cancel_ms=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", (b - a) * 1000 }')
assert_true "the call ended $cancel_ms ms after the cancellation, before the 3 s connect timeout" \
  test "$cancel_ms" -lt 2500
assert_true "the cancelled call reports no result" bash -c "! grep -q '\"id\":77' '$T_DIR/cancel.sse'"
assert_true "the app logged the cancellation" wait_for "$(app_log)" "send_excel_email: cancelled by the client" 5
assert_eq "no export file is left after timeouts and cancellation" 0 "$(export_files_left)"
assert_healthy

echo "# SIGTERM while two sends hang: both calls end with a tool error, the process exits at once"
for n in 3 4; do hanging_send "$n"; done
sleep 1  # both are waiting for the greeting (connect timeout 3 s)
term_pid=$(app_pid)
t0=$EPOCHREALTIME
kill -TERM "$term_pid"
term_rc=0
wait "$term_pid" || term_rc=$?
term_ms=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", (b - a) * 1000 }')
STACK_APP_PID=
assert_eq "the app exits 0 after SIGTERM" 0 "$term_rc"
# The calls' "shutting down" results below show they were cancelled; the exit is bounded by
# --shutdown-timeout (10 s) whatever a call does.
assert_true "...in $term_ms ms, within --shutdown-timeout" test "$term_ms" -lt 10000
wait "${hang_pids[3]}" "${hang_pids[4]}" || true
for n in 3 4; do
  assert_json '.isError == true and (.content[0].text | test("shutting down"))' \
    "call $n in flight at SIGTERM: a tool error saying the server is shutting down" \
    "$(cat "$T_DIR/hang$n.json")"
done
stop_stack
stop_smtp

# --- 3. No mail server configured --------------------------------------------------------------
echo "# mail not configured"
start_stack "TMPDIR=$EXPORT_TMP"
export_call 13 '{"type":"orders","email":"a@example.com"}'
assert_json '.result.isError == true and (.result.content[0].text | test("not configured") and test("SHOP_MCP_SMTP_URL") and test("SHOP_MCP_MAIL_FROM"))' \
  "not configured: a tool error naming the settings" "$RESULT"
stop_stack

finish
