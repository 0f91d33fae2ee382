#!/bin/sh
# Benchmark (npm run bench), not a test: the director's start for a large table against a raw
# `ipvsadm -R` of the same rules, each in a fresh network namespace (IPVS tables are per
# namespace); then a reload whose conf changed one weight ($DIR/next/) against a bare
# `ipvsadm -S -n` of the same table. Prints "LVSC-E2E PERF key=value ...".
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

t=$(now)
on vs1 ipvsadm -S -n >/dev/null
save=$(since "$t")

# the conf changed one weight and was compiled into the same file: systemctl reload
cp "$DIR/next/rc.lvs_dr" "$RC"
t=$(now)
out=$(lvs vs1 start)
reload=$(since "$t")
printf '%s\n' "$out" | grep -v '^    ipvsadm -a ' | sed "s/^/[$SCEN] /" | head -n 20
changes=$(printf '%s\n' "$out" | sed -n 's/.*IPVS: \([0-9]*\) change(s):.*/\1/p')
edits=$(printf '%s\n' "$out" | grep -c '^    ipvsadm -e ')
echo "LVSC-E2E PERF rules=$rules raw=$raw start=$start second_start=$again save=$save reload=$reload reload_changes=${changes:-0} reload_edits=$edits"
teardown
