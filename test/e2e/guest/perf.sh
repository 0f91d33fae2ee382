#!/bin/sh
# Benchmark (npm run bench), not a test: the director's start for a large table against a raw
# `ipvsadm -R` of the same rules, each in a fresh network namespace (IPVS tables are per
# namespace). Prints "LVSC-E2E PERF key=seconds ...".
. /lvs/lib.sh

now() { cut -d' ' -f1 /proc/uptime; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

modprobe ip_vs
modprobe ip_vs_wrr
lan lan0
host raw && nic raw eth0 lan0 10.0.0.2/8
host vs1 && nic vs1 eth0 lan0 10.0.0.2/8
rules=$(wc -l <"$DIR/ipvsadm.rules")

t=$(now)
on raw ipvsadm -R <"$DIR/ipvsadm.rules"
raw=$(since "$t")

t=$(now)
lvs vs1 start >/dev/null
start=$(since "$t")

t=$(now)
lvs vs1 start >/dev/null
again=$(since "$t")

check_rules vs1
echo "LVSC-E2E PERF rules=$rules raw=$raw start=$start second_start=$again"
teardown
