// curve_keygen.c -- make a CURVE key pair and keep it in two files.
//
// What it shows
//   zmq_curve_keypair() makes a Curve25519 key pair and returns both halves
//   as 40-character Z85 strings. The public half may be handed to anyone;
//   the secret half must stay with its owner, so NAME.key is created with
//   mode 0600 (and never overwritten: an existing pair stays as it is).
//   zmq_curve_public() computes the public key from the secret one; the
//   program uses it to check the pair before writing it, and curve_client
//   uses it so a client needs only its secret key file.
//
// Run it
//   curve_keygen NAME      writes NAME.pub and NAME.key
//   e.g.  ./curve_keygen server && ./curve_keygen alice
#define GUIDE_PROGRAM "curve_keygen"
#include "../guide/guide.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

// Creates path (which must not exist yet) with the given mode and writes
// the key and a newline to it.
static void write_key(const char *path, const char *z85, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode);
    if (fd < 0) {
        fprintf(stderr, GUIDE_PROGRAM ": %s: %s\n", path, strerror(errno));
        exit(EXIT_FAILURE);
    }
    FILE *f = fdopen(fd, "w");
    if (f == NULL || fprintf(f, "%s\n", z85) < 0 || fclose(f) != 0) {
        fprintf(stderr, GUIDE_PROGRAM ": writing %s failed\n", path);
        exit(EXIT_FAILURE);
    }
}

int main(int argc, char **argv)
{
    char public_key[41], secret_key[41], derived[41];
    char pub_path[4096], key_path[4096];

    if (argc != 2) {
        fprintf(stderr, "usage: curve_keygen NAME   (writes NAME.pub and NAME.key)\n");
        return EXIT_FAILURE;
    }
    // ENOTSUP here means a libzmq built without CURVE support
    if (zmq_curve_keypair(public_key, secret_key) != 0)
        die("zmq_curve_keypair");
    if (zmq_curve_public(derived, secret_key) != 0)
        die("zmq_curve_public");
    if (strcmp(derived, public_key) != 0) {
        fprintf(stderr, GUIDE_PROGRAM ": zmq_curve_public does not match the pair\n");
        return EXIT_FAILURE;
    }

    snprintf(pub_path, sizeof pub_path, "%s.pub", argv[1]);
    snprintf(key_path, sizeof key_path, "%s.key", argv[1]);
    write_key(key_path, secret_key, 0600);
    write_key(pub_path, public_key, 0644);
    printf("curve_keygen: %s = %s (public; %s holds the secret)\n", pub_path, public_key, key_path);
    return EXIT_SUCCESS;
}
