/* test_form_cache.c — checked forms kept between runs (form_cache.c): a form
 * read back from the cache is the form its YAML gives, member by member;
 * a damaged, truncated, renamed, foreign or shared file is a miss; any
 * bytes at all decode without harm (run under ASan); an edited form is a
 * miss. The configuration's parsed tree, kept the same way, gives the
 * configuration the YAML gives. */
#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "form_internal.h"
#include "t.h"

static char dir[64];

static int same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static int same_expr(const form_expr *a, const form_expr *b)
{
    if (!a || !b)
        return !a && !b;
    char *x = form_expr_text(a), *y = form_expr_text(b);
    int ok = same_str(x, y) && form_expr_names(a) == form_expr_names(b);
    free(x);
    free(y);
    int na, nb;
    const int *ra = form_expr_reads(a, &na), *rb = form_expr_reads(b, &nb);
    return ok && na == nb && (na == 0 || memcmp(ra, rb, (size_t)na * sizeof *ra) == 0);
}

/* Every member, written out here rather than through the cache's own code. */
static void check_same(const form *a, const form *b)
{
    CHECK_STR(b->path, a->path);
    CHECK_STR(b->id, a->id);
    CHECK_STR(b->title, a->title);
    CHECK(same_str(a->description, b->description));
    CHECK_INT(b->version, a->version);
    CHECK_INT(b->scope, a->scope);
    CHECK_INT(b->id_line, a->id_line);
    CHECK_INT(b->id_col, a->id_col);
    CHECK_INT(b->n_sec, a->n_sec);
    CHECK_INT(b->n_field, a->n_field);
    CHECK_INT(b->n_score, a->n_score);
    if (a->n_sec != b->n_sec || a->n_field != b->n_field || a->n_score != b->n_score)
        return;
    int bad = 0;
    for (int i = 0; i < a->n_sec; i++) {
        const form_section *x = &a->sec[i], *y = &b->sec[i];
        bad += !same_str(x->title, y->title) || x->first != y->first || x->count != y->count ||
               !same_expr(x->show_if, y->show_if);
    }
    for (int i = 0; i < a->n_field; i++) {
        const form_field *x = &a->field[i], *y = &b->field[i];
        bad += !same_str(x->id, y->id) || !same_str(x->label, y->label) ||
               !same_str(x->help, y->help) || !same_str(x->check_message, y->check_message) ||
               !same_str(x->unit, y->unit) || !same_str(x->def, y->def) || x->type != y->type ||
               x->required != y->required || x->section != y->section ||
               !same_expr(x->show_if, y->show_if) || !same_expr(x->check, y->check) ||
               x->n_opt != y->n_opt || x->has_points != y->has_points ||
               x->has_min != y->has_min || x->has_max != y->has_max || x->min != y->min ||
               x->max != y->max || x->decimals != y->decimals ||
               x->max_length != y->max_length || x->line != y->line || x->col != y->col;
        for (int k = 0; k < x->n_opt && k < y->n_opt; k++)
            bad += !same_str(x->opt[k].code, y->opt[k].code) ||
                   !same_str(x->opt[k].label, y->opt[k].label) ||
                   x->opt[k].points != y->opt[k].points ||
                   x->opt[k].exclusive != y->opt[k].exclusive || x->opt[k].value != y->opt[k].value;
    }
    for (int i = 0; i < a->n_score; i++) {
        const form_score *x = &a->score[i], *y = &b->score[i];
        bad += !same_str(x->id, y->id) || !same_str(x->label, y->label) ||
               !same_expr(x->expr, y->expr) || x->decimals != y->decimals ||
               x->has_min != y->has_min || x->has_max != y->has_max || x->min != y->min ||
               x->max != y->max || x->trend != y->trend || x->better != y->better ||
               x->has_mcid != y->has_mcid || x->mcid != y->mcid || x->n_band != y->n_band;
        for (int k = 0; k < x->n_band && k < y->n_band; k++)
            bad += x->band[k].min != y->band[k].min ||
                   !same_str(x->band[k].label, y->band[k].label);
    }
    CHECK_INT(bad, 0);
    CHECK(same_str(a->summary_label, b->summary_label));
    CHECK_INT(b->summary_show, a->summary_show);
    CHECK(same_expr(a->summary, b->summary));
    CHECK_INT(b->ends_follow_up, a->ends_follow_up);
    CHECK_INT(b->end_is_event, a->end_is_event);
    CHECK_INT(b->end_reason, a->end_reason);
    CHECK_INT(b->enrolment, a->enrolment);
    CHECK(memcmp(a->digest, b->digest, sizeof a->digest) == 0);
}

static form *load(const char *path)
{
    diag d = {0};
    form *f = form_load(path, &d);
    diag_print(&d, stdout);
    diag_free(&d);
    return f;
}

static int hits(void)
{
    int h, m;
    form_cache_counts(&h, &m);
    return h;
}

static int misses(void)
{
    int h, m;
    form_cache_counts(&h, &m);
    return m;
}

/* Remove the cache folder's files; with keep_sets, not a folder's forms
 * kept together (set-*), so that a hit can only come from one of those. */
static void remove_files(int keep_sets)
{
    DIR *dp = opendir(dir);
    struct dirent *de;
    while (dp && (de = readdir(dp)) != NULL) {
        if ((de->d_name[0] == '.' && (!de->d_name[1] || de->d_name[1] == '.')) ||
            (keep_sets && strncmp(de->d_name, "set-", 4) == 0))
            continue;
        char *p = xasprintf("%s/%s", dir, de->d_name);
        unlink(p);
        free(p);
    }
    if (dp)
        closedir(dp);
}

static void empty_dir(void)
{
    remove_files(0);
}

/* The one file in the cache folder (after loading one form into it). */
static char *only_file(void)
{
    DIR *dp = opendir(dir);
    struct dirent *de;
    char *found = NULL;
    int n = 0;
    while (dp && (de = readdir(dp)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        free(found);
        found = xasprintf("%s/%s", dir, de->d_name);
        n++;
    }
    if (dp)
        closedir(dp);
    CHECK_INT(n, 1);
    return found;
}

static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *fp = fopen(path, "rb");
    CHECK(fp != NULL);
    if (!fp)
        return NULL;
    fseek(fp, 0, SEEK_END);
    long len = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    unsigned char *b = xmalloc((size_t)len + 1);
    *n = fread(b, 1, (size_t)len, fp);
    fclose(fp);
    return b;
}

static void spill(const char *path, const void *b, size_t n)
{
    FILE *fp = fopen(path, "wb");
    CHECK(fp != NULL);
    if (fp) {
        fwrite(b, 1, n, fp);
        fclose(fp);
    }
    chmod(path, 0600);
}

static const char *const shipped[] = {
    "complications", "end_of_followup", "hhs", "hip_enrolment", "mri", "patient_enrolment",
    "procedure", "rand36", "satisfaction", "tha", "vas", NULL,
};

/* Each shipped form: YAML, then a miss that writes, then a hit that reads. */
static void test_round_trip(void)
{
    for (int i = 0; shipped[i]; i++) {
        char *path = xasprintf("%s/forms/%s.yaml", BEDSIDE_SRCDIR, shipped[i]);
        form_cache_use(NULL);
        form *plain = load(path);
        CHECK(plain != NULL);
        form_cache_use(dir);
        int h = hits(), m = misses();
        form *first = load(path);
        CHECK_INT(misses(), m + 1);
        form *again = load(path);
        CHECK_INT(hits(), h + 1);
        if (plain && first && again) {
            check_same(plain, first);
            check_same(plain, again);
        }
        form_free(plain);
        form_free(first);
        form_free(again);
        free(path);
    }
}

/* The HHS from the cache scores, hides and refuses exactly as from YAML. */
static void test_hhs_behaves(void)
{
    char *path = xasprintf("%s/forms/hhs.yaml", BEDSIDE_SRCDIR);
    form_cache_use(NULL);
    form *plain = load(path);
    form_cache_use(dir);
    form *cached = load(path);
    form *both[2] = {plain, cached};
    double total[2][8];
    int null[2][8];
    int nonnull = 0;
    int vis[2] = {0, 0};
    char err[2][200] = {"", ""};
    for (int k = 0; k < 2 && plain && cached; k++) {
        form_answers *a = form_answers_new(both[k]);
        for (int i = 0; i < both[k]->n_field; i++) {
            const form_field *fl = &both[k]->field[i];
            char e[200];
            if (fl->n_opt)
                form_answer_set(a, i, fl->opt[fl->n_opt / 2].code, e, sizeof e);
            else if (fl->type == FT_INTEGER || fl->type == FT_DECIMAL)
                form_answer_set(a, i, "40", e, sizeof e);
            vis[k] += form_field_visible(a, i);
        }
        CHECK(both[k]->n_score <= 8);
        form_compute(a, total[k], null[k]);
        int i = form_field_index(both[k], "flexion");
        if (i >= 0)
            form_answer_set(a, i, "9999", err[k], sizeof err[k]);
        form_answers_free(a);
    }
    for (int i = 0; plain && cached && i < plain->n_score; i++) {
        CHECK_INT(null[1][i], null[0][i]);
        if (!null[0][i]) {
            nonnull++;
            CHECK_NEAR(total[1][i], total[0][i]);
        }
    }
    CHECK(nonnull >= 2);
    CHECK_INT(vis[1], vis[0]);
    CHECK_STR(err[1], err[0]);
    CHECK(err[0][0] != '\0');
    form_free(plain);
    form_free(cached);
    free(path);
}

/* A damaged, truncated or renamed cache file, or one others may write, is a
 * miss, and the YAML's form is what comes back. */
static void test_bad_files(void)
{
    char *hhs = xasprintf("%s/forms/hhs.yaml", BEDSIDE_SRCDIR);
    char *vas = xasprintf("%s/forms/vas.yaml", BEDSIDE_SRCDIR);
    form_cache_use(NULL);
    form *plain = load(hhs);
    form_cache_use(dir);
    empty_dir();
    form_free(load(hhs));
    char *file = only_file();
    size_t n = 0;
    unsigned char *good = file ? slurp(file, &n) : NULL;
    if (!good) {
        free(file);
        return;
    }
    for (int round = 0; round < 4; round++) {
        unsigned char *b = xmalloc(n);
        memcpy(b, good, n);
        size_t len = n;
        if (round == 0)
            b[n / 2] ^= 0x20;          /* a flipped bit in the payload */
        else if (round == 1)
            b[n - 1] ^= 0x01;          /* in the checksum */
        else if (round == 2)
            len = n - 40;              /* truncated */
        else
            b[3] = 'X';                /* another format */
        spill(file, b, len);
        free(b);
        int m = misses();
        form *f = load(hhs);
        CHECK_INT(misses(), m + 1);
        if (f && plain)
            check_same(plain, f);
        form_free(f);
        /* The miss wrote a good file back: the next load is a hit. */
        int h = hits();
        form_free(load(hhs));
        CHECK_INT(hits(), h + 1);
    }
    /* hhs's file under vas's name: it names another key. */
    empty_dir();
    form_free(load(vas));
    char *vas_file = only_file();
    if (vas_file) {
        spill(vas_file, good, n);
        int m = misses();
        form *f = load(vas);
        CHECK_INT(misses(), m + 1);
        CHECK(f && strcmp(f->id, "vas") == 0);
        form_free(f);
    }
    /* A file others may write is not read. */
    empty_dir();
    form_free(load(hhs));
    char *again = only_file();
    if (again) {
        chmod(again, 0620);
        int h = hits();
        form_free(load(hhs));
        CHECK_INT(hits(), h);
        chmod(again, 0600);
    }
    /* Nor is a folder others may write to, nor is anything written there. */
    empty_dir();
    chmod(dir, 0777);
    form_cache_use(dir);
    int h = hits(), m = misses();
    form_free(load(hhs));
    form_free(load(hhs));
    CHECK_INT(hits(), h);
    CHECK_INT(misses(), m);
    DIR *dp = opendir(dir);
    int files = 0;
    struct dirent *de;
    while (dp && (de = readdir(dp)) != NULL)
        files += de->d_name[0] != '.';
    if (dp)
        closedir(dp);
    CHECK_INT(files, 0);
    chmod(dir, 0700);
    form_cache_use(dir);
    free(again);
    free(vas_file);
    free(good);
    free(file);
    form_free(plain);
    free(hhs);
    free(vas);
}

/* Whatever the bytes, decoding neither crashes nor leaks (ASan): a file
 * forged with a good checksum is still only ever a form or a miss. */
static void test_any_bytes(void)
{
    char *path = xasprintf("%s/forms/hhs.yaml", BEDSIDE_SRCDIR);
    form_cache_use(NULL);
    form *f = load(path);
    free(path);
    if (!f)
        return;
    size_t n = 0;
    unsigned char *good = form_cache_encode(f, &n);
    form *back = form_cache_decode(f->path, good, n);
    CHECK(back != NULL);
    if (back)
        check_same(f, back);
    form_free(back);
    CHECK(form_cache_decode("x", good, n - 1) == NULL);
    uint32_t seed = 12345;
    int decoded = 0, refused = 0;
    unsigned char *b = xmalloc(n + 1);
    for (int round = 0; round < 3000; round++) {
        memcpy(b, good, n);
        size_t len = n;
        int flips = 1 + round % 4;
        for (int k = 0; k < flips; k++) {
            seed = seed * 1103515245u + 12345u;
            size_t at = (seed >> 8) % n;
            seed = seed * 1103515245u + 12345u;
            b[at] = (unsigned char)(seed >> 16);
        }
        if (round % 7 == 0) {
            seed = seed * 1103515245u + 12345u;
            len = (seed >> 8) % n;
        }
        form *g = form_cache_decode("fuzz.yaml", b, len);
        if (g) {
            decoded++;
            /* Its expressions compile at first use, or say they cannot. */
            form_answers *a = form_answers_new(g);
            double v[FORM_MAX_SCORES];
            int null[FORM_MAX_SCORES];
            form_compute(a, v, null);
            for (int i = 0; i < g->n_field; i++)
                form_field_visible(a, i);
            form_answers_free(a);
            form_free(g);
        } else {
            refused++;
        }
    }
    CHECK(refused > 0);
    printf("     any bytes: %d decoded, %d refused\n", decoded, refused);
    free(b);
    free(good);
    form_free(f);
}

/* An expression the cache's copy cannot compile is an evaluation error at
 * its first use, never a crash or a wrong value. */
static void test_deferred_failure(void)
{
    static const char yaml[] =
        "id: t\ntitle: T\nversion: 1\nscope: hip\n"
        "sections:\n  - title: S\n    fields:\n      - {id: a, label: A, type: integer}\n"
        "scores:\n  - {id: s, label: S, expr: \"a + 1\"}\n";
    diag d = {0};
    form *f = form_load_buffer("t.yaml", yaml, strlen(yaml), &d);
    diag_free(&d);
    CHECK(f != NULL);
    if (!f)
        return;
    size_t n = 0;
    unsigned char *p = form_cache_encode(f, &n);
    unsigned char *at = NULL;
    for (size_t i = 0; i + 5 <= n; i++)
        if (memcmp(p + i, "a + 1", 5) == 0)
            at = p + i;
    CHECK(at != NULL);
    if (at)
        memcpy(at, "a + )", 5);
    form *g = form_cache_decode("t.yaml", p, n);
    CHECK(g != NULL);
    if (g) {
        form_answers *a = form_answers_new(g);
        char err[200];
        CHECK_INT(form_answer_set(a, 0, "4", err, sizeof err), 0);
        double v[2];
        int null[2] = {0, 0};
        form_compute(a, v, null);
        CHECK(null[0]);
        form_answers_free(a);
        form_free(g);
    }
    free(p);
    form_free(f);
}

/* Ids and option codes are checked again on the way back: an id is spliced
 * into an expression's SQL and a code into the exports. */
static void test_bad_ids(void)
{
    static const char yaml[] =
        "id: t\ntitle: T\nversion: 1\nscope: hip\n"
        "sections:\n  - title: S\n    fields:\n"
        "      - {id: zzid, label: A, type: choice, options: [{code: cccode, label: C}]}\n"
        "scores:\n  - {id: yyid, label: S, expr: \"zzid = 'cccode'\"}\n";
    diag d = {0};
    form *f = form_load_buffer("t.yaml", yaml, strlen(yaml), &d);
    diag_print(&d, stdout);
    diag_free(&d);
    CHECK(f != NULL);
    if (!f)
        return;
    size_t n = 0;
    unsigned char *good = form_cache_encode(f, &n);
    form *back = form_cache_decode("t.yaml", good, n);
    CHECK(back != NULL);
    form_free(back);
    static const char *const swaps[][2] = {
        {"zzid", "zz;d"}, {"yyid", "YYid"}, {"cccode", "cc-ode"}, {"\x01\0\0\0t", "\x01\0\0\0T"},
    };
    for (size_t k = 0; k < sizeof swaps / sizeof swaps[0]; k++) {
        unsigned char *b = xmalloc(n);
        memcpy(b, good, n);
        size_t len = strlen(swaps[k][0]) + (k == 3 ? 4 : 0);
        int found = 0;
        for (size_t i = 0; i + len <= n && !found; i++)
            if (memcmp(b + i, swaps[k][0], len) == 0) {
                memcpy(b + i, swaps[k][1], len);
                found = 1;
            }
        CHECK(found);
        form *g = form_cache_decode("t.yaml", b, n);
        if (g)
            printf("     decoded with %s in place of %s\n", swaps[k][1], swaps[k][0]);
        CHECK(g == NULL);
        form_free(g);
        free(b);
    }
    free(good);
    form_free(f);
}

/* An edited form is another key: a miss, and the new text is what loads. */
static void test_edited(void)
{
    char *path = xasprintf("%s/t.yaml.src", dir);
    const char *v1 = "id: t\ntitle: First\nversion: 1\nscope: hip\n"
                     "sections:\n  - title: S\n    fields:\n      - {id: a, label: A, type: integer}\n";
    const char *v2 = "id: t\ntitle: Second\nversion: 1\nscope: hip\n"
                     "sections:\n  - title: S\n    fields:\n      - {id: a, label: A, type: integer}\n";
    form_cache_use(dir);
    spill(path, v1, strlen(v1));
    form_free(load(path));
    int h = hits();
    form *f = load(path);
    CHECK_INT(hits(), h + 1);
    CHECK(f && strcmp(f->title, "First") == 0);
    form_free(f);
    spill(path, v2, strlen(v2));
    int m = misses();
    f = load(path);
    CHECK_INT(misses(), m + 1);
    CHECK(f && strcmp(f->title, "Second") == 0);
    form_free(f);
    unlink(path);
    free(path);
}


/* The cache files named SET_PREFIX (a folder's forms kept together). */
static int set_files(void)
{
    DIR *dp = opendir(dir);
    struct dirent *de;
    int n = 0;
    while (dp && (de = readdir(dp)) != NULL)
        n += strncmp(de->d_name, "set-", 4) == 0;
    if (dp)
        closedir(dp);
    return n;
}

static int set_load(const char *folder, form_set *fs)
{
    diag d = {0};
    int bad = form_set_load(fs, folder, &d);
    diag_print(&d, stdout);
    diag_free(&d);
    return bad;
}

static const char *title_of(const form_set *fs, const char *id)
{
    const form *f = form_set_find(fs, id);
    return f ? f->title : "(none)";
}

/* A folder's forms kept together, by the files' status: not while a file
 * is fresh (its change time within the clock's coarse tick of another
 * change), then read at once; an edit of the same size, a new file and a
 * damaged cache file each go back to the forms' bytes. */
static void test_folder(void)
{
    char *folder = xasprintf("%s.forms", dir);
    CHECK(mkdir(folder, 0700) == 0);
    const char *a1 = "id: ta\ntitle: Alpha\nversion: 1\nscope: hip\n"
                     "sections:\n  - title: S\n    fields:\n      - {id: a, label: A, type: integer}\n";
    const char *a2 = "id: ta\ntitle: Alpho\nversion: 1\nscope: hip\n"
                     "sections:\n  - title: S\n    fields:\n      - {id: a, label: A, type: integer}\n";
    const char *b1 = "id: tb\ntitle: Beta\nversion: 1\nscope: patient\n"
                     "sections:\n  - title: S\n    fields:\n      - {id: b, label: B, type: text}\n";
    char *pa = xasprintf("%s/a.yaml", folder), *pb = xasprintf("%s/b.yaml", folder);
    spill(pa, a1, strlen(a1));
    spill(pb, b1, strlen(b1));
    empty_dir();
    form_cache_use(dir);
    form_set fs;
    CHECK_INT(set_load(folder, &fs), 0);
    form_set_free(&fs);
    CHECK_INT(set_files(), 0);   /* fresh files: each form kept alone only */
    sleep(3);
    CHECK_INT(set_load(folder, &fs), 0);
    form_set_free(&fs);
    CHECK_INT(set_files(), 1);
    remove_files(1);
    int h = hits(), m = misses();
    CHECK_INT(set_load(folder, &fs), 0);
    CHECK_INT(hits(), h + 2);
    CHECK_INT(misses(), m);
    CHECK_INT(fs.n, 2);
    CHECK(strcmp(title_of(&fs, "ta"), "Alpha") == 0 && strcmp(title_of(&fs, "tb"), "Beta") == 0);
    CHECK(fs.n == 2 && strcmp(fs.v[0]->path, pa) == 0);
    form_set_free(&fs);
    /* The same size, another byte: read from the bytes at once. */
    spill(pa, a2, strlen(a2));
    m = misses();
    CHECK_INT(set_load(folder, &fs), 0);
    CHECK(strcmp(title_of(&fs, "ta"), "Alpho") == 0);
    CHECK_INT(misses(), m + 2);   /* the edited form, and tb (its file was dropped) */
    form_set_free(&fs);
    CHECK_INT(set_files(), 1);    /* a.yaml is fresh: not kept together yet */
    /* A damaged file of the folder: the forms' bytes, not an error. */
    sleep(3);
    CHECK_INT(set_load(folder, &fs), 0);
    form_set_free(&fs);
    CHECK_INT(set_files(), 2);
    DIR *dp = opendir(dir);
    struct dirent *de;
    while (dp && (de = readdir(dp)) != NULL) {
        if (strncmp(de->d_name, "set-", 4) != 0)
            continue;
        char *p = xasprintf("%s/%s", dir, de->d_name);
        size_t n = 0;
        unsigned char *b = slurp(p, &n);
        if (b && n > 60) {
            b[60] ^= 0x40;
            spill(p, b, n);
        }
        free(b);
        free(p);
    }
    if (dp)
        closedir(dp);
    remove_files(1);
    h = hits();
    m = misses();
    CHECK_INT(set_load(folder, &fs), 0);
    CHECK_INT(hits(), h);
    CHECK_INT(misses(), m + 2);
    CHECK(strcmp(title_of(&fs, "ta"), "Alpho") == 0 && strcmp(title_of(&fs, "tb"), "Beta") == 0);
    form_set_free(&fs);
    /* A new file in the folder: another key. */
    char *pc = xasprintf("%s/c.yaml", folder);
    spill(pc, a1, strlen(a1));   /* id ta again: a problem, never kept together */
    diag d = {0};
    CHECK(form_set_load(&fs, folder, &d) > 0);
    CHECK_INT((int)d.n, 1);
    diag_free(&d);
    form_set_free(&fs);
    unlink(pa);
    unlink(pb);
    unlink(pc);
    rmdir(folder);
    free(pa);
    free(pb);
    free(pc);
    free(folder);
}

/* A configuration as text, every member (config.h). */
static char *config_text(const char *path)
{
    config c;
    diag d = {0};
    int rc = config_load(&c, path, &d);
    sbuf b = {0};
    sbuf_printf(&b, "rc %d, %d problems\n", rc, (int)d.n);
    for (size_t i = 0; i < d.n; i++)
        sbuf_printf(&b, "%s\n", d.msg[i]);
    diag_free(&d);
    if (rc != 0) {
        config_free(&c);
        return sbuf_take(&b);
    }
    sbuf_printf(&b, "%s|%s|%s|%d %d %d|%s|%s\n", c.path, c.database ? c.database : "-",
                c.forms_dir ? c.forms_dir : "-", c.paper_letter, c.print_pdf, c.print_ascii,
                c.list_form ? c.list_form : "-", c.list_score ? c.list_score : "-");
    for (char **a = c.print_cmd; a && *a; a++)
        sbuf_printf(&b, "cmd %s\n", *a);
    for (int i = 0; i < c.n_tp; i++) {
        const sched_tp *t = &c.tp[i];
        sbuf_printf(&b, "tp %s %s %d %d %d:", t->id, t->label, t->day, t->before, t->after);
        for (int k = 0; k < t->n_forms; k++)
            sbuf_printf(&b, " %s", t->forms[k]);
        sbuf_addc(&b, '\n');
    }
    const config_report_item *it[] = {&c.rep_outcome, &c.rep_endpoint};
    for (int i = 0; i < 2; i++)
        sbuf_printf(&b, "report %s %s %s %d:%d\n", it[i]->form ? it[i]->form : "-",
                    it[i]->field ? it[i]->field : "-", it[i]->by ? it[i]->by : "-",
                    it[i]->line, it[i]->col);
    config_free(&c);
    return sbuf_take(&b);
}

/* The configuration's tree from the cache: the same configuration as from
 * its YAML, a damaged kept tree a miss, an edited file a miss. */
static void test_config_tree(void)
{
    char *shipped_cfg = xasprintf("%s/config/bedside.yaml", BEDSIDE_SRCDIR);
    char *trial = xasprintf("%s/config/examples/trial-003.yaml", BEDSIDE_SRCDIR);
    const char *paths[] = {shipped_cfg, trial};
    for (int i = 0; i < 2; i++) {
        form_cache_use(NULL);
        char *want = config_text(paths[i]);
        form_cache_use(dir);
        empty_dir();
        int m = misses(), h = hits();
        char *first = config_text(paths[i]);   /* parsed, and kept */
        char *again = config_text(paths[i]);   /* from the kept tree */
        CHECK_INT(misses(), m + 1);
        CHECK_INT(hits(), h + 1);
        CHECK_STR(first, want);
        CHECK_STR(again, want);
        char *file = only_file();
        size_t n = 0;
        unsigned char *good = file ? slurp(file, &n) : NULL;
        if (good) {
            good[n / 2] ^= 0x04;   /* damaged: a miss, parsed again, and kept again */
            spill(file, good, n);
            m = misses();
            char *damaged = config_text(paths[i]);
            CHECK_INT(misses(), m + 1);
            CHECK_STR(damaged, want);
            free(damaged);
        }
        free(good);
        free(file);
        free(want);
        free(first);
        free(again);
    }
    /* An edited configuration is read as it is now. */
    char *path = xasprintf("%s/c.yaml.src", dir);
    size_t n = 0;
    unsigned char *v1 = slurp(shipped_cfg, &n);
    if (!v1)
        return;
    v1[n] = '\0';   /* slurp leaves room for it */
    spill(path, v1, n);
    free(config_text(path));
    char *before = config_text(path);
    char *at = strstr((char *)v1, "{form: hhs, score: total}");
    CHECK(at != NULL);
    if (at)
        memcpy(at, "{form: vas, score: pain} ", 25);
    spill(path, v1, n);
    free(v1);
    char *after = config_text(path);
    CHECK(strstr(before, "|hhs|total") != NULL);
    CHECK(strstr(after, "|vas|pain") != NULL);
    free(before);
    free(after);
    unlink(path);
    free(path);
    empty_dir();
    free(shipped_cfg);
    free(trial);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/bedside-fcache-XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    test_round_trip();
    test_hhs_behaves();
    test_bad_files();
    test_any_bytes();
    test_deferred_failure();
    test_bad_ids();
    test_edited();
    test_folder();
    test_config_tree();
    empty_dir();
    rmdir(dir);
    form_cache_use(NULL);
    return t_done();
}
