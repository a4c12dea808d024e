/* util.h — small helpers shared by every module: memory, strings, dates,
 * identity, UTF-8 and the escaping of untrusted text.  No curses, no SQL. */
#ifndef BEDSIDE_UTIL_H
#define BEDSIDE_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define BEDSIDE_VERSION "0.1.0"

#define PRINTF_LIKE(a, b) __attribute__((format(printf, a, b)))

/* Allocation that never returns NULL: out of memory aborts with a message. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);          /* xstrdup(NULL) == NULL */
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* mkdir -p with mode for each folder made. 0, or -1 with errno set and, if
 * failed is not NULL, the folder that could not be made in *failed (caller
 * frees). */
int mkdir_p(const char *path, unsigned mode, char **failed);
/* Write all of p[0..n) to fd, again after EINTR: 0, or -1 with errno. */
int write_all(int fd, const void *p, size_t n);
/* Read into p until n bytes or the end, again after EINTR: the count read,
 * or -1 with errno. */
long read_upto(int fd, void *p, size_t n);

/* The error-message convention of functions that take `char **err`: set
 * *err (when err is not NULL) to the formatted message, freeing any earlier
 * one; always returns -1, so `return err_set(err, "...", ...);`. */
int err_set(char **err, const char *fmt, ...) PRINTF_LIKE(2, 3);

/* Growable string; zero-initialise ({0}) before use. s is always
 * NUL-terminated once anything was added. */
typedef struct {
    char *s;
    size_t len, cap;
} sbuf;
void sbuf_addn(sbuf *b, const char *s, size_t n);
void sbuf_add(sbuf *b, const char *s);
void sbuf_addc(sbuf *b, char c);
void sbuf_printf(sbuf *b, const char *fmt, ...) PRINTF_LIKE(2, 3);
char *sbuf_take(sbuf *b);              /* returns the string ("" if empty), resets b */
void sbuf_free(sbuf *b);
/* Bytes kept by this program (the forms cache): a 32-bit number in host
 * order, added to b; and read back from untrusted bytes, where a read past
 * end sets bad and gives 0 (so a decoder checks bad once, at its end). */
void sbuf_add_u32(sbuf *b, uint32_t v);
typedef struct {
    const unsigned char *p, *end;
    int bad;
} breader;
uint32_t breader_u32(breader *r);
/* The next n bytes into out (zeros, and -1, past the end). */
int breader_take(breader *r, void *out, size_t n);

/* Diagnostics: a list of "FILE:LINE:COLUMN: message" lines. Loaders add every
 * problem they find, so a check can print all of them, not only the first. */
typedef struct {
    char **msg;
    size_t n;
} diag;
void diag_add(diag *d, const char *file, int line, int col, const char *fmt, ...)
    PRINTF_LIKE(5, 6);
void diag_print(const diag *d, FILE *out);
void diag_free(diag *d);

/* Dates are whole days since 1970-01-01 (proleptic Gregorian). */
int date_parse(const char *s, int *days);  /* strict YYYY-MM-DD; 0 ok, -1 bad */
void date_format(int days, char out[11]);
int date_today(void);                      /* the pinned day, else the local date */
void date_pin(int days);                   /* --today */
int date_is_pinned(void);
int age_years(int born, int today);

/* A random (version 4) UUID, 36 characters plus NUL, from getrandom(2). */
void uuid_v4(char out[37]);
/* The Unix login of the real user (getpwuid(getuid())); never from the
 * environment, so entered_by cannot be forged with a variable. */
const char *util_login(void);
/* The SHA-256 of a regular file's bytes as 64 lowercase hex digits (nettle);
 * -1 with errno if it cannot be read. */
int util_sha256_file(const char *path, char hex[65]);
/* Current UTC time as "YYYY-MM-DDTHH:MM:SSZ". */
void util_timestamp(char out[21]);

/* UTF-8. utf8_valid returns 1 when s[0..n) is valid UTF-8 (no overlongs,
 * surrogates or code points past U+10FFFF); else 0 with the byte offset. */
int utf8_valid(const char *s, size_t n, size_t *bad_offset);
size_t utf8_chars(const char *s);          /* code points in a valid string */

/* Untrusted text (names, free text) made safe for a terminal or printer:
 * C0 controls and DEL become ^X / ^?, C1 controls and invalid bytes become
 * \xHH. Newline and tab are escaped too (one record stays one line). */
char *text_escape(const char *s);
/* The same, keeping newlines (multi-line free text in a CSV cell). */
char *text_escape_lines(const char *s);
/* The index (in characters) of the first character of s that text_escape
 * would change, newlines left alone when allow_newline; -1 if none. Names,
 * MRNs and text answers hold none (newlines allowed in text answers). */
long text_unsafe_at(const char *s, int allow_newline);
/* A stored UTC time (YYYY-MM-DDTHH:MM:SSZ) as local "YYYY-MM-DD HH:MM ZONE";
 * anything else as stored, escaped. malloc'd. */
char *time_local(const char *iso);
/* 1 if text_escape would change s. */
int text_needs_escape(const char *s);
/* Plain ASCII for a screen or printer that has nothing else, one character
 * per code point so columns stay aligned: Latin letters lose their accents
 * (Tomás Dvořák -> Tomas Dvorak), anything else becomes '?'. */
char text_ascii_char(unsigned cp);
char *text_ascii(const char *s);             /* of UTF-8 text; malloc'd */

/* One RFC 4180 cell (quoted when needed; NULL is empty). A cell starting
 * with = + - @ tab or CR gets a leading ' unless it is a plain number, so
 * a spreadsheet never runs it as a formula. Characters text_escape_lines
 * changes are written escaped (never a raw control byte). */
void csv_cell(FILE *out, const char *s);
#endif
