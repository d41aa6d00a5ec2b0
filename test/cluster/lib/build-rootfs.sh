#!/usr/bin/env bash
# debootstrap a minimal Debian rootfs; cached as a tarball keyed by suite.
# Output: $BERTH_CACHE/rootfs-$DEBIAN_SUITE/rootfs.tar
# shellcheck source=SCRIPTDIR/common.sh
source "$(dirname "$0")/common.sh"
need_root
OUT="$BERTH_CACHE/rootfs-$DEBIAN_SUITE"
if [ -f "$OUT/.done" ]; then log "rootfs $DEBIAN_SUITE cached in $OUT"; exit 0; fi
build_started
command -v debootstrap >/dev/null || die "apt-get install debootstrap"
rm -rf "$OUT"; mkdir -p "$OUT"
log "debootstrap --variant=minbase $DEBIAN_SUITE"
debootstrap --variant=minbase "$DEBIAN_SUITE" "$OUT/root" "$DEBIAN_MIRROR"
# slim it down like the official -slim images
rm -rf "$OUT/root/var/cache/apt/archives/"*.deb "$OUT/root/var/lib/apt/lists/"* \
  "$OUT/root/usr/share/doc/"* "$OUT/root/usr/share/man/"* "$OUT/root/usr/share/info/"*
cat > "$OUT/root/etc/apt/sources.list" <<SRC
deb $DEBIAN_MIRROR $DEBIAN_SUITE main
deb $DEBIAN_MIRROR $DEBIAN_SUITE-updates main
deb http://deb.debian.org/debian-security $DEBIAN_SUITE-security main
SRC
tar -C "$OUT/root" --numeric-owner -cf "$OUT/rootfs.tar" .
rm -rf "$OUT/root"
touch "$OUT/.done"
build_done "rootfs-$DEBIAN_SUITE"
