/* The C guest runtime: console output through the host's serial port, an integer printf, memory and string routines.
   Freestanding (guest build) or on top of libc (-DHOSTED, for the expected output under qemu-i386). */
#ifndef RT_H
#define RT_H
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

void rt_putc(char c);
void rt_puts(const char *s);
/* %d %i %u %x %X %c %s %p %% with flags '-', '0', width, and the length modifiers l and ll (64-bit via libgcc). */
int rt_printf(const char *fmt, ...);
int rt_vprintf(const char *fmt, va_list ap);

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
char *strcpy(char *dst, const char *src);

/* A small deterministic generator (xorshift32) for generated inputs. */
static inline uint32_t rt_next(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *state = x;
}
#endif
