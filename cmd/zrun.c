/* zrun: the single binary; dispatches `zrun CMD ...` to the subcommand's entry point.
 * `zrun --help` lists the subcommands; an unknown one exits 2 with a one-line error. */
#include "cmd/zr_commands.h"
#include <stdio.h>
#include <string.h>

static void print_usage(FILE *out)
{
    fprintf(out, "usage: zrun COMMAND [ARGS...]\n\ncommands:\n");
    for (const zr_command_t *command = zr_commands; command->name; command++)
        fprintf(out, "  %-10s %s\n", command->name, command->summary);
    fprintf(out, "\n`zrun COMMAND --help` describes one command.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        print_usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        print_usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0)
        return zr_cmd_version(1, argv + 1);
    for (const zr_command_t *command = zr_commands; command->name; command++)
        if (strcmp(argv[1], command->name) == 0)
            return command->run(argc - 1, argv + 1);
    fprintf(stderr, "zrun: unknown command '%s' (see zrun --help)\n", argv[1]);
    return 2;
}
