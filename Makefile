# sihub — two commands: `make run` starts the whole system with demo data,
# `make test` runs every test.
GO        ?= go
BIN       := bin/sihub
VERSION   ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -X main.version=$(VERSION)
FUZZTIME  ?= 30s

.PHONY: all build run test bench lint fuzz clean

all: build

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/sihub
	CGO_ENABLED=0 $(GO) build -trimpath -o bin/sihub-verify ./cmd/sihub-verify

## run: build and start `sihub serve` on 127.0.0.1:8080 with data under ./data
run: build
	./$(BIN) serve

## test: every test (real SQLite, embedded FerretDB, openssl, poppler, qpdf, zbar, chromium)
test:
	$(GO) test -count=1 -timeout 45m ./...

## bench: the headline benchmarks (DESIGN.md §4)
bench:
	$(GO) test -run '^$$' -bench 'Benchmark(Issue|Verify)' -benchmem ./...

## lint: go vet and gofmt
lint:
	$(GO) vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

## fuzz: run each fuzz target for FUZZTIME
fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  for t in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz'); do \
	    echo "== $$pkg $$t"; $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

clean:
	rm -rf bin
