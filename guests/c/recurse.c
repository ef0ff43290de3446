/* Recursion: Ackermann, Towers of Hanoi, N-queens, permutations, naive Fibonacci, flood fill, mutual recursion. */
#include "rt/rt.h"

static unsigned ackermann(unsigned m, unsigned n)
{
    if (m == 0) return n + 1;
    if (n == 0) return ackermann(m - 1, 1);
    return ackermann(m - 1, ackermann(m, n - 1));
}

static unsigned moves, depth, max_depth;

static void hanoi(int n, char from, char to, char via, char *log, int *pos)
{
    if (n == 0) return;
    if (++depth > max_depth) max_depth = depth;
    hanoi(n - 1, from, via, to, log, pos);
    moves++;
    if (*pos < 30) { log[(*pos)++] = from; log[(*pos)++] = to; }
    hanoi(n - 1, via, to, from, log, pos);
    depth--;
}

static int queens(int n, int row, unsigned cols, unsigned diag1, unsigned diag2)
{
    if (row == n) return 1;
    int count = 0;
    for (int c = 0; c < n; c++)
    {
        unsigned d1 = 1u << (row + c), d2 = 1u << (row - c + n - 1);
        if ((cols & 1u << c) || (diag1 & d1) || (diag2 & d2)) continue;
        count += queens(n, row + 1, cols | 1u << c, diag1 | d1, diag2 | d2);
    }
    return count;
}

static int perm_count;
static char first[8], last[8];

static void permute(char *s, int k, int n)
{
    if (k == n)
    {
        if (perm_count++ == 0) memcpy(first, s, (size_t)n + 1);
        memcpy(last, s, (size_t)n + 1);
        return;
    }
    for (int i = k; i < n; i++)
    {
        char t = s[k]; s[k] = s[i]; s[i] = t;
        permute(s, k + 1, n);
        t = s[k]; s[k] = s[i]; s[i] = t;
    }
}

static unsigned fib(unsigned n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static char grid[12][24];

static int fill(int r, int c)
{
    if (r < 0 || r >= 12 || c < 0 || c >= 24 || grid[r][c] != '.') return 0;
    grid[r][c] = '~';
    return 1 + fill(r + 1, c) + fill(r - 1, c) + fill(r, c + 1) + fill(r, c - 1);
}

static int is_odd(unsigned n);
static int is_even(unsigned n) { return n == 0 ? 1 : is_odd(n - 1); }
static int is_odd(unsigned n) { return n == 0 ? 0 : is_even(n - 1); }

int main(void)
{
    rt_printf("ackermann(2, 3) = %u, ackermann(3, 3) = %u\n", ackermann(2, 3), ackermann(3, 3));
    char log[32] = { 0 };
    int pos = 0;
    hanoi(10, 'A', 'C', 'B', log, &pos);
    rt_printf("hanoi(10): %u moves, depth %u, first moves %s\n", moves, max_depth, log);
    for (int n = 4; n <= 7; n++) rt_printf("queens(%d) = %d\n", n, queens(n, 0, 0, 0, 0));
    char s[] = "abcdef";
    permute(s, 0, 6);
    rt_printf("permutations of abcdef: %d, first %s, last %s\n", perm_count, first, last);
    rt_printf("fib(18) = %u\n", fib(18));
    uint32_t seed = 7;
    for (int r = 0; r < 12; r++)
        for (int c = 0; c < 24; c++) grid[r][c] = rt_next(&seed) % 4 == 0 ? '#' : '.';
    int area = fill(6, 12);
    for (int r = 0; r < 12; r++) { for (int c = 0; c < 24; c++) rt_putc(grid[r][c]); rt_putc('\n'); }
    rt_printf("filled %d cells; 77 is %s\n", area, is_even(77) ? "even" : "odd");
    return 0;
}
