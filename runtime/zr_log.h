/* zr_log: one log file per actor (<dir>/node-<id>-<actor>.log), one process-wide level.
 * Each line is written with a single O_APPEND write, so several threads may share a file. */
#ifndef ZR_LOG_H
#define ZR_LOG_H
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>

typedef enum { ZR_LOG_DEBUG, ZR_LOG_INFO, ZR_LOG_WARN, ZR_LOG_ERROR, ZR_LOG_OFF } zr_log_level_t;

typedef struct zr_log zr_log_t;

/* Sets the level of every logger in the process (default INFO). */
void zr_log_set_level(zr_log_level_t level);
zr_log_level_t zr_log_get_level(void);
/* Parses "debug", "info", "warn", "error" or "off"; returns -1 if unknown. */
int zr_log_level_parse(const char *name);

/* Opens (appends to) <dir>/node-<node_id>-<name>.log, creating dir if needed.
 * dir NULL means a logger that writes nowhere (still counts lines). NULL on error. */
zr_log_t *zr_log_open(const char *dir, int node_id, const char *name);
void zr_log_close(zr_log_t **self_p);
/* The file a logger of that node and name writes: "<dir>/node-<node_id>-<name>.log". */
void zr_log_file_name(char *out, size_t size, const char *dir, int node_id, const char *name);
const char *zr_log_path(const zr_log_t *self);

/* Writes "<timestamp with ms> <LEVEL> <node id> <actor>: <message>\n" if level >= the process
 * level, e.g. "2024-05-01T10:00:00.123Z INFO  3 leader: request 17: assigned to worker 2". */
void zr_log_write(zr_log_t *self, zr_log_level_t level, const char *format, ...)
    __attribute__((format(printf, 3, 4)));
void zr_log_vwrite(zr_log_t *self, zr_log_level_t level, const char *format, va_list args);
/* Writes the bare message (no timestamp, no level filter) and, if echo, to stdout too.
 * Used for the contract's summary lines, which must read exactly as specified. */
void zr_log_fact(zr_log_t *self, bool echo, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

#define zr_debug(log, ...) zr_log_write((log), ZR_LOG_DEBUG, __VA_ARGS__)
#define zr_info(log, ...)  zr_log_write((log), ZR_LOG_INFO, __VA_ARGS__)
#define zr_warn(log, ...)  zr_log_write((log), ZR_LOG_WARN, __VA_ARGS__)
#define zr_error(log, ...) zr_log_write((log), ZR_LOG_ERROR, __VA_ARGS__)

#endif
