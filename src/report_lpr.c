/* report_lpr.c — hand the printed summary to the print command. The
 * command is an argument vector from the configuration, run with fork and
 * execvp: no shell ever sees a patient's name or a printer's name. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "report_int.h"

int report_run_print_command(char *const *argv, const char *printer, const char *text, size_t len,
                             char **err)
{
    if (!argv || !argv[0] || !argv[0][0]) {
        *err = xstrdup("no print command is configured (print_command in the config)");
        return -1;
    }
    size_t n = 0;
    while (argv[n])
        n++;
    char **vec = xcalloc(n + 3, sizeof *vec);
    memcpy(vec, argv, n * sizeof *vec);
    if (printer) {
        vec[n] = "-P";
        vec[n + 1] = (char *)printer;
    }
    char *name = text_escape(argv[0]);
    int in[2], st[2];
    if (pipe2(in, O_CLOEXEC) < 0) {
        *err = xasprintf("cannot run the print command '%s': %s", name, strerror(errno));
        goto fail;
    }
    if (pipe2(st, O_CLOEXEC) < 0) {
        *err = xasprintf("cannot run the print command '%s': %s", name, strerror(errno));
        close(in[0]);
        close(in[1]);
        goto fail;
    }
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        *err = xasprintf("cannot run the print command '%s': %s", name, strerror(errno));
        close(in[0]), close(in[1]), close(st[0]), close(st[1]);
        goto fail;
    }
    if (pid == 0) {
        /* The child: the summary on stdin, then the command itself. If exec
         * fails, the status pipe tells the parent why. */
        /* dup2 onto itself would keep close-on-exec (stdin was closed): clear it. */
        int ok = in[0] == STDIN_FILENO ? fcntl(STDIN_FILENO, F_SETFD, 0)
                                       : dup2(in[0], STDIN_FILENO);
        if (ok >= 0)
            execvp(vec[0], vec);
        int e = errno;
        ssize_t ignored = write(st[1], &e, sizeof e);
        (void)ignored;
        _exit(127);
    }
    close(in[0]);
    close(st[1]);
    /* A print command that exits early must not kill us with SIGPIPE. */
    struct sigaction ign = {.sa_handler = SIG_IGN}, old;
    sigemptyset(&ign.sa_mask);
    sigaction(SIGPIPE, &ign, &old);
    int werr = write_all(in[1], text, len) < 0 ? errno : 0;
    close(in[1]);
    sigaction(SIGPIPE, &old, NULL);
    int exec_errno = 0;
    ssize_t r;
    while ((r = read(st[0], &exec_errno, sizeof exec_errno)) < 0 && errno == EINTR)
        ;
    close(st[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (r == (ssize_t)sizeof exec_errno) {
        *err = xasprintf("cannot run the print command '%s': %s", name, strerror(exec_errno));
        goto fail;
    }
    if (WIFSIGNALED(status)) {
        *err = xasprintf("the print command '%s' was killed by signal %d", name, WTERMSIG(status));
        goto fail;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        *err = xasprintf("the print command '%s' failed (exit status %d)", name,
                         WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        goto fail;
    }
    if (werr) {
        *err = xasprintf("the print command '%s' did not read the summary: %s", name,
                         strerror(werr));
        goto fail;
    }
    free(name);
    free(vec);
    return 0;
fail:
    free(name);
    free(vec);
    return -1;
}
