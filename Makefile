# ShopBooks (店账). `make run` builds and starts the app; `make test` runs every test.
# Both install what they need on Debian/Ubuntu (scripts/deps.sh) when it is missing.
GO      ?= go
BIN     ?= bin/shopbooks
export LANG := en_US.UTF-8
export GOFLAGS ?= -mod=mod

.PHONY: run build deps deps-test lint test test-go test-fuzz screenshots bench fuzz clean

run: build
	./$(BIN)

build: deps
	$(GO) build -o $(BIN) .

deps:
	@scripts/deps.sh build

deps-test:
	@scripts/deps.sh test

lint: deps
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
		if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

test: deps-test lint test-go test-fuzz screenshots

test-go:
	$(GO) test -count=1 -timeout 10m ./...

# The real window under Xvfb, in both languages; PNGs land in screenshots/.
screenshots: deps-test
	scripts/screenshots.sh screenshots

# Every benchmark of the product, with the targets from the issues.
bench: deps-test
	GO=$(GO) scripts/bench.sh

# Each fuzz target for a short while (longer: make fuzz FUZZTIME=5m); make test runs
# each for a few seconds. The corpus is kept in each package's testdata/fuzz/ (a
# failing input lands there too) and runs with every go test.
FUZZTIME ?= 15s
test-fuzz:
	@$(MAKE) --no-print-directory fuzz FUZZTIME=3s

fuzz:
	@for pkg in $$($(GO) list ./...); do \
		for t in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
			echo "fuzz $$pkg $$t"; $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
		done; \
	done

clean:
	rm -rf bin screenshots
