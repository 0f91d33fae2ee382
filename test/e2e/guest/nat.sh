#!/bin/sh
# VS_NAT: the client (172.16.9.2) is behind a router; the director vs1 has the VIP
# 192.168.1.110 on its outside LAN (eth0, 192.168.1.9) and the DIP 10.1.1.1 on the inside
# LAN (eth1), where rs1 (10.1.1.2, port 80) and rs2 (10.1.1.3, port 8080: a remap) live.
. /lvs/lib.sh
VIP=192.168.1.110

modprobe ip_vs
lan lanc
lan lano
lan lani
host client && nic client eth0 lanc 172.16.9.2/24
host router && nic router eth0 lanc 172.16.9.1/24 && nic router eth1 lano 192.168.1.254/24
host vs1 && nic vs1 eth0 lano 192.168.1.9/24 && nic vs1 eth1 lani 10.1.1.1/24
host rs1 && nic rs1 eth0 lani 10.1.1.2/24
host rs2 && nic rs2 eth0 lani 10.1.1.3/24
on client ip route add default via 172.16.9.1
on router sysctl -q -w net.ipv4.ip_forward=1
# the real servers start with some other default route: start must replace it, stop put it back
on rs1 ip route add default via 10.1.1.254
on rs2 ip route add default via 10.1.1.254
web rs1 1
web rs2 2 8080
hand_made vs1
snapshot vs1 rs1 rs2 >"$STATE/before-start"

for h in vs1 rs1 rs2; do lvs "$h" start; done
check_rules vs1
check_routed through
