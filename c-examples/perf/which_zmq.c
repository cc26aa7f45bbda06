/* which_zmq: report which libzmq shared object this process loaded.
 *
 *     which_zmq
 *
 * Built exactly like the perf programs (-lzmq, no rpath), so under a given
 * LD_LIBRARY_PATH it loads the same library they do. Prints one line:
 *
 *     which_zmq path=/real/path/libzmq.so.5.x.y version=4.3.5 ferrozmq=ferrozmq 0.1.0
 *
 * ("ferrozmq=no" when the library has no ferrozmq_version symbol, as with
 * libzmq). Exits 1 if no libzmq shared object is loaded, or more than one.
 */
#define _GNU_SOURCE
#include <zmq.h>

#include <dlfcn.h>
#include <limits.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct found {
    int count;
    char path[PATH_MAX];
};

static int visit(struct dl_phdr_info *info, size_t size, void *data)
{
    struct found *f = data;
    const char *name = info->dlpi_name;
    const char *base;
    (void) size;

    if (name == NULL || name[0] == '\0')
        return 0;
    base = strrchr(name, '/');
    base = base ? base + 1 : name;
    if (strncmp(base, "libzmq.so", 9) != 0)
        return 0;
    f->count++;
    if (realpath(name, f->path) == NULL) {
        strncpy(f->path, name, sizeof f->path - 1);
        f->path[sizeof f->path - 1] = '\0';
    }
    return 0;
}

int main(void)
{
    struct found f;
    int major = -1, minor = -1, patch = -1;
    const char *(*ferro_version)(void);
    void *sym;

    memset(&f, 0, sizeof f);
    zmq_version(&major, &minor, &patch);
    dl_iterate_phdr(visit, &f);
    if (f.count != 1) {
        fprintf(stderr, "which_zmq: expected one libzmq.so loaded, found %d\n",
                f.count);
        return 1;
    }
    sym = dlsym(RTLD_DEFAULT, "ferrozmq_version");
    memcpy(&ferro_version, &sym, sizeof sym);
    if (printf("which_zmq path=%s version=%d.%d.%d ferrozmq=%s\n", f.path, major,
               minor, patch, sym != NULL ? ferro_version() : "no") < 0
        || fflush(stdout) != 0)
        return 1;
    return 0;
}
