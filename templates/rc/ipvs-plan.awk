# ipvs-plan.awk: the ipvsadm -R batch that brings the live IPVS table to the wanted one.
# (templates/rc/ipvs-plan.awk in lvsc, which tests it on its own under mawk, gawk, busybox awk
# and the one true awk.)
# Input: the wanted table in ipvsadm -S -n form, a line "--", then the live table (ipvsadm -S -n);
# when the wanted table has an mh service, another "--" and the order the kernel holds the live table in
# (ipvsadm -L -n --nosort: -S refuses --nosort).
# Variables:
#   mode       start: reach the wanted table; stop: delete the owned services
#   vips       the VIPs whose services this cluster owns (its own, and the VIP of the conf it
#              replaces on a reload)
#   marks      the firewall marks it owns
#   manage_rs  1: the real servers too; 0: services only (INITIAL_STATE=off: a monitor adds
#              and removes the real servers)
#   tun_type   0: this ipvsadm predates --tun-type (1.30): leave it out of the wanted lines
# Only owned services are touched: every other VIP and mark in the table is left alone.
# Existing entries are edited in place (-E, -e), never deleted and re-added, so a second start
# changes nothing and established connections keep their real server. The one exception is the
# order of the real servers of an mh service: the kernel keeps them newest first and mh builds its
# lookup table from that order, so every director must hold them in the order a fresh start
# gives (the wanted order, reversed). A real server added between two others would go first
# instead, and this director would send some clients elsewhere than a freshly started one.
# So the real servers from the first misplaced one on are deleted and added again in the wanted
# order, in the same ipvsadm -R batch: a deleted real server waits in the kernel trash and comes
# back as the same entry, so its connections keep it (a packet of theirs arriving in the
# microseconds between the two lines is dropped, as a lost packet is, and resent).
#
# service(): the service a line is about, every word between the command and -s or -r:
# "-t 192.168.0.101:80", "-f 1", "-f 1 -6" (an IPv6 mark is another service than mark 1)
function service(   i, s) {
	s = $2
	for (i = 3; i <= NF && $i != "-s" && $i != "-r"; i++) s = s " " $i
	return s
}
# server(): the real server of an -a line
function server(   i) {
	for (i = 3; i < NF; i++) if ($i == "-r") return $(i + 1)
	return ""
}
# owned(s): the service is one of ours: an owned VIP (any port; IPv6 in brackets) or an owned
# mark (an IPv6 mark, "-f 1 -6", is owned as 1-6)
function owned(s,   f, n, a) {
	n = split(s, f, " ")
	if (f[1] == "-f" && n == 3 && f[3] == "-6") return index(" " marks " ", " " f[2] "-6 ") > 0
	if (n != 2) return 0
	if (f[1] == "-f") return index(" " marks " ", " " f[2] " ") > 0
	a = f[2]
	sub(/:[0-9]+$/, "", a)
	if (a ~ /^\[.*\]$/) a = substr(a, 2, length(a) - 2)
	return index(" " vips " ", " " a " ") > 0
}
$0 == "--" { live++; next }
live == 2 && ($1 == "TCP" || $1 == "UDP" || $1 == "FWM") {
	ksvc = ($1 == "TCP" ? "-t " : $1 == "UDP" ? "-u " : "-f ") $2 ($1 == "FWM" && $3 == "IPv6" ? " -6" : "")
	next
}
live == 2 && $1 == "->" { korder[ksvc, ++kn[ksvc]] = ksvc " -r " $2; next }
live == 2 { next }
$1 != "-A" && $1 != "-a" { next }
!live && tun_type == "0" { sub(/ --tun-type ipip/, "") }
{ svc = service() }
!live && $1 == "-A" { want[svc] = $0; order[++n] = svc; if (($0 " ") ~ / -s mh /) mh[svc] = 1; next }
!live { key = svc " -r " server(); want_rs[key] = $0; rs_order[++m] = key; wn[svc]++; wpos[svc, wn[svc]] = key; next }
!owned(svc) { next }
$1 == "-A" { have[svc] = $0; have_order[++h] = svc; next }
{ key = svc " -r " server(); have_rs[key] = $0; have_rs_order[++k] = key; have_rs_svc[key] = svc }
END {
	# services first: deleting one deletes its real servers too
	for (i = 1; i <= h; i++)
		if (mode == "stop" || !(have_order[i] in want)) print "-D " have_order[i]
	if (mode == "stop") exit
	for (i = 1; i <= n; i++) {
		s = order[i]
		if (!(s in have)) print want[s]
		else if (have[s] != want[s]) { line = want[s]; sub(/^-A/, "-E", line); print line }
	}
	if (manage_rs != 1) exit
	# mh: the kernel order of the real servers that stay (newest first), against the wanted
	# order reversed; the oldest ones that already match stay, the rest are added again
	for (s in mh) {
		if (!(s in have)) continue
		q = 0
		for (i = 1; i <= kn[s]; i++) if (korder[s, i] in want_rs) keep[++q] = korder[s, i]
		t = 0
		while (t < q && t < wn[s] && keep[q - t] == wpos[s, 1 + t]) t++
		for (i = 1; i <= q - t; i++) readd[keep[i]] = 1
	}
	for (i = 1; i <= k; i++) {
		key = have_rs_order[i]
		if ((have_rs_svc[key] in want) && (!(key in want_rs) || (key in readd))) print "-d " key
	}
	for (i = 1; i <= m; i++) {
		key = rs_order[i]
		if (!(key in have_rs) || (key in readd)) print want_rs[key]
		else if (have_rs[key] != want_rs[key]) { line = want_rs[key]; sub(/^-a/, "-e", line); print line }
	}
}
