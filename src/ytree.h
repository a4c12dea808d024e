/* ytree.h — a YAML document as a small tree with source positions.
 *
 * Built on libyaml's event parser. It is strict on purpose, because forms and
 * the configuration are written by people and must not surprise anyone:
 * anchors and aliases, explicit tags, duplicate mapping keys, non-scalar
 * keys, several documents, invalid UTF-8, NUL characters, tabs used as
 * indentation, nesting deeper than YTREE_MAX_DEPTH, more than YTREE_MAX_KEYS
 * keys in a mapping or YTREE_MAX_ITEMS items in a list, empty input and
 * oversized input are all errors. Every error is reported as "FILE:LINE:COLUMN: message"
 * (1-based; columns count characters, not bytes). */
#ifndef BEDSIDE_YTREE_H
#define BEDSIDE_YTREE_H

#include <stddef.h>

#include "util.h"

#define YTREE_MAX_BYTES (1u << 20)  /* 1 MiB: no form or config is larger */
#define YTREE_MAX_DEPTH 32
#define YTREE_MAX_KEYS 1000         /* per mapping */
#define YTREE_MAX_ITEMS 10000       /* per list */

typedef enum { YT_SCALAR, YT_SEQ, YT_MAP } ytype;

typedef struct ynode ynode;
struct ynode {
    ytype type;
    int line, col;        /* where the node starts, 1-based */
    char *str;            /* YT_SCALAR: the value (UTF-8, NUL-terminated) */
    int plain;            /* YT_SCALAR: 1 if unquoted (so "1" and 1 differ) */
    size_t n;             /* YT_SEQ: items; YT_MAP: pairs */
    ynode **item;         /* YT_SEQ items, or YT_MAP values */
    ynode **key;          /* YT_MAP keys (always scalars) */
    struct yarena *arena; /* the root's: the memory of the whole tree */
};

/* Parse a file or a buffer. On failure returns NULL and adds the problem(s)
 * to d; `name` is the file name used in messages. */
ynode *ytree_load_file(const char *path, diag *d);
/* The bytes ytree_load_file parses (a regular file, at most YTREE_MAX_BYTES),
 * or NULL with the problem added to d. Caller frees; *n is the length. */
char *ytree_read_file(const char *path, size_t *n, diag *d);
ynode *ytree_load_buffer(const char *name, const char *buf, size_t len, diag *d);
/* A parsed tree as bytes, and back (the forms cache keeps the
 * configuration's: form_cache.c). Decoding takes any bytes: NULL unless
 * they are a tree the parser could have made (bounds, UTF-8, no key twice). */
unsigned char *ytree_encode(const ynode *root, size_t *n);
ynode *ytree_decode(const unsigned char *p, size_t n);
/* Frees a whole tree, given its root (its nodes are not freed one by one). */
void ytree_free(ynode *root);

/* The value under key in a mapping, or NULL. */
const ynode *ytree_get(const ynode *map, const char *key);
/* The key node for key (for positions), or NULL. */
const ynode *ytree_key(const ynode *map, const char *key);

/* Schema helpers (ytree_check.c). Each adds a diag naming the key and returns
 * -1 on a problem, 0 if the value was read, 1 if the key is absent (nothing
 * set). A plain empty value, "~" or "null" counts as absent. Numbers and
 * booleans must be plain scalars: a quoted "1" is text. */
typedef struct {
    const char *file;     /* for messages */
    diag *d;
} ycheck;
/* Every key of map must be in allowed (NULL-terminated); `what` names the
 * owner in messages, e.g. "field 'pain'". Returns the number of unknown keys. */
int ytree_keys(ycheck *c, const ynode *map, const char *const *allowed, const char *what);
int ytree_str(ycheck *c, const ynode *map, const char *key, int required, char **out);
int ytree_int(ycheck *c, const ynode *map, const char *key, int required, long min, long max,
              long *out);
int ytree_num(ycheck *c, const ynode *map, const char *key, int required, double *out);
int ytree_bool(ycheck *c, const ynode *map, const char *key, int required, int *out);
/* A sequence (or a single scalar) of strings; *out is a NULL-terminated array. */
int ytree_strlist(ycheck *c, const ynode *map, const char *key, int required, char ***out,
                  size_t *n);
void ytree_strlist_free(char **list);

#endif
