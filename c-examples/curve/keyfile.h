// keyfile.h -- CURVE keys in files, the way the programs here keep them.
//
//   NAME.pub   the public key: 40 Z85 characters and a newline
//   NAME.key   the secret key, the same way, readable by its owner only
//
// Z85 text (ZeroMQ's RFC 32 encoding) is what zmq_curve_keypair() gives
// and what the ZMQ_CURVE_*KEY options take as 40 characters, so the files
// go straight to zmq_setsockopt(). read_key() checks that the text really
// decodes to 32 bytes, so a damaged file fails here and not in a handshake.
//
// Include guide.h (for die()) before this header.
#ifndef CURVE_KEYFILE_H
#define CURVE_KEYFILE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// Reads the key in path into z85 (41 bytes: 40 characters and a NUL);
// exits with a message if the file is missing or not a key.
static inline void read_key(const char *path, char z85[41])
{
    uint8_t binary[32];
    char line[64];
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        perror(path);
        exit(EXIT_FAILURE);
    }
    if (fgets(line, sizeof line, f) == NULL)
        line[0] = '\0';
    fclose(f);
    line[strcspn(line, "\r\n")] = '\0';
    if (strlen(line) != 40 || zmq_z85_decode(binary, line) == NULL) {
        fprintf(stderr, "%s: not a CURVE key (40 Z85 characters)\n", path);
        exit(EXIT_FAILURE);
    }
    memcpy(z85, line, 41);
}

#endif
