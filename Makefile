# Scoped SCSI error recovery: build, boot and test harness.
#   make test [T=name,name]   build what changed, boot, run the guest tests
#   make demo                 host, target and LUN scope side by side, with a plot
#   make bench                figures under results/bench/ (also builds the
#                             unpatched kernel for the fast-path ratio)
#   make check                checkpatch --strict over patches/series
#   make check-bisect         ... and build every step of the series
#   make export               build/linux commits -> patches/
#   make reset-tree           build/linux back to pristine + patches/series
#   make clean | distclean
SHELL := /bin/bash
TOP := $(CURDIR)
BUILD ?= $(TOP)/build
RESULTS ?= $(TOP)/results
KERNEL_IMAGE := $(BUILD)/obj/arch/x86/boot/bzImage
INITRD := $(BUILD)/initramfs.cpio
T ?=
TIMEOUT ?= 2400
RUN := $(TOP)/scripts/run-guest.py --kernel $(KERNEL_IMAGE) --initrd $(INITRD) --timeout $(TIMEOUT)
STAMP := $(shell date +%Y%m%d-%H%M%S)

export BUILD RESULTS

.PHONY: all deps kernel initramfs test demo bench check check-bisect export \
	reset-tree clean distclean

all: test

deps:
	@scripts/deps.sh --install

kernel:
	@scripts/kernel.sh build

initramfs: kernel
	@scripts/initramfs.sh

test: initramfs
	@mkdir -p $(RESULTS)
	@ln -sfn test-$(STAMP) $(RESULTS)/latest
	@$(RUN) --results $(RESULTS)/test-$(STAMP) --tests "$(T)"

demo: initramfs
	@mkdir -p $(RESULTS)
	@$(RUN) --mode demo --results $(RESULTS)/demo-$(STAMP)
	@python3 scripts/plot-demo.py $(RESULTS)/demo-$(STAMP)

# BENCH_ARGS: scripts/bench.py options, e.g. --parts cases --runs 1
bench: initramfs
	@scripts/base-kernel.sh
	@scripts/bench.py --results $(RESULTS)/bench/$(STAMP) $(BENCH_ARGS)
	@ln -sfn $(STAMP) $(RESULTS)/bench/latest

check:
	@scripts/check.sh

check-bisect:
	@scripts/check.sh --bisect

export:
	@scripts/export.sh

reset-tree:
	@scripts/kernel.sh reset-tree

clean:
	rm -rf $(BUILD)/obj $(BUILD)/modroot $(BUILD)/initramfs $(INITRD) $(BUILD)/state/config-digest \
		$(BUILD)/obj-base $(BUILD)/modroot-base $(BUILD)/initramfs-base* $(BUILD)/state-base $(RESULTS)

distclean:
	rm -rf $(BUILD) $(RESULTS)
