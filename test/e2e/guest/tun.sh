#!/bin/sh
# VS_TUN: the client (172.16.9.2) and the director vs1 (192.168.1.9, VIP 192.168.1.110/32)
# are on two networks of one router; the real servers rs1 (172.16.2.11) and rs2
# (172.16.2.12) are on a third. The director tunnels requests to them through the router;
# they answer the client directly, through the router.
. /lvs/lib.sh
VIP=192.168.1.110

modprobe ip_vs
# ipip makes tunl0 in every namespace: load it first, so before/after snapshots compare
modprobe ipip
lan lanc
lan lana
lan lanb
host client && nic client eth0 lanc 172.16.9.2/24
host router && nic router eth0 lanc 172.16.9.1/24 && nic router eth1 lana 192.168.1.254/24 && nic router eth2 lanb 172.16.2.254/24
host vs1 && nic vs1 eth0 lana 192.168.1.9/24
host rs1 && nic rs1 eth0 lanb 172.16.2.11/24
host rs2 && nic rs2 eth0 lanb 172.16.2.12/24
on client ip route add default via 172.16.9.1
on router sysctl -q -w net.ipv4.ip_forward=1
# strict reverse-path filtering, as many distributions ship it
for h in rs1 rs2; do
	for c in all default tunl0 eth0; do on "$h" sysctl -q -w "net.ipv4.conf.$c.rp_filter=1"; done
done
web rs1 1
web rs2 2
hand_made vs1
snapshot vs1 rs1 rs2 >"$STATE/before-start"

for h in vs1 rs1 rs2; do lvs "$h" start; done
check_rules vs1
check_routed bypass
