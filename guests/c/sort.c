/* Sorting with function pointers: a generic quicksort and insertion sort over bytes, merge and heap sort over ints,
   strings by strcmp, records by two keys. Each result is checked and summarised. */
#include "rt/rt.h"

typedef int (*cmp_fn)(const void *, const void *);

static void swap_bytes(unsigned char *a, unsigned char *b, size_t size)
{
    while (size--) { unsigned char t = *a; *a++ = *b; *b++ = t; }
}

static void insertion_sort(void *base, size_t n, size_t size, cmp_fn cmp)
{
    unsigned char *b = base;
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && cmp(b + (j - 1) * size, b + j * size) > 0; j--)
            swap_bytes(b + (j - 1) * size, b + j * size, size);
}

static void quick_sort(void *base, size_t n, size_t size, cmp_fn cmp)
{
    unsigned char *b = base;
    while (n > 8)
    {
        swap_bytes(b, b + (n / 2) * size, size);   /* middle element as pivot, moved first */
        size_t last = 0;
        for (size_t i = 1; i < n; i++)
            if (cmp(b + i * size, b) < 0) swap_bytes(b + ++last * size, b + i * size, size);
        swap_bytes(b, b + last * size, size);
        quick_sort(b, last, size, cmp);            /* recurse on the left part, loop on the right */
        b += (last + 1) * size;
        n -= last + 1;
    }
    insertion_sort(b, n, size, cmp);
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static int cmp_int_desc(const void *a, const void *b) { return cmp_int(b, a); }

static int cmp_str(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

struct rec { short group; unsigned char tag; int value; };

static int cmp_rec(const void *a, const void *b)
{
    const struct rec *x = a, *y = b;
    if (x->group != y->group) return x->group - y->group;
    return (x->value > y->value) - (x->value < y->value);
}

static int tmp[400];

static void merge_sort(int *a, int n)
{
    if (n < 2) return;
    int h = n / 2;
    merge_sort(a, h);
    merge_sort(a + h, n - h);
    int i = 0, j = h, k = 0;
    while (i < h && j < n) tmp[k++] = a[i] <= a[j] ? a[i++] : a[j++];
    while (i < h) tmp[k++] = a[i++];
    while (j < n) tmp[k++] = a[j++];
    for (i = 0; i < n; i++) a[i] = tmp[i];
}

static void sift(int *a, int root, int n)
{
    for (int child; (child = 2 * root + 1) < n; root = child)
    {
        if (child + 1 < n && a[child + 1] > a[child]) child++;
        if (a[root] >= a[child]) return;
        int t = a[root]; a[root] = a[child]; a[child] = t;
    }
}

static void heap_sort(int *a, int n)
{
    for (int i = n / 2 - 1; i >= 0; i--) sift(a, i, n);
    for (int i = n - 1; i > 0; i--) { int t = a[0]; a[0] = a[i]; a[i] = t; sift(a, 0, i); }
}

static int sorted(const void *base, size_t n, size_t size, cmp_fn cmp)
{
    const unsigned char *b = base;
    for (size_t i = 1; i < n; i++) if (cmp(b + (i - 1) * size, b + i * size) > 0) return 0;
    return 1;
}

static uint32_t digest(const int *a, int n)
{
    uint32_t h = 2166136261u;
    for (int i = 0; i < n; i++) h = (h ^ (uint32_t)a[i]) * 16777619u;
    return h;
}

#define N 300
static int a[N], b[N], c[N], d[N];
static struct rec recs[60];

int main(void)
{
    uint32_t seed = 2024;
    for (int i = 0; i < N; i++) a[i] = b[i] = c[i] = d[i] = (int)(rt_next(&seed) % 2001) - 1000;
    cmp_fn fns[] = { cmp_int, cmp_int_desc };
    quick_sort(a, N, sizeof a[0], fns[0]);
    insertion_sort(b, N, sizeof b[0], fns[1]);
    merge_sort(c, N);
    heap_sort(d, N);
    rt_printf("quick: sorted %d min %d max %d digest %08x\n", sorted(a, N, sizeof a[0], cmp_int), a[0], a[N - 1], digest(a, N));
    rt_printf("insertion (descending): sorted %d first %d last %d\n", sorted(b, N, sizeof b[0], cmp_int_desc), b[0], b[N - 1]);
    rt_printf("merge: digest %08x, heap: digest %08x, equal %d\n", digest(c, N), digest(d, N), memcmp(c, d, sizeof c) == 0 && memcmp(a, c, sizeof a) == 0);

    const char *words[] = { "pear", "apple", "fig", "banana", "kiwi", "cherry", "date", "apricot", "grape", "lemon", "lime", "mango" };
    int nw = (int)(sizeof words / sizeof words[0]);
    quick_sort(words, (size_t)nw, sizeof words[0], cmp_str);
    for (int i = 0; i < nw; i++) rt_printf("%s%c", words[i], i + 1 < nw ? ' ' : '\n');

    for (int i = 0; i < 60; i++)
    {
        recs[i].group = (short)(rt_next(&seed) % 5);
        recs[i].tag = (unsigned char)i;
        recs[i].value = (int)(rt_next(&seed) % 100);
    }
    insertion_sort(recs, 60, sizeof recs[0], cmp_rec);
    rt_printf("records sorted %d:", sorted(recs, 60, sizeof recs[0], cmp_rec));
    for (int i = 0; i < 60; i += 6) rt_printf(" %d/%d/%u", recs[i].group, recs[i].value, recs[i].tag);
    rt_printf("\n");
    return 0;
}
