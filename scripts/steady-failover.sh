#!/bin/sh
# steady-failover.sh [SECS] [ADVERT]: the "no false failover" run of issue 19, too long for CI.
#
# A pair of directors with fast VRRP timers (VRRP_ADVERT=ADVERT, default 0.2: VRRPv3, director2
# takes over 0.65 s after the last advert it heard) runs in the qemu VM for SECS seconds (default
# 600) with requests every 0.25 s, while two CPU-bound processes spin beside the VM on the host.
# The scenario ha-dr-steady (test/e2e/ha.test.ts, guest/ha_lib.sh `steady`) fails when the MASTER
# ever changes; ha-dr-steady-default, the same pair with the default timers in a second VM beside
# it, shows what the load alone does. Prints the load average before and after, and the figures (LVSC_HA_REPORT).
#
#   scripts/steady-failover.sh            # 600 s, VRRP_ADVERT=0.2
#   scripts/steady-failover.sh 120 0.1    # shorter, faster timers
set -eu
secs=${1:-600}
advert=${2:-0.2}
cd "$(dirname "$0")/.."
report=${LVSC_HA_REPORT:-$(mktemp -t lvsc-steady-XXXXXX.txt)}

hogs=""
# shellcheck disable=SC2317 # run by the EXIT trap
stop_hogs() {
	# only the two processes this script started, by their PIDs
	for pid in $hogs; do kill "$pid" 2>/dev/null || :; done
}
trap stop_hogs EXIT
trap 'exit 1' INT TERM
for _ in 1 2; do
	sh -c 'while :; do :; done' &
	hogs="$hogs $!"
done

echo "steady run: $secs s, VRRP_ADVERT=$advert, two CPU-bound processes ($hogs) beside the VM"
echo "load before: $(cat /proc/loadavg)"
status=0
LVSC_E2E_ONLY=ha-dr-steady,ha-dr-steady-default LVSC_HA_STEADY=$secs LVSC_HA_ADVERT=$advert LVSC_HA_REPORT=$report \
	LVSC_E2E_TIMEOUT=$((secs + 900)) npx vitest run --config vitest.e2e.config.ts test/e2e/ha.test.ts || status=$?
echo "load after: $(cat /proc/loadavg)"
echo "figures ($report):"
cat "$report" 2>/dev/null || :
exit "$status"
