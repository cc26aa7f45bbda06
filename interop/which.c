/* which: reports which libzmq.so.5 the dynamic loader picked for this
 * process (under the caller's LD_LIBRARY_PATH), in one line:
 *
 *   lib=<mapped path from /proc/self/maps> version=<zmq_version()> ferrozmq=<marker|no>
 *
 * "ferrozmq" is the string returned by ferrozmq_version() if that marker
 * symbol is present (dlsym(RTLD_DEFAULT, ...)), else "no".
 */
#define _GNU_SOURCE

#include <zmq.h>

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
    char line[4096], lib[4096] = "?";
    int major = 0, minor = 0, patch = 0;
    const char *marker = "no";
    void *sym;
    const char *(*fn)(void);
    FILE *maps;

    zmq_version(&major, &minor, &patch); /* also forces the DT_NEEDED entry */
    sym = dlsym(RTLD_DEFAULT, "ferrozmq_version");
    if (sym) {
        memcpy(&fn, &sym, sizeof fn); /* POSIX: object -> function pointer */
        marker = fn();
    }

    maps = fopen("/proc/self/maps", "r");
    if (maps) {
        while (fgets(line, sizeof line, maps)) {
            char *path = strchr(line, '/');
            if (path && strstr(path, "libzmq")) {
                path[strcspn(path, "\n")] = 0;
                snprintf(lib, sizeof lib, "%s", path);
                break;
            }
        }
        fclose(maps);
    }
    printf("lib=%s version=%d.%d.%d ferrozmq=%s\n", lib, major, minor, patch, marker);
    return 0;
}
