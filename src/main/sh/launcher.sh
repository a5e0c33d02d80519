#!/bin/sh
# drover: this file is a shell script with drover's jar appended. It finds a Java 17 or newer, starts the
# command's JVM with options that make it start fast, and keeps an archive of the command's own classes
# (class-data sharing), made on first use and remade when the jar or Java changes.
# DROVER_JAVA or JAVA_HOME choose the Java; DROVER_CLI_CACHE=off runs without an archive.
set -u
self=$(readlink -f "$0" 2>/dev/null || echo "$0")

# Every fork and exec here is paid by every command (about 3 ms each): values are read with built-ins.
java_major() { # sets major from a Java home's release file, without starting a JVM
  major=0
  [ -r "$1/release" ] || return 0
  while IFS= read -r line; do
    case $line in
      JAVA_VERSION=\"*)
        v=${line#JAVA_VERSION=\"}; v=${v%%[!0-9]*}
        [ "$v" = 1 ] && v=8
        major=${v:-0}
        return 0 ;;
    esac
  done < "$1/release"
}

found=""
for candidate in ${DROVER_JAVA:+"$DROVER_JAVA"} ${JAVA_HOME:+"$JAVA_HOME/bin/java"} "$(command -v java 2>/dev/null)" \
    /usr/lib/jvm/*/bin/java; do
  [ -n "$candidate" ] && [ -x "$candidate" ] || continue
  b=$(readlink -f "$candidate" 2>/dev/null || echo "$candidate")
  java_major "${b%/*/*}"   # <home>/bin/java -> <home>
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

word=""
subcommand() { # sets word: the first argument that is neither an option nor a global option's value
  while [ $# -gt 0 ]; do
    case $1 in
      -C|--project|-e|--env) shift ;;
      -*) ;;
      *) case $1 in *[!a-z]*) word=other ;; *) word=$1 ;; esac; return ;;
    esac
    shift
  done
}
subcommand "$@"
# A short-lived command: the small collector, the quick compiler, no shared performance counters file.
set -- -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData -Xss512k -cp "$self" dev.drover.cli.Main "$@"
cache=${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/drover
# The key names this jar (size, mtime, inode) and this Java (its binary's, through links): a new one of either
# gets a new archive.
key_of() { key=""; for part in "$@"; do key="$key${key:+-}$part"; done; }
key_of $(stat -L -c '%s_%Y_%i' "$self" "$java" 2>/dev/null) "$major"
if [ "${DROVER_CLI_CACHE:-on}" = off ] || ! { [ -d "$cache" ] || mkdir -p "$cache" 2>/dev/null; }; then
  exec "$java" "$@"
fi
# Java 24+ has the AOT cache too, but the JVM that records one prints "AOTConfiguration recorded: <file>" on the
# command's standard output whatever the logging options (25.0.3), which would corrupt a first status --json;
# class-data sharing works on every Java from 17 and is as fast for a command this short.
# One archive per jar and Java, grown as each command is first used: that run lists the classes it loads into
# <list>.<command>.<pid>, and the archive is remade in the background from every list so far; later runs of that
# command start from the archive.
jsa="$cache/cli-$key.jsa"
list="$cache/cli-$key.classlist"
mark="$cache/cli-$key.${word:-drover}.listed"
lock="$cache/cli-$key.lock"

pending() { # whether runs left lists not yet in the archive
  for f in "$list".*.[0-9]*; do [ -e "$f" ] && return 0; done
  return 1
}
remake() { # in the background, unless another run is at it: every list so far into a new archive
  if ! mkdir "$lock" 2>/dev/null; then
    # a lock left by a remake that was killed would stop every later one
    find "$lock" -maxdepth 0 -mmin +10 -exec rm -rf {} + 2>/dev/null
    return 0
  fi
  ( # the lists are taken (renamed) first, so one written meanwhile waits for the next remake
    taken="$cache/cli-$key.taken"
    for f in "$list".*.[0-9]*; do [ -e "$f" ] && mv "$f" "$taken.${f#"$list".}"; done
    cat "$taken".* "$list" 2>/dev/null | grep -v '^#' | sort -u > "$list.new" && mv "$list.new" "$list"
    if "$java" -Xshare:dump -XX:SharedClassListFile="$list" -XX:SharedArchiveFile="$jsa.tmp" -cp "$self" \
        -Xlog:cds=off -Xlog:cds+dynamic=off && mv "$jsa.tmp" "$jsa"; then
      for f in "$taken".*; do [ -e "$f" ] || continue; w=${f#"$taken".}; touch "$cache/cli-$key.${w%.*}.listed"; done
    fi
    # a list is taken once, even from a run still going (a foreground start): what it loaded so far is its start
    rm -f "$taken".*
    rm -rf "$jsa.tmp" "$lock"
    # archives of jars or Javas replaced more than a day ago
    find "$cache" -maxdepth 1 -name 'cli-*' ! -name "cli-$key*" -mtime +0 -exec rm -rf {} + ) </dev/null >/dev/null 2>&1 &
}

# the archive's option, as the first argument when there is one (a path may hold spaces: never split a variable)
[ -f "$jsa" ] && set -- -XX:SharedArchiveFile="$jsa" "$@"
if [ -f "$mark" ] && [ -f "$jsa" ]; then
  pending && remake
  exec "$java" -Xshare:auto -Xlog:cds=off "$@"
fi
# start runs as long as the cluster: it is exec'd always, so that a signal to this script's pid (a service
# manager's TERM) reaches it. Its list is taken into the archive by the next command's run.
if [ "$word" = start ]; then
  exec "$java" -Xshare:auto -Xlog:cds=off -XX:DumpLoadedClassList="$list.start.$$" "$@"
fi
"$java" -Xshare:auto -Xlog:cds=off -XX:DumpLoadedClassList="$list.${word:-drover}.$$" "$@"
code=$?
pending && remake
exit $code
