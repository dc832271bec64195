# Likeness: `make run` and `make test` set up whatever is missing first (scripts/bootstrap).
SHELL := /bin/bash
BUILD_FLAGS := -c release -Xswiftc -enable-testing
LIKENESS := .build/release/likeness
SAMPLES := models/samples
LFW := ../shared/data/lfw

DEMO := out/demo-gallery

.PHONY: bootstrap run test bench bench-search parity eval eval-gallery eval-cluster calibrate format

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
	@url=$$(scripts/postgres-test-cluster start) || exit 1; trap 'scripts/postgres-test-cluster stop' EXIT; \
	  echo "swift test $(BUILD_FLAGS) --skip-build  (LIKENESS_TEST_POSTGRES_URL: a throwaway cluster)"; \
	  LIKENESS_TEST_POSTGRES_URL=$$url swift test $(BUILD_FLAGS) --skip-build; status=$$?; exit $$status

## Speed: the Swift pipeline and the reference recipe on the same 500 LFW images, in one run.
bench: bootstrap
	@scripts/bench

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
	$(LIKENESS) eval-gallery --root $(LFW)/images --select centered

## Group LFW's faces by person and score the groups against the folder names (report in out/).
eval-cluster: bootstrap
	@mkdir -p out
	$(LIKENESS) cluster $(LFW)/images --one-face-per-photo --select centered --no-cache --truth-from-folders \
	  --sweep 0.35 0.4 0.5 0.55 --report out/lfw-clusters.html --json out/lfw-clusters.json

## Recalibrate the shipped thresholds on the LFW training file (all pairs of its images).
calibrate: bootstrap
	$(LIKENESS) calibrate --pairs $(LFW)/pairsDevTrain.csv --root $(LFW)/images --select centered --output packs/insightface-mbf/calibration.json

format:
	swift format --in-place --recursive Sources Tests Package.swift
