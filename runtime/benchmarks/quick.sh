#!/usr/bin/env bash
# The quick benchmark suite, in one command from the repository root:
#   bash runtime/benchmarks/quick.sh
# Builds the benchmarks, then runs the JMH per-step overhead suite, the durable throughput
# harness, the processor scale, the in-flight heap and the resume rate, one after the other.
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -B -q -DskipTests install
mvn -B -q -Pbenchmarks -DskipTests package -pl runtime/benchmarks
jar=runtime/benchmarks/target/benchmarks.jar
java -jar "$jar" -f 1 -wi 3 -w 1s -i 5 -r 1s -prof gc | grep -E "^(Benchmark|StepOverhead)"
java -cp "$jar" dev.firebreak.benchmarks.DurableThroughput 5 2>&1 | grep -v SLF4J
java -cp "$jar" dev.firebreak.benchmarks.ProcessorScale
java -Xmx2g -cp "$jar" dev.firebreak.benchmarks.InFlightHeap 100000
java -cp "$jar" dev.firebreak.benchmarks.ResumeRate 10000 2>&1 | grep -v SLF4J
