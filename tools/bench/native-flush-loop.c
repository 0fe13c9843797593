/*
 * The ceiling for a Go output plugin: load the .so as Fluent Bit does, Register + Init, then
 * call FLBPluginFlushCtx (else FLBPluginFlush) back to back on one thread with pre-encoded
 * chunks for the given number of seconds. The chunk is copied into 8 separate buffers used in
 * turn (16 MB, more than the CPU caches), as a host hands over a fresh chunk each time, so the
 * ceiling is not flattered by a chunk that stays in cache. Prints one JSON line.
 *   native-flush-loop <plugin.so> <chunk-file> <records-per-chunk> <seconds>
 */
#include <dlfcn.h>
#include <sys/resource.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct flb_api {
    char *(*output_get_property)(char *, void *);
    void *rest[8];
};

struct flbgo_output_plugin {
    void *name;
    struct flb_api *api;
    void *o_ins;
    void *context;
    void *callbacks[5];
};

static char *no_property(char *key, void *ins)
{
    (void) key; (void) ins;
    return NULL;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: %s <plugin.so> <chunk-file> <records-per-chunk> <seconds>\n", argv[0]);
        return 2;
    }
    void *lib = dlopen(argv[1], RTLD_LAZY);
    if (!lib) { fprintf(stderr, "%s\n", dlerror()); return 1; }
    int (*reg)(void *) = (int (*)(void *)) dlsym(lib, "FLBPluginRegister");
    int (*init)(void *) = (int (*)(void *)) dlsym(lib, "FLBPluginInit");
    int (*flush_ctx)(void *, const void *, size_t, const char *) = (int (*)(void *, const void *, size_t, const char *)) dlsym(lib, "FLBPluginFlushCtx");
    int (*flush)(const void *, size_t, const char *) = (int (*)(const void *, size_t, const char *)) dlsym(lib, "FLBPluginFlush");

    FILE *f = fopen(argv[2], "rb");
    if (!f) { perror(argv[2]); return 1; }
    fseek(f, 0, SEEK_END);
    size_t size = (size_t) ftell(f);
    fseek(f, 0, SEEK_SET);
    enum { COPIES = 8 };
    char *chunks[COPIES];
    chunks[0] = malloc(size);
    if (fread(chunks[0], 1, size, f) != size) { perror("fread"); return 1; }
    fclose(f);
    for (int i = 1; i < COPIES; i++) {
        chunks[i] = malloc(size);
        memcpy(chunks[i], chunks[0], size);
    }
    long records_per_chunk = atol(argv[3]);
    double seconds = atof(argv[4]);

    unsigned char def[64] = {0};
    static struct flb_api api = { no_property, {0} };
    void *context[2] = {0, 0};
    uint64_t instance = 0;
    struct flbgo_output_plugin plugin = { 0, &api, &instance, context, {0} };
    reg(def);
    if (init(&plugin) <= 0) { fprintf(stderr, "init failed\n"); return 1; }

    long calls = 0;
    double start = now(), elapsed = 0;
    while (elapsed < seconds) {
        const char *chunk = chunks[calls % COPIES];
        int ret = flush_ctx ? flush_ctx(context[0], chunk, size, "bench") : flush(chunk, size, "bench");
        if (ret != 1) { fprintf(stderr, "flush returned %d\n", ret); return 1; }
        calls++;
        elapsed = now() - start;
    }
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    printf("{\"bench\":\"native-flush-loop\",\"seconds\":%.2f,\"records\":%ld,\"recordsPerSec\":%.0f,\"mbPerSec\":%.1f,\"peakRssMb\":%.1f}\n",
           elapsed, calls * records_per_chunk, calls * records_per_chunk / elapsed, calls * (double) size / elapsed / 1e6, usage.ru_maxrss / 1024.0);
    return 0;
}
