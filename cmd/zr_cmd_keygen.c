/* zr_cmd_keygen: `zrun keygen DIR --config FILE | --ids LIST` makes a cluster's key material:
 * a CURVE keypair per node and the datagram key (runtime/zr_keys.h); existing keys are kept. */
#include "cmd/zr_commands.h"
#include "cmd/zr_cli.h"
#include "runtime/zr_config.h"
#include "runtime/zr_keys.h"
#include <getopt.h>

typedef struct {
    const char *dir, *config_path, *ids_text;
} keygen_options_t;

static void keygen_usage(FILE *out)
{
    fprintf(out, "usage: zrun keygen DIR (--config FILE | --ids LIST)\n"
                 "  Makes the key material of a cluster in DIR: a CURVE keypair for every node of FILE\n"
                 "  (or for the ids in LIST, e.g. 0-7 or 0,1,5) and the shared datagram key:\n"
                 "    DIR/public/node-<id>.cert   public certificates (the only keys a node admits)\n"
                 "    DIR/secret/node-<id>.cert   secret certificates (mode 0600; node <id> needs its own)\n"
                 "    DIR/datagram.key            the 32-byte key that signs every datagram (mode 0600)\n"
                 "  Keys that exist are kept. Name DIR in the cluster file: cluster/keys_dir = DIR.\n");
}

/* "0-7,9": the ids in ids (at most max); -1 on anything else. */
static int parse_ids(const char *text, int *ids, size_t max, size_t *count)
{
    *count = 0;
    char *copy = strdup(text), *save = NULL;
    int rc = 0;
    for (char *part = strtok_r(copy, ",", &save); part && rc == 0; part = strtok_r(NULL, ",", &save)) {
        long first, last;
        char *dash = strchr(part, '-');
        if (dash)
            *dash = 0;
        if (zr_cli_number("keygen", "--ids", part, 0, 1000000, &first) != 0
            || zr_cli_number("keygen", "--ids", dash ? dash + 1 : part, first, 1000000, &last) != 0)
            rc = -1;
        for (long id = first; rc == 0 && id <= last; id++)
            if (*count == max) {
                fprintf(stderr, "zrun keygen: --ids names more than %zu nodes\n", max);
                rc = -1;
            } else
                ids[(*count)++] = (int) id;
    }
    free(copy);
    return rc;
}

/* Returns 0 to go on, 1 after --help, -1 on a usage error (already reported). */
static int parse_keygen_options(int argc, char **argv, keygen_options_t *o)
{
    static const struct option longs[] = {
        { "config", required_argument, 0, 'c' }, { "ids", required_argument, 0, 'i' },
        { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 } };
    *o = (keygen_options_t) { 0 };
    optind = 1;
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, ":h", longs, NULL)) != -1;) {
        if (c == 'h') {
            keygen_usage(stdout);
            return 1;
        }
        if (c == 'c' || c == 'i') {
            *(c == 'c' ? &o->config_path : &o->ids_text) = optarg;
            continue;
        }
        fprintf(stderr, c == ':' ? "zrun keygen: %s needs a value\n"
                                 : "zrun keygen: unknown option '%s' (see zrun keygen --help)\n", argv[optind - 1]);
        return -1;
    }
    if (optind != argc - 1 || (!o->config_path) == (!o->ids_text)) {
        fprintf(stderr, "zrun keygen: give DIR and one of --config FILE or --ids LIST (see zrun keygen --help)\n");
        return -1;
    }
    o->dir = argv[optind];
    return 0;
}

/* The node ids of the options: those of the cluster file, or the list. */
static int collect_ids(const keygen_options_t *o, int *ids, size_t *count)
{
    if (o->ids_text)
        return parse_ids(o->ids_text, ids, ZR_CONFIG_MAX_NODES, count);
    char err[600];
    zr_config_t *config = zr_config_load(o->config_path, err, sizeof err);
    if (!config) {
        fprintf(stderr, "zrun keygen: %s\n", err);
        return -1;
    }
    *count = config->node_count;
    for (size_t i = 0; i < config->node_count; i++)
        ids[i] = config->nodes[i].id;
    zr_config_destroy(&config);
    return 0;
}

int zr_cmd_keygen(int argc, char **argv)
{
    keygen_options_t options;
    int parsed = parse_keygen_options(argc, argv, &options);
    if (parsed)
        return parsed > 0 ? 0 : 2;
    int ids[ZR_CONFIG_MAX_NODES], created = 0;
    size_t count = 0;
    if (collect_ids(&options, ids, &count) != 0)
        return 2;
    char err[800];
    if (zr_keys_generate(options.dir, ids, count, &created, err, sizeof err) != 0) {
        fprintf(stderr, "zrun keygen: %s\n", err);
        return 1;
    }
    printf("zrun keygen: %s holds the keys of %zu nodes and the datagram key (%d files written)\n",
           options.dir, count, created);
    return 0;
}
