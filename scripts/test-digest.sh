#!/usr/bin/env bash
# test-digest.sh LOG: after a failed 'go test' run, print what explains it
# at the end of the output, where a CI excerpt shows it: the failures, the
# test that hung, and the stacks of the goroutines in Noaber's own code.
log=$1
echo
echo "===== digest of the failed test run ====="
grep -E '^(--- FAIL|FAIL|panic:|ok )|^\s+--- FAIL|_test\.go:[0-9]+:' "$log" | grep -v '^ok ' | head -n 60
if grep -q 'panic: test timed out' "$log"; then
	echo "--- still running when the time ran out:"
	awk '/^[[:space:]]*running tests:/ { on = 1; next } on && /^[[:space:]]/ { print; next } { on = 0 }' "$log"
	echo "--- goroutines in Noaber's code (innermost frames first):"
	awk '
		/^goroutine [0-9]+ \[/ { if (keep) print block; block = $0; keep = 0; next }
		/^$/ { if (keep) print block "\n"; block = ""; keep = 0; next }
		{ block = block "\n" $0; if ($0 ~ /noaber\/noaber\/internal\//) keep = 1 }
		END { if (keep) print block }
	' "$log" | grep -v -E '^\s+/usr/local/go/src/(testing|runtime)/' | head -n 200
fi
