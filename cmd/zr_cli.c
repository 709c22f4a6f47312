/* zr_cli: strtol with every failure caught (empty, trailing junk, overflow, range) and the
 * one-line errors that every subcommand prints for a bad value (exit status 2 follows). */
#include "cmd/zr_cli.h"
#include "runtime/zr_log.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

int zr_cli_number(const char *command, const char *option, const char *text, long min, long max,
                  long *out)
{
    char *end = NULL;
    errno = 0;
    long value = strtol(text, &end, 10);
    if (!*text || *end || errno || value < min || value > max) {
        fprintf(stderr, "zrun %s: %s must be a whole number %ld..%ld, not '%s'\n", command, option,
                min, max, text);
        return -1;
    }
    *out = value;
    return 0;
}

int zr_cli_int(const char *command, const char *option, const char *text, int min, int max, int *out)
{
    long value = 0;
    if (zr_cli_number(command, option, text, min, max, &value))
        return -1;
    *out = (int) value;
    return 0;
}

int zr_cli_log_level(const char *command, const char *text)
{
    if (zr_log_level_parse(text) >= 0)
        return 0;
    fprintf(stderr, "zrun %s: --log-level must be debug, info, warn, error or off, not '%s'\n", command, text);
    return -1;
}
