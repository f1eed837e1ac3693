# The built-in KUnit suite scsi_eh_scope ran at boot and every case passed.
# Its KTAP report is in debugfs (CONFIG_KUNIT_DEBUGFS): case lines are
# indented, the suite's own result line is not.

R=/sys/kernel/debug/kunit/scsi_eh_scope/results
[ -f "$R" ] || die "no $R: KUnit suite scsi_eh_scope not built in, or no CONFIG_KUNIT_DEBUGFS"

cp "$R" /tmp/kunit.txt
while IFS= read -r line; do
	diag "kunit: $line"
done < /tmp/kunit.txt

# Cases (and parameter runs) passed, skipped included; any failure, the
# suite's own line included.
ok=$(grep -c '^[[:space:]][[:space:]]*ok [0-9][0-9]* ' /tmp/kunit.txt)
notok=$(grep -c '^[[:space:]]*not ok [0-9][0-9]* ' /tmp/kunit.txt)
skipped=$(grep -c '^[[:space:]]*ok [0-9][0-9]* .*# SKIP' /tmp/kunit.txt)
diag "scsi_eh_scope: $ok case(s) ok ($skipped skipped), $notok not ok"
expect_eq "$notok" 0 "KUnit results not ok"
expect_cmp "$ok" ">=" 1 "KUnit cases ok"
if grep -q '^ok [0-9][0-9]* scsi_eh_scope' /tmp/kunit.txt; then
	pass "suite scsi_eh_scope reports ok"
else
	fail "suite scsi_eh_scope does not report ok"
fi
