#!/bin/sh
# A persistent state directory across a reboot. The first boot's director has no DIP (start
# adds it, and records that it did). Then a reboot, simulated: every namespace goes (and with
# it every address, link, route, per-namespace sysctl and IPVS table, as at a reboot), the
# state directory stays (LVSC_STATE_DIR on /srv, not /run), and the boot id changes (a file
# bound over /proc/sys/kernel/random/boot_id). This boot's OS configures the DIP itself, with
# a second address in its subnet. start, then stop, must leave both.
. /lvs/lib.sh
VIP=192.168.0.101
STATE_BASE=/srv/lvsc-state
BOOT_ID=/proc/sys/kernel/random/boot_id

dr_net
on vs1 ip addr del 192.168.0.1/24 dev eth0
lvs vs1 start director
check dip-added "the first boot's start adds the missing DIP" has_addr_on vs1 192.168.0.1

note "reboot"
teardown
sed 's/^......../00000000/' "$BOOT_ID" >"$STATE/boot_id"
mount --bind "$STATE/boot_id" "$BOOT_ID"
note "boot id now $(cat "$BOOT_ID")"
dr_net
on vs1 ip addr add 192.168.0.50/24 dev eth0
snapshot vs1 rs1 rs2 >"$STATE/before-start"

out=$(lvs vs1 start)
printf '%s\n' "$out" | sed "s/^/[$SCEN] /"
check stale-state-ignored "start says it ignores the state of the earlier boot" contains "$out" "it was written in another boot"
for h in rs1 rs2; do lvs "$h" start; done
check_alternation alternation 6 fetch client "http://$VIP/test.html"
for h in vs1 rs1 rs2; do lvs "$h" stop; done
check dip-kept "stop keeps the DIP 192.168.0.1 and the address .50 of its subnet that this boot's OS configured" has_addr_on vs1 192.168.0.1
check secondary-kept "the second address of the DIP's subnet is still there" has_addr_on vs1 192.168.0.50
snapshot vs1 rs1 rs2 >"$STATE/after-stop"
check_same restored "$STATE/before-start" "$STATE/after-stop" "stop restores every address, link, route, sysctl and IPVS entry of this boot"
umount "$BOOT_ID"
rm -rf "${STATE_BASE:?}/$SCEN"
teardown
