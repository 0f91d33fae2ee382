#!/bin/sh
# VS_TUN: the client (172.16.9.2) and the director vs1 (192.168.1.9, VIP 192.168.1.110/32)
# are on two networks of one router; the real servers rs1 (172.16.2.11) and rs2
# (172.16.2.12) are on a third. The director tunnels requests to them through the router;
# they answer the client directly, through the router.
. /lvs/lib.sh
VIP=192.168.1.110

tun_net
hand_made vs1
snapshot vs1 rs1 rs2 >"$STATE/before-start"

for h in vs1 rs1 rs2; do lvs "$h" start; done
check_rules vs1
check_routed bypass
