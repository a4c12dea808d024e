/* fuzz_config.c — libFuzzer entry: any bytes into the config loader must give
 * a config or messages, never a crash or a leak. A config that loads is
 * also run through the schedule, whose arithmetic trusts what the loader
 * accepted. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "config.h"
#include "sched.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    config c;
    diag d = {0};
    if (config_load_buffer(&c, "fuzz.yaml", (const char *)data, size, &d) == 0) {
        sched_item *it = xcalloc((size_t)c.n_tp, sizeof *it);
        sched_hip(&c, 20000, 20400, -1, NULL, NULL, it);
        (void)sched_next(it, c.n_tp);
        for (int day = -40; day < 800; day += 7)
            (void)sched_timepoint_for(&c, 20000, 20000 + day);
        for (int i = 0; i < c.n_tp; i++)
            if (config_timepoint(&c, c.tp[i].id) != i)
                __builtin_trap();   /* ids must be unique once loaded */
        free(it);
        config_free(&c);
    }
    diag_free(&d);
    return 0;
}
