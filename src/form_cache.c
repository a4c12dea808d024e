/* form_cache.c — checked forms kept between runs.
 *
 * Loading the forms (libyaml's parse, every rule of form_load.c and
 * form_field.c, compiling every expression) is most of what a per-patient
 * command costs. A form that passed all of it is written to the cache
 * folder, and read back at the next start when the same program meets the
 * same bytes: a cache file is named by the SHA-256 of this build (the
 * program's GNU build id), the SQLite and libyaml it runs with, the locale
 * and the form's bytes, so a change to any of them is a miss, and a miss
 * loads the YAML as before. The rules keep one home: this file only copies
 * out what they produced and reads it back.
 *
 * A cache file is read as untrusted input. It must name its own key and end
 * with the SHA-256 of what precedes it (a damaged, truncated or renamed
 * file is a miss); every count, index and enumeration is bounded before it
 * is used, every text must be UTF-8, and the ids and option codes must pass
 * form_set.c's rules again (an id is spliced into an expression's SQL, a code
 * into exports); and it is only read from a folder
 * and a file of the user's own that no one else can write. What it cannot
 * detect is a file forged by someone who can write the user's cache — who
 * can as well write the user's configuration, which names the forms folder.
 * The expressions of a form from the cache compile at their first use
 * (form_expr_deferred): a show or a print never evaluates most of them.
 *
 * The configuration's parsed YAML is kept the same way (KIND_TREE, through
 * ytree_encode and ytree_decode, which checks it as untrusted): every
 * command spared libyaml's parse of it; config.c's checks run on the tree
 * at every start all the same. */
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <locale.h>
#include <math.h>
#include <nettle/sha2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <yaml.h>

#include "form_internal.h"

#define MAGIC "BSFORMC2"
#define MAGIC_LEN 8
#define KEY_LEN SHA256_DIGEST_SIZE
#define MAX_FILE (4u << 20)
#define MAX_OPTIONS 10000
#define MAX_BANDS 1000

/* A new member of these must be written and read here too (LP64 sizes). */
#if defined(__x86_64__) || defined(__aarch64__)
_Static_assert(sizeof(form_option) == 32, "form_option changed: update form_cache.c");
_Static_assert(sizeof(form_field) == 136, "form_field changed: update form_cache.c");
_Static_assert(sizeof(form_section) == 24, "form_section changed: update form_cache.c");
_Static_assert(sizeof(form_band) == 16, "form_band changed: update form_cache.c");
_Static_assert(sizeof(form_score) == 96, "form_score changed: update form_cache.c");
_Static_assert(sizeof(form) == 176, "form changed: update form_cache.c");
#endif

static char *cache_dir;
static int dir_state;   /* 0 not looked at, 1 usable, -1 not */
static int hits, misses;

void form_cache_use(const char *dir)
{
    free(cache_dir);
    cache_dir = dir ? xstrdup(dir) : NULL;
    dir_state = 0;
}

void form_cache_counts(int *h, int *m)
{
    *h = hits;
    *m = misses;
}

/* ---- the key ---------------------------------------------------------- */

typedef struct {
    unsigned char id[64];
    size_t n;
} build_id;

/* The program's own GNU build id: the first object dl_iterate_phdr lists. */
static int find_build_id(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    build_id *b = data;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_NOTE)
            continue;
        size_t align = ph->p_align == 8 ? 8 : 4;
        const unsigned char *p = (const unsigned char *)(info->dlpi_addr + ph->p_vaddr);
        size_t left = ph->p_memsz;
        while (left >= sizeof(ElfW(Nhdr))) {
            ElfW(Nhdr) nh;
            memcpy(&nh, p, sizeof nh);
            size_t name = (nh.n_namesz + align - 1) & ~(align - 1);
            size_t desc = (nh.n_descsz + align - 1) & ~(align - 1);
            if (name > left || desc > left || sizeof nh + name + desc > left)
                break;
            if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
                memcmp(p + sizeof nh, "GNU", 4) == 0 && nh.n_descsz <= sizeof b->id) {
                memcpy(b->id, p + sizeof nh + name, nh.n_descsz);
                b->n = nh.n_descsz;
                return 1;
            }
            p += sizeof nh + name + desc;
            left -= sizeof nh + name + desc;
        }
    }
    return 1;
}

static void hash_text(struct sha256_ctx *h, const char *s)
{
    s = s ? s : "";
    sha256_update(h, strlen(s) + 1, (const uint8_t *)s);   /* with its NUL */
}

/* What a file keeps: a checked form, or the parsed tree of a YAML file
 * (the configuration's). Part of the key: one is never read as the other. */
#define KIND_FORM "bedside form cache 1 " BEDSIDE_VERSION
#define KIND_TREE "bedside yaml tree cache 1 " BEDSIDE_VERSION
/* A folder's forms kept together (form_cache_set_get), named SET_PREFIX
 * and the key. */
#define KIND_SET "bedside forms folder cache 1 " BEDSIDE_VERSION
#define SET_PREFIX "set-"

/* 0 and key filled, or -1: no build id, no cache. */
static int cache_key(const char *kind, const char *buf, size_t len, unsigned char key[KEY_LEN])
{
    static build_id b;
    static int looked;
    if (!looked) {
        dl_iterate_phdr(find_build_id, &b);
        looked = 1;
    }
    if (!b.n)
        return -1;
    struct sha256_ctx h;
    sha256_init(&h);
    hash_text(&h, kind);
    sha256_update(&h, b.n, b.id);
    hash_text(&h, sqlite3_sourceid());
    hash_text(&h, yaml_get_version_string());
    hash_text(&h, setlocale(LC_CTYPE, NULL));
    hash_text(&h, setlocale(LC_NUMERIC, NULL));
    uint64_t n = len;
    sha256_update(&h, sizeof n, (const uint8_t *)&n);
    sha256_update(&h, len, (const uint8_t *)buf);
    sha256_digest(&h, KEY_LEN, key);
    return 0;
}

/* prefix: "" for a form or a tree, SET_PREFIX for a folder's forms. */
static char *file_of(const char *prefix, const unsigned char key[KEY_LEN])
{
    static const char digits[] = "0123456789abcdef";
    char hex[2 * KEY_LEN + 1];
    for (int i = 0; i < KEY_LEN; i++) {
        hex[2 * i] = digits[key[i] >> 4];
        hex[2 * i + 1] = digits[key[i] & 15];
    }
    hex[2 * KEY_LEN] = '\0';
    return xasprintf("%s/%s%s", cache_dir, prefix, hex);
}

/* The folder (and later each file) must be ours and writable by us alone. */
static int private_to_us(const struct stat *st)
{
    return st->st_uid == geteuid() && !(st->st_mode & (S_IWGRP | S_IWOTH));
}

static int dir_usable(int create)
{
    if (!cache_dir)
        return 0;
    if (dir_state == 0 || (dir_state == -1 && create)) {
        struct stat st;
        if (stat(cache_dir, &st) != 0 && create && errno == ENOENT)
            mkdir_p(cache_dir, 0700, NULL);
        dir_state = stat(cache_dir, &st) == 0 && S_ISDIR(st.st_mode) && private_to_us(&st)
                        ? 1 : -1;
    }
    return dir_state == 1;
}

/* ---- writing ---------------------------------------------------------- */

/* Kept forms no run has read for PRUNE_DAYS, and temporary files a killed
 * run left for a day, are removed when a new form is kept (once a run):
 * every new build of bedside and every edit of a form writes new files, and
 * nothing else would delete the old ones. "Read" is the file's access time,
 * which the kernel moves at most daily (relatime); on a noatime mount a form
 * still in use may go too, and the next run keeps it again. Only regular
 * files of ours with the names this module gives, in the folder
 * dir_usable accepted. */
#define PRUNE_DAYS 30

static int our_name(const char *n, int *tmp)
{
    *tmp = strncmp(n, ".new-", 5) == 0;
    if (*tmp)
        return 1;
    if (strncmp(n, SET_PREFIX, strlen(SET_PREFIX)) == 0)
        n += strlen(SET_PREFIX);
    size_t i = 0;
    for (; n[i]; i++)
        if (!((n[i] >= '0' && n[i] <= '9') || (n[i] >= 'a' && n[i] <= 'f')))
            return 0;
    return i == 2 * KEY_LEN;
}

static void prune(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    DIR *d = opendir(cache_dir);
    if (!d)
        return;
    time_t now = time(NULL);
    struct dirent *e;
    while ((e = readdir(d))) {
        int tmp;
        struct stat st;
        if (!our_name(e->d_name, &tmp) ||
            fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
            !S_ISREG(st.st_mode) || st.st_uid != geteuid())
            continue;
        time_t last = st.st_atime > st.st_mtime ? st.st_atime : st.st_mtime;
        if (now - last > (time_t)(tmp ? 1 : PRUNE_DAYS) * 86400)
            unlinkat(dirfd(d), e->d_name, 0);
    }
    closedir(d);
}

static void put_int(sbuf *b, int v)
{
    sbuf_add_u32(b, (uint32_t)(int32_t)v);
}

static void put_num(sbuf *b, double v)
{
    sbuf_addn(b, (const char *)&v, sizeof v);
}

static void put_str(sbuf *b, const char *s)
{
    if (!s) {
        sbuf_add_u32(b, UINT32_MAX);
        return;
    }
    size_t n = strlen(s);
    sbuf_add_u32(b, (uint32_t)n);
    sbuf_addn(b, s, n);
}

static void put_expr(sbuf *b, const form_expr *e)
{
    if (!e) {
        put_int(b, -1);
        return;
    }
    put_int(b, form_expr_names(e));
    char *t = form_expr_text(e);
    put_str(b, t);
    free(t);
    int n;
    const int *reads = form_expr_reads(e, &n);
    put_int(b, n);
    for (int i = 0; i < n; i++)
        put_int(b, reads[i]);
}

unsigned char *form_cache_encode(const form *f, size_t *n)
{
    sbuf b = {0};
    put_int(&b, f->n_sec);
    put_int(&b, f->n_field);
    put_int(&b, f->n_score);
    put_str(&b, f->id);
    put_str(&b, f->title);
    put_str(&b, f->description);
    put_int(&b, f->version);
    put_int(&b, (int)f->scope);
    put_int(&b, f->id_line);
    put_int(&b, f->id_col);
    for (int i = 0; i < f->n_sec; i++) {
        put_str(&b, f->sec[i].title);
        put_int(&b, f->sec[i].first);
        put_int(&b, f->sec[i].count);
    }
    for (int i = 0; i < f->n_field; i++) {
        const form_field *fl = &f->field[i];
        put_str(&b, fl->id);
        put_str(&b, fl->label);
        put_str(&b, fl->help);
        put_str(&b, fl->check_message);
        put_str(&b, fl->unit);
        put_str(&b, fl->def);
        put_int(&b, (int)fl->type);
        put_int(&b, fl->required);
        put_int(&b, fl->section);
        put_int(&b, fl->n_opt);
        for (int k = 0; k < fl->n_opt; k++) {
            put_str(&b, fl->opt[k].code);
            put_str(&b, fl->opt[k].label);
            put_num(&b, fl->opt[k].points);
            put_int(&b, fl->opt[k].exclusive);
            put_int(&b, fl->opt[k].value);
        }
        put_int(&b, fl->has_points);
        put_int(&b, fl->has_min);
        put_int(&b, fl->has_max);
        put_num(&b, fl->min);
        put_num(&b, fl->max);
        put_int(&b, fl->decimals);
        put_int(&b, fl->max_length);
        put_int(&b, fl->line);
        put_int(&b, fl->col);
    }
    for (int i = 0; i < f->n_score; i++) {
        const form_score *s = &f->score[i];
        put_str(&b, s->id);
        put_str(&b, s->label);
        put_int(&b, s->decimals);
        put_int(&b, s->has_min);
        put_int(&b, s->has_max);
        put_num(&b, s->min);
        put_num(&b, s->max);
        put_int(&b, s->trend);
        put_int(&b, (int)s->better);
        put_int(&b, s->has_mcid);
        put_num(&b, s->mcid);
        put_int(&b, s->n_band);
        for (int k = 0; k < s->n_band; k++) {
            put_num(&b, s->band[k].min);
            put_str(&b, s->band[k].label);
        }
    }
    put_str(&b, f->summary_label);
    put_int(&b, (int)f->summary_show);
    put_int(&b, f->ends_follow_up);
    put_int(&b, f->end_is_event);
    put_int(&b, f->end_reason);
    put_int(&b, f->enrolment);
    sbuf_addn(&b, (const char *)f->digest, sizeof f->digest);
    /* Expressions last: reading them back needs every id. */
    for (int i = 0; i < f->n_sec; i++)
        put_expr(&b, f->sec[i].show_if);
    for (int i = 0; i < f->n_field; i++) {
        put_expr(&b, f->field[i].show_if);
        put_expr(&b, f->field[i].check);
    }
    for (int i = 0; i < f->n_score; i++)
        put_expr(&b, f->score[i].expr);
    put_expr(&b, f->summary);
    *n = b.len;
    return (unsigned char *)sbuf_take(&b);
}

/* The file for key, holding payload: magic, key, length, payload, and the
 * SHA-256 of all that. */
static void write_cached(const char *prefix, const unsigned char key[KEY_LEN],
                         const unsigned char *payload, size_t plen)
{
    if (plen > MAX_FILE)
        return;
    sbuf b = {0};
    sbuf_addn(&b, MAGIC, MAGIC_LEN);
    sbuf_addn(&b, (const char *)key, KEY_LEN);
    sbuf_add_u32(&b, (uint32_t)plen);
    sbuf_addn(&b, (const char *)payload, plen);
    unsigned char sum[SHA256_DIGEST_SIZE];
    struct sha256_ctx h;
    sha256_init(&h);
    sha256_update(&h, b.len, (const uint8_t *)b.s);
    sha256_digest(&h, sizeof sum, sum);
    sbuf_addn(&b, (const char *)sum, sizeof sum);
    /* Whole or not at all: a reader never sees half a file. */
    char *tmp = xasprintf("%s/.new-XXXXXX", cache_dir);
    int fd = mkstemp(tmp);   /* mode 0600 */
    if (fd >= 0) {
        int written = write_all(fd, b.s, b.len) == 0;
        char *final = file_of(prefix, key);
        if (close(fd) != 0 || !written || rename(tmp, final) != 0)
            unlink(tmp);
        else
            prune();
        free(final);
    }
    free(tmp);
    sbuf_free(&b);
}

/* Keep payload (taken) as what the bytes buf give, of kind. */
static void keep(const char *kind, const char *buf, size_t len, unsigned char *payload,
                 size_t plen)
{
    unsigned char key[KEY_LEN];
    if (dir_usable(1) && cache_key(kind, buf, len, key) == 0)
        write_cached("", key, payload, plen);
    free(payload);
}

void form_cache_put(const form *f, const char *buf, size_t len)
{
    size_t plen = 0;
    unsigned char *payload = form_cache_encode(f, &plen);
    keep(KIND_FORM, buf, len, payload, plen);
}

void form_cache_tree_put(const ynode *root, const char *buf, size_t len)
{
    size_t plen = 0;
    unsigned char *payload = ytree_encode(root, &plen);
    keep(KIND_TREE, buf, len, payload, plen);
}

/* ---- reading ---------------------------------------------------------- */

typedef breader reader;

/* An int within lo..hi (else the file is bad). */
static int get_int(reader *r, int lo, int hi)
{
    int32_t v = (int32_t)breader_u32(r);
    if (r->bad || v < lo || v > hi) {
        r->bad = 1;
        return lo;
    }
    return v;
}

static int get_flag(reader *r)
{
    return get_int(r, 0, 1);
}

static double get_num(reader *r)
{
    double v;
    if (breader_take(r, &v, sizeof v) < 0)
        return 0;
    if (!isfinite(v)) {
        r->bad = 1;
        return 0;
    }
    return v;
}

/* No NUL, and UTF-8 (checked only where a byte is not ASCII). */
static int text_ok(const unsigned char *p, size_t n)
{
    unsigned char any = 0;
    for (size_t i = 0; i < n; i++) {
        if (!p[i])
            return 0;
        any |= p[i];
    }
    return !(any & 0x80) || utf8_valid((const char *)p, n, NULL);
}

/* While a form is decoded, where its texts go (form.h, texts): one block
 * the size of the payload, which always has room, since each text is
 * preceded there by its four-byte length. */
static struct {
    char *p;
    size_t left;
} texts;

/* UTF-8 text without a NUL; NULL only where `optional`. */
static char *get_str(reader *r, int optional)
{
    uint32_t n = breader_u32(r);
    if (r->bad)
        return NULL;
    if (n == UINT32_MAX) {
        if (!optional)
            r->bad = 1;
        return NULL;
    }
    if (n > (size_t)(r->end - r->p) || !text_ok(r->p, n)) {
        r->bad = 1;
        return NULL;
    }
    char *s;
    if (texts.p && texts.left > n) {
        s = texts.p;
        memcpy(s, r->p, n);
        s[n] = '\0';
        texts.p += n + 1;
        texts.left -= n + 1;
    } else {
        s = xstrndup((const char *)r->p, n);
    }
    r->p += n;
    return s;
}

static form_expr *get_expr(reader *r, const form *f, const char *const *names, int n)
{
    int k = get_int(r, -1, n);
    if (r->bad || k < 0)
        return NULL;
    char *text = get_str(r, 0);
    int nreads = get_int(r, 0, k);
    int *reads = xcalloc((size_t)nreads + 1, sizeof *reads);
    for (int i = 0; i < nreads && !r->bad; i++)
        reads[i] = get_int(r, 0, k - 1);
    form_expr *e = r->bad ? NULL : form_expr_deferred(f->sb, text, names, k, reads, nreads);
    if (!r->bad && !e)
        r->bad = 1;
    free(reads);
    if (!form_text_in_block(f, text))   /* the expression copied it */
        free(text);
    return e;
}

static void get_field(reader *r, form *f, int i)
{
    form_field *fl = &f->field[i];
    fl->id = get_str(r, 0);
    if (!r->bad && !form_id_ok(fl->id))
        r->bad = 1;
    fl->label = get_str(r, 0);
    fl->help = get_str(r, 1);
    fl->check_message = get_str(r, 1);
    fl->unit = get_str(r, 1);
    fl->def = get_str(r, 1);
    fl->type = (enum form_type)get_int(r, FT_CHOICE, FT_NOTE);
    fl->required = get_flag(r);
    fl->section = get_int(r, 0, f->n_sec - 1);
    int n_opt = get_int(r, 0, MAX_OPTIONS);
    if (r->bad)
        return;
    fl->opt = xcalloc((size_t)n_opt + 1, sizeof *fl->opt);
    for (int k = 0; k < n_opt && !r->bad; k++, fl->n_opt++) {
        form_option *o = &fl->opt[k];
        o->code = get_str(r, 0);
        if (!r->bad && !form_code_ok(o->code))
            r->bad = 1;
        o->label = get_str(r, 0);
        o->points = get_num(r);
        o->exclusive = get_flag(r);
        o->value = get_int(r, 0, FORM_VALUE_MAX);
    }
    fl->has_points = get_flag(r);
    fl->has_min = get_flag(r);
    fl->has_max = get_flag(r);
    fl->min = get_num(r);
    fl->max = get_num(r);
    fl->decimals = get_int(r, 0, 1000);
    fl->max_length = get_int(r, 0, INT_MAX);
    fl->line = get_int(r, 0, INT_MAX);
    fl->col = get_int(r, 0, INT_MAX);
}

static void get_score(reader *r, form_score *s)
{
    s->id = get_str(r, 0);
    if (!r->bad && !form_id_ok(s->id))
        r->bad = 1;
    s->label = get_str(r, 0);
    s->decimals = get_int(r, 0, 1000);
    s->has_min = get_flag(r);
    s->has_max = get_flag(r);
    s->min = get_num(r);
    s->max = get_num(r);
    s->trend = get_flag(r);
    s->better = (enum form_better)get_int(r, BETTER_NONE, BETTER_LOWER);
    s->has_mcid = get_flag(r);
    s->mcid = get_num(r);
    int n_band = get_int(r, 0, MAX_BANDS);
    if (r->bad)
        return;
    s->band = xcalloc((size_t)n_band + 1, sizeof *s->band);
    for (int k = 0; k < n_band && !r->bad; k++, s->n_band++) {
        s->band[k].min = get_num(r);
        s->band[k].label = get_str(r, 0);
    }
}

form *form_cache_decode(const char *path, const unsigned char *p, size_t n)
{
    reader r = {p, p + n, 0};
    form *f = xcalloc(1, sizeof *f);
    f->path = xstrdup(path);
    f->ends_follow_up = f->end_reason = -1;
    f->sb = form_sandbox_new();
    f->texts = xmalloc(n + 1);
    f->texts_len = n + 1;
    texts.p = f->texts;
    texts.left = f->texts_len;
    int n_sec = get_int(&r, 1, FORM_MAX_FIELDS);
    int n_field = get_int(&r, 1, FORM_MAX_FIELDS);
    int n_score = get_int(&r, 0, FORM_MAX_SCORES);
    if (r.bad)
        goto bad;
    /* Counts first, so that form_free frees whatever was read. */
    f->sec = xcalloc((size_t)n_sec, sizeof *f->sec);
    f->n_sec = n_sec;
    f->field = xcalloc((size_t)n_field, sizeof *f->field);
    f->n_field = n_field;
    f->score = xcalloc((size_t)n_score + 1, sizeof *f->score);
    f->n_score = n_score;
    f->id = get_str(&r, 0);
    if (!r.bad && !form_id_ok(f->id))
        r.bad = 1;
    f->title = get_str(&r, 0);
    f->description = get_str(&r, 1);
    f->version = get_int(&r, 1, 1000000);
    f->scope = (enum form_scope)get_int(&r, SCOPE_HIP, SCOPE_PATIENT);
    f->id_line = get_int(&r, 0, INT_MAX);
    f->id_col = get_int(&r, 0, INT_MAX);
    /* The sections split the fields in order, none empty. */
    int next = 0;
    for (int i = 0; i < n_sec && !r.bad; i++) {
        f->sec[i].title = get_str(&r, 0);
        f->sec[i].first = get_int(&r, next, next);
        f->sec[i].count = get_int(&r, 1, n_field - next);
        next += f->sec[i].count;
    }
    if (!r.bad && next != n_field)
        r.bad = 1;
    for (int i = 0; i < n_field && !r.bad; i++) {
        get_field(&r, f, i);
        const form_section *sec = &f->sec[f->field[i].section];
        if (i < sec->first || i >= sec->first + sec->count)
            r.bad = 1;
    }
    for (int i = 0; i < n_score && !r.bad; i++)
        get_score(&r, &f->score[i]);
    f->summary_label = get_str(&r, 1);
    f->summary_show = (enum form_show)get_int(&r, SHOW_NONE, SHOW_ALERT);
    f->ends_follow_up = get_int(&r, -1, n_field - 1);
    f->end_is_event = get_flag(&r);
    f->end_reason = get_int(&r, -1, n_field - 1);
    f->enrolment = get_flag(&r);
    if (r.bad || (size_t)(r.end - r.p) < sizeof f->digest)
        goto bad;
    memcpy(f->digest, r.p, sizeof f->digest);
    r.p += sizeof f->digest;
    /* Parameter k is field k, then score k - n_field, as compile_all binds. */
    const char **names = xcalloc((size_t)n_field + (size_t)n_score + 1, sizeof *names);
    for (int i = 0; i < n_field; i++)
        names[i] = f->field[i].id;
    for (int i = 0; i < n_score; i++)
        names[n_field + i] = f->score[i].id;
    int all = n_field + n_score;
    for (int i = 0; i < n_sec && !r.bad; i++)
        f->sec[i].show_if = get_expr(&r, f, names, all);
    for (int i = 0; i < n_field && !r.bad; i++) {
        f->field[i].show_if = get_expr(&r, f, names, all);
        f->field[i].check = get_expr(&r, f, names, all);
    }
    for (int i = 0; i < n_score && !r.bad; i++)
        f->score[i].expr = get_expr(&r, f, names, all);
    if (!r.bad)
        f->summary = get_expr(&r, f, names, all);
    free(names);
    if (r.bad || r.p != r.end)
        goto bad;
    texts.p = NULL;
    return f;
bad:
    texts.p = NULL;
    form_free(f);
    return NULL;
}

/* The payload of the file for key, checked whole, or NULL. */
static unsigned char *read_cached(const char *prefix, const unsigned char key[KEY_LEN],
                                  size_t *plen)
{
    char *file = file_of(prefix, key);
    int fd = open(file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
    free(file);
    if (fd < 0)
        return NULL;
    struct stat st;
    unsigned char *buf = NULL;
    size_t size = 0;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && private_to_us(&st) &&
        st.st_size >= MAGIC_LEN + KEY_LEN + 4 + SHA256_DIGEST_SIZE &&
        st.st_size <= (off_t)MAX_FILE) {
        size = (size_t)st.st_size;
        buf = xmalloc(size);
        if (read_upto(fd, buf, size) != (long)size) {
            free(buf);
            buf = NULL;
        }
    }
    close(fd);
    if (!buf)
        return NULL;
    uint32_t n;
    memcpy(&n, buf + MAGIC_LEN + KEY_LEN, sizeof n);
    unsigned char sum[SHA256_DIGEST_SIZE];
    struct sha256_ctx h;
    sha256_init(&h);
    sha256_update(&h, size - sizeof sum, buf);
    sha256_digest(&h, sizeof sum, sum);
    if (memcmp(buf, MAGIC, MAGIC_LEN) != 0 || memcmp(buf + MAGIC_LEN, key, KEY_LEN) != 0 ||
        (size_t)n != size - (MAGIC_LEN + KEY_LEN + 4 + SHA256_DIGEST_SIZE) ||
        memcmp(buf + size - sizeof sum, sum, sizeof sum) != 0) {
        free(buf);
        return NULL;
    }
    memmove(buf, buf + MAGIC_LEN + KEY_LEN + 4, n);
    *plen = n;
    return buf;
}

/* 0 when there is no cache to look in; else 1, and *payload the payload
 * kept for the bytes buf, of kind, or NULL. */
static int kept(const char *kind, const char *buf, size_t len, unsigned char **payload,
                size_t *n)
{
    unsigned char key[KEY_LEN];
    if (!dir_usable(0) || cache_key(kind, buf, len, key) != 0)
        return 0;
    *payload = read_cached("", key, n);
    return 1;
}

/* Counts a hit (found is not NULL) or a miss; returns found. */
static void *counted(void *found)
{
    if (found)
        hits++;
    else
        misses++;
    return found;
}

form *form_cache_get(const char *path, const char *buf, size_t len)
{
    size_t n = 0;
    unsigned char *payload = NULL;
    if (!kept(KIND_FORM, buf, len, &payload, &n))
        return NULL;
    form *f = payload ? form_cache_decode(path, payload, n) : NULL;
    free(payload);
    return counted(f);
}

ynode *form_cache_tree_get(const char *buf, size_t len)
{
    size_t n = 0;
    unsigned char *payload = NULL;
    if (!kept(KIND_TREE, buf, len, &payload, &n))
        return NULL;
    ynode *root = payload ? ytree_decode(payload, n) : NULL;
    free(payload);
    return counted(root);
}

/* ---- a folder's forms at once ----------------------------------------- */

/* The forms of a folder are also kept together, in one file keyed by the
 * folder and each file's name and status (device, inode, mode, size, and
 * modification and change times) rather than its bytes: a start that finds
 * every file as it was reads that one file, not each form and its kept
 * copy. Any change to a file gives it a new change time, which no one can
 * set back, so a new key. File times move in the clock's coarse ticks, and
 * a file changed twice in one tick to the same size would look the same
 * (git's "racy" entries): only files last changed RACY_SECONDS ago or more
 * are kept so; until then each form is read from its bytes as before. */
#define RACY_SECONDS 2

/* 0 and key filled, or -1: no cache. */
static int set_key(const char *dir, char *const *names, const struct stat *st, size_t n,
                   unsigned char key[KEY_LEN])
{
    sbuf b = {0};
    sbuf_add(&b, dir);
    sbuf_addc(&b, '\0');
    for (size_t i = 0; i < n; i++) {
        sbuf_add(&b, names[i]);
        sbuf_addc(&b, '\0');
        const uint64_t v[] = {
            (uint64_t)st[i].st_dev, (uint64_t)st[i].st_ino, (uint64_t)st[i].st_mode,
            (uint64_t)st[i].st_size, (uint64_t)st[i].st_mtim.tv_sec,
            (uint64_t)st[i].st_mtim.tv_nsec, (uint64_t)st[i].st_ctim.tv_sec,
            (uint64_t)st[i].st_ctim.tv_nsec,
        };
        sbuf_addn(&b, (const char *)v, sizeof v);
    }
    int rc = cache_key(KIND_SET, b.s, b.len, key);
    sbuf_free(&b);
    return rc;
}

int form_cache_set_get(const char *dir, char *const *names, const struct stat *st, size_t n,
                       form ***out)
{
    unsigned char key[KEY_LEN];
    if (n == 0 || !dir_usable(0) || set_key(dir, names, st, n, key) != 0)
        return 0;
    size_t len = 0;
    unsigned char *payload = read_cached(SET_PREFIX, key, &len);
    if (!payload)
        return 0;
    reader r = {payload, payload + len, 0};
    form **v = xcalloc(n, sizeof *v);
    int ok = get_int(&r, (int)n, (int)n) == (int)n && !r.bad;
    for (size_t i = 0; ok && i < n; i++) {
        uint32_t flen = breader_u32(&r);
        if (r.bad || flen > (size_t)(r.end - r.p)) {
            ok = 0;
            break;
        }
        char *path = xasprintf("%s/%s", dir, names[i]);
        v[i] = form_cache_decode(path, r.p, flen);
        free(path);
        r.p += flen;
        ok = v[i] != NULL;
    }
    free(payload);
    if (!ok || r.p != r.end) {
        for (size_t i = 0; i < n; i++)
            form_free(v[i]);
        free(v);
        return 0;
    }
    hits += (int)n;
    *out = v;
    return 1;
}

void form_cache_set_put(const char *dir, char *const *names, const struct stat *st, size_t n,
                        form *const *v)
{
    time_t now = time(NULL);
    for (size_t i = 0; i < n; i++)
        if (st[i].st_ctim.tv_sec > now - RACY_SECONDS || st[i].st_mtim.tv_sec > now - RACY_SECONDS)
            return;
    unsigned char key[KEY_LEN];
    if (n == 0 || !dir_usable(1) || set_key(dir, names, st, n, key) != 0)
        return;
    sbuf b = {0};
    put_int(&b, (int)n);
    for (size_t i = 0; i < n; i++) {
        size_t flen = 0;
        unsigned char *one = form_cache_encode(v[i], &flen);
        sbuf_add_u32(&b, (uint32_t)flen);
        sbuf_addn(&b, (const char *)one, flen);
        free(one);
    }
    write_cached(SET_PREFIX, key, (const unsigned char *)b.s, b.len);
    sbuf_free(&b);
}
