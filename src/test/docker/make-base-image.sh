#!/usr/bin/env bash
# Makes a FROM-scratch base image for drover's worker images without any registry: a jlink'd Java runtime
# at /opt/jre, the few glibc files its binaries need, a minimal /etc and a 1777 /tmp, imported with
# `docker import`. Usage: make-base-image.sh [TAG] [DROVER_JAR]   (defaults: drover-jre:17 target/drover.jar)
set -euo pipefail
tag="${1:-drover-jre:17}"
jar="${2:-target/drover.jar}"

if docker image inspect "$tag" >/dev/null 2>&1; then
  echo "base image $tag exists"
  exit 0
fi
java_home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
root="$work/rootfs"
mkdir -p "$root/opt" "$root/etc" "$root/tmp"
chmod 1777 "$root/tmp"

# java.desktop is only an optional Jackson dependency; jdk.unsupported and jdk.crypto.ec serve Undertow and TLS.
modules="$("$java_home/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release 17 "$jar" \
  | tr ',' '\n' | grep -v '^java.desktop$' | paste -sd, -)"
modules="$modules,jdk.crypto.ec,jdk.unsupported,jdk.jcmd"
# --generate-cds-archive: drover writes per-app class archives on top of the default one, which needs it.
"$java_home/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --generate-cds-archive \
  --output "$root/opt/jre"

# Every shared library the runtime's binaries and libraries name, with the loader.
find "$root/opt/jre" -type f \( -name '*.so' -o -path '*/bin/*' \) -print0 \
  | xargs -0 ldd 2>/dev/null | grep -o '/[^ ]*' | sort -u | while read -r lib; do
    [ -e "$lib" ] || continue
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
if [ -d "$root/lib/x86_64-linux-gnu" ] || [ -e "$root/lib64/ld-linux-x86-64.so.2" ]; then
  mkdir -p "$root/lib64"
  [ -e "$root/lib64/ld-linux-x86-64.so.2" ] || cp -L /lib64/ld-linux-x86-64.so.2 "$root/lib64/"
fi
# Name resolution of localhost needs nsswitch's files module.
for lib in /lib/x86_64-linux-gnu/libnss_files.so.2 /lib/x86_64-linux-gnu/libresolv.so.2; do
  [ -e "$lib" ] && mkdir -p "$root$(dirname "$lib")" && cp -L "$lib" "$root$lib"
done
cat > "$root/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
PASSWD
printf 'root:x:0:\nnonroot:x:65532:\n' > "$root/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$root/etc/nsswitch.conf"
printf '127.0.0.1 localhost\n::1 localhost\n' > "$root/etc/hosts"

tar -C "$root" -c . | docker import --change 'ENV PATH=/opt/jre/bin' - "$tag" >/dev/null
echo "base image $tag: $(docker image inspect -f '{{.Size}}' "$tag" | awk '{printf "%.0f MB", $1/1e6}')"
