/* main.c — bedside: the command line, or with no subcommand the TUI. */
#include <locale.h>

#include "app.h"

int main(int argc, char **argv)
{
    /* Only the character set comes from the environment (UTF-8 or not, for
     * the terminal and the input). Numbers are read and written the C way
     * whatever the locale says: under LC_NUMERIC=de_DE.UTF-8 strtod stops at
     * the '.' of "7.8" and printf writes "7,0", so a typed 7.8 was stored as
     * "7,0". The other categories (dates, messages, collation) are not used. */
    setlocale(LC_CTYPE, "");
    return cli_main(argc, argv, ui_main);
}
