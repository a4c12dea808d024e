/* store_mem.c — SQLite's memory: the small blocks from free lists.
 *
 * Debian's SQLite is built without lookaside memory (SQLITE_OMIT_LOOKASIDE,
 * in `PRAGMA compile_options`), so every node of every parse tree, every
 * statement's program and every row value is a malloc and a free: about
 * 5,800 of each for one `print`, and with glibc's bookkeeping 9 % of its
 * instructions. SQLite lets the program supply its allocator
 * (SQLITE_CONFIG_MALLOC); this one serves a block of up to 504 bytes from
 * a free list per size (32 lists, 16 bytes apart), carved from 64 KiB runs,
 * and hands anything larger to malloc. A block carved is never returned to
 * the system: the lists hold at most what SQLite held at its busiest.
 *
 * Every block starts with 8 bytes that hold its usable size; SQLite asks
 * for 8-byte alignment, which a 16-byte grain on malloc's 16 keeps. No lock:
 * bedside runs SQLite single-threaded (SQLITE_CONFIG_SINGLETHREAD). Not
 * installed under AddressSanitizer, which has to see each of SQLite's
 * frees to find a block used after it. */
#include "store_internal.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define GRAIN 16
#define LISTS 32                 /* blocks of 16, 32, ..., 512 bytes, header included */
#define SMALL_MAX (GRAIN * LISTS)
#define RUN (64 * 1024)
#define HEAD 8

typedef struct free_block {
    struct free_block *next;
} free_block;

static free_block *lists[LISTS + 1];
static unsigned char *run;       /* the uncarved rest of the current run */
static size_t run_left;

static size_t round8(int n)
{
    return ((size_t)(n > 0 ? n : 1) + 7) & ~(size_t)7;
}

/* The list of a block of `total` bytes (header included), or 0: malloc's. */
static size_t list_of(size_t total)
{
    return total <= SMALL_MAX ? (total + GRAIN - 1) / GRAIN : 0;
}

static void *mem_malloc(int n)
{
    size_t want = round8(n), c = list_of(want + HEAD);
    uint64_t *h;
    if (!c) {
        if (!(h = malloc(want + HEAD)))
            return NULL;
        *h = want;
        return h + 1;
    }
    if (lists[c]) {
        h = (uint64_t *)(void *)lists[c];
        lists[c] = lists[c]->next;
    } else {
        if (run_left < c * GRAIN) {
            unsigned char *fresh = malloc(RUN);
            if (!fresh)
                return NULL;
            run = fresh;   /* the old run's tail (under 512 bytes) is left unused */
            run_left = RUN;
        }
        h = (uint64_t *)(void *)run;
        run += c * GRAIN;
        run_left -= c * GRAIN;
    }
    *h = c * GRAIN - HEAD;
    return h + 1;
}

static void mem_free(void *p)
{
    if (!p)
        return;
    uint64_t *h = (uint64_t *)p - 1;
    size_t c = list_of((size_t)*h + HEAD);
    if (!c) {
        free(h);
        return;
    }
    assert((size_t)*h + HEAD == c * GRAIN);   /* a block of ours, whole */
    free_block *b = (free_block *)(void *)h;
    b->next = lists[c];
    lists[c] = b;
}

static int mem_size(void *p)
{
    return p ? (int)((uint64_t *)p)[-1] : 0;
}

static void *mem_realloc(void *p, int n)
{
    uint64_t *h = (uint64_t *)p - 1;
    size_t have = (size_t)*h, want = round8(n);
    if (want <= have)
        return p;
    if (!list_of(have + HEAD)) {   /* a large block grows in place if malloc can */
        uint64_t *g = realloc(h, want + HEAD);
        if (!g)
            return NULL;
        *g = want;
        return g + 1;
    }
    void *q = mem_malloc(n);
    if (!q)
        return NULL;
    memcpy(q, p, have);
    mem_free(p);
    return q;
}

static int mem_roundup(int n)
{
    size_t want = round8(n), c = list_of(want + HEAD);
    return (int)(c ? c * GRAIN - HEAD : want);
}

static int mem_init(void *unused)
{
    (void)unused;
    return SQLITE_OK;
}

static void mem_shutdown(void *unused)
{
    (void)unused;
}

const sqlite3_mem_methods *st_mem_methods(void)
{
    static const sqlite3_mem_methods m = {
        mem_malloc, mem_free, mem_realloc, mem_size, mem_roundup, mem_init, mem_shutdown, NULL,
    };
    return &m;
}

#if defined(__SANITIZE_ADDRESS__)
#define ST_MEM_INSTALL 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ST_MEM_INSTALL 0
#endif
#endif
#ifndef ST_MEM_INSTALL
#define ST_MEM_INSTALL 1
#endif

void st_mem_install(void)
{
    if (ST_MEM_INSTALL)
        sqlite3_config(SQLITE_CONFIG_MALLOC, st_mem_methods());
}
