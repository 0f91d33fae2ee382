#!/bin/sh
# The VM's scenario runner: each line of /lvs/scenarios is "NAME TOPOLOGY SECONDS"; each
# scenario runs with that time bound and leaves no namespace, bridge or server behind.
while read -r name topology seconds; do
	echo "LVSC-E2E SCENARIO $name BEGIN"
	start=$(date +%s)
	# /bin/sh, not sh: busybox timeout would run its own shell for a bare "sh"
	timeout "${seconds:-300}" /bin/sh "/lvs/$topology.sh" "$name"
	echo "LVSC-E2E SCENARIO $name END $? $(($(date +%s) - start))s"
	ip -all netns delete 2>/dev/null
	for b in $(ip -o link show type bridge | awk -F': ' '{ print $2 }'); do ip link del "$b"; done
	killall httpd socat 2>/dev/null
	# a scenario that simulates a reboot binds a boot id of its own: never pass it on
	umount /proc/sys/kernel/random/boot_id 2>/dev/null
done </lvs/scenarios
