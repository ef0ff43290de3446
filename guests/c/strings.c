/* String routines: length, copy, concatenation, comparison, search, reversal, number conversion, tokenising,
   case mapping, overlapping moves and struct copies (which gcc may compile to rep movs / rep stos). */
#include "rt/rt.h"

static char *my_strcat(char *d, const char *s) { strcpy(d + strlen(d), s); return d; }

static int my_strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++)
    {
        if (*a != *b) return (unsigned char)*a - (unsigned char)*b;
        if (!*a) return 0;
    }
    return 0;
}

static const char *my_strchr(const char *s, int c) { for (; *s; s++) if (*s == (char)c) return s; return c ? 0 : s; }

static const char *my_strrchr(const char *s, int c)
{
    const char *r = 0;
    for (;; s++) { if (*s == (char)c) r = s; if (!*s) return r; }
}

static const char *my_strstr(const char *h, const char *n)
{
    size_t ln = strlen(n);
    for (; *h; h++) if (my_strncmp(h, n, ln) == 0) return h;
    return ln ? 0 : h;
}

static void reverse(char *s) { for (size_t i = 0, j = strlen(s); i + 1 < j; i++, j--) { char t = s[i]; s[i] = s[j - 1]; s[j - 1] = t; } }

static char *itoa_base(int v, char *buf, int base)
{
    unsigned u = v < 0 && base == 10 ? 0u - (unsigned)v : (unsigned)v;
    int i = 0;
    do { unsigned d = u % (unsigned)base; buf[i++] = (char)(d < 10 ? '0' + d : 'a' + d - 10); u /= (unsigned)base; } while (u);
    if (v < 0 && base == 10) buf[i++] = '-';
    buf[i] = 0;
    reverse(buf);
    return buf;
}

static int my_atoi(const char *s)
{
    int sign = 1, v = 0;
    while (*s == ' ') s++;
    if (*s == '-' || *s == '+') sign = *s++ == '-' ? -1 : 1;
    while (*s >= '0' && *s <= '9') v = v * 10 + (*s++ - '0');
    return sign * v;
}

static void upper(char *s) { for (; *s; s++) if (*s >= 'a' && *s <= 'z') *s = (char)(*s - 32); }

static int palindrome(const char *s)
{
    size_t i = 0, j = strlen(s);
    while (i < j)
    {
        char a = s[i], b = s[j - 1];
        if (a == ' ') { i++; continue; }
        if (b == ' ') { j--; continue; }
        if ((a | 32) != (b | 32)) return 0;
        i++; j--;
    }
    return 1;
}

struct block { char name[40]; int values[24]; short flags; };

static struct block copy_block(const struct block *b) { struct block c = *b; c.flags++; return c; }

int main(void)
{
    char buf[128] = "hyper";
    my_strcat(buf, "visor ");
    my_strcat(buf, "layers");
    rt_printf("\"%s\" has length %u\n", buf, (unsigned)strlen(buf));
    rt_printf("strcmp: %d %d %d, strncmp(\"vmxon\", \"vmxoff\", 4) = %d\n",
        strcmp("abc", "abd") < 0, strcmp("b", "a") > 0, strcmp("same", "same"), my_strncmp("vmxon", "vmxoff", 4));
    rt_printf("strchr 'v' at %d, strrchr 'r' at %d, strstr \"layer\" at %d\n",
        (int)(my_strchr(buf, 'v') - buf), (int)(my_strrchr(buf, 'r') - buf), (int)(my_strstr(buf, "layer") - buf));
    char num[40];
    int values[] = { 0, 7, -42, 2147483647, -2147483647 - 1, 65535 };
    for (unsigned i = 0; i < sizeof values / sizeof values[0]; i++)
    {
        itoa_base(values[i], num, 10);
        rt_printf("%s -> %d, hex %s, binary ", num, my_atoi(num), itoa_base(values[i], num + 20, 16));
        rt_printf("%s\n", itoa_base(values[i] & 0xFF, num, 2));
    }
    char text[] = "  the quick brown fox  jumps over   the lazy dog ";
    int words = 0, longest = 0;
    for (char *p = text; *p;)
    {
        while (*p == ' ') p++;
        char *start = p;
        while (*p && *p != ' ') p++;
        if (p > start) { words++; if (p - start > longest) longest = (int)(p - start); }
    }
    upper(text);
    rt_printf("%d words, longest %d: [%s]\n", words, longest, text);
    rt_printf("palindromes: %d %d\n", palindrome("A man a plan a canal Panama"), palindrome("hypervisor"));
    char moving[32] = "0123456789abcdefghij";
    memmove(moving + 4, moving, 12);
    rt_printf("memmove forward: %s\n", moving);
    memmove(moving, moving + 6, 10);
    rt_printf("memmove backward: %s\n", moving);
    static struct block a, b;
    strcpy(a.name, "block-a");
    for (int i = 0; i < 24; i++) a.values[i] = i * i - 7;
    b = copy_block(&a);
    memset(a.values, 0, sizeof a.values);
    int sum = 0;
    for (int i = 0; i < 24; i++) sum += b.values[i] + a.values[i];
    rt_printf("copied %s flags %d sum %d memcmp %d\n", b.name, b.flags, sum, memcmp(&a, &b, sizeof a) != 0);
    char caesar[] = "Attack at dawn";
    for (char *p = caesar; *p; p++)
        if (*p >= 'a' && *p <= 'z') *p = (char)('a' + (*p - 'a' + 13) % 26);
        else if (*p >= 'A' && *p <= 'Z') *p = (char)('A' + (*p - 'A' + 13) % 26);
    rt_printf("rot13: %s\n", caesar);
    return 0;
}
