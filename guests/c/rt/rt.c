/* See rt.h. The same source runs in the guest and, with -DHOSTED, as a Linux program (libc's write and mem*). */
#include "rt.h"

#ifdef HOSTED
#include <unistd.h>
void rt_putc(char c) { write(1, &c, 1); }
#else
/* Host ABI (guests/README.md): `out dx, al` with DX = 0x3F8 prints AL. */
void rt_putc(char c)
{
    __asm__ volatile("outb %0, %1" : : "a"(c), "Nd"((uint16_t)0x3F8));
}

void *memcpy(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    while (n--) *d++ = *s++;
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d < s) while (n--) *d++ = *s++;
    else { d += n; s += n; while (n--) *--d = *--s; }
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    while (n--) *d++ = (unsigned char)c;
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (; n; n--, x++, y++) if (*x != *y) return *x - *y;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n]) n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b) { a++; b++; }
    return (unsigned char)*a - (unsigned char)*b;
}

char *strcpy(char *dst, const char *src)
{
    char *d = dst;
    while ((*d++ = *src++)) { }
    return dst;
}
#endif

void rt_puts(const char *s)
{
    while (*s) rt_putc(*s++);
}

static int emit(const char *s, int len, int width, int left, char pad)
{
    int n = 0;
    if (!left && pad == '0' && len && (*s == '-')) { rt_putc(*s++); len--; width--; n++; }
    for (; !left && width > len; width--, n++) rt_putc(pad);
    for (int i = 0; i < len; i++, n++) rt_putc(s[i]);
    for (; left && width > len; width--, n++) rt_putc(' ');
    return n;
}

/* Digits of v in base (10 or 16) into the end of buf; returns the start. */
static char *digits(unsigned long long v, unsigned base, int upper, char *end)
{
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char *p = end;
    do { *--p = set[v % base]; v /= base; } while (v);
    return p;
}

int rt_vprintf(const char *fmt, va_list ap)
{
    int n = 0;
    char buf[32];
    for (; *fmt; fmt++)
    {
        if (*fmt != '%') { rt_putc(*fmt); n++; continue; }
        int left = 0, width = 0, longs = 0;
        char pad = ' ';
        for (fmt++; *fmt == '-' || *fmt == '0'; fmt++) { if (*fmt == '-') left = 1; else pad = '0'; }
        for (; *fmt >= '0' && *fmt <= '9'; fmt++) width = width * 10 + (*fmt - '0');
        for (; *fmt == 'l'; fmt++) longs++;
        char *end = buf + sizeof buf, *p;
        switch (*fmt)
        {
            case 'd': case 'i':
            {
                long long v = longs >= 2 ? va_arg(ap, long long) : (long long)va_arg(ap, int);
                unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
                p = digits(u, 10, 0, end);
                if (v < 0) *--p = '-';
                n += emit(p, (int)(end - p), width, left, pad);
                break;
            }
            case 'u': case 'x': case 'X':
            {
                unsigned long long v = longs >= 2 ? va_arg(ap, unsigned long long) : (unsigned long long)va_arg(ap, unsigned);
                p = digits(v, *fmt == 'u' ? 10 : 16, *fmt == 'X', end);
                n += emit(p, (int)(end - p), width, left, pad);
                break;
            }
            case 'p':
                p = digits((uintptr_t)va_arg(ap, void *), 16, 0, end);
                *--p = 'x'; *--p = '0';
                n += emit(p, (int)(end - p), width, left, pad);
                break;
            case 'c': buf[0] = (char)va_arg(ap, int); n += emit(buf, 1, width, left, ' '); break;
            case 's': { const char *s = va_arg(ap, const char *); n += emit(s, (int)strlen(s), width, left, ' '); break; }
            case '%': rt_putc('%'); n++; break;
            default: rt_putc('?'); n++; break;
        }
    }
    return n;
}

int rt_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = rt_vprintf(fmt, ap);
    va_end(ap);
    return n;
}
