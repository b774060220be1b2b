#!/usr/bin/env bash
# libFuzzer targets for Tabula's parsers and readers, built apart from the package (they need
# -sanitize=fuzzer, which the ordinary `swift build` must not).
#
#   Tests/Fuzz/fuzz.sh build                 # compile the five targets into .build-fuzz/
#   Tests/Fuzz/fuzz.sh run TARGET MINUTES    # fuzz one target (schema formula report values import)
#   Tests/Fuzz/fuzz.sh all MINUTES           # each target in turn, MINUTES each
#
# A run starts from Tests/Fuzz/Corpus/TARGET (new inputs go to .build-fuzz/corpus/TARGET, so the
# committed corpus stays small) and writes any crashing input to Tests/Fuzz/Reproducers/TARGET/,
# which `swift test` replays (FuzzCorpusTests) once the bug is fixed. Each run ends with a line
# "TARGET: N executions, K crashes".
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$root/.build-fuzz"
targets=(schema formula report values import)
sanitize="${FUZZ_SANITIZE:-fuzzer}"   # FUZZ_SANITIZE=fuzzer,address adds AddressSanitizer

build() {
  mkdir -p "$out/modules" "$out/CICU"
  cd "$root"
  # The package's dependencies' sources (ZIPFoundation) are checked out by an ordinary build.
  [ -d .build/checkouts/ZIPFoundation ] || swift package resolve
  local zip=.build/checkouts/ZIPFoundation/Sources
  local common=(-sanitize="$sanitize" -parse-as-library -package-name tabula -I "$out/modules" -O -g
                -Xcc -fmodule-map-file="$root/Sources/CSQLite/module.modulemap"
                -Xcc -fmodule-map-file="$out/CICU/module.modulemap"
                -Xcc -fmodule-map-file="$root/$zip/CZLib/module.modulemap")
  printf 'module CICU {\n  header "%s/Sources/CICU/include/CICU.h"\n  export *\n}\n' "$root" > "$out/CICU/module.modulemap"
  clang -c -O1 -fPIC -I Sources/CICU/include Sources/CICU/shim.c -o "$out/cicu.o"
  # The time-tracking package reads its schema from its resources.
  printf 'import Foundation\nextension Foundation.Bundle {\n  static let module: Bundle = Bundle(path: "%s/Sources/TabulaTimeTracking") ?? .main\n}\n' "$root" \
    > "$out/TimeTrackingResources.swift"
  module() {  # NAME SOURCES... (ours in Swift 6 mode, as the package builds them)
    local name=$1; shift
    local mode=(-swift-version 6); [ "$name" = ZIPFoundation ] && mode=(-swift-version 5 -Xcc -D_GNU_SOURCE=1)
    echo "compiling $name"
    swiftc "${common[@]}" "${mode[@]}" -emit-library -static -emit-module -module-name "$name" \
      -emit-module-path "$out/modules/$name.swiftmodule" -o "$out/lib$name.a" "$@"
  }
  module ZIPFoundation $(find "$zip/ZIPFoundation" -name '*.swift')
  module TabulaLanguage $(find Sources/TabulaLanguage -name '*.swift')
  module TabulaEngine $(find Sources/TabulaEngine -name '*.swift')
  module TabulaIO $(find Sources/TabulaIO -name '*.swift')
  module TabulaReports $(find Sources/TabulaReports -name '*.swift')
  module TabulaTimeTracking $(find Sources/TabulaTimeTracking -name '*.swift') "$out/TimeTrackingResources.swift"
  # Only the targets' bodies: the rest of the module (the server benchmark) needs the HTTP packages.
  module TabulaBenchmarks Sources/TabulaBenchmarks/FuzzTargets.swift
  for t in "${targets[@]}"; do
    echo "linking fuzz-$t"
    printf 'import TabulaBenchmarks\n@_cdecl("LLVMFuzzerTestOneInput")\npublic func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {\n  FuzzTargets.run("%s", Array(UnsafeBufferPointer(start: data, count: size)))\n  return 0\n}\n' "$t" > "$out/entry-$t.swift"
    swiftc "${common[@]}" -swift-version 6 "$out/entry-$t.swift" -o "$out/fuzz-$t" -L "$out" \
      -lTabulaBenchmarks -lTabulaTimeTracking -lTabulaReports -lTabulaIO -lTabulaEngine -lTabulaLanguage -lZIPFoundation \
      "$out/cicu.o" -lsqlite3 -licui18n -licuuc -licudata -lz 2>&1 | grep -v "Cannot export local symbol" || true
  done
}

run() {  # TARGET MINUTES
  local t=$1 minutes=$2
  [ -x "$out/fuzz-$t" ] || build
  mkdir -p "$out/corpus/$t" "$root/Tests/Fuzz/Reproducers/$t"
  local log="$out/fuzz-$t.log"
  local before; before=$(ls "$root/Tests/Fuzz/Reproducers/$t" | grep -c -E '^(crash|timeout|oom|leak)-' || true)
  SWIFT_BACKTRACE=enable=no "$out/fuzz-$t" "$out/corpus/$t" "$root/Tests/Fuzz/Corpus/$t" \
    -max_total_time=$((minutes * 60)) -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
    -artifact_prefix="$root/Tests/Fuzz/Reproducers/$t/" -print_final_stats=1 > "$log" 2>&1 || true
  local runs crashes
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  crashes=$(ls "$root/Tests/Fuzz/Reproducers/$t" | grep -c -E '^(crash|timeout|oom|leak)-' || true)
  # The reproducers already there are bugs found and fixed before; only this run's are new.
  echo "$t: ${runs:-?} executions, $((crashes - before)) new crashes ($crashes reproducers kept) (log: $log)"
}

case "${1:-}" in
  build) build ;;
  run) run "$2" "${3:-10}" ;;
  all) build; for t in "${targets[@]}"; do run "$t" "${2:-10}"; done ;;
  *) sed -n '2,13p' "$0"; exit 2 ;;
esac
