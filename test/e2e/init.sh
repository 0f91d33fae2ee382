#!/bin/sh
# /init of the lvsc test VM. The guest has no network device at all (qemu -nic none):
# every "host" of a test cluster is a network namespace inside it. The scenario comes
# in a second cpio archive as /lvs/run.sh; results go to the serial console between
# markers that test/e2e/vm.ts reads. The VM powers off when the scenario ends.
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
mkdir -p /run/netns
echo /sbin/modprobe >/proc/sys/kernel/modprobe
ip link set lo up
echo "LVSC-E2E BOOTED $(uname -r)"
if [ -x /lvs/run.sh ]; then
	/lvs/run.sh
	echo "LVSC-E2E EXIT $?"
else
	echo "LVSC-E2E EXIT 99 (no /lvs/run.sh)"
fi
sync
echo o >/proc/sysrq-trigger
sleep 5
