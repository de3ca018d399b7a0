#!/usr/bin/env bash
# Builds the first project a new user writes, outside the repository: README.md's "Add Firebreak to
# a Maven build" snippet as its pom.xml and docs/first-project as its sources, with the Maven on
# the PATH and with Maven 3.9 (fetched from Maven Central once), then runs it. Needs Firebreak in
# the local repository: mvn -B -ntp -q -DskipTests install.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The section's first xml block is the snippet.
snippet="$(awk '/^## Add Firebreak to a Maven build/{s=1} s&&/^```xml/{c=1;next} c&&/^```/{exit} c{print}' "$repo/README.md")"
if [ -z "$snippet" ]; then
  echo "first-project: no xml snippet under README.md's 'Add Firebreak to a Maven build'" >&2
  exit 1
fi

maven39="$HOME/.cache/firebreak-ci/apache-maven-3.9.16"
if [ ! -x "$maven39/bin/mvn" ]; then
  mkdir -p "$HOME/.cache/firebreak-ci"
  mvn -B -ntp -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:unpack \
    -Dartifact=org.apache.maven:apache-maven:3.9.16:tar.gz:bin \
    -DoutputDirectory="$HOME/.cache/firebreak-ci" -f "$repo/pom.xml" -N
fi

n=0
for mvn in mvn "$maven39/bin/mvn"; do
  n=$((n + 1))
  project="$work/project-$n"
  mkdir -p "$project"
  cp -r "$repo/docs/first-project/src" "$project/"
  {
    echo '<?xml version="1.0" encoding="UTF-8"?>'
    echo '<project xmlns="http://maven.apache.org/POM/4.0.0">'
    echo '  <modelVersion>4.0.0</modelVersion>'
    echo '  <groupId>com.example</groupId>'
    echo '  <artifactId>trip</artifactId>'
    echo '  <version>1.0</version>'
    echo "$snippet"
    echo '</project>'
  } > "$project/pom.xml"
  version="$("$mvn" -v | sed -n 1p)"
  (cd "$project" \
    && "$mvn" -B -ntp -q package \
    && "$mvn" -B -ntp -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
         -Dmdep.outputFile=cp.txt)
  out="$(cd "$project" && java -cp "target/classes:$(cat "$project/cp.txt")" com.example.trip.Main "$project/trips.db")"
  echo "$out" | sed "s/^/  /"
  if ! echo "$out" | head -1 | grep -q '^COMPLETED Booking\[room=Room\[city=Lisbon, number=101\], priceEuros=120\] {reserve=2, charge=1}$'; then
    echo "first-project: unexpected output with $version" >&2
    exit 1
  fi
  echo "first-project: built and ran with $version"
done
