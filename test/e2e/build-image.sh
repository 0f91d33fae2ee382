#!/bin/sh
# Builds (once, then caches) what the real-kernel tests boot: Debian's stock kernel, which
# ships the IPVS modules, and a small initramfs with the host's own userland tools.
#
#   test/e2e/build-image.sh            prints the cache directory holding vmlinuz and base.cpio.gz
#
# Nothing is installed on the host: the kernel package is downloaded with `apt-get download`
# and unpacked into the cache. Cache: $LVSC_E2E_CACHE, else ~/.cache/lvsc-e2e.
# Needs: apt-get, dpkg-deb, depmod, cpio, gzip, ldd, and the host packages busybox-static,
# iproute2, ipvsadm, procps, kmod, dash, socat, mawk; keepalived and BIRD 2 (bird, birdc, birdcl
# from bird2: test/e2e/ecmp.test.ts) are copied in when present.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
cache=${LVSC_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/lvsc-e2e}
mkdir -p "$cache"

log() { printf 'build-image: %s\n' "$*" >&2; }
die() { printf 'build-image: error: %s\n' "$*" >&2; exit 1; }

for cmd in apt-get apt-cache dpkg-deb depmod cpio gzip ldd busybox ipvsadm ip sysctl kmod dash socat mawk; do
	command -v "$cmd" >/dev/null 2>&1 || die "missing host command: $cmd"
done

# The kernel package linux-image-amd64 points at (e.g. linux-image-6.1.0-56-amd64).
kernel_package() {
	apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ { print $2; exit }'
}
pkg=$(kernel_package)
if [ -z "$pkg" ]; then
	# a machine whose package lists were never fetched
	log "apt-get update"
	apt-get update -qq >/dev/null 2>&1 || :
	pkg=$(kernel_package)
fi
[ -n "$pkg" ] || die "cannot find the kernel package behind linux-image-amd64 (apt-get update failed?)"

# The cache key covers the kernel, this script, the guest init and the host tools copied in.
key=$( { echo "$pkg"; cat "$0" "$here/init.sh"; for b in busybox ipvsadm ip sysctl kmod dash socat mawk; do
	ls -lL "$(command -v "$b")"; done; ls -lL "$(command -v keepalived)" 2>/dev/null
	for b in bird birdc birdcl; do ls -lL "$(command -v "$b" || echo "/usr/sbin/$b")" 2>/dev/null; done; } | sha256sum | cut -c1-16)
out=$cache/$key
if [ -s "$out/base.cpio.gz" ] && [ -s "$out/vmlinuz" ]; then
	printf '%s\n' "$out"
	exit 0
fi

work=$(mktemp -d "$cache/build.XXXXXX")
trap 'rm -rf "$work"' EXIT

cached_deb() {
	for f in "$cache"/"$pkg"_*.deb; do
		[ -e "$f" ] && printf '%s\n' "$f" && return 0
	done
	return 1
}
if ! deb=$(cached_deb); then
	log "downloading $pkg"
	(cd "$work" && apt-get download "$pkg" >/dev/null 2>&1) || die "apt-get download $pkg failed"
	mv "$work"/"$pkg"_*.deb "$cache"/
	deb=$(cached_deb)
fi
log "unpacking $(basename "$deb")"
dpkg-deb -x "$deb" "$work/kernel"
kver=$(ls "$work/kernel/lib/modules")
# the package ships no modules.dep: build it for the unpacked tree
depmod -b "$work/kernel" "$kver"

root=$work/root
mkdir -p "$root/bin" "$root/sbin" "$root/lib" "$root/lib64" "$root/etc" "$root/proc" "$root/sys" \
	"$root/dev" "$root/run" "$root/tmp" "$root/srv" "$root/lvs" "$root/usr/bin" "$root/usr/sbin"

# busybox applets, except the ones the real tools replace (busybox's ip has no netns,
# its sysctl and modprobe differ; awk is Debian's mawk, as on a real director); dash is
# /bin/sh because busybox's shell runs its own applets before $PATH
cp /bin/busybox "$root/bin/busybox"
for applet in $(busybox --list); do
	case $applet in
	busybox | ip | sysctl | modprobe | sh | depmod | insmod | rmmod | lsmod | modinfo | awk) continue ;;
	esac
	ln -sf busybox "$root/bin/$applet"
done

copy_binary() { # copy_binary SRC DEST: a host binary and the shared libraries it needs
	cp -L "$1" "$root$2"
	ldd "$1" | awk '/=>/ { print $3 } /^[ \t]*\/lib/ { print $1 }' | while read -r lib; do
		[ -n "$lib" ] || continue
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}
copy_binary "$(command -v dash)" /bin/sh
copy_binary "$(command -v ip)" /sbin/ip
copy_binary "$(command -v ipvsadm)" /sbin/ipvsadm
copy_binary "$(command -v sysctl)" /sbin/sysctl
copy_binary "$(command -v kmod)" /sbin/kmod
copy_binary "$(command -v socat)" /bin/socat
copy_binary "$(command -v mawk)" /bin/awk
for tool in modprobe lsmod rmmod insmod depmod modinfo; do ln -sf kmod "$root/sbin/$tool"; done
# keepalived, when the host has it (test/e2e/ha.test.ts: two directors); the other tests do not need it
if command -v keepalived >/dev/null 2>&1; then
	copy_binary "$(command -v keepalived)" /sbin/keepalived
fi
# BIRD 2, when the host has bird2 (test/e2e/ecmp.test.ts: N active directors behind a router);
# copied, never run on the host (the package's bird.service is not needed: the lab starts each
# daemon itself). birdc needs readline, which comes with it
for b in bird birdc birdcl; do
	src=$(command -v "$b" 2>/dev/null || echo "/usr/sbin/$b")
	if [ -x "$src" ]; then copy_binary "$src" "/usr/sbin/$b"; fi
done
# the dynamic loader at the path the binaries ask for
cp -L /lib64/ld-linux-x86-64.so.2 "$root/lib64/"

# kernel modules: everything under net/ and the virtual NICs, with what they depend on
mods=$work/kernel/lib/modules/$kver
{
	# libcrc32c (needed by ip_vs) asks the crypto API for crc32c at load time: a soft dependency
	(cd "$mods" && find kernel/net kernel/drivers/net/veth.ko kernel/drivers/net/dummy.ko \
		kernel/crypto/crc32c_generic.ko -name '*.ko*')
} | sort -u >"$work/wanted"
# modules.dep lines are "path: dep dep ...", each listing the whole dependency closure
awk -F': *' 'NR == FNR { want[$1] = 1; next } ($1 in want) { print $1; n = split($2, d, " "); for (i = 1; i <= n; i++) print d[i] }' \
	"$work/wanted" "$mods/modules.dep" | sort -u >"$work/closure"
while read -r m; do
	mkdir -p "$root/lib/modules/$kver/$(dirname "$m")"
	cp "$mods/$m" "$root/lib/modules/$kver/$m"
done <"$work/closure"
cp "$mods"/modules.order "$mods"/modules.builtin "$mods"/modules.builtin.modinfo "$root/lib/modules/$kver/"
depmod -b "$root" "$kver"

printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\n' >"$root/etc/group"
: >"$root/etc/hosts"
cp "$here/init.sh" "$root/init"
chmod 755 "$root/init"

mkdir -p "$out.tmp"
(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 >"$out.tmp/base.cpio.gz"
cp "$work/kernel/boot/vmlinuz-$kver" "$out.tmp/vmlinuz"
printf '%s\n' "$kver" >"$out.tmp/kernel-version"
rm -rf "$out"
mv "$out.tmp" "$out"
log "built $out ($(du -sh "$out" | cut -f1))"
printf '%s\n' "$out"
