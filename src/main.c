/* main.c — bedside: the command line, or with no subcommand the TUI. */
#include <locale.h>

#include "app.h"

int main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
    return cli_main(argc, argv, ui_main);
}
