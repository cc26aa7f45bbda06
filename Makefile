# ferrozmq: build, install, test, demo.
#
#   make                      release build, staged in build/lib
#   make install PREFIX=/usr/local [DESTDIR=...]
#   make uninstall PREFIX=... [DESTDIR=...]
#   make test                 every check CI runs
#   make demo                 installs into build/demo-prefix and runs the demo
#   make reference-test       runs the C API tests on Debian's libzmq, to
#                             check the tests' own expectations
#   make bench                the perf programs on ferrozmq and on Debian's
#                             libzmq (same binaries), with ratios
#   make pyzmq-test           pyzmq's own test suite on the library just built
#   make security-interop-test, hostile-curve-test
#                             PLAIN/CURVE/ZAP against Debian's libzmq
#   make security-reference-test  the same tests with Debian's libzmq on
#                             every side, to check their expectations
#   make curve-demo           the CURVE example on the library just built
#
#   SODIUM=auto|yes|no        CURVE crypto from libsodium or RustCrypto
#                             (auto: libsodium when pkg-config finds it)

PREFIX ?= /usr/local
DESTDIR ?=
CARGO ?= cargo
CC ?= cc
PKG_CONFIG ?= pkg-config

SO_VERSION := 5.2.5
BUILD := build
STAGE := $(BUILD)/lib
ABS_STAGE := $(abspath $(STAGE))
RELEASE := target/release
# CURVE's XSalsa20-Poly1305 comes from libsodium (cargo feature `sodium`)
# when pkg-config finds it, as distributions build libzmq with
# --with-libsodium; SODIUM=no keeps it pure Rust (RustCrypto), SODIUM=yes
# insists on libsodium.
SODIUM ?= auto
ifeq ($(SODIUM),auto)
SODIUM := $(shell $(PKG_CONFIG) --exists libsodium 2>/dev/null && echo yes || echo no)
endif
ifeq ($(SODIUM),yes)
CARGO_FEATURES := --features sodium
SODIUM_LIBS := -lsodium
else ifeq ($(SODIUM),no)
CARGO_FEATURES :=
SODIUM_LIBS :=
else
$(error SODIUM must be auto, yes or no, not '$(SODIUM)')
endif
# What a static link of libzmq.a needs besides -lzmq (Rust's runtime).
LIBS_PRIVATE := $(SODIUM_LIBS) -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc

CFLAGS_TEST := -std=c99 -O1 -g -Wall -Wextra -Werror -D_GNU_SOURCE
CAPI_SRCS := $(wildcard capi-tests/test_*.c)
CAPI_BINS := $(patsubst capi-tests/%.c,$(BUILD)/capi/%,$(CAPI_SRCS))
REF_BINS := $(patsubst capi-tests/%.c,$(BUILD)/capi-ref/%,$(filter-out %_draft.c,$(CAPI_SRCS)))

.PHONY: all build install uninstall test unit-tests lint header-tests capi-tests \
        install-test static-test reference-test guide-test interop-test hostile-test \
        security-interop-test hostile-curve-test security-reference-test curve-demo pyzmq-test \
        demo deps bench clean

all: build

build:
	@echo "CURVE crypto: $(if $(SODIUM_LIBS),libsodium,RustCrypto) (SODIUM=$(SODIUM))"
	$(CARGO) build --release $(CARGO_FEATURES)
	mkdir -p $(STAGE)
	@# Copy, then rename: a running program keeps its mapping intact.
	cp -f $(RELEASE)/libzmq.so $(STAGE)/.libzmq.so.tmp
	mv -f $(STAGE)/.libzmq.so.tmp $(STAGE)/libzmq.so.$(SO_VERSION)
	ln -sf libzmq.so.$(SO_VERSION) $(STAGE)/libzmq.so.5
	ln -sf libzmq.so.5 $(STAGE)/libzmq.so
	cp -f $(RELEASE)/libzmq.a $(STAGE)/.libzmq.a.tmp
	mv -f $(STAGE)/.libzmq.a.tmp $(STAGE)/libzmq.a

LIBDIR_INSTALL = $(DESTDIR)$(PREFIX)/lib
INCDIR_INSTALL = $(DESTDIR)$(PREFIX)/include

install: build
	install -d $(LIBDIR_INSTALL)/pkgconfig $(INCDIR_INSTALL)
	install -m 755 $(STAGE)/libzmq.so.$(SO_VERSION) $(LIBDIR_INSTALL)/
	ln -sf libzmq.so.$(SO_VERSION) $(LIBDIR_INSTALL)/libzmq.so.5
	ln -sf libzmq.so.5 $(LIBDIR_INSTALL)/libzmq.so
	install -m 644 $(STAGE)/libzmq.a $(LIBDIR_INSTALL)/
	install -m 644 include/zmq.h include/zmq_utils.h $(INCDIR_INSTALL)/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBS_PRIVATE@|$(LIBS_PRIVATE)|' \
	    zmq.pc.in > $(LIBDIR_INSTALL)/pkgconfig/libzmq.pc

uninstall:
	rm -f $(LIBDIR_INSTALL)/libzmq.so.$(SO_VERSION) $(LIBDIR_INSTALL)/libzmq.so.5 \
	      $(LIBDIR_INSTALL)/libzmq.so $(LIBDIR_INSTALL)/libzmq.a \
	      $(LIBDIR_INSTALL)/pkgconfig/libzmq.pc \
	      $(INCDIR_INSTALL)/zmq.h $(INCDIR_INSTALL)/zmq_utils.h

# Debian's libzmq (header for the parity check, library for the reference
# run and, later, interop peers). Installed only when missing.
deps:
	@if [ ! -f /usr/include/zmq.h ] || [ ! -e /usr/lib/x86_64-linux-gnu/libzmq.so.5 ]; then \
	    echo "installing Debian's libzmq for reference checks"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	        apt-get install -y -qq libzmq3-dev >/dev/null; \
	fi

test: deps lint unit-tests build header-tests capi-tests install-test static-test reference-test guide-test \
      curve-demo interop-test hostile-test security-interop-test hostile-curve-test pyzmq-test
	@echo "make test: all checks passed"

lint:
	$(CARGO) fmt --check
	$(CARGO) clippy --all-targets -- -D warnings
	$(if $(SODIUM_LIBS),$(CARGO) clippy --all-targets $(CARGO_FEATURES) -- -D warnings)

# Both CURVE crypto builds: the mechanism tests run on each, and the
# libsodium build checks its boxes against RustCrypto's byte for byte.
unit-tests:
	$(CARGO) test
	$(if $(SODIUM_LIBS),$(CARGO) test $(CARGO_FEATURES) --lib zmtp::mechanism)

header-tests: build
	python3 capi-tests/header/check_constants.py include /usr/include/zmq.h
	sh capi-tests/header/compile_check.sh include
	python3 capi-tests/header/check_exports.py include $(STAGE)/libzmq.so.5

$(BUILD)/capi/%: capi-tests/%.c capi-tests/testutil.h capi-tests/sockutil.h capi-tests/rawsock.h include/zmq.h build
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_TEST) -DTEST_LIBDIR='"$(ABS_STAGE)"' -I include -o $@ $< \
	    -L$(STAGE) -lzmq -Wl,-rpath,$(ABS_STAGE) -ldl -lpthread

capi-tests: $(CAPI_BINS)
	@set -e; for t in $(CAPI_BINS); do echo "== $$t"; $$t; done

# The same tests against Debian's libzmq 4.3.4 (its own header, its own
# library): a test expectation that libzmq does not meet is a wrong test.
# Parts where libzmq crashes or knowingly differs are skipped there.
$(BUILD)/capi-ref/%: capi-tests/%.c capi-tests/testutil.h capi-tests/sockutil.h capi-tests/rawsock.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_TEST) -o $@ $< -lzmq -ldl -lpthread

reference-test: deps $(REF_BINS)
	@set -e; for t in $(REF_BINS); do echo "== $$t (Debian libzmq)"; FERROZMQ_REFERENCE=1 $$t; done

# Installs into a scratch prefix, builds a program with pkg-config against
# it, and checks it runs on the installed library; then uninstalls.
install-test: build
	rm -rf $(BUILD)/install-test
	$(MAKE) --no-print-directory install PREFIX=/usr/local DESTDIR=$(abspath $(BUILD))/install-test
	sh capi-tests/install_test.sh $(abspath $(BUILD))/install-test/usr/local
	$(MAKE) --no-print-directory uninstall PREFIX=/usr/local DESTDIR=$(abspath $(BUILD))/install-test
	@test -z "$$(find $(BUILD)/install-test -type f -o -type l)" || \
	    { echo "uninstall left files behind"; find $(BUILD)/install-test -type f -o -type l; exit 1; }
	@echo "install-test: 1 passed, 0 failed"

# The guide's programs across processes over tcp and ipc, on the library
# just built.
guide-test: build
	@CFLAGS="-I$(abspath include)" LDFLAGS="-L$(ABS_STAGE) -Wl,-rpath,$(ABS_STAGE)" \
	    sh c-examples/guide/build.sh $(BUILD)/guide >/dev/null
	@ldd $(BUILD)/guide/hwclient | grep -q "$(ABS_STAGE)/libzmq.so.5" || \
	    { echo "guide programs did not link the library just built"; exit 1; }
	sh c-examples/guide/run_demo.sh $(BUILD)/guide tcp
	sh c-examples/guide/run_demo.sh $(BUILD)/guide ipc

# ferrozmq against Debian's libzmq in separate processes: every scenario,
# both roles, either side binding, over tcp and ipc.
interop-test: build deps
	SIDE_A_LIBDIR=$(ABS_STAGE) SIDE_B_LIBDIR=/usr/lib/x86_64-linux-gnu sh interop/run.sh

# Raw-TCP peers (misbehaving, or speaking ZMTP 1.0/2.0) at a ferrozmq
# server; each case expects what libzmq does, monitor events included.
hostile-test: build
	SERVER_LIBDIR=$(ABS_STAGE) python3 interop/hostile.py

# PLAIN, CURVE and ZAP between ferrozmq and Debian's libzmq in separate
# processes: every scenario, either side the security server, either side
# binding; monitor events pinned to what libzmq reports.
security-interop-test: build deps
	SIDE_A_LIBDIR=$(ABS_STAGE) SIDE_B_LIBDIR=/usr/lib/x86_64-linux-gnu sh interop/security.sh

# pyzmq's own test suite (Debian's python3-zmq, a prebuilt binding linked
# to libzmq.so.5) on the library just built.
pyzmq-test: build
	PYZMQ_LIBDIR=$(ABS_STAGE) sh interop/pyzmq_suite.sh

# Raw CurveZMQ clients (Python, libsodium through ctypes) breaking the
# handshake and the MESSAGE stream of a ferrozmq CURVE server.
hostile-curve-test: build deps
	SERVER_LIBDIR=$(ABS_STAGE) python3 interop/hostile_curve.py

# Both security suites with Debian's libzmq on every side: a failure here
# is a wrong expectation in the tests, not a ferrozmq bug. Needs no build.
security-reference-test: deps
	sh interop/security.sh
	python3 interop/hostile_curve.py

# The CURVE example (c-examples/curve) on the library just built: a client
# served, one refused by ZAP, one with a forged server key.
curve-demo: build
	@CFLAGS="-I$(abspath include)" LDFLAGS="-L$(ABS_STAGE) -Wl,-rpath,$(ABS_STAGE)" \
	    sh c-examples/curve/build.sh $(BUILD)/curve >/dev/null
	@ldd $(BUILD)/curve/curve_client | grep -q "$(ABS_STAGE)/libzmq.so.5" || \
	    { echo "the curve example did not link the library just built"; exit 1; }
	sh c-examples/curve/run_demo.sh $(BUILD)/curve

static-test: build
	@mkdir -p $(BUILD)/static
	$(CC) $(CFLAGS_TEST) -DTEST_STATIC -I include -o $(BUILD)/static/test_static \
	    capi-tests/test_version.c $(STAGE)/libzmq.a $(LIBS_PRIVATE)
	$(BUILD)/static/test_static

DEMO_PREFIX := $(abspath $(BUILD))/demo-prefix
DEMOS := hello_ferrozmq mtserver pubsub_fanout

# Each demo is built against the installed library with pkg-config, as a
# user would build it, and run from there.
demo: build
	@$(MAKE) --no-print-directory install PREFIX=$(DEMO_PREFIX) >/dev/null
	@mkdir -p $(BUILD)/demo
	@set -e; for d in $(DEMOS); do \
	    $(CC) -std=c99 -Wall -O2 -o $(BUILD)/demo/$$d c-examples/$$d.c \
	        $$(PKG_CONFIG_PATH=$(DEMO_PREFIX)/lib/pkgconfig $(PKG_CONFIG) --cflags --libs libzmq) \
	        -Wl,-rpath,$(DEMO_PREFIX)/lib; \
	done
	@echo "== running on $$(ldd $(BUILD)/demo/hello_ferrozmq | grep -o "/[^ ]*libzmq.so[^ ]*")"
	@set -e; for d in $(DEMOS); do echo; echo "== $$d"; $(BUILD)/demo/$$d; done
	@CFLAGS="$$(PKG_CONFIG_PATH=$(DEMO_PREFIX)/lib/pkgconfig $(PKG_CONFIG) --cflags libzmq)" \
	 LDFLAGS="$$(PKG_CONFIG_PATH=$(DEMO_PREFIX)/lib/pkgconfig $(PKG_CONFIG) --libs libzmq) -Wl,-rpath,$(DEMO_PREFIX)/lib" \
	 sh c-examples/guide/build.sh $(BUILD)/demo/guide >/dev/null
	@echo; echo "== the guide's chapter 1-2 patterns across processes, over tcp"
	@sh c-examples/guide/run_demo.sh $(BUILD)/demo/guide tcp
	@echo; echo "== and over ipc"
	@sh c-examples/guide/run_demo.sh $(BUILD)/demo/guide ipc
	@CFLAGS="$$(PKG_CONFIG_PATH=$(DEMO_PREFIX)/lib/pkgconfig $(PKG_CONFIG) --cflags libzmq)" \
	 LDFLAGS="$$(PKG_CONFIG_PATH=$(DEMO_PREFIX)/lib/pkgconfig $(PKG_CONFIG) --libs libzmq) -Wl,-rpath,$(DEMO_PREFIX)/lib" \
	 sh c-examples/curve/build.sh $(BUILD)/demo/curve >/dev/null
	@echo; echo "== CURVE request-reply with a ZAP allow-list"
	@sh c-examples/curve/run_demo.sh $(BUILD)/demo/curve

bench: build deps
	sh bench/run.sh

clean:
	$(CARGO) clean
	rm -rf $(BUILD)
