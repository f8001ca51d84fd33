# Sourced by ./mvnw, ./mp4j and .ci/run: points JAVA_HOME at a JDK 25 or newer.
# Order: JAVA_HOME if it already is 25+, then the newest JDK 25+ under /usr/lib/jvm,
# then the `java` on PATH. Prints what is missing and returns 1 when none is found.
mp4j_java_feature() { # prints the feature release of the java binary $1 (e.g. 25)
  local home release
  home=$(dirname "$(dirname "$1")")
  release=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release" 2>/dev/null || true)
  if [ -n "$release" ]; then
    # A JDK's release file names its version: no JVM to start for the answer.
    echo "$release"
    return 0
  fi
  "$1" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | sed -n 1p || true
}
mp4j_find_jdk25() {
  local candidate feature
  for candidate in "${JAVA_HOME:-}" $(find /usr/lib/jvm -mindepth 1 -maxdepth 1 2>/dev/null | sort -rV) \
                   "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")")"; do
    candidate=${candidate%/}
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    feature=$(mp4j_java_feature "$candidate/bin/java")
    if [ -n "$feature" ] && [ "$feature" -ge 25 ]; then
      export JAVA_HOME="$candidate"
      return 0
    fi
  done
  echo "mp4j needs a JDK 25 or newer (java and javac), and found none:" >&2
  echo "  JAVA_HOME=${JAVA_HOME:-<unset>} is not a JDK 25+, there is no JDK 25+ under /usr/lib/jvm, and the 'java' on PATH (if any) is not one either." >&2
  echo "  Install one (for example Temurin 25) and set JAVA_HOME to it." >&2
  return 1
}
