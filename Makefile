# SPDX-License-Identifier: ISC
# cgijail: one plain GNU Makefile. Objects in build/.
# Targets: all run test unit integration asan fuzz fuzz-smoke bench deps
#          install uninstall install-check man-lint lint clean golden

SHELL	:= /bin/bash
PREFIX	?= /usr/local
CC	?= cc
BUILD	?= build
PORT	?= 8000

PKGS	:= libseccomp libcap libbsd-overlay libtls libcrypt libmd
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   := $(shell pkg-config --libs check 2>/dev/null)

WARN	:= -Werror=implicit-function-declaration \
	   -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes \
	   -Wmissing-prototypes -Wpointer-arith -Wno-unused-parameter
ifeq ($(CI),true)
WARN	+= -Werror
endif
HARDEN	:= -D_FORTIFY_SOURCE=3 -fstack-protector-strong \
	   -fstack-clash-protection -fPIE
OPT	?= -O2 -g
CFLAGS	+= -std=c17 -D_GNU_SOURCE -DLIBBSD_OPENBSD_VIS $(OPT) $(WARN) $(HARDEN) -Iinclude \
	   $(PKG_CFLAGS) -MMD -MP
LDFLAGS	+= -pie -Wl,-z,relro,-z,now
LDLIBS	+= $(PKG_LIBS)

DAEMON_SRCS  := $(sort $(wildcard daemon/*.c))
SANDBOX_SRCS := $(sort $(wildcard sandbox/*.c))
LIB_SRCS     := $(filter-out daemon/main.c,$(DAEMON_SRCS)) $(SANDBOX_SRCS)
ASM_SRCS     := $(sort $(wildcard sandbox/*.S))
LIB_OBJS     := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o) $(ASM_SRCS:%.S=$(BUILD)/obj/%.o)
MAIN_OBJ     := $(BUILD)/obj/daemon/main.o
UNIT_SRCS    := $(sort $(wildcard tests/unit/check_*.c))
UNIT_BINS    := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
HELPER_SRCS  := $(sort $(wildcard tests/helpers/*.c))
HELPER_BINS  := $(HELPER_SRCS:tests/helpers/%.c=$(BUILD)/helpers/%)
FUZZ_SRCS    := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS    := $(FUZZ_SRCS:tests/fuzz/%.c=$(BUILD)/fuzz/%)
# the policies sandbox/policy_data.S embeds with .incbin
POLICY_EMBED := policy/default.policy policy/floor.policy \
		policy/floor-nonet.policy policy/front.policy \
		policy/front-sanitizer.policy policy/executor.policy \
		policy/auth.policy
# the pure modules each fuzz target links, and no more (msg.c needs no
# log.c); make test fuzzes each 60 s.  A new target needs its own line.
FUZZ_LIB_fuzz_cgi_env      := daemon/cgi_env.c
FUZZ_LIB_fuzz_cgi_hint     := daemon/cgi_hint.c
FUZZ_LIB_fuzz_cgi_response := daemon/cgi_resp.c
FUZZ_LIB_fuzz_auth         := daemon/auth.c
FUZZ_LIB_fuzz_config       := daemon/config.c daemon/config_listen.c \
			      $(wildcard daemon/config_kw*.c)
FUZZ_LIB_fuzz_http         := daemon/http.c daemon/http_chunked.c \
			      daemon/http_values.c
FUZZ_LIB_fuzz_msg          := daemon/msg.c
FUZZ_LIB_fuzz_path         := daemon/http.c
FUZZ_LIB_fuzz_proxy        := daemon/proxy.c
FUZZ_LIB_fuzz_userdir      := daemon/userdir.c daemon/config.c \
			      daemon/config_listen.c \
			      $(wildcard daemon/config_kw*.c)
FUZZ_LIB_fuzz_policy       := sandbox/filter_parse.c sandbox/filter.c \
			      sandbox/filter_merge.c sandbox/filter_split.c \
			      sandbox/policy_data.S
FUZZ_LIB     := $(sort $(foreach t,$(FUZZ_SRCS:tests/fuzz/%.c=%),\
		    $(FUZZ_LIB_$(t))))
FUZZ_TIME    ?= 60

.PHONY: all run test unit integration asan fuzz fuzz-smoke bench deps \
	install uninstall install-check man-lint lint clean helpers \
	clang-check unit-asan golden

all: $(BUILD)/cgijail helpers cgi-bin/hello-c

# the compiled example script served by `make run`
cgi-bin/hello-c: cgi-bin/hello.c
	$(CC) -std=c17 -O2 -Wall -Wextra $(HARDEN) -o $@ $<
	chmod 755 $@

$(BUILD)/cgijail: $(MAIN_OBJ) $(BUILD)/libcgijail.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/libcgijail.a: $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

# the seccomp policies are embedded with .incbin
$(BUILD)/obj/sandbox/%.o: sandbox/%.S $(POLICY_EMBED)
	@mkdir -p $(dir $@)
	$(CC) -I. -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libcgijail.a $(wildcard tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(CHECK_CFLAGS) $(LDFLAGS) -o $@ $< \
	    $(BUILD)/libcgijail.a $(LDLIBS) $(CHECK_LIBS)

# small static programs the integration tests drop into a docroot
helpers: $(HELPER_BINS)
$(BUILD)/helpers/%: tests/helpers/%.c
	@mkdir -p $(dir $@)
	$(CC) -std=c17 -D_GNU_SOURCE -O2 -Wall -Wextra -static -o $@ $<

# ---- running ---------------------------------------------------------

# deps first, in its own make: pkg-config flags are read when make starts
run: deps
	$(MAKE) all
	$(BUILD)/cgijail -b 127.0.0.1 -d . $(PORT)

# ---- tests -----------------------------------------------------------

test: deps
	$(MAKE) all
	$(MAKE) layers
	$(MAKE) man-lint
	$(MAKE) install-check
	$(MAKE) clang-check
	$(MAKE) unit
	$(MAKE) integration
	$(MAKE) asan
	$(MAKE) fuzz-smoke
	@echo "make test: all suites passed"

# the architecture, checked on the objects with nm (tests/layers.sh)
.PHONY: layers
layers: $(LIB_OBJS) $(MAIN_OBJ)
	bash tests/layers.sh $(BUILD)/obj

# the tree must also be clean under clang with -Werror
clang-check:
	$(MAKE) CC=clang BUILD=build-clang CI=true build-clang/cgijail

unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; CK_FORK=yes $$t; done

# after an intended policy change: rewrite tests/unit/golden/*.pfc (the
# compiled policies as libseccomp sees them), then review their diff
golden: $(BUILD)/tests/check_policy
	@mkdir -p tests/unit/golden
	CHECK_POLICY_GOLDEN=write $(BUILD)/tests/check_policy

integration: all
	python3 tests/integration/run.py --daemon $(abspath $(BUILD))/cgijail \
	    --helpers $(abspath $(BUILD))/helpers

# the whole suite again against an ASan+UBSan build
ASAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
	      -fno-sanitize-recover=undefined
asan:
	$(MAKE) BUILD=build-asan OPT="-O1 -g $(ASAN_FLAGS)" \
	    LDFLAGS="$(ASAN_FLAGS)" all unit-asan
	ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    python3 tests/integration/run.py \
	    --daemon $(abspath build-asan)/cgijail \
	    --helpers $(abspath build)/helpers --sanitizer

unit-asan: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; \
	    ASAN_OPTIONS=detect_leaks=1 CK_FORK=yes $$t; done

# libFuzzer targets, built with clang
FUZZ_CFLAGS := -std=c17 -D_GNU_SOURCE -DLIBBSD_OPENBSD_VIS -g -O1 -Iinclude $(PKG_CFLAGS) \
	       -fsanitize=fuzzer,address,undefined -DCGIJAIL_FUZZ
fuzz: $(FUZZ_BINS)
$(BUILD)/fuzz/%: tests/fuzz/%.c $(FUZZ_LIB) $(POLICY_EMBED) \
	    $(wildcard include/*.h daemon/*.h sandbox/*.h tests/unit/*.h)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_LIB_$*) $(PKG_LIBS)

# each target FUZZ_TIME seconds of wall clock, FUZZ_JOBS at a time
FUZZ_JOBS    ?= 2
fuzz-smoke: fuzz
	bash tests/fuzz/smoke.sh $(BUILD) $(FUZZ_TIME) $(FUZZ_JOBS) $(FUZZ_BINS)

# cgijail against lighttpd, nginx + fcgiwrap, apache2 mod_cgid and python3's
# http.server, side by side (bench/README.md); not part of make test
BENCH_BINS := $(BUILD)/bench/hello $(BUILD)/bench/echo $(BUILD)/bench/spawncost
BENCH_ROUNDS ?= 3
BENCH_DURATION ?= 4
bench: deps
	$(MAKE) all $(BENCH_BINS)
	BUILD=$(abspath $(BUILD)) ROUNDS=$(BENCH_ROUNDS) \
	    DURATION=$(BENCH_DURATION) bash bench/run.sh

# the sandbox-cost microbenchmark links the library as the executor does
$(BUILD)/bench/spawncost: bench/spawncost.c $(BUILD)/libcgijail.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libcgijail.a $(LDLIBS)

# the benchmarks' static CGI programs
$(BUILD)/bench/%: bench/%.c
	@mkdir -p $(dir $@)
	$(CC) -std=c17 -D_GNU_SOURCE -O2 -Wall -Wextra -static -o $@ $<

# ---- setup -----------------------------------------------------------

DEB_PKGS := gcc make pkg-config libseccomp-dev libcap-dev libbsd-dev check \
	    curl clang libclang-rt-14-dev python3 perl iproute2 gdb util-linux \
	    strace
# issue 11: libtls (the front's TLS), openssl (the tests' certificates and
# clients), haproxy (tests/integration/test_proxy_haproxy.py)
DEB_PKGS += libtls-dev openssl haproxy
# authenticate: crypt_rn (libxcrypt), SHA-256 (libmd, under libbsd);
# htpasswd -B makes the tests' bcrypt hashes
DEB_PKGS += libcrypt-dev libmd-dev apache2-utils
# the real applications tests/integration/test_app_*.py run (examples/),
# and the browser of tests/browser/ (chromium: about 15 s to install)
DEB_PKGS += git cgit gitweb php-cgi man2html chromium
# issue 11: systemd-socket-activate and systemd-analyze (tests), mandoc
# (the man pages' lint), logrotate (contrib/cgijail.logrotate's test)
DEB_PKGS += systemd mandoc logrotate
# issue 11, metrics: the reference parser of the exposition format
# (test_metrics*.py run it with Debian's /usr/bin/python3)
DEB_PKGS += python3-prometheus-client
deps:
	@missing=""; for p in $(DEB_PKGS); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
	        grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	    if [ "$$(id -u)" != 0 ]; then \
	        echo "cgijail: missing Debian packages:$$missing"; \
	        echo "cgijail: run 'make deps' as root, or apt-get install them"; \
	        exit 1; fi; \
	    echo "cgijail: installing$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	        apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# ---- install ---------------------------------------------------------
# make install [PREFIX=/usr/local] [DESTDIR=] [SYSCONFDIR=/etc]: the
# binary, the man pages, the policies, the example configurations, the
# systemd units and the logrotate file; no configuration is installed
# (copy an example to $(SYSCONFDIR)/cgijail/cgijail.conf).  Without
# DESTDIR the _cgijail account is created if it is missing.
SYSCONFDIR	?= /etc
LOCALSTATEDIR	?= /var
SBINDIR		:= $(PREFIX)/sbin
MANDIR		:= $(PREFIX)/share/man
DATADIR		:= $(PREFIX)/share/cgijail
DOCDIR		:= $(PREFIX)/share/doc/cgijail
UNITDIR		?= $(PREFIX)/lib/systemd/system
LOGROTATEDIR	:= $(SYSCONFDIR)/logrotate.d
LOGDIR		:= $(LOCALSTATEDIR)/log/cgijail
USERADD		?= useradd
EXAMPLES	:= $(sort $(wildcard examples/*.conf examples/*.limits))
# the installed units name the installed binary and configuration
UNIT_SED	:= -e 's|/usr/local/sbin/cgijail|$(SBINDIR)/cgijail|' \
		   -e 's|/etc/cgijail/|$(SYSCONFDIR)/cgijail/|'

install: $(BUILD)/cgijail
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(DATADIR) \
	    $(DESTDIR)$(DOCDIR)/examples $(DESTDIR)$(UNITDIR) \
	    $(DESTDIR)$(LOGROTATEDIR) $(DESTDIR)$(SYSCONFDIR)/cgijail
	install -d -m 0750 $(DESTDIR)$(LOGDIR)
	install -m 0755 $(BUILD)/cgijail $(DESTDIR)$(SBINDIR)/cgijail
	install -m 0644 man/cgijail.8 $(DESTDIR)$(MANDIR)/man8/cgijail.8
	install -m 0644 man/cgijail.conf.5 \
	    $(DESTDIR)$(MANDIR)/man5/cgijail.conf.5
	install -m 0644 policy/default.policy policy/strict.policy \
	    $(DESTDIR)$(DATADIR)/
	install -m 0644 policy/README $(DESTDIR)$(DATADIR)/README.policy
	install -m 0644 $(EXAMPLES) $(DESTDIR)$(DOCDIR)/examples/
	sed $(UNIT_SED) contrib/cgijail.service > \
	    $(DESTDIR)$(UNITDIR)/cgijail.service
	install -m 0644 contrib/cgijail.socket $(DESTDIR)$(UNITDIR)/
	chmod 0644 $(DESTDIR)$(UNITDIR)/cgijail.service
	install -m 0644 contrib/cgijail.logrotate \
	    $(DESTDIR)$(LOGROTATEDIR)/cgijail
	@if [ -z "$(DESTDIR)" ] && ! id -u _cgijail >/dev/null 2>&1; then \
	    echo "cgijail: creating the _cgijail account (the front's user)"; \
	    $(USERADD) --system --user-group --no-create-home \
	        --home-dir /nonexistent --shell /usr/sbin/nologin _cgijail; \
	fi
	@[ -n "$(DESTDIR)" ] || echo "cgijail: installed; next: cp" \
	    "$(DOCDIR)/examples/internet.conf $(SYSCONFDIR)/cgijail/cgijail.conf," \
	    "edit it, systemctl daemon-reload, systemctl enable --now cgijail"

# what install put there; the account, configurations and logs stay
uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/cgijail \
	    $(DESTDIR)$(MANDIR)/man8/cgijail.8 \
	    $(DESTDIR)$(MANDIR)/man5/cgijail.conf.5 \
	    $(DESTDIR)$(DATADIR)/default.policy \
	    $(DESTDIR)$(DATADIR)/strict.policy \
	    $(DESTDIR)$(DATADIR)/README.policy \
	    $(addprefix $(DESTDIR)$(DOCDIR)/examples/,$(notdir $(EXAMPLES))) \
	    $(DESTDIR)$(UNITDIR)/cgijail.service \
	    $(DESTDIR)$(UNITDIR)/cgijail.socket \
	    $(DESTDIR)$(LOGROTATEDIR)/cgijail
	-rmdir $(DESTDIR)$(DATADIR) $(DESTDIR)$(DOCDIR)/examples \
	    $(DESTDIR)$(DOCDIR) $(DESTDIR)$(SYSCONFDIR)/cgijail \
	    $(DESTDIR)$(LOGDIR) 2>/dev/null

# make test: an install into a DESTDIR, listed, checked, uninstalled
install-check: $(BUILD)/cgijail
	bash tests/install_check.sh $(BUILD)

# the man pages as mandoc sees them, down to style: no message about
# them at all (each other's .Xr found through a MANPATH that has both;
# what mandoc says about the system's own database is not about them)
man-lint:
	@set -e; t=$$(mktemp -d); trap 'rm -rf "$$t"' EXIT; \
	mkdir "$$t/man5" "$$t/man8"; \
	cp man/cgijail.conf.5 "$$t/man5/"; cp man/cgijail.8 "$$t/man8/"; \
	out=$$(MANPATH="$$t:/usr/share/man" mandoc -Tlint -Wstyle \
	    man/cgijail.8 man/cgijail.conf.5 2>&1 | grep '^mandoc: man/' \
	    || true); \
	if [ -n "$$out" ]; then echo "$$out"; exit 1; fi; \
	echo "man-lint: man/cgijail.8 man/cgijail.conf.5: clean"

lint:
	cppcheck --quiet --enable=warning,portability --inline-suppr \
	    --error-exitcode=1 -Iinclude daemon sandbox
	shellcheck bench/*.sh cgi-bin/*.sh 2>/dev/null || true

clean:
	rm -rf build build-asan build-clang

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
