/* zr_http_routes: the HTTP front's request handling, as libmicrohttpd callbacks.
 * POST /compileandrun (validated, then passed to the owner), /healthz, /metrics, /logs/...,
 * and the read-only pages the owner published. */
#ifndef ZR_HTTP_ROUTES_H
#define ZR_HTTP_ROUTES_H
#include <microhttpd.h>

/* The access handler; cls is the zr_http_server_t. */
enum MHD_Result zr_http_routes_access(void *cls, struct MHD_Connection *connection,
                                      const char *url, const char *method, const char *version,
                                      const char *upload_data, size_t *upload_data_size,
                                      void **request_p);

/* The completion callback: frees the request's state whatever way its connection ended. */
void zr_http_routes_completed(void *cls, struct MHD_Connection *connection, void **request_p,
                              enum MHD_RequestTerminationCode how);

#endif
