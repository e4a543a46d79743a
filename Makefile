# make test: installs what the tests need (PostgreSQL, Chromium, axe-core)
# when missing, starts PostgreSQL, and runs every test on SQLite and on
# PostgreSQL, with the race detector (except the simulator: a single
# goroutine on a fake clock that takes minutes under -race; the dispatcher
# it drives is raced in internal/dispatch).
SHELL := /bin/bash

.PHONY: test run build vet bench

test:
	@set -e; deps=$$(bash scripts/test-deps.sh | tail -n 1); \
	log=$${TMPDIR:-/tmp}/noaber-test.log; \
	pkgs=$$(go list ./... | grep -v '/internal/dispatch/sim$$'); \
	{ env $$deps go test -race -count=1 -timeout 10m $$pkgs && \
	  env $$deps go test -count=1 -timeout 10m ./internal/dispatch/sim/; } 2>&1 | tee $$log; \
	status=$${PIPESTATUS[0]}; \
	if [ $$status -ne 0 ]; then bash scripts/test-digest.sh $$log; exit $$status; fi

run:
	go run ./cmd/noaber serve --demo

build:
	go build -o noaber ./cmd/noaber

vet:
	gofmt -l . | (! grep .) && go vet ./...

bench:
	@set -e; deps=$$(bash scripts/test-deps.sh | tail -n 1); \
	env $$deps go test -run '^$$' -bench . -benchtime 2s ./...
