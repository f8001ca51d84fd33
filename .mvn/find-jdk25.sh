# Sourced by ./mvnw, ./mp4j and .ci/run: points JAVA_HOME at a JDK 25 or newer.
# Order: JAVA_HOME if it already is 25+, then the newest JDK 25+ under /usr/lib/jvm,
# then the `java` on PATH. Prints what is missing and returns 1 when none is found.
mp4j_java_feature() { # prints the feature release of the java binary $1 (e.g. 25)
  "$1" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
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
  echo "  JAVA_HOME=${JAVA_HOME:-<unset>} is not a JDK 25+, no JDK 25+ under /usr/lib/jvm, and 'java' on PATH is older." >&2
  echo "  Install one (for example Temurin 25) and set JAVA_HOME to it." >&2
  return 1
}
