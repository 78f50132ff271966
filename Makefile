# The two commands: `make run` and `make test`. Everything else is a step of those.
BUILD ?= build
JOBS ?= $(shell nproc)
FUZZ_SECONDS ?= 30
DATA ?= data
PORT ?= 8080

.PHONY: run test build deps unit e2e bench bench-tally bench-opinion bench-forum bench-postgres format format-check tidy sanitize fuzz clean

run: build
	./$(BUILD)/coproduce demo --data $(DATA)
	./$(BUILD)/coproduce serve --host 127.0.0.1 --port $(PORT) --data $(DATA)

test: build
	$(MAKE) unit e2e

deps:
	./scripts/install-deps

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

unit:
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	COPRODUCE_BIN=$(BUILD)/coproduce node --test tests/cli/

e2e:
	COPRODUCE_BIN=$(BUILD)/coproduce node --test --test-concurrency=1 tests/e2e/

bench: build
	./bench/run

bench-forum: build
	./bench/forum 10

bench-postgres: build
	bench/postgres 10

# The vote-counting engine against the npm packages votes and caritat (bench-only folder).
bench-tally: build
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error --prefix bench/js
	./bench/tally

# The opinion-map engine against a plain numpy reference of the same steps.
bench-opinion: build
	./bench/opinion/run

format:
	clang-format -i $$(git ls-files 'src/*.cpp' 'src/*.hpp' 'bench/*.cpp')

format-check:
	clang-format --dry-run -Werror $$(git ls-files 'src/*.cpp' 'src/*.hpp' 'bench/*.cpp')

tidy: build
	run-clang-tidy -quiet -p $(BUILD) 'src/.*\.cpp$$' > $(BUILD)/clang-tidy.log 2>&1 || { grep -E "(warning|error):" $(BUILD)/clang-tidy.log | sort -u; exit 1; }

# AddressSanitizer and UBSan over the unit tests, in a build folder of their own.
sanitize: deps
	cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=Debug -DCOPRODUCE_SANITIZE=ON -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null
	cmake --build build-sanitize -j $(JOBS)
	cd build-sanitize && ctest --output-on-failure -j $(JOBS)

# The file readers' libFuzzer targets, built with clang in a folder of their own and run for
# FUZZ_SECONDS each from the seeds in tests/data/tally/fuzz/ (see scripts/fuzz).
FUZZERS = blt preflib pabulib ballot_csv polis
fuzz: deps
	cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ -DCOPRODUCE_FUZZ=ON -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null
	cmake --build build-fuzz -j $(JOBS) --target $(FUZZERS:%=%_fuzz)
	./scripts/fuzz build-fuzz $(FUZZ_SECONDS) $(JOBS) $(FUZZERS)

clean:
	rm -rf $(BUILD) build-sanitize build-fuzz
