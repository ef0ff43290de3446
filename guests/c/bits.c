/* Bit manipulation: population counts, leading/trailing zeros, rotations, byte swaps, bit sets, 64-bit shifts,
   parity and Gray codes, narrow (8/16-bit) multiplication and division. */
#include "rt/rt.h"

static volatile uint32_t opaque = 0x80F0A001u;   /* keeps inputs unknown to the optimizer */

static uint32_t rotl32(uint32_t x, unsigned n) { return x << (n & 31) | x >> (-n & 31); }
static uint32_t rotr32(uint32_t x, unsigned n) { return x >> (n & 31) | x << (-n & 31); }
static uint16_t rotl16(uint16_t x, unsigned n) { return (uint16_t)(x << (n & 15) | x >> (-n & 15)); }
static uint8_t rotr8(uint8_t x, unsigned n) { return (uint8_t)(x >> (n & 7) | x << (-n & 7)); }

static uint32_t bitset[8];
static void set_bit(unsigned n) { bitset[n / 32] |= 1u << (n % 32); }
static int test_bit(unsigned n) { return (bitset[n / 32] >> (n % 32)) & 1; }
static void flip_bit(unsigned n) { bitset[n / 32] ^= 1u << (n % 32); }

static uint32_t reverse_bits(uint32_t x)
{
    x = (x & 0x55555555) << 1 | (x >> 1 & 0x55555555);
    x = (x & 0x33333333) << 2 | (x >> 2 & 0x33333333);
    x = (x & 0x0F0F0F0F) << 4 | (x >> 4 & 0x0F0F0F0F);
    return __builtin_bswap32(x);
}

int main(void)
{
    uint32_t x = opaque;
    uint64_t y = (uint64_t)x << 32 | (x ^ 0xDEADBEEF);
    rt_printf("x = %08x: popcount %d ctz %d clz %d parity %d\n", x, __builtin_popcount(x), __builtin_ctz(x), __builtin_clz(x), __builtin_parity(x));
    rt_printf("y = %016llx: popcount %d ctz %d clz %d\n", y, __builtin_popcountll(y), __builtin_ctzll(y), __builtin_clzll(y));
    rt_printf("bswap32 %08x bswap64 %016llx bswap16 %04x reverse %08x\n", __builtin_bswap32(x), __builtin_bswap64(y), __builtin_bswap16((uint16_t)x), reverse_bits(x));
    for (unsigned n = 0; n < 40; n += 13)
        rt_printf("rot %2u: %08x %08x %04x %02x\n", n, rotl32(x, n), rotr32(x, n), rotl16((uint16_t)x, n), rotr8((uint8_t)x, n));
    uint32_t seed = 77;
    for (int i = 0; i < 100; i++) set_bit(rt_next(&seed) % 256);
    for (unsigned n = 0; n < 256; n += 3) flip_bit(n);
    int count = 0;
    for (unsigned n = 0; n < 256; n++) count += test_bit(n);
    rt_printf("bitset: %d bits set, words %08x %08x\n", count, bitset[0], bitset[7]);
    for (int s = 1; s < 64; s += 9)
    {
        opaque = (uint32_t)s;
        unsigned k = opaque;
        rt_printf("shift %2u: %016llx %016llx %016llx\n", k, y << k, y >> k, (uint64_t)((int64_t)y >> k));
    }
    uint32_t gray = 0;
    for (uint32_t i = 0; i < 16; i++) gray = gray * 3 + (i ^ (i >> 1));
    rt_printf("gray checksum %u\n", gray);
    uint8_t a8 = (uint8_t)x, b8 = (uint8_t)(x >> 8);
    uint16_t a16 = (uint16_t)x, b16 = (uint16_t)(x >> 16);
    int8_t s8 = (int8_t)(x >> 24);
    int16_t s16 = (int16_t)(x >> 16);
    opaque = 13;
    uint8_t d8 = (uint8_t)opaque;
    uint16_t d16 = (uint16_t)(opaque * 100);
    rt_printf("narrow: %u %u %u %u %d %d %u %u\n", (uint8_t)(a8 * b8), (uint8_t)(a8 / d8), (uint16_t)(a16 * b16), (uint16_t)(b16 % d16),
        (int8_t)(s8 / (int8_t)d8), (int16_t)(s16 % (int16_t)d16), (uint8_t)(b8 % d8), (uint16_t)(a16 / d16));
    uint32_t min = 0xFFFFFFFF, max = 0;
    seed = 3;
    for (int i = 0; i < 50; i++) { uint32_t r = rt_next(&seed); min = r < min ? r : min; max = r > max ? r : max; }
    rt_printf("min %08x max %08x\n", min, max);
    return 0;
}
