# bedside — clinical follow-up at the bedside.  See README.md.
#
#   make            build ./bedside
#   make run        install missing packages, build, make a demo database, open it
#   make check      install missing packages, build with -Werror, run every test
#   make check SANITIZE=1   the same under ASan and UBSan (build-san/)
#   make bench      the scale benchmarks (figures go in README.md)
#   make fuzz       libFuzzer on the form and config loaders (FUZZ_SECONDS each)
#   make install    binary, forms, config and man pages under PREFIX

PREFIX  ?= /usr/local
DATADIR ?= $(CURDIR)
PKGS    := ncursesw sqlite3 yaml-0.1 gsl
# Debian packages: to build, and additionally to run the tests.
BUILD_DEBS := gcc make pkg-config libncurses-dev libsqlite3-dev libyaml-dev libgsl-dev
TEST_DEBS  := tmux sqlite3 openssh-server openssh-client clang libclang-rt-14-dev locales ncurses-term \
              r-base-core r-cran-survival

SANITIZE ?=
BUILD   := build$(if $(SANITIZE),-san)
CC      ?= cc
CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes \
           -Wno-unused-parameter
ifneq ($(WERROR),)
WARN    += -Werror
endif
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
CORE_LIBS  = $(shell pkg-config --libs sqlite3 yaml-0.1 gsl 2>/dev/null) -lm
UI_LIBS    = $(shell pkg-config --libs ncursesw 2>/dev/null)

ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(PKG_CFLAGS) \
             -DBEDSIDE_DATADIR='"$(DATADIR)"' $(if $(SANITIZE),$(SANFLAGS)) $(CFLAGS)
ALL_LDFLAGS = $(if $(SANITIZE),$(SANFLAGS)) $(LDFLAGS)

SRC     := $(wildcard src/*.c)
UI_SRC  := $(filter src/ui_%.c,$(SRC))
CORE_SRC := $(filter-out src/main.c $(UI_SRC),$(SRC))
CORE_OBJ := $(CORE_SRC:src/%.c=$(BUILD)/%.o)
UI_OBJ  := $(UI_SRC:src/%.c=$(BUILD)/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

BIN     := $(if $(SANITIZE),$(BUILD)/bedside,bedside)
DEMO_DB ?= $(CURDIR)/demo.db
FUZZ_SECONDS ?= $(if $(CI),60,10)

.PHONY: all run check test deps test-deps bench fuzz install clean
all: $(BIN)

$(BUILD)/%.o: src/%.c $(wildcard src/*.h) | $(BUILD)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD):
	mkdir -p $(BUILD)/tests

# The model (everything but main.c and ui_*) is a library that links without
# curses; the unit tests link against it alone, which keeps it curses-free.
$(BUILD)/libcore.a: $(CORE_OBJ)
	rm -f $@ && ar rcs $@ $^

$(BIN): $(BUILD)/main.o $(UI_OBJ) $(BUILD)/libcore.a
	$(CC) $(ALL_LDFLAGS) -o $@ $(BUILD)/main.o $(UI_OBJ) $(BUILD)/libcore.a $(UI_LIBS) $(CORE_LIBS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/t.h $(BUILD)/libcore.a
	$(CC) $(ALL_CFLAGS) -Isrc $(ALL_LDFLAGS) -o $@ $< $(BUILD)/libcore.a $(CORE_LIBS)

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
	    $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing >/dev/null; \
	  fi; \
	fi
endef

deps:
	$(call install_debs,$(BUILD_DEBS))

test-deps:
	$(call install_debs,$(BUILD_DEBS) $(TEST_DEBS))

run: deps
	$(MAKE) all
	@[ -f "$(DEMO_DB)" ] || ./bedside --db "$(DEMO_DB)" demo --patients 200 --seed 1
	./bedside --db "$(DEMO_DB)"

check: test-deps
	$(MAKE) WERROR=1 $(BIN) $(UNIT_BIN)
	BEDSIDE="$(CURDIR)/$(BIN)" BUILD="$(BUILD)" SANITIZE="$(SANITIZE)" \
	  FUZZ_SECONDS="$(FUZZ_SECONDS)" tests/run

test: check

bench: all
	tests/bench/run

fuzz:
	tests/fuzz/run $(FUZZ_SECONDS)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/bedside/forms \
	  $(DESTDIR)$(PREFIX)/share/bedside/config $(DESTDIR)$(PREFIX)/share/man/man1 \
	  $(DESTDIR)$(PREFIX)/share/man/man5
	$(MAKE) clean-objs && $(MAKE) DATADIR=$(PREFIX)/share/bedside all
	install -m 755 bedside $(DESTDIR)$(PREFIX)/bin/bedside
	install -m 644 forms/*.yaml $(DESTDIR)$(PREFIX)/share/bedside/forms/
	install -m 644 config/bedside.yaml $(DESTDIR)$(PREFIX)/share/bedside/config/
	install -m 644 man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 man/*.5 $(DESTDIR)$(PREFIX)/share/man/man5/

clean-objs:
	rm -rf build build-san bedside

clean: clean-objs
	rm -rf build-fuzz
