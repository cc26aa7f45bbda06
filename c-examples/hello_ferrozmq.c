/* hello_ferrozmq: a first look at ferrozmq through the plain libzmq API.
 *
 * Build against an installed ferrozmq:
 *     cc hello_ferrozmq.c $(pkg-config --cflags --libs libzmq) -o hello_ferrozmq
 *
 * It reports the library version, builds and shares messages (including a
 * zero-copy one), encodes binary as Z85 text, makes a CURVE key pair, and
 * drives the timers API. Everything here works the same on libzmq.
 */
#include <zmq.h>

#include <stdio.h>
#include <string.h>

#define TRY(call)                                                              \
    do {                                                                       \
        if ((call) != 0) {                                                     \
            fprintf(stderr, "%s failed: %s\n", #call, zmq_strerror(zmq_errno())); \
            return 1;                                                          \
        }                                                                      \
    } while (0)

static void release(void *data, void *hint)
{
    (void) data;
    printf("  zero-copy body released (%s)\n", (const char *) hint);
}

static int ticks;

static void on_tick(int timer_id, void *arg)
{
    (void) arg;
    printf("  timer %d fired (tick %d)\n", timer_id, ++ticks);
}

int main(void)
{
    int major, minor, patch;
    zmq_msg_t msg, copy;
    static char report[] = "a report of 64 bytes that we hand to the library without copying";
    unsigned char key[8] = {0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B};
    char text[16], public_key[41], secret_key[41], derived[41];
    void *ctx, *timers;

    zmq_version(&major, &minor, &patch);
    printf("libzmq API version %d.%d.%d\n", major, minor, patch);

    ctx = zmq_ctx_new();
    printf("context: %d I/O thread(s), up to %d sockets, zmq_msg_t is %d bytes\n",
           zmq_ctx_get(ctx, ZMQ_IO_THREADS), zmq_ctx_get(ctx, ZMQ_MAX_SOCKETS),
           zmq_ctx_get(ctx, ZMQ_MSG_T_SIZE));

    printf("messages:\n");
    TRY(zmq_msg_init_size(&msg, 100));
    memset(zmq_msg_data(&msg), '*', 100);
    TRY(zmq_msg_init(&copy));
    TRY(zmq_msg_copy(&copy, &msg));
    printf("  a 100-byte message and its copy share one body: %s\n",
           zmq_msg_data(&msg) == zmq_msg_data(&copy) && zmq_msg_get(&copy, ZMQ_SHARED)
               ? "yes" : "no");
    TRY(zmq_msg_close(&msg));
    TRY(zmq_msg_close(&copy));
    TRY(zmq_msg_init_data(&msg, report, sizeof report - 1, release, "last copy closed"));
    printf("  zero-copy message of %zu bytes points at our buffer: %s\n", zmq_msg_size(&msg),
           zmq_msg_data(&msg) == report ? "yes" : "no");
    TRY(zmq_msg_close(&msg));

    printf("Z85 (RFC 32):\n");
    zmq_z85_encode(text, key, sizeof key);
    printf("  8 bytes 86 4F D2 6F B5 59 F7 5B encode as \"%s\"\n", text);

    printf("CURVE keys:\n");
    TRY(zmq_curve_keypair(public_key, secret_key));
    TRY(zmq_curve_public(derived, secret_key));
    printf("  public key %s\n  derived again from the secret key: %s\n", public_key,
           strcmp(public_key, derived) == 0 ? "same" : "DIFFERENT");

    printf("timers:\n");
    timers = zmq_timers_new();
    zmq_timers_add(timers, 50, on_tick, NULL);
    while (ticks < 3) {
        long wait = zmq_timers_timeout(timers);
        zmq_poll(NULL, 0, wait);
        zmq_timers_execute(timers);
    }
    TRY(zmq_timers_destroy(&timers));

    TRY(zmq_ctx_term(ctx));
    printf("done\n");
    return 0;
}
