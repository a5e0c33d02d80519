#!/bin/sh
# drover: this file is a shell script with drover's jar appended. It finds a Java 17 or newer, starts the
# command's JVM with options that make it start fast, and keeps an archive of the command's own classes
# (class-data sharing; the AOT cache on Java 25+), made on first use and remade when the jar or Java changes.
# DROVER_JAVA or JAVA_HOME choose the Java; DROVER_CLI_CACHE=off runs without an archive.
set -u
self=$(readlink -f "$0" 2>/dev/null || echo "$0")

java_major() { # the major version from a Java home's release file, without starting a JVM
  v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null)
  [ "$v" = 1 ] && v=8
  echo "${v:-0}"
}
home_of() { # java binary -> its home
  b=$(readlink -f "$1" 2>/dev/null || echo "$1"); dirname "$(dirname "$b")"
}

found=""
for candidate in ${DROVER_JAVA:+"$DROVER_JAVA"} ${JAVA_HOME:+"$JAVA_HOME/bin/java"} "$(command -v java 2>/dev/null)" \
    /usr/lib/jvm/*/bin/java; do
  [ -n "$candidate" ] && [ -x "$candidate" ] || continue
  major=$(java_major "$(home_of "$candidate")")
  if [ "$major" -ge 17 ]; then java=$candidate; break; fi
  found="$found ${candidate} (Java $major)"
done
if [ -z "${java:-}" ]; then
  if [ -n "$found" ]; then
    echo "drover: needs Java 17 or newer; found only:$found. Set JAVA_HOME or DROVER_JAVA to a Java 17+." >&2
  else
    echo "drover: needs Java 17 or newer and found none: install one (Debian: apt-get install openjdk-17-jre-headless) or set JAVA_HOME." >&2
  fi
  exit 1
fi

subcommand() { # the command word: the first argument that is neither an option nor a global option's value
  while [ $# -gt 0 ]; do
    case $1 in
      -C|--project|-e|--env) shift ;;
      -*) ;;
      *) case $1 in *[!a-z]*) echo other ;; *) echo "$1" ;; esac; return ;;
    esac
    shift
  done
}
word=$(subcommand "$@")
# A short-lived command: the small collector, the quick compiler, no shared performance counters file.
set -- -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData -Xss512k -cp "$self" dev.drover.cli.Main "$@"
cache=${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/drover
key=$(printf '%s %s %s' "$(stat -c '%s %Y %i' "$self" 2>/dev/null)" "$java" "$major" | cksum | cut -d' ' -f1)
if [ "${DROVER_CLI_CACHE:-on}" = off ] || ! mkdir -p "$cache" 2>/dev/null; then
  exec "$java" "$@"
fi
if [ "$major" -ge 25 ]; then
  aot="$cache/cli-$key.aot"
  [ -f "$aot" ] && exec "$java" -XX:AOTCache="$aot" "$@"
  # first use: this run records what it loads and writes the cache as it exits
  exec "$java" -XX:AOTCacheOutput="$aot" -Xlog:aot=off -Xlog:cds=off "$@"
fi
# One archive per jar and Java, grown as each command is first used: that run lists the classes it loads,
# and the archive is remade in the background from every list so far; later runs of it start from the archive.
jsa="$cache/cli-$key.jsa"
list="$cache/cli-$key.classlist"
mark="$cache/cli-$key.${word:-drover}.listed"
[ -f "$jsa" ] && [ -f "$mark" ] && exec "$java" -XX:SharedArchiveFile="$jsa" -Xshare:auto -Xlog:cds=off "$@"
# start runs as long as the cluster: it is exec'd always, so that a signal to this script's pid (a service
# manager's TERM) reaches it; it is never the run that lists classes.
if [ "$word" = start ]; then
  [ -f "$jsa" ] && exec "$java" -XX:SharedArchiveFile="$jsa" -Xshare:auto -Xlog:cds=off "$@"
  exec "$java" "$@"
fi
share=""
[ -f "$jsa" ] && share="-XX:SharedArchiveFile=$jsa"
"$java" $share -Xshare:auto -Xlog:cds=off -XX:DumpLoadedClassList="$list.$$" "$@"
code=$?
if [ -s "$list.$$" ] && mkdir "$cache/cli-$key.lock" 2>/dev/null; then
  ( cat "$list.$$" "$list" 2>/dev/null | grep -v '^#' | sort -u > "$list.new" && mv "$list.new" "$list"
    rm -f "$list.$$"
    "$java" -Xshare:dump -XX:SharedClassListFile="$list" -XX:SharedArchiveFile="$jsa.tmp" -cp "$self" \
      -Xlog:cds=off -Xlog:cds+dynamic=off >/dev/null 2>&1 && mv "$jsa.tmp" "$jsa" && touch "$mark"
    rm -rf "$jsa.tmp" "$cache/cli-$key.lock"
    # archives of jars or Javas replaced more than a day ago
    find "$cache" -maxdepth 1 -name 'cli-*' ! -name "cli-$key*" -mtime +0 -exec rm -rf {} + ) </dev/null >/dev/null 2>&1 &
else
  rm -f "$list.$$"
fi
exit $code
