/* zr_commands: the subcommands of the single zrun binary, one entry point each.
 * Every command returns the process exit status (0 ok, 2 usage error). */
#ifndef ZR_COMMANDS_H
#define ZR_COMMANDS_H

typedef int (zr_command_fn)(int argc, char **argv);

typedef struct {
    const char *name;
    zr_command_fn *run;
    const char *summary;
} zr_command_t;

/* The table of subcommands, terminated by an entry whose name is NULL. */
extern const zr_command_t zr_commands[];

int zr_cmd_version(int argc, char **argv);
int zr_cmd_cluster(int argc, char **argv);
int zr_cmd_bench(int argc, char **argv);
int zr_cmd_status(int argc, char **argv);
int zr_cmd_monitor(int argc, char **argv);
int zr_cmd_node(int argc, char **argv);
int zr_cmd_gateway(int argc, char **argv);
int zr_cmd_serve(int argc, char **argv);
int zr_cmd_submit(int argc, char **argv);
int zr_cmd_keygen(int argc, char **argv);

#endif
