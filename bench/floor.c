/*
 * The floor for bench/compare.sh: the least any libcurl program can do for the same probes.
 * GETs every URL of a file (one per line) through one curl multi handle, at most PARALLEL at
 * once, each on a fresh connection that is closed afterwards (as canary does), discarding the
 * bodies and recording nothing. Prints "ok N failed M" and exits 1 if any transfer failed.
 *
 *   cc -O2 -o floor bench/floor.c -lcurl && ./floor URLS PARALLEL
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t discard(char *data, size_t size, size_t count, void *user) {
    (void)data;
    (void)user;
    return size * count;
}

static char **read_lines(const char *path, size_t *count) {
    FILE *file = fopen(path, "r");
    if (!file) {
        perror(path);
        exit(2);
    }
    size_t capacity = 1024, n = 0;
    char **lines = malloc(capacity * sizeof *lines);
    char buffer[4096];
    while (fgets(buffer, sizeof buffer, file)) {
        buffer[strcspn(buffer, "\r\n")] = 0;
        if (!buffer[0]) continue;
        if (n == capacity) lines = realloc(lines, (capacity *= 2) * sizeof *lines);
        lines[n++] = strdup(buffer);
    }
    fclose(file);
    *count = n;
    return lines;
}

/* Points a handle at the next URL and adds it to the multi handle. */
static void start(CURLM *multi, CURL *easy, const char *url) {
    curl_easy_setopt(easy, CURLOPT_URL, url);
    curl_easy_setopt(easy, CURLOPT_FRESH_CONNECT, 1L);
    curl_easy_setopt(easy, CURLOPT_FORBID_REUSE, 1L);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, discard);
    curl_multi_add_handle(multi, easy);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s URLS PARALLEL\n", argv[0]);
        return 2;
    }
    size_t total;
    char **urls = read_lines(argv[1], &total);
    size_t parallel = (size_t)atoi(argv[2]);
    if (parallel < 1) parallel = 1;
    if (parallel > total) parallel = total;

    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURLM *multi = curl_multi_init();
    size_t next = 0, ok = 0, failed = 0;
    for (; next < parallel; next++) start(multi, curl_easy_init(), urls[next]);

    int running = 1;
    while (running || next < total) {
        curl_multi_perform(multi, &running);
        CURLMsg *message;
        int left;
        while ((message = curl_multi_info_read(multi, &left))) {
            if (message->msg != CURLMSG_DONE) continue;
            CURL *easy = message->easy_handle;
            long status = 0;
            curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
            if (message->data.result == CURLE_OK && status == 200) ok++; else failed++;
            curl_multi_remove_handle(multi, easy);
            if (next < total) {
                start(multi, easy, urls[next++]);
                running = 1;
            } else {
                curl_easy_cleanup(easy);
            }
        }
        if (running) curl_multi_poll(multi, NULL, 0, 1000, NULL);
    }
    curl_multi_cleanup(multi);
    curl_global_cleanup();
    printf("ok %zu failed %zu\n", ok, failed);
    return failed ? 1 : 0;
}
