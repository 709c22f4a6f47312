/* zr_command_table: the list of zrun subcommands and their one-line summaries.
 * Adding a subcommand means adding its entry here and its zr_cmd_* function. */
#include "cmd/zr_commands.h"
#include <stddef.h>

const zr_command_t zr_commands[] = {
    { "version", zr_cmd_version, "print the zrun version" },
    { "submit", zr_cmd_submit, "send Java files to a server, print each response body" },
    { NULL, NULL, NULL },
};
