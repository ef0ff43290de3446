/* Checksums: CRC-32 (table-driven and bitwise), Adler-32 and Fletcher-16 over test strings and generated data. */
#include "rt/rt.h"

static uint32_t table[256];

static void make_table(void)
{
    for (uint32_t n = 0; n < 256; n++)
    {
        uint32_t c = n;
        for (int k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        table[n] = c;
    }
}

static uint32_t crc32_table(const uint8_t *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    while (n--) c = table[(c ^ *p++) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

static uint32_t crc32_bitwise(const uint8_t *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    while (n--)
    {
        c ^= *p++;
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
    }
    return ~c;
}

static uint32_t adler32(const uint8_t *p, size_t n)
{
    uint32_t a = 1, b = 0;
    while (n--) { a = (a + *p++) % 65521; b = (b + a) % 65521; }
    return b << 16 | a;
}

static uint16_t fletcher16(const uint8_t *p, size_t n)
{
    uint16_t s1 = 0, s2 = 0;
    while (n--) { s1 = (uint16_t)((s1 + *p++) % 255); s2 = (uint16_t)((s2 + s1) % 255); }
    return (uint16_t)(s2 << 8 | s1);
}

static uint8_t data[3000];

int main(void)
{
    static const char *tests[] = { "", "a", "abc", "123456789", "The quick brown fox jumps over the lazy dog" };
    make_table();
    for (unsigned i = 0; i < sizeof tests / sizeof tests[0]; i++)
    {
        const uint8_t *s = (const uint8_t *)tests[i];
        size_t n = strlen(tests[i]);
        rt_printf("crc32(\"%s\") = %08x %08x adler32 = %08x fletcher16 = %04x\n", tests[i],
            crc32_table(s, n), crc32_bitwise(s, n), adler32(s, n), fletcher16(s, n));
    }
    uint32_t seed = 12345;
    for (unsigned i = 0; i < sizeof data; i++) data[i] = (uint8_t)rt_next(&seed);
    for (unsigned len = 1; len <= sizeof data; len *= 3)
        rt_printf("generated[%4u]: crc32 %08x adler32 %08x\n", len, crc32_table(data, len), adler32(data, len));
    uint32_t a = crc32_table(data, sizeof data), b = crc32_bitwise(data, sizeof data);
    rt_printf("all %u bytes: %08x %s\n", (unsigned)sizeof data, a, a == b ? "agree" : "DISAGREE");
    return 0;
}
