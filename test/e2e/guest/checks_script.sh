#!/bin/sh
# checks_script.sh ADDRESS PORT: the script check of test/e2e/checks.test.ts, run by keepalived's
# MISC_CHECK (as the user the CHECK names). It fails while $CHECKS/fail-ADDRESS exists.
[ -e "/tmp/lvsc-checks/fail-$1" ] && exit 1
exit 0
