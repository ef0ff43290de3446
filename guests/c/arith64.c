/* 64-bit arithmetic: multiplication, division and remainder through libgcc (__udivdi3, __divdi3, __umoddi3,
   __moddi3), shifts by variable counts, comparisons, gcd, integer square root, powers modulo, 64-bit Fibonacci. */
#include "rt/rt.h"

static uint64_t gcd(uint64_t a, uint64_t b) { while (b) { uint64_t t = a % b; a = b; b = t; } return a; }

static uint64_t isqrt(uint64_t n)
{
    uint64_t x = n, y = (x + 1) / 2;
    if (n < 2) return n;
    while (y < x) { x = y; y = (x + n / x) / 2; }
    return x;
}

static uint64_t mulmod(uint64_t a, uint64_t b, uint64_t m)
{
    uint64_t r = 0;
    a %= m;
    while (b) { if (b & 1) r = (r + a) % m; a = (a << 1) % m; b >>= 1; }
    return r;
}

static uint64_t powmod(uint64_t b, uint64_t e, uint64_t m)
{
    uint64_t r = 1 % m;
    for (b %= m; e; e >>= 1) { if (e & 1) r = mulmod(r, b, m); b = mulmod(b, b, m); }
    return r;
}

static volatile int64_t sink;   /* keeps values opaque to the optimizer */

int main(void)
{
    uint64_t f0 = 0, f1 = 1;
    for (int i = 0; i < 90; i++) { uint64_t t = f0 + f1; f0 = f1; f1 = t; }
    rt_printf("fib(90) = %llu (0x%llx)\n", f0, f0);

    int64_t values[] = { 0, 1, -1, 7, -7, 1000000007, -123456789012345LL, 9223372036854775807LL, -9223372036854775807LL - 1 };
    int64_t divisors[] = { 1, -1, 3, -10, 1000003, -4294967296LL, 4294967311LL };
    uint64_t acc = 0;
    for (unsigned i = 0; i < sizeof values / sizeof values[0]; i++)
        for (unsigned j = 0; j < sizeof divisors / sizeof divisors[0]; j++)
        {
            sink = values[i];
            int64_t v = sink, d = divisors[j];
            if (v == -9223372036854775807LL - 1 && d == -1) continue;   /* overflows */
            int64_t q = v / d, r = v % d;
            uint64_t uq = (uint64_t)v / (uint64_t)d, ur = (uint64_t)v % (uint64_t)d;
            if (q * d + r != v || uq * (uint64_t)d + ur != (uint64_t)v) rt_printf("BAD division %lld / %lld\n", v, d);
            acc = acc * 31 + (uint64_t)q + (uint64_t)r * 7 + uq * 3 + ur;
        }
    rt_printf("division checksum %llx\n", acc);
    rt_printf("-123456789012345 / 1000003 = %lld rem %lld\n", values[6] / 1000003, values[6] % 1000003);

    uint64_t x = 0x0123456789ABCDEFULL;
    for (int s = 0; s < 64; s += 7)
    {
        sink = s;
        int k = (int)sink;
        rt_printf("s=%2d shl %016llx shr %016llx sar %016llx\n", k, x << k, x >> k, (uint64_t)((int64_t)(x | 1ULL << 63) >> k));
    }
    rt_printf("gcd(2^40*3^5, 6^20) = %llu\n", gcd((1ULL << 40) * 243, 3656158440062976ULL));
    rt_printf("isqrt(10^18) = %llu, isqrt(2^63) = %llu\n", isqrt(1000000000000000000ULL), isqrt(1ULL << 63));
    rt_printf("2^(10^9+6) mod (10^9+7) = %llu\n", powmod(2, 1000000006ULL, 1000000007ULL));
    rt_printf("3^1000 mod 2^61-1 = %llu\n", powmod(3, 1000, (1ULL << 61) - 1));
    int64_t m1 = -5, m2 = 3;
    rt_printf("compare: %d %d %d %d\n", m1 < m2, (uint64_t)m1 < (uint64_t)m2, m1 * m2 == -15, (m1 * 4000000000LL) >> 3 == -2500000000LL);
    return 0;
}
