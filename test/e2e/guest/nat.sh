#!/bin/sh
# VS_NAT: the client (172.16.9.2) is behind a router; the director vs1 has the VIP
# 192.168.1.110 on its outside LAN (eth0, 192.168.1.9) and the DIP 10.1.1.1 on the inside
# LAN (eth1), where rs1 (10.1.1.2, port 80) and rs2 (10.1.1.3, port 8080: a remap) live.
# MODE localnode: the director serves the second share itself (SERVICE=t www rr rs1 localhost),
# instead of rs2.
. /lvs/lib.sh
MODE=$(cat "$DIR/mode")
VIP=192.168.1.110

nat_net
web rs1 1
if [ "$MODE" = localnode ]; then web vs1 2; else web rs2 2 8080; fi
hand_made vs1
snapshot vs1 rs1 rs2 >"$STATE/before-start"

for h in vs1 rs1 rs2; do lvs "$h" start; done
check_rules vs1
check_routed through
