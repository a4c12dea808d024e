/* ui_main.c — the terminal UI's frame: start-up, the screen stack, the main
 * loop, signals, resize and the "terminal too small" screen. */
#include "ui.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Set by the signal handlers, read by ui_getkey; nothing else happens in a
 * handler (no curses, no stdio, no malloc). */
static volatile sig_atomic_t got_hangup;

static void on_signal(int sig)
{
    (void)sig;
    got_hangup = 1;
}

/* SIGHUP, SIGTERM and an outside SIGINT all mean "stop now"; every accepted
 * answer is already in the draft. Installed before curses starts so that
 * ncurses keeps ours (it only takes signals left at SIG_DFL). Ctrl-C itself
 * reaches us as a key (raw mode) and works like Esc. */
static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;        /* no SA_RESTART: a blocked read returns at once */
    /* An inherited SIG_IGN for SIGHUP (nohup) is kept: the dead terminal is
     * then noticed by its failing reads instead. */
    struct sigaction old;
    if (sigaction(SIGHUP, NULL, &old) == 0 && old.sa_handler != SIG_IGN)
        sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
}

/* The screens; each file fills its ops with designated initialisers. */
const ui_screen_ops *const ui_screens[UI_N_SCREENS] = {
    [UI_LIST] = &ui_list_ops,
    [UI_PATIENT] = &ui_patient_ops,
    [UI_FORM] = &ui_form_ops,
    [UI_RECORD] = &ui_record_ops,
    [UI_COHORT] = &ui_cohort_ops,
    [UI_DRAFTS] = &ui_drafts_ops,
};

int ui_top(const ui *u)
{
    return u->depth ? u->stk[u->depth - 1].id : UI_LIST;
}

void *ui_state(ui *u, int id)
{
    for (int i = u->depth - 1; i >= 0; i--)
        if (u->stk[i].id == id)
            return u->stk[i].st;
    return NULL;
}

static void drop_windows(ui *u)
{
    WINDOW **w[] = {&u->top, &u->body, &u->side, &u->help, &u->status, &u->keys};
    for (size_t i = 0; i < sizeof w / sizeof *w; i++) {
        if (*w[i])
            delwin(*w[i]);
        *w[i] = NULL;
    }
    u->cur_win = NULL;
}

/* The one layout function: run at start, on every resize and when the top
 * screen changes (its side panel may differ). Edit buffers live in the
 * screens' models, so rebuilding windows loses nothing. */
static void layout(ui *u)
{
    drop_windows(u);
    getmaxyx(stdscr, u->rows, u->cols);
    u->too_small = u->cols < UI_MIN_COLS || u->rows < UI_MIN_ROWS;
    if (u->too_small)
        return;
    int side = ui_screens[ui_top(u)]->side_width;
    u->top = newwin(1, u->cols, 0, 0);
    u->body = newwin(u->rows - 4, u->cols - side, 1, 0);
    u->side = side ? newwin(u->rows - 4, side, 1, u->cols - side) : NULL;
    u->help = newwin(1, u->cols, u->rows - 3, 0);
    u->status = newwin(1, u->cols, u->rows - 2, 0);
    u->keys = newwin(1, u->cols, u->rows - 1, 0);
}

static void draw_too_small(ui *u)
{
    werase(stdscr);
    char line[96];
    snprintf(line, sizeof line, "terminal too small (need %dx%d, have %dx%d)", UI_MIN_COLS,
             UI_MIN_ROWS, u->cols, u->rows);
    int y = u->rows / 2 - 1, x = (u->cols - (int)strlen(line)) / 2;
    mvwaddnstr(stdscr, y < 0 ? 0 : y, x < 0 ? 0 : x, line, u->cols);
    const char *hint = "enlarge the window; nothing is lost";
    x = (u->cols - (int)strlen(hint)) / 2;
    if (y + 2 < u->rows)
        mvwaddnstr(stdscr, y + 2, x < 0 ? 0 : x, hint, u->cols);
    wnoutrefresh(stdscr);
}

void ui_msg(ui *u, int color, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(u->msg, sizeof u->msg, fmt, ap);
    va_end(ap);
    u->msg_color = color;
}

int ui_top_begin(ui *u)
{
    attr_t at = ui_attr(u, UC_TITLE);
    werase(u->top);
    ui_fill(u->top, 0, 0, u->cols, at);
    if (!u->demo)
        return 1;
    ui_put(u, u->top, 0, 1, " DEMO ", 6, ui_attr(u, UC_ALERT) | A_BOLD | A_REVERSE);
    return 8;
}

void ui_flush(ui *u)
{
    if (u->dead)
        return;
    if (!u->too_small) {
        werase(u->status);
        if (u->msg[0])
            ui_put(u, u->status, 0, 1, u->msg, u->cols - 2, ui_attr(u, u->msg_color));
        wnoutrefresh(u->status);
        if (u->cur_on && u->cur_win) {
            curs_set(1);
            wmove(u->cur_win, u->cur_y, u->cur_x);
            wnoutrefresh(u->cur_win);
        } else {
            curs_set(0);
        }
    }
    /* The input window must never be repainted by wget_wch. */
    untouchwin(u->in);
    doupdate();
}

static void draw_keys(ui *u)
{
    werase(u->keys);
    wbkgdset(u->keys, ' ' | ui_attr(u, UC_KEYS));
    ui_fill(u->keys, 0, 0, u->cols, ui_attr(u, UC_KEYS));
    ui_put(u, u->keys, 0, 1, ui_screens[ui_top(u)]->keys, u->cols - 2, ui_attr(u, UC_KEYS));
    wnoutrefresh(u->keys);
}

void ui_draw_all(ui *u)
{
    if (u->dead)
        return;
    u->cur_on = 0;
    if (u->too_small) {
        curs_set(0);
        draw_too_small(u);
        untouchwin(u->in);
        doupdate();
        return;
    }
    int id = ui_top(u);
    ui_screens[id]->draw(u, u->depth ? u->stk[u->depth - 1].st : NULL);
    draw_keys(u);
    for (int i = 0; i < u->n_modal; i++)
        u->modal[i].draw(u, u->modal[i].ctx);
    ui_flush(u);
}

void ui_modal_push(ui *u, ui_modal_draw draw, void *ctx)
{
    if (u->n_modal < (int)(sizeof u->modal / sizeof *u->modal)) {
        u->modal[u->n_modal].draw = draw;
        u->modal[u->n_modal].ctx = ctx;
        u->n_modal++;
    }
}

void ui_modal_pop(ui *u)
{
    if (u->n_modal > 0)
        u->n_modal--;
    /* What the dialog covered comes back: every screen window is erased and
     * redrawn, so each of its lines is copied over the dialog's cells. */
    if (!u->dead && !u->too_small)
        ui_draw_all(u);
}

void ui_push(ui *u, int id, void *st)
{
    if (u->depth == (int)(sizeof u->stk / sizeof *u->stk)) {
        ui_screens[id]->leave(u, st);
        ui_msg(u, UC_ERROR, "too many screens open");
        return;
    }
    u->stk[u->depth].id = id;
    u->stk[u->depth].st = st;
    u->depth++;
    layout(u);
    ui_draw_all(u);
}

void ui_pop(ui *u)
{
    if (!u->depth)
        return;
    u->depth--;
    ui_screens[u->stk[u->depth].id]->leave(u, u->stk[u->depth].st);
    if (!u->depth) {
        u->quit = 1;
        return;
    }
    layout(u);
    const ui_screen_ops *ops = ui_screens[ui_top(u)];
    if (ops->resume)
        ops->resume(u, u->stk[u->depth - 1].st);
    if (u->depth && !u->dead)
        ui_draw_all(u);
}

/* A hung-up tty makes reads fail at once; poll says so with POLLHUP. */
static int tty_gone(void)
{
    struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
    if (poll(&p, 1, 0) < 0)
        return errno != EINTR;
    return (p.revents & (POLLHUP | POLLERR | POLLNVAL)) != 0;
}

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* After an Esc, the rest of a key's escape sequence that the terminfo entry
 * does not name (vt100 has no PgDn, for instance) is still waiting. Such a
 * sequence is read whole and ignored, never taken as Esc; an Esc followed by
 * anything else is an Esc (the other key is read next). Returns 1 when a
 * sequence was swallowed. */
static int swallow_sequence(ui *u)
{
    wint_t c = 0;
    int r;
    wtimeout(u->in, 30);
    r = wget_wch(u->in, &c);
    int seq = r == OK && (c == '[' || c == 'O');
    if (r != ERR && !seq)
        unget_wch(c);
    else if (seq && c == 'O')
        r = wget_wch(u->in, &c);        /* SS3: one more byte */
    else if (seq)                       /* CSI: parameters up to a final byte */
        for (int i = 0; i < 16; i++) {
            r = wget_wch(u->in, &c);
            if (r == ERR || (r == OK && c >= 0x40 && c <= 0x7e))
                break;
        }
    wtimeout(u->in, 250);
    return seq;
}

int ui_getkey(ui *u)
{
    for (;;) {
        if (got_hangup)
            u->dead = 1;
        if (u->dead)
            return UK_HANGUP;
        wint_t ch = 0;
        long t0 = now_ms();
        errno = 0;
        int r = wget_wch(u->in, &ch);
        if (r == ERR) {
            int e = errno;
            /* A timeout takes ~250 ms; a dead terminal returns at once, again and
             * again, usually with EIO. Three such in a row means it is gone. */
            int instant = now_ms() - t0 < 20;
            if (e == EINTR)
                continue;
            if (e == EILSEQ) {
                /* Bytes the locale cannot decode (é typed under LANG=C):
                 * refused aloud, never dropped in silence. */
                ui_msg(u, UC_ERROR, "a non-ASCII character was refused: the locale is not UTF-8");
                ui_draw_all(u);
                continue;
            }
            if (e == EIO || e == EBADF || (instant && tty_gone()))
                u->err_run++;
            else
                u->err_run = 0;
            u->fast_err = instant ? u->fast_err + 1 : 0;
            if (u->err_run >= 3 || u->fast_err >= 200)
                u->dead = 1;
            continue;
        }
        u->err_run = u->fast_err = 0;
        if (r == KEY_CODE_YES && ch == KEY_RESIZE) {
            layout(u);
            if (!u->too_small)
                clearok(curscr, TRUE);  /* a resize can leave junk in the terminal */
            ui_draw_all(u);
            continue;
        }
        if (u->too_small)
            continue;   /* keys are ignored until the window is big enough again */
        if (r == KEY_CODE_YES)
            return UK((int)ch);
        if (ch == UK_ESC && swallow_sequence(u)) {
            ui_msg(u, UC_WARN, "that key is not known on this terminal; ignored");
            ui_flush(u);
            continue;
        }
        return (int)ch;
    }
}

/* The VT220/xterm/rxvt sequences of the keys bedside uses, for terminals
 * whose terminfo entry names fewer keys than the emulator sends (vt100
 * through PuTTY or tmux sends ESC [ 6 ~ for PgDn). A sequence the entry
 * already binds keeps its meaning. */
static void define_keys(void)
{
    static const struct {
        const char *seq;
        int key;
    } k[] = {
        {"\033[1~", KEY_HOME}, {"\033[7~", KEY_HOME}, {"\033[H", KEY_HOME}, {"\033OH", KEY_HOME},
        {"\033[4~", KEY_END}, {"\033[8~", KEY_END}, {"\033[F", KEY_END}, {"\033OF", KEY_END},
        {"\033[5~", KEY_PPAGE}, {"\033[6~", KEY_NPAGE}, {"\033[2~", KEY_IC}, {"\033[3~", KEY_DC},
        {"\033[A", KEY_UP}, {"\033[B", KEY_DOWN}, {"\033[C", KEY_RIGHT}, {"\033[D", KEY_LEFT},
        {"\033OA", KEY_UP}, {"\033OB", KEY_DOWN}, {"\033OC", KEY_RIGHT}, {"\033OD", KEY_LEFT},
        {"\033[Z", KEY_BTAB}, {"\033OM", KEY_ENTER}, {"\033OP", KEY_F(1)}, {"\033[11~", KEY_F(1)},
        {"\033[[A", KEY_F(1)},
    };
    for (size_t i = 0; i < sizeof k / sizeof *k; i++)
        if (key_defined(k[i].seq) == 0)
            define_key(k[i].seq, k[i].key);
}

/* Colour and ASCII fallbacks need to be decided before the first draw. */
static int start_curses(ui *u)
{
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fputs("bedside: the interactive screen needs a terminal "
              "(use a subcommand for scripts; see bedside --help)\n", stderr);
        return -1;
    }
    const char *term = getenv("TERM");
    if (!newterm(term && *term ? term : "vt100", stdout, stdin)) {
        fprintf(stderr, "bedside: cannot use terminal type '%s'\n", term ? term : "");
        return -1;
    }
    /* raw, not cbreak: Ctrl-S (finish a form) and Ctrl-Q must reach us
     * instead of being taken as XON/XOFF flow control, and Ctrl-C is a key. */
    raw();
    noecho();
    nonl();
    set_escdelay(25);
    define_keys();
    u->in = newwin(1, 1, 0, 0);
    keypad(u->in, TRUE);
    wtimeout(u->in, 250);
    ui_theme_init(u);
    return 0;
}

int ui_main(app *a, const ui_start *start)
{
    ui *u = xcalloc(1, sizeof *u);
    u->a = a;
    install_signals();
    if (start_curses(u) < 0) {
        free(u);
        return 1;
    }
    u->demo = store_is_demo(a->db) == 1;
    layout(u);
    ui_list_open(u);
    if (start && start->mrn)
        ui_patient_enter(u, start);
    else
        ui_draw_all(u);
    while (!u->quit && !u->dead && u->depth) {
        int k = ui_getkey(u);
        if (k == UK_HANGUP)
            break;
        u->msg[0] = '\0';
        int id = ui_top(u);
        ui_screens[id]->key(u, u->stk[u->depth - 1].st, k);
        if (!u->dead && !u->quit && u->depth)
            ui_flush(u);
    }
    int dead = u->dead;
    while (u->depth) {
        u->depth--;
        ui_screens[u->stk[u->depth].id]->leave(u, u->stk[u->depth].st);
    }
    drop_windows(u);
    if (!dead) {
        /* Leave the terminal as we found it. After a hangup it is gone and
         * writing to it could block or fail, so then we do not touch it. */
        delwin(u->in);
        endwin();
    }
    free(u);
    return dead ? 1 : 0;
}
