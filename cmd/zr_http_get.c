/* zr_http_get: libcurl easy handle into an open_memstream buffer; 2 s to connect, 5 s in all,
 * so a dead node costs the status table a moment, not a hang. */
#include "cmd/zr_http_get.h"
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>

static size_t append(char *data, size_t size, size_t count, void *stream)
{
    return fwrite(data, size, count, stream) * size;
}

long zr_http_get(const char *url, const char *accept, char **body)
{
    size_t length = 0;
    FILE *stream = open_memstream(body, &length);
    char header[128];
    struct curl_slist *headers = NULL;
    if (accept) {
        snprintf(header, sizeof header, "Accept: %s", accept);
        headers = curl_slist_append(NULL, header);
    }
    CURL *easy = curl_easy_init();
    curl_easy_setopt(easy, CURLOPT_URL, url);
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, append);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, stream);
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT, 2L);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT, 5L);
    CURLcode code = curl_easy_perform(easy);
    long status = -1;
    if (code == CURLE_OK)
        curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    else
        fprintf(stream, "%s", curl_easy_strerror(code));
    curl_easy_cleanup(easy);
    curl_slist_free_all(headers);
    fclose(stream);
    return status;
}
