# Likeness: `make run` and `make test` set up whatever is missing first (scripts/bootstrap).
SHELL := /bin/bash
BUILD_FLAGS := -c release -Xswiftc -enable-testing
LIKENESS := .build/release/likeness
SAMPLES := models/samples
LFW := ../shared/data/lfw

.PHONY: bootstrap run test bench parity eval calibrate format

bootstrap:
	@scripts/bootstrap

## Detect faces on the sample photographs shipped with the model package, and verify pairs of them.
run: bootstrap
	@mkdir -p out
	@echo "== likeness detect $(SAMPLES)/players.jpg --annotate out/players-annotated.png"
	@$(LIKENESS) detect $(SAMPLES)/players.jpg --annotate out/players-annotated.png
	@echo; echo "== likeness find $(SAMPLES)/yaoming.jpg $(SAMPLES)/players.jpg"
	@$(LIKENESS) find $(SAMPLES)/yaoming.jpg $(SAMPLES)/players.jpg
	@echo; echo "== likeness verify $(SAMPLES)/yaoming.jpg $(SAMPLES)/gdp.jpg"
	@$(LIKENESS) verify $(SAMPLES)/yaoming.jpg $(SAMPLES)/gdp.jpg; status=$$?; \
	  echo "(exit status $$status: 0 match, 1 no match, 2 error)"; [ $$status -le 1 ]

## Build and run every test (the same command CI runs).
test: bootstrap
	@mkdir -p .cache
	@swift build $(BUILD_FLAGS) --build-tests >.cache/build-tests.log 2>&1 || { tail -n 60 .cache/build-tests.log; exit 1; }
	@scripts/parity
	@scripts/report-check
	swift test $(BUILD_FLAGS) --skip-build

## Speed: the Swift pipeline and the reference recipe on the same 500 LFW images, in one run.
bench: bootstrap
	@scripts/bench

## Embedding parity with the reference recipe on 200 LFW images.
parity: bootstrap
	@scripts/parity

## Accuracy on both LFW development files.
eval: bootstrap
	@mkdir -p out
	$(LIKENESS) eval --pairs $(LFW)/pairsDevTest.csv --root $(LFW)/images --select centered --all-pairs --report out/devtest-report.html
	$(LIKENESS) eval --pairs $(LFW)/pairsDevTrain.csv --root $(LFW)/images --select centered --all-pairs --report out/devtrain-report.html

## Recalibrate the shipped thresholds on the LFW training file (all pairs of its images).
calibrate: bootstrap
	$(LIKENESS) calibrate --pairs $(LFW)/pairsDevTrain.csv --root $(LFW)/images --select centered --output packs/insightface-mbf/calibration.json

format:
	swift format --in-place --recursive Sources Tests Package.swift
