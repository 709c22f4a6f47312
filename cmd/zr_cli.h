/* zr_cli: option values shared by the subcommands: strict whole numbers in a range and log
 * levels, each refused with the same one-line error ("zrun CMD: --opt must be ..."). */
#ifndef ZR_CLI_H
#define ZR_CLI_H

/* Parses text as a whole number in [min, max] into *out; otherwise prints
 * "zrun <command>: <option> must be a whole number <min>..<max>, not '<text>'" and returns -1. */
int zr_cli_number(const char *command, const char *option, const char *text, long min, long max,
                  long *out);
/* The same for an int field. */
int zr_cli_int(const char *command, const char *option, const char *text, int min, int max, int *out);
/* 0 if text names a log level; otherwise prints a one-line error and returns -1. */
int zr_cli_log_level(const char *command, const char *text);

#endif
