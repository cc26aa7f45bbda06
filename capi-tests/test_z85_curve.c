/* zmq_z85_encode/decode (RFC 32) and zmq_curve_keypair/public. */
#include "testutil.h"

#include <stdint.h>

static const uint8_t hello_bytes[8] = {0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B};

static void test_encode(void)
{
    char text[64];
    uint8_t ones[4] = {0xFF, 0xFF, 0xFF, 0xFF}, zeros[4] = {0, 0, 0, 0};
    CHECK(zmq_z85_encode(text, hello_bytes, 8) == text && strcmp(text, "HelloWorld") == 0);
    CHECK(zmq_z85_encode(text, hello_bytes, 4) == text && strcmp(text, "Hello") == 0);
    CHECK(zmq_z85_encode(text, hello_bytes, 0) == text && text[0] == '\0');
    CHECK(zmq_z85_encode(text, ones, 4) && strcmp(text, "%nSc0") == 0);
    CHECK(zmq_z85_encode(text, zeros, 4) && strcmp(text, "00000") == 0);
    CHECK_NULL_ERR(zmq_z85_encode(text, hello_bytes, 3), EINVAL);
    CHECK_NULL_ERR(zmq_z85_encode(NULL, hello_bytes, 3), EINVAL);
    FERROZMQ_ONLY {
        CHECK_NULL_ERR(zmq_z85_encode(NULL, hello_bytes, 4), EINVAL);
        CHECK_NULL_ERR(zmq_z85_encode(text, NULL, 4), EINVAL);
    }
}

static void test_decode(void)
{
    uint8_t out[16];
    CHECK(zmq_z85_decode(out, "HelloWorld") == out && memcmp(out, hello_bytes, 8) == 0);
    CHECK(zmq_z85_decode(out, "%nSc0") == out && out[0] == 0xFF && out[3] == 0xFF);
    CHECK_NULL_ERR(zmq_z85_decode(out, ""), EINVAL);
    CHECK_NULL_ERR(zmq_z85_decode(out, "abcd"), EINVAL);
    CHECK_NULL_ERR(zmq_z85_decode(out, "HelloWorl"), EINVAL);
    CHECK_NULL_ERR(zmq_z85_decode(out, "abcd~"), EINVAL);
    CHECK_NULL_ERR(zmq_z85_decode(out, "abcd "), EINVAL);
    CHECK_NULL_ERR(zmq_z85_decode(out, "abcd\""), EINVAL);
    CHECK_NULL_ERR(zmq_z85_decode(out, "\x80" "0000"), EINVAL);
    CHECK_NULL_ERR(zmq_z85_decode(out, "%nSc1"), EINVAL); /* 2^32 */
    CHECK_NULL_ERR(zmq_z85_decode(out, "#####"), EINVAL);
    CHECK_NULL_ERR(zmq_z85_decode(out, "Hello%nSc1"), EINVAL);
    CHECK_NULL_ERR(zmq_z85_decode(NULL, "abcd"), EINVAL);
    FERROZMQ_ONLY {
        CHECK_NULL_ERR(zmq_z85_decode(out, NULL), EINVAL);
        CHECK_NULL_ERR(zmq_z85_decode(NULL, "HelloWorld"), EINVAL);
    }
}

static void test_round_trip(void)
{
    uint8_t data[256], back[256];
    char text[321];
    int i;
    for (i = 0; i < 256; i++)
        data[i] = (uint8_t) i;
    CHECK(zmq_z85_encode(text, data, sizeof data) != NULL && strlen(text) == 320);
    CHECK(zmq_z85_decode(back, text) != NULL && memcmp(data, back, sizeof data) == 0);
}

static void test_curve(void)
{
    char pub[41], sec[41], derived[41], bad[64];
    uint8_t raw[32];
    int i, consistent = 1;

    for (i = 0; i < 20; i++) {
        CHECK_OK(zmq_curve_keypair(pub, sec));
        consistent &= strlen(pub) == 40 && strlen(sec) == 40;
        consistent &= zmq_z85_decode(raw, pub) != NULL && zmq_z85_decode(raw, sec) != NULL;
        consistent &= zmq_curve_public(derived, sec) == 0 && strcmp(derived, pub) == 0;
    }
    CHECK(consistent);

    /* RFC 7748 section 6.1, Alice: the secret key and its public key. */
    {
        static const uint8_t alice_secret[32] = {
            0x77, 0x07, 0x6d, 0x0a, 0x73, 0x18, 0xa5, 0x7d, 0x3c, 0x16, 0xc1,
            0x72, 0x51, 0xb2, 0x66, 0x45, 0xdf, 0x4c, 0x2f, 0x87, 0xeb, 0xc0,
            0x99, 0x2a, 0xb1, 0x77, 0xfb, 0xa5, 0x1d, 0xb9, 0x2c, 0x2a};
        static const uint8_t alice_public[32] = {
            0x85, 0x20, 0xf0, 0x09, 0x89, 0x30, 0xa7, 0x54, 0x74, 0x8b, 0x7d,
            0xdc, 0xb4, 0x3e, 0xf7, 0x5a, 0x0d, 0xbf, 0x3a, 0x0d, 0x26, 0x38,
            0x1a, 0xf4, 0xeb, 0xa4, 0xa9, 0x8e, 0xaa, 0x9b, 0x4e, 0x6a};
        CHECK(zmq_z85_encode(sec, alice_secret, 32) != NULL);
        CHECK_OK(zmq_curve_public(derived, sec));
        CHECK(zmq_z85_decode(raw, derived) != NULL && memcmp(raw, alice_public, 32) == 0);
    }

    memset(derived, 'X', sizeof derived);
    CHECK_ERR(zmq_curve_public(derived, ""), EINVAL);
    CHECK_ERR(zmq_curve_public(derived, "0123456789012345678901234567890123456789"
                                        + 1), EINVAL); /* 39 chars */
    snprintf(bad, sizeof bad, "%sA", sec);
    CHECK_ERR(zmq_curve_public(derived, bad), EINVAL); /* 41 chars */
    snprintf(bad, sizeof bad, "%s", sec);
    bad[10] = '~';
    CHECK_ERR(zmq_curve_public(derived, bad), EINVAL);
    CHECK(derived[0] == 'X');
    FERROZMQ_ONLY {
        CHECK_ERR(zmq_curve_public(derived, NULL), EINVAL);
        CHECK_ERR(zmq_curve_public(NULL, sec), EFAULT);
        CHECK_ERR(zmq_curve_keypair(NULL, sec), EFAULT);
        CHECK_ERR(zmq_curve_keypair(pub, NULL), EFAULT);
        /* libzmq overflows its buffer on a 45-character key. */
        snprintf(bad, sizeof bad, "%s00000", sec);
        CHECK_ERR(zmq_curve_public(derived, bad), EINVAL);
    }
}

int main(void)
{
    tu_start("test_z85_curve");
    test_encode();
    test_decode();
    test_round_trip();
    test_curve();
    return tu_finish();
}
