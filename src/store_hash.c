/* store_hash.c — what an audit entry remembers of the record it wrote.
 *
 * A final record is never changed, so the audit entry of its creation (or
 * amendment) names it by uuid instead of copying its hip, form and
 * timepoint, and keeps a 128-bit digest (the first 16 bytes of SHA-256) of
 * the record as written: ST_RECORD_HASH (store_internal.h) lists the
 * columns. `check` recomputes it for every such entry, so a record changed
 * behind bedside's back, or an entry's digest changed, is reported. The
 * digest has no key: it shows that record and trail disagree, not who is
 * right. */
#include "store_internal.h"

#include <nettle/sha2.h>

/* Each value as a type mark, its length and its bytes, so that no two
 * different lists of values give the same input ("ab","c" vs "a","bc"). */
static void hash_fn(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
    struct sha256_ctx h;
    sha256_init(&h);
    for (int i = 0; i < argc; i++) {
        if (sqlite3_value_type(argv[i]) == SQLITE_NULL) {
            sha256_update(&h, 2, (const uint8_t *)"N;");
            continue;
        }
        const unsigned char *v = sqlite3_value_text(argv[i]);
        int len = sqlite3_value_bytes(argv[i]);
        if (!v) {
            sqlite3_result_error_nomem(cx);
            return;
        }
        /* "T<len>:" as snprintf would write it, which costs more than the
         * digest of a short value. */
        uint8_t head[16];
        int n = (int)sizeof head;
        head[--n] = ':';
        unsigned u = (unsigned)len;
        do
            head[--n] = (uint8_t)('0' + u % 10);
        while ((u /= 10) != 0);
        head[--n] = 'T';
        sha256_update(&h, sizeof head - (size_t)n, head + n);
        sha256_update(&h, (size_t)len, v);
    }
    uint8_t d[ST_RECORD_HASH_BYTES];
    sha256_digest(&h, sizeof d, d);   /* nettle truncates to the size asked */
    sqlite3_result_blob(cx, d, (int)sizeof d, SQLITE_TRANSIENT);
}

int st_hash_register(sqlite3 *db)
{
    return sqlite3_create_function_v2(db, "bedside_record_hash", -1,
                                      SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                      NULL, hash_fn, NULL, NULL, NULL);
}
