/* ytree.c — libyaml events to a small tree with 1-based positions, strictly.
 *
 * Forms and the configuration are hand-written, so every YAML feature that
 * can surprise a reader (anchors, aliases, tags, duplicate keys, several
 * documents) is refused with a message that names the line and column. */
#include "ytree.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

/* Beyond this, a broken or hostile file only produces noise. */
#define YTREE_MAX_PROBLEMS 20

/* A tree's nodes, strings and arrays are carved from a few blocks owned by
 * its root, so loading a form costs a handful of mallocs instead of one or
 * more per node, and freeing it a handful of frees (a form file has
 * hundreds of nodes; every command loads every form at start). */
#define YARENA_BLOCK 16384
struct yarena {
    struct yarena *next;
    size_t used, cap;
    max_align_t data[];
};

typedef struct {
    yaml_parser_t p;
    const char *name;
    const char *buf;
    size_t len;
    diag *d;
    int problems;
    int fatal;            /* parsing cannot go on (syntax error, too deep) */
    char **aliases;       /* alias names already reported */
    size_t n_aliases;
    struct yarena *arena; /* everything of the tree being built */
} yparse;

static void *aalloc(yparse *y, size_t n)
{
    n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    struct yarena *b = y->arena;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > YARENA_BLOCK ? n : YARENA_BLOCK;
        struct yarena *nb = xmalloc(sizeof *nb + cap);
        nb->used = 0;
        nb->cap = cap;
        if (b && n > YARENA_BLOCK) {   /* a big one alone: the current block goes on */
            nb->next = b->next;
            b->next = nb;
            b = nb;
        } else {
            nb->next = b;
            y->arena = b = nb;
        }
    }
    void *p = (char *)b->data + b->used;
    b->used += n;
    return p;
}

static void arena_free(struct yarena *b)
{
    while (b) {
        struct yarena *next = b->next;
        free(b);
        b = next;
    }
}

static void yproblem(yparse *y, int line, int col, const char *fmt, ...) PRINTF_LIKE(4, 5);

static void yproblem(yparse *y, int line, int col, const char *fmt, ...)
{
    if (y->problems >= YTREE_MAX_PROBLEMS) {
        y->fatal = 1;
        return;
    }
    if (++y->problems == YTREE_MAX_PROBLEMS) {
        diag_add(y->d, y->name, line, col, "too many problems; stopping here");
        y->fatal = 1;
        return;
    }
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    diag_add(y->d, y->name, line, col, "%s", msg);
}

/* Text from the file, made safe for a terminal; caller frees. */
static char *esc(const void *s)
{
    return text_escape((const char *)s);
}

/* Does the line holding byte offset `off` have a tab in its indentation? */
static int tab_indent_line(const char *buf, size_t len, size_t off, int *tab_col)
{
    if (off > len)
        off = len;
    size_t start = off;
    while (start > 0 && buf[start - 1] != '\n')
        start--;
    for (size_t i = start; i < len && (buf[i] == ' ' || buf[i] == '\t'); i++)
        if (buf[i] == '\t') {
            *tab_col = (int)(i - start) + 1;
            return 1;
        }
    return 0;
}

/* libyaml's message for a syntax error; the most common cause in hand-edited
 * files, a tab in the indentation, gets a message that says so. */
/* 1-based line and column (in characters) of byte offset off. */
static void offset_pos(const char *buf, size_t off, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off; i++) {
        unsigned char c = (unsigned char)buf[i];
        if (c == '\n') {
            ++*line;
            *col = 1;
        } else if ((c & 0xc0) != 0x80) {
            ++*col;
        }
    }
}

static void syntax_problem(yparse *y)
{
    yaml_parser_t *p = &y->p;
    int line = (int)p->problem_mark.line + 1, col = (int)p->problem_mark.column + 1;
    int tab_col = 0;
    if (p->error == YAML_READER_ERROR) {
        /* The reader reports a byte offset, not a mark. */
        offset_pos(y->buf, p->problem_offset < y->len ? p->problem_offset : y->len, &line, &col);
        yproblem(y, line, col, "YAML syntax error: %s (character 0x%02X)",
                 p->problem ? p->problem : "unreadable input", (unsigned)p->problem_value);
        y->fatal = 1;
        return;
    }
    if (p->error == YAML_SCANNER_ERROR || p->error == YAML_PARSER_ERROR) {
        if (tab_indent_line(y->buf, y->len, p->problem_mark.index, &tab_col)) {
            yproblem(y, line, tab_col, "tab used for indentation (indent with spaces)");
            y->fatal = 1;
            return;
        }
    }
    sbuf b = {0};
    sbuf_add(&b, p->problem ? p->problem : "syntax error");
    if (p->context) {
        char *ctx = xasprintf(" (%s at line %d, column %d)", p->context,
                              (int)p->context_mark.line + 1, (int)p->context_mark.column + 1);
        sbuf_add(&b, ctx);
        free(ctx);
    }
    char *m = sbuf_take(&b);
    char *e = esc(m);
    yproblem(y, line, col, "YAML syntax error: %s", e);
    free(e);
    free(m);
    y->fatal = 1;
}

static int next_event(yparse *y, yaml_event_t *ev)
{
    if (!yaml_parser_parse(&y->p, ev)) {
        syntax_problem(y);
        return -1;
    }
    return 0;
}

static ynode *new_node(yparse *y, ytype t, const yaml_mark_t *m)
{
    ynode *n = aalloc(y, sizeof *n);
    memset(n, 0, sizeof *n);
    n->type = t;
    n->line = (int)m->line + 1;
    n->col = (int)m->column + 1;
    return n;
}

/* Anchors and explicit tags: refused wherever they appear. */
static void check_props(yparse *y, const yaml_event_t *ev, const yaml_char_t *anchor,
                        const yaml_char_t *tag, int implicit)
{
    int line = (int)ev->start_mark.line + 1, col = (int)ev->start_mark.column + 1;
    if (anchor) {
        char *a = esc(anchor);
        yproblem(y, line, col, "anchors are not allowed ('&%s')", a);
        free(a);
    }
    if (tag && !implicit) {
        char *t = esc(tag);
        yproblem(y, line, col, "tags are not allowed ('%s')", t);
        free(t);
    }
}

static ynode *parse_node(yparse *y, yaml_event_t *ev, int depth);

/* 1 if this alias name was reported already; else remembers it. */
static int seen_alias(yparse *y, const char *name)
{
    for (size_t i = 0; i < y->n_aliases; i++)
        if (strcmp(y->aliases[i], name) == 0)
            return 1;
    y->aliases = xrealloc(y->aliases, (y->n_aliases + 1) * sizeof *y->aliases);
    y->aliases[y->n_aliases++] = xstrdup(name);
    return 0;
}

/* A copy of an array of n pointers with room for cap, from the arena. */
static ynode **grow(yparse *y, ynode **old, size_t n, size_t cap)
{
    ynode **v = aalloc(y, cap * sizeof *v);
    if (n)
        memcpy(v, old, n * sizeof *v);
    return v;
}

static void add_child(yparse *y, ynode *n, ynode *key, ynode *val)
{
    /* Capacity doubles at each power of two, so a long list costs linear
     * time (and at most twice its size in the arena). */
    if (n->n == 0 || (n->n >= 4 && (n->n & (n->n - 1)) == 0)) {
        size_t cap = n->n ? n->n * 2 : 4;
        n->item = grow(y, n->item, n->n, cap);
        if (key)
            n->key = grow(y, n->key, n->n, cap);
    }
    n->item[n->n] = val;
    if (key)
        n->key[n->n] = key;
    n->n++;
}

/* Parse the rest of a sequence or mapping whose start event was consumed. */
static int parse_children(yparse *y, ynode *n, int depth)
{
    yaml_event_type_t end = n->type == YT_SEQ ? YAML_SEQUENCE_END_EVENT : YAML_MAPPING_END_EVENT;
    for (;;) {
        yaml_event_t ev;
        if (next_event(y, &ev) < 0)
            return -1;
        if (ev.type == end) {
            yaml_event_delete(&ev);
            return 0;
        }
        /* Bounds the duplicate-key search (quadratic) and everything after. */
        size_t max = n->type == YT_MAP ? YTREE_MAX_KEYS : YTREE_MAX_ITEMS;
        if (n->n >= max) {
            yproblem(y, (int)ev.start_mark.line + 1, (int)ev.start_mark.column + 1,
                     "more than %zu %s in one %s", max, n->type == YT_MAP ? "keys" : "items",
                     n->type == YT_MAP ? "mapping" : "list");
            yaml_event_delete(&ev);
            y->fatal = 1;
            return -1;
        }
        ynode *first = parse_node(y, &ev, depth + 1);
        yaml_event_delete(&ev);
        if (!first)
            return -1;
        if (n->type == YT_SEQ) {
            add_child(y, n, NULL, first);
            continue;
        }
        yaml_event_t vev;
        if (next_event(y, &vev) < 0)
            return -1;   /* first stays in the arena, freed with it */
        ynode *val = parse_node(y, &vev, depth + 1);
        yaml_event_delete(&vev);
        if (!val)
            return -1;
        if (first->type != YT_SCALAR) {
            yproblem(y, first->line, first->col, "mapping keys must be plain text");
        } else {
            for (size_t i = 0; i < n->n; i++)
                if (n->key[i]->type == YT_SCALAR && strcmp(n->key[i]->str, first->str) == 0) {
                    char *k = esc(first->str);
                    yproblem(y, first->line, first->col, "duplicate key '%s' (first at line %d)",
                             k, n->key[i]->line);
                    free(k);
                    break;
                }
        }
        add_child(y, n, first, val);
    }
}

/* Build the node that starts with ev (not consumed here). NULL when parsing
 * had to stop; recoverable problems are recorded and parsing goes on. */
static ynode *parse_node(yparse *y, yaml_event_t *ev, int depth)
{
    int line = (int)ev->start_mark.line + 1, col = (int)ev->start_mark.column + 1;
    if (depth > YTREE_MAX_DEPTH) {
        yproblem(y, line, col, "nesting deeper than %d levels", YTREE_MAX_DEPTH);
        y->fatal = 1;
        return NULL;
    }
    ynode *n;
    switch (ev->type) {
    case YAML_SCALAR_EVENT: {
        const yaml_event_t *e = ev;
        check_props(y, ev, e->data.scalar.anchor, e->data.scalar.tag,
                    e->data.scalar.plain_implicit || e->data.scalar.quoted_implicit);
        n = new_node(y, YT_SCALAR, &ev->start_mark);
        size_t len = e->data.scalar.length;
        n->str = aalloc(y, len + 1);
        memcpy(n->str, e->data.scalar.value, len);
        n->str[len] = '\0';
        n->plain = e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        if (strlen(n->str) != e->data.scalar.length)
            yproblem(y, line, col, "text must not contain a NUL character");
        return n;
    }
    case YAML_SEQUENCE_START_EVENT:
        check_props(y, ev, ev->data.sequence_start.anchor, ev->data.sequence_start.tag,
                    ev->data.sequence_start.implicit);
        n = new_node(y, YT_SEQ, &ev->start_mark);
        break;
    case YAML_MAPPING_START_EVENT:
        check_props(y, ev, ev->data.mapping_start.anchor, ev->data.mapping_start.tag,
                    ev->data.mapping_start.implicit);
        n = new_node(y, YT_MAP, &ev->start_mark);
        break;
    case YAML_ALIAS_EVENT: {
        /* Never expanded, so "billion laughs" costs nothing; still an error,
         * reported once per name so that a bomb does not bury the rest. */
        const char *name = (const char *)ev->data.alias.anchor;
        if (!seen_alias(y, name)) {
            char *a = esc(name);
            yproblem(y, line, col, "aliases are not allowed ('*%s')", a);
            free(a);
        }
        n = new_node(y, YT_SCALAR, &ev->start_mark);
        n->str = aalloc(y, 1);
        n->str[0] = '\0';
        return n;
    }
    default:
        yproblem(y, line, col, "unexpected YAML event");
        y->fatal = 1;
        return NULL;
    }
    if (parse_children(y, n, depth) < 0)
        return NULL;   /* n stays in the arena, freed with it */
    return n;
}

/* Report the first invalid UTF-8 byte with its 1-based line and column. */
static int check_utf8(yparse *y)
{
    size_t bad;
    if (utf8_valid(y->buf, y->len, &bad))
        return 0;
    int line, col;
    offset_pos(y->buf, bad, &line, &col);
    yproblem(y, line, col, "invalid UTF-8 (byte 0x%02X); save the file as UTF-8",
             (unsigned char)y->buf[bad]);
    return -1;
}

static ynode *parse_stream(yparse *y)
{
    yaml_event_t ev;
    ynode *root = NULL;
    int docs = 0;
    while (!y->fatal) {
        if (next_event(y, &ev) < 0)
            break;
        yaml_event_type_t t = ev.type;
        if (t == YAML_STREAM_END_EVENT) {
            yaml_event_delete(&ev);
            break;
        }
        if (t == YAML_DOCUMENT_START_EVENT) {
            if (++docs > 1) {
                yproblem(y, (int)ev.start_mark.line + 1, (int)ev.start_mark.column + 1,
                         "only one YAML document is allowed per file");
                yaml_event_delete(&ev);
                break;
            }
        } else if (t != YAML_STREAM_START_EVENT && t != YAML_DOCUMENT_END_EVENT) {
            root = parse_node(y, &ev, 1);
        }
        yaml_event_delete(&ev);
    }
    if (!root && !y->problems)
        yproblem(y, 1, 1, "empty file (no YAML document)");
    if (y->problems)
        return NULL;
    root->arena = y->arena;   /* the root owns every block */
    y->arena = NULL;
    return root;
}

ynode *ytree_load_buffer(const char *name, const char *buf, size_t len, diag *d)
{
    yparse y = {.name = name, .buf = buf, .len = len, .d = d};
    if (len > YTREE_MAX_BYTES) {
        diag_add(d, name, 1, 1, "file is too large (%zu bytes; at most %u)", len,
                 (unsigned)YTREE_MAX_BYTES);
        return NULL;
    }
    /* Some Windows editors start UTF-8 files with a byte-order mark; it is
     * invisible there, so positions are counted without it. */
    if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
        y.buf += 3;
        y.len -= 3;
    }
    if (y.len == 0) {
        diag_add(d, name, 1, 1, "empty file");
        return NULL;
    }
    if (check_utf8(&y) < 0)
        return NULL;
    if (!yaml_parser_initialize(&y.p)) {
        diag_add(d, name, 1, 1, "cannot start the YAML parser");
        return NULL;
    }
    yaml_parser_set_input_string(&y.p, (const unsigned char *)y.buf, y.len);
    yaml_parser_set_encoding(&y.p, YAML_UTF8_ENCODING);
    ynode *root = parse_stream(&y);
    arena_free(y.arena);   /* what a failed parse made */
    yaml_parser_delete(&y.p);
    for (size_t i = 0; i < y.n_aliases; i++)
        free(y.aliases[i]);
    free(y.aliases);
    return root;
}

char *ytree_read_file(const char *path, size_t *n, diag *d)
{
    /* O_NONBLOCK: opening a FIFO (or a terminal, a device) for reading
     * would otherwise wait for a writer forever; its type is checked next,
     * before any read. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
        diag_add(d, path, 1, 1, "cannot open: %s", strerror(errno));
        return NULL;
    }
    struct stat st = {0};
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        diag_add(d, path, 1, 1, "not a regular file (%s)",
                 S_ISFIFO(st.st_mode)  ? "a FIFO"
                 : S_ISDIR(st.st_mode) ? "a folder"
                 : S_ISSOCK(st.st_mode) ? "a socket"
                 : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device"
                                                              : "a special file");
        close(fd);
        return NULL;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    /* Refuse before reading, so a huge file costs nothing. */
    if (st.st_size > (off_t)YTREE_MAX_BYTES) {
        diag_add(d, path, 1, 1, "file is too large (%lld bytes; at most %u)",
                 (long long)st.st_size, (unsigned)YTREE_MAX_BYTES);
        close(fd);
        return NULL;
    }
    /* Room for the file and one byte more, to see it grew since fstat; up
     * to one byte more than allowed if it did. Not 1 MiB at once: every
     * command reads every form, and a large block is mapped and unmapped. */
    size_t cap = (size_t)st.st_size + 1, len = 0;
    char *buf = xmalloc(cap);
    for (;;) {
        if (len == cap && cap <= (size_t)YTREE_MAX_BYTES) {
            cap = (size_t)YTREE_MAX_BYTES + 1;
            buf = xrealloc(buf, cap);
        }
        ssize_t r = read(fd, buf + len, cap - len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            diag_add(d, path, 1, 1, "cannot read: %s", strerror(errno));
            free(buf);
            close(fd);
            return NULL;
        }
        if (r == 0)
            break;
        len += (size_t)r;
        if (len == cap && cap > (size_t)YTREE_MAX_BYTES)
            break;
    }
    close(fd);
    *n = len;
    return buf;
}

ynode *ytree_load_file(const char *path, diag *d)
{
    size_t len = 0;
    char *buf = ytree_read_file(path, &len, d);
    if (!buf)
        return NULL;
    ynode *root = ytree_load_buffer(path, buf, len, d);
    free(buf);
    return root;
}

void ytree_free(ynode *root)
{
    if (root)
        arena_free(root->arena);   /* root itself is in its first block */
}

const ynode *ytree_key(const ynode *map, const char *key)
{
    if (!map || map->type != YT_MAP)
        return NULL;
    for (size_t i = 0; i < map->n; i++)
        if (map->key[i]->type == YT_SCALAR && strcmp(map->key[i]->str, key) == 0)
            return map->key[i];
    return NULL;
}

const ynode *ytree_get(const ynode *map, const char *key)
{
    if (!map || map->type != YT_MAP)
        return NULL;
    for (size_t i = 0; i < map->n; i++)
        if (map->key[i]->type == YT_SCALAR && strcmp(map->key[i]->str, key) == 0)
            return map->item[i];
    return NULL;
}

/* ---- a tree as bytes --------------------------------------------------- */

static void encode(sbuf *b, const ynode *n)
{
    sbuf_add_u32(b, (uint32_t)n->type);
    sbuf_add_u32(b, (uint32_t)n->line);
    sbuf_add_u32(b, (uint32_t)n->col);
    if (n->type == YT_SCALAR) {
        size_t len = strlen(n->str);
        sbuf_add_u32(b, (uint32_t)n->plain);
        sbuf_add_u32(b, (uint32_t)len);
        sbuf_addn(b, n->str, len);
        return;
    }
    sbuf_add_u32(b, (uint32_t)n->n);
    for (size_t i = 0; i < n->n; i++) {
        if (n->type == YT_MAP)
            encode(b, n->key[i]);
        encode(b, n->item[i]);
    }
}

unsigned char *ytree_encode(const ynode *root, size_t *n)
{
    sbuf b = {0};
    encode(&b, root);
    *n = b.len;
    return (unsigned char *)sbuf_take(&b);
}

#define NODE_MIN 12   /* the fewest bytes a node takes: type, line, column */

/* Only what the parser could have made: the same bounds on depth, counts
 * and text, scalar keys, no key twice in a mapping. NULL with in->bad set
 * on anything else. */
static ynode *decode(breader *in, yparse *y, int depth)
{
    uint32_t type = breader_u32(in), line = breader_u32(in), col = breader_u32(in);
    if (in->bad || type > YT_MAP || line < 1 || col < 1 || line > INT32_MAX ||
        col > INT32_MAX || depth > YTREE_MAX_DEPTH)
        goto bad;
    ynode *n = aalloc(y, sizeof *n);
    memset(n, 0, sizeof *n);
    n->type = (ytype)type;
    n->line = (int)line;
    n->col = (int)col;
    size_t left = (size_t)(in->end - in->p);
    if (n->type == YT_SCALAR) {
        uint32_t plain = breader_u32(in), len = breader_u32(in);
        left = (size_t)(in->end - in->p);
        if (in->bad || plain > 1 || len > left || memchr(in->p, 0, len) ||
            !utf8_valid((const char *)in->p, len, NULL))
            goto bad;
        n->plain = (int)plain;
        n->str = aalloc(y, (size_t)len + 1);
        memcpy(n->str, in->p, len);
        n->str[len] = '\0';
        in->p += len;
        return n;
    }
    uint32_t count = breader_u32(in);
    int map = n->type == YT_MAP;
    left = (size_t)(in->end - in->p);
    if (in->bad || count > (map ? YTREE_MAX_KEYS : YTREE_MAX_ITEMS) ||
        (size_t)count * (map ? 2 : 1) * NODE_MIN > left)
        goto bad;
    if (count) {
        n->item = aalloc(y, count * sizeof *n->item);
        if (map)
            n->key = aalloc(y, count * sizeof *n->key);
    }
    for (size_t i = 0; i < count; i++, n->n = i) {
        if (map) {
            ynode *k = decode(in, y, depth + 1);
            if (!k || k->type != YT_SCALAR)
                goto bad;
            for (size_t j = 0; j < i; j++)
                if (strcmp(n->key[j]->str, k->str) == 0)
                    goto bad;
            n->key[i] = k;
        }
        if (!(n->item[i] = decode(in, y, depth + 1)))
            goto bad;
    }
    return n;
bad:
    in->bad = 1;   /* what was made stays in the arena, freed with it */
    return NULL;
}

ynode *ytree_decode(const unsigned char *p, size_t n)
{
    yparse y = {0};
    breader in = {.p = p, .end = p + n};
    ynode *root = decode(&in, &y, 1);
    if (!root || in.bad || in.p != in.end) {
        arena_free(y.arena);
        return NULL;
    }
    root->arena = y.arena;
    return root;
}
