# berth: the two commands of the README are `make demo` and `make test`.
SHELL := /bin/bash
NODE_DEPS := node_modules/.package-lock.json

.PHONY: all deps build native install demo test unit integration typecheck bench clean

all: build

$(NODE_DEPS): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

deps: $(NODE_DEPS)

build: deps native
	npx tsc -p tsconfig.json
	@# One file for the CLI: 127 modules resolved and read at every start cost ~30 ms of `berth run`.
	npx esbuild dist/cli/main.js --bundle --platform=node --target=node20 --external:koffi \
		--log-level=warning --outfile=dist/berth.js

native:
	@$(MAKE) -s -C native

typecheck: deps
	npx tsc -p tsconfig.test.json --noEmit

install: build
	ln -sf $(CURDIR)/bin/berth /usr/local/bin/berth
	@echo "berth installed: /usr/local/bin/berth -> $(CURDIR)/bin/berth"

# Sets up a fresh Debian 12 machine (as root), builds berth, imports a small
# busybox image from Debian's busybox-static and lists it.
demo:
	bash examples/demo.sh

# Installs test dependencies, builds fixtures, then runs every test (unit and
# integration) in one jest run and prints its summary.
test:
	bash test/setup.sh
	$(MAKE) build typecheck
	bash test/run.sh

unit: build
	npx jest --selectProjects unit

integration: build
	npx jest --selectProjects integration --runInBand

bench: build
	bash bench/pull.sh
	bash bench/run.sh

clean:
	rm -rf dist native/build
