# bedside — clinical follow-up at the bedside.  See README.md.
#
#   make            build ./bedside
#   make run        install missing packages, build, make a demo database, open it
#   make check      install missing packages, build with -Werror in build-check/,
#                   run every test
#   make check SANITIZE=1   the same under ASan and UBSan (build-check-san/)
#   make bench      the scale benchmarks (figures go in README.md)
#   make deb        the Debian package (build-deb/bedside_*.deb)
#   make deb-check  build, lint, install, try and purge the package (root)
#   make fuzz       libFuzzer on the form and config loaders and databases (FUZZ_SECONDS each)
#   make install    install what `make` built (never builds): binary, forms,
#                   config (/etc/bedside), man pages, README, bash completion
#   make uninstall  remove what `make install` put (an edited config stays)
#
# The binary finds its forms and default configuration at run time from its
# own location (./forms beside a checkout build, ../share/bedside when
# installed), so one build works in the checkout and installed anywhere.

# Where `make install` puts things (and DATADIR is the compiled fallback).
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
DATADIR    ?= $(PREFIX)/share/bedside
MANDIR     ?= $(PREFIX)/share/man
DOCDIR     ?= $(PREFIX)/share/doc/bedside
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
SYSCONFDIR ?= /etc

# Libraries, found through pkg-config: the model's (cairo draws the PDF,
# SVG and PNG charts, src/plot*), and the UI's (curses).
CORE_PKGS := sqlite3 yaml-0.1 gsl nettle cairo fontconfig
UI_PKGS   := ncursesw
# Debian packages: to build; to run the tests; to build and lint the .deb.
# A library added to BUILD_DEBS goes into debian/control's Build-Depends too
# (tests/install/debian.sh checks that they agree).
BUILD_DEBS := gcc make pkg-config libncurses-dev libsqlite3-dev libyaml-dev libgsl-dev nettle-dev \
              libcairo2-dev libfontconfig-dev
TEST_DEBS  := tmux sqlite3 python3 openssh-server openssh-client clang libclang-rt-14-dev locales \
              ncurses-term mandoc binutils r-base-core r-cran-survival \
              poppler-utils fonts-dejavu-core python3-yaml
DEB_DEBS   := build-essential debhelper dpkg-dev lintian

SANITIZE ?=
BUILD   := build$(if $(SANITIZE),-san)
BIN     := $(if $(SANITIZE),$(BUILD)/bedside,bedside)
CC      ?= cc
CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes \
           -Wno-unused-parameter
ifneq ($(WERROR),)
WARN    += -Werror
endif
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
# Hardening by default; CPPFLAGS, CFLAGS and LDFLAGS from the caller (such as
# dpkg-buildflags) come after ours, so they can add to or override them.
# _FORTIFY_SOURCE: unless the caller sets it, or builds without optimising
# (glibc then warns that it does nothing).
HARDEN_CPPFLAGS := $(if $(findstring _FORTIFY_SOURCE,$(CPPFLAGS) $(CFLAGS)),,$(if \
                   $(filter-out -O0,$(filter -O%,$(CFLAGS))),-D_FORTIFY_SOURCE=2))
HARDEN_CFLAGS   := -fstack-protector-strong -fPIE
HARDEN_LDFLAGS  := -pie -Wl,-z,relro -Wl,-z,now
# cairo and fontconfig are compiled against but not linked: src/plot_cairo.c
# opens them when a chart is first drawn, so commands that draw nothing do
# not load them and the libraries they bring. GSL likewise, opened by
# src/stat_gsl.c when the cohort report first computes; its sonames change
# with its releases, so they are read from the libraries built against
# (DLOPEN_SONAMES; tests/install/debian.sh checks debian/control has them).
DLOPEN_PKGS := cairo fontconfig gsl
soname = $(shell objdump -p "$$(pkg-config --variable=libdir gsl 2>/dev/null)/$(1)" 2>/dev/null | \
           awk '$$1 == "SONAME" { print $$2 }')
# (Each read once, at its first use: after `make deps` has installed GSL.)
GSL_SO      = $(eval GSL_SO := $(call soname,libgsl.so))$(GSL_SO)
GSLCBLAS_SO = $(eval GSLCBLAS_SO := $(call soname,libgslcblas.so))$(GSLCBLAS_SO)
DLOPEN_SONAMES = $(GSL_SO) $(GSLCBLAS_SO)
PKG_CFLAGS = $(shell pkg-config --cflags $(CORE_PKGS) $(UI_PKGS) 2>/dev/null)
CORE_LIBS  = $(shell pkg-config --libs $(filter-out $(DLOPEN_PKGS),$(CORE_PKGS)) 2>/dev/null) -lm -ldl
UI_LIBS    = $(shell pkg-config --libs $(UI_PKGS) 2>/dev/null)

ALL_CPPFLAGS = -D_GNU_SOURCE $(PKG_CFLAGS) -DBEDSIDE_DATADIR='"$(DATADIR)"' \
               -DBEDSIDE_SYSCONFDIR='"$(SYSCONFDIR)"' -DBEDSIDE_GSL_SO='"$(GSL_SO)"' \
               -DBEDSIDE_GSLCBLAS_SO='"$(GSLCBLAS_SO)"' $(HARDEN_CPPFLAGS) $(CPPFLAGS)
ALL_CFLAGS  = -std=c11 $(WARN) $(HARDEN_CFLAGS) $(if $(SANITIZE),$(SANFLAGS)) $(CFLAGS)
ALL_LDFLAGS = $(HARDEN_LDFLAGS) $(if $(SANITIZE),$(SANFLAGS)) $(LDFLAGS)

SRC     := $(wildcard src/*.c)
UI_SRC  := $(filter src/ui_%.c,$(SRC))
CORE_SRC := $(filter-out src/main.c $(UI_SRC),$(SRC))
CORE_OBJ := $(CORE_SRC:src/%.c=$(BUILD)/%.o)
UI_OBJ  := $(UI_SRC:src/%.c=$(BUILD)/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

# `make check` tests a binary of its own, always built with -Werror.
CHECK_BUILD := build-check$(if $(SANITIZE),-san)
DEMO_DB ?= $(CURDIR)/demo.db
FUZZ_SECONDS ?= $(if $(CI),60,10)

.PHONY: all units run check test deps test-deps deb-deps bench bench-side fuzz install uninstall \
        deb deb-check clean clean-objs FORCE
all: $(BIN)
units: $(UNIT_BIN)

# Every object depends on the flags it was compiled with: changing WERROR,
# CFLAGS, CPPFLAGS, LDFLAGS or DATADIR rebuilds instead of mixing builds.
$(BUILD)/flags: FORCE | $(BUILD)
	@printf '%s\n' '$(subst ','\'',$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(ALL_LDFLAGS))' >$@.new
	@if cmp -s $@.new $@; then rm -f $@.new; else mv -f $@.new $@; fi

$(BUILD)/%.o: src/%.c $(wildcard src/*.h) $(BUILD)/flags | $(BUILD)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD):
	mkdir -p $(BUILD)/tests

# The model (everything but main.c and ui_*) is a library that links without
# curses; the unit tests link against it alone, which keeps it curses-free.
$(BUILD)/libcore.a: $(CORE_OBJ)
	rm -f $@ && ar rcs $@ $^

$(BIN): $(BUILD)/main.o $(UI_OBJ) $(BUILD)/libcore.a $(BUILD)/schema_held.o
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(BUILD)/main.o $(UI_OBJ) $(BUILD)/libcore.a \
	  $(BUILD)/schema_held.o $(UI_LIBS) $(CORE_LIBS)

# The schema text of every version, made by running the migration steps at
# build time and held in the program (src/store_schema.c).
$(BUILD)/schema_held: tools/schema_held.c $(BUILD)/libcore.a
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -Isrc $(ALL_LDFLAGS) -o $@ $< $(BUILD)/libcore.a $(CORE_LIBS)
$(BUILD)/schema_held.c: $(BUILD)/schema_held
	$(BUILD)/schema_held >$@.new && mv -f $@.new $@
$(BUILD)/schema_held.o: $(BUILD)/schema_held.c
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

# Unit tests read the forms and config of this tree (BEDSIDE_SRCDIR).
$(BUILD)/tests/%: tests/unit/%.c tests/unit/t.h $(BUILD)/libcore.a
	$(CC) $(ALL_CPPFLAGS) -DBEDSIDE_SRCDIR='"$(CURDIR)"' $(ALL_CFLAGS) -Isrc $(ALL_LDFLAGS) \
	  -o $@ $< $(BUILD)/libcore.a $(CORE_LIBS)

# Install missing Debian packages when we can (root, or sudo without a
# password); otherwise say what is missing and let the build try anyway.
define install_debs
	@if command -v dpkg >/dev/null 2>&1; then \
	  missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	  if [ -n "$$missing" ]; then \
	    if [ "$$(id -u)" = 0 ]; then sudo=""; \
	    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; \
	    else echo "bedside: missing packages:$$missing (install them as root)" >&2; exit 0; fi; \
	    echo "installing:$$missing"; \
	    $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq \
	      $(2) $$missing >/dev/null; \
	  fi; \
	fi
endef

deps:
	$(call install_debs,$(BUILD_DEBS))

test-deps:
	$(call install_debs,$(BUILD_DEBS) $(TEST_DEBS))

# Without recommends: debhelper and lintian pull in a lot otherwise.
deb-deps:
	$(call install_debs,$(BUILD_DEBS) $(DEB_DEBS),--no-install-recommends)

run: deps
	$(MAKE) all
	@[ -f "$(DEMO_DB)" ] || ./bedside --db "$(DEMO_DB)" demo --patients 200 --seed 1
	./bedside --db "$(DEMO_DB)"

check: test-deps
	$(MAKE) --no-print-directory WERROR=1 BUILD=$(CHECK_BUILD) BIN=$(CHECK_BUILD)/bedside all units
	BEDSIDE="$(CURDIR)/$(CHECK_BUILD)/bedside" BUILD="$(CHECK_BUILD)" SANITIZE="$(SANITIZE)" \
	  CORE_PKGS="$(CORE_PKGS)" FUZZ_SECONDS="$(FUZZ_SECONDS)" tests/run

test: check

bench: all $(BUILD)/bench_search
	tests/bench/run

# Each keystroke of a search in the patient list, timed (tests/bench/run).
$(BUILD)/bench_search: tests/bench/search_keys.c $(BUILD)/libcore.a
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -Isrc $(ALL_LDFLAGS) -o $@ $< $(BUILD)/libcore.a $(CORE_LIBS)

# Each command beside the sqlite3 shell running the same queries, at
# BENCH_SIZES patients (default 1000; e.g. make bench-side BENCH_SIZES="1000 10000").
bench-side: all
	BENCH_SIZES="$(or $(BENCH_SIZES),1000)" tests/bench/side

fuzz:
	CORE_PKGS="$(CORE_PKGS)" tests/fuzz/run $(FUZZ_SECONDS)

# make -s print-VAR: a variable's value, for scripts (CORE_PKGS, BUILD_DEBS).
print-%:
	@echo $($*)

# The Debian package (debian/), built from a copy of this tree into
# build-deb/; deb-check builds, lints, installs, tries and purges it (as
# root; it changes the machine, so it is not part of make check).
deb: deb-deps
	tests/deb/build

deb-check: deb-deps
	tests/deb/check

# What `make install` puts, relative to DESTDIR; `make uninstall` removes it.
FORMS := $(wildcard forms/*.yaml)
MAN1  := $(wildcard man/*.1)
MAN5  := $(wildcard man/*.5)
EXAMPLES := $(wildcard config/examples/*.yaml)
INSTALLED := $(BINDIR)/bedside $(FORMS:%=$(DATADIR)/%) $(DATADIR)/config/bedside.yaml \
             $(MAN1:man/%=$(MANDIR)/man1/%) $(MAN5:man/%=$(MANDIR)/man5/%) \
             $(DOCDIR)/README.md $(EXAMPLES:config/%=$(DOCDIR)/%) $(BASHCOMPDIR)/bedside
ETC_CONFIG := $(SYSCONFDIR)/bedside/bedside.yaml

# Installs the binary `make` built; it never compiles (so `sudo make install`
# does not build as root) and refuses a binary older than its sources.
install:
	@[ -x "$(BIN)" ] || { echo "bedside: no $(BIN) to install: run make first" >&2; exit 1; }
	@stale=$$(find src -newer "$(BIN)" -name '*.[ch]' | head -1); \
	 [ -z "$$stale" ] || { echo "bedside: $(BIN) is older than $$stale: run make first" >&2; exit 1; }
	install -d $(addprefix $(DESTDIR),$(BINDIR) $(DATADIR)/forms $(DATADIR)/config \
	  $(MANDIR)/man1 $(MANDIR)/man5 $(DOCDIR)/examples $(BASHCOMPDIR) $(SYSCONFDIR)/bedside)
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/bedside
	install -m 644 $(FORMS) $(DESTDIR)$(DATADIR)/forms/
	install -m 644 config/bedside.yaml $(DESTDIR)$(DATADIR)/config/
	install -m 644 $(MAN1) $(DESTDIR)$(MANDIR)/man1/
	install -m 644 $(MAN5) $(DESTDIR)$(MANDIR)/man5/
	install -m 644 README.md $(DESTDIR)$(DOCDIR)/
	install -m 644 $(EXAMPLES) $(DESTDIR)$(DOCDIR)/examples/
	install -m 644 completion/bedside.bash $(DESTDIR)$(BASHCOMPDIR)/bedside
	@if [ -e "$(DESTDIR)$(ETC_CONFIG)" ] && ! cmp -s config/bedside.yaml "$(DESTDIR)$(ETC_CONFIG)"; then \
	  echo "kept the edited $(DESTDIR)$(ETC_CONFIG); the new default is $(DESTDIR)$(DATADIR)/config/bedside.yaml"; \
	else \
	  echo "install -m 644 config/bedside.yaml $(DESTDIR)$(ETC_CONFIG)"; \
	  install -m 644 config/bedside.yaml "$(DESTDIR)$(ETC_CONFIG)"; \
	fi

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	@if cmp -s config/bedside.yaml "$(DESTDIR)$(ETC_CONFIG)"; then \
	  echo "rm -f $(DESTDIR)$(ETC_CONFIG)"; rm -f "$(DESTDIR)$(ETC_CONFIG)"; \
	elif [ -e "$(DESTDIR)$(ETC_CONFIG)" ]; then \
	  echo "kept the edited $(DESTDIR)$(ETC_CONFIG)"; \
	fi
	@for d in $(addprefix $(DESTDIR),$(DATADIR)/forms $(DATADIR)/config $(DATADIR) $(DOCDIR)/examples $(DOCDIR) \
	  $(SYSCONFDIR)/bedside); do rmdir "$$d" 2>/dev/null || true; done

FORCE:

clean-objs:
	rm -rf build build-san build-check build-check-san build-deb bedside

clean: clean-objs
	rm -rf build-fuzz
