/* A switch-heavy bytecode interpreter: a stack machine with locals, arithmetic, comparisons, jumps and calls,
   running small programs (factorial, Fibonacci, primes, gcd, Collatz). */
#include "rt/rt.h"

enum op { PUSH, LOAD, STORE, ADD, SUB, MUL, DIV, MOD, NEG, AND, OR, XOR, SHL, SHR, LT, LE, EQ, NE, JMP, JZ, JNZ,
          DUP, DROP, SWAP, CALL, RET, PRINT, HALT };

struct vm { int32_t stack[64]; int sp; int32_t locals[8]; int rsp; int ret[16]; long steps; };

static int32_t run(struct vm *m, const int32_t *code)
{
    int pc = 0;
    m->sp = 0; m->rsp = 0; m->steps = 0;
    for (;;)
    {
        m->steps++;
        int32_t a, b;
        switch ((enum op)code[pc++])
        {
            case PUSH: m->stack[m->sp++] = code[pc++]; break;
            case LOAD: m->stack[m->sp++] = m->locals[code[pc++]]; break;
            case STORE: m->locals[code[pc++]] = m->stack[--m->sp]; break;
            case ADD: b = m->stack[--m->sp]; a = m->stack[--m->sp]; m->stack[m->sp++] = (int32_t)((uint32_t)a + (uint32_t)b); break;
            case SUB: b = m->stack[--m->sp]; a = m->stack[--m->sp]; m->stack[m->sp++] = (int32_t)((uint32_t)a - (uint32_t)b); break;
            case MUL: b = m->stack[--m->sp]; a = m->stack[--m->sp]; m->stack[m->sp++] = (int32_t)((uint32_t)a * (uint32_t)b); break;
            case DIV: b = m->stack[--m->sp]; a = m->stack[--m->sp]; m->stack[m->sp++] = b ? a / b : 0; break;
            case MOD: b = m->stack[--m->sp]; a = m->stack[--m->sp]; m->stack[m->sp++] = b ? a % b : 0; break;
            case NEG: m->stack[m->sp - 1] = (int32_t)(0u - (uint32_t)m->stack[m->sp - 1]); break;
            case AND: b = m->stack[--m->sp]; m->stack[m->sp - 1] &= b; break;
            case OR: b = m->stack[--m->sp]; m->stack[m->sp - 1] |= b; break;
            case XOR: b = m->stack[--m->sp]; m->stack[m->sp - 1] ^= b; break;
            case SHL: b = m->stack[--m->sp]; m->stack[m->sp - 1] = (int32_t)((uint32_t)m->stack[m->sp - 1] << (b & 31)); break;
            case SHR: b = m->stack[--m->sp]; m->stack[m->sp - 1] = (int32_t)((uint32_t)m->stack[m->sp - 1] >> (b & 31)); break;
            case LT: b = m->stack[--m->sp]; m->stack[m->sp - 1] = m->stack[m->sp - 1] < b; break;
            case LE: b = m->stack[--m->sp]; m->stack[m->sp - 1] = m->stack[m->sp - 1] <= b; break;
            case EQ: b = m->stack[--m->sp]; m->stack[m->sp - 1] = m->stack[m->sp - 1] == b; break;
            case NE: b = m->stack[--m->sp]; m->stack[m->sp - 1] = m->stack[m->sp - 1] != b; break;
            case JMP: pc = code[pc]; break;
            case JZ: pc = m->stack[--m->sp] == 0 ? code[pc] : pc + 1; break;
            case JNZ: pc = m->stack[--m->sp] != 0 ? code[pc] : pc + 1; break;
            case DUP: m->stack[m->sp] = m->stack[m->sp - 1]; m->sp++; break;
            case DROP: m->sp--; break;
            case SWAP: a = m->stack[m->sp - 1]; m->stack[m->sp - 1] = m->stack[m->sp - 2]; m->stack[m->sp - 2] = a; break;
            case CALL: m->ret[m->rsp++] = pc + 1; pc = code[pc]; break;
            case RET: pc = m->ret[--m->rsp]; break;
            case PRINT: rt_printf("%d ", m->stack[--m->sp]); break;
            case HALT: return m->sp ? m->stack[m->sp - 1] : 0;
            default: rt_printf("bad opcode %d at %d\n", code[pc - 1], pc - 1); return -1;
        }
    }
}

/* A tiny assembler with labels. */
static int32_t prog[256];
static int len, labels[16], fix_at[32], fix_label[32], nfix;

static void op(int32_t o) { prog[len++] = o; }
static void op1(int32_t o, int32_t arg) { prog[len++] = o; prog[len++] = arg; }
static void jump(int32_t o, int label) { prog[len++] = o; fix_at[nfix] = len; fix_label[nfix++] = label; prog[len++] = 0; }
static void here(int label) { labels[label] = len; }
static const int32_t *assembled(void)
{
    for (int i = 0; i < nfix; i++) prog[fix_at[i]] = labels[fix_label[i]];
    nfix = 0;
    len = 0;
    return prog;
}

/* n! by a loop: locals 0 = n, 1 = acc */
static const int32_t *factorial(int n)
{
    op1(PUSH, n); op1(STORE, 0); op1(PUSH, 1); op1(STORE, 1);
    here(0); op1(LOAD, 0); jump(JZ, 1);
    op1(LOAD, 1); op1(LOAD, 0); op(MUL); op1(STORE, 1);
    op1(LOAD, 0); op1(PUSH, 1); op(SUB); op1(STORE, 0); jump(JMP, 0);
    here(1); op1(LOAD, 1); op(HALT);
    return assembled();
}

/* print the first n Fibonacci numbers: locals 0 = a, 1 = b, 2 = i */
static const int32_t *fibonacci(int n)
{
    op1(PUSH, 0); op1(STORE, 0); op1(PUSH, 1); op1(STORE, 1); op1(PUSH, n); op1(STORE, 2);
    here(0); op1(LOAD, 2); jump(JZ, 1);
    op1(LOAD, 0); op(PRINT);
    op1(LOAD, 0); op1(LOAD, 1); op(ADD); op1(LOAD, 1); op1(STORE, 0); op1(STORE, 1);
    op1(LOAD, 2); op1(PUSH, 1); op(SUB); op1(STORE, 2); jump(JMP, 0);
    here(1); op1(PUSH, 0); op(HALT);
    return assembled();
}

/* primes below n by trial division through a subroutine isprime(k) -> 0/1: locals 0 = k, 1 = count, 2 = arg, 3 = d */
static const int32_t *primes(int n)
{
    op1(PUSH, 0); op1(STORE, 1); op1(PUSH, 2); op1(STORE, 0);
    here(0); op1(LOAD, 0); op1(PUSH, n); op(LT); jump(JZ, 1);
    op1(LOAD, 0); jump(CALL, 2); op1(LOAD, 1); op(ADD); op1(STORE, 1);
    op1(LOAD, 0); op1(PUSH, 1); op(ADD); op1(STORE, 0); jump(JMP, 0);
    here(1); op1(LOAD, 1); op(HALT);
    here(2); op1(STORE, 2); op1(PUSH, 2); op1(STORE, 3);
    here(3); op1(LOAD, 3); op1(LOAD, 3); op(MUL); op1(LOAD, 2); op(LE); jump(JZ, 4);
    op1(LOAD, 2); op1(LOAD, 3); op(MOD); jump(JZ, 5);
    op1(LOAD, 3); op1(PUSH, 1); op(ADD); op1(STORE, 3); jump(JMP, 3);
    here(4); op1(PUSH, 1); op(RET);
    here(5); op1(PUSH, 0); op(RET);
    return assembled();
}

/* Collatz steps from n: locals 0 = n, 1 = steps */
static const int32_t *collatz(int n)
{
    op1(PUSH, n); op1(STORE, 0); op1(PUSH, 0); op1(STORE, 1);
    here(0); op1(LOAD, 0); op1(PUSH, 1); op(NE); jump(JZ, 3);
    op1(LOAD, 0); op1(PUSH, 1); op(AND); jump(JZ, 1);
    op1(LOAD, 0); op1(PUSH, 3); op(MUL); op1(PUSH, 1); op(ADD); op1(STORE, 0); jump(JMP, 2);
    here(1); op1(LOAD, 0); op1(PUSH, 1); op(SHR); op1(STORE, 0);
    here(2); op1(LOAD, 1); op1(PUSH, 1); op(ADD); op1(STORE, 1); jump(JMP, 0);
    here(3); op1(LOAD, 1); op(HALT);
    return assembled();
}

/* Euclid: locals 0 = a, 1 = b */
static const int32_t *gcd(int a, int b)
{
    op1(PUSH, a); op1(STORE, 0); op1(PUSH, b); op1(STORE, 1);
    here(0); op1(LOAD, 1); jump(JZ, 1);
    op1(LOAD, 0); op1(LOAD, 1); op(MOD); op1(LOAD, 1); op1(STORE, 0); op1(STORE, 1); jump(JMP, 0);
    here(1); op1(LOAD, 0); op(HALT);
    return assembled();
}

static const int32_t *bit_mix(void)
{
    op1(PUSH, 0x12345678); op(DUP); op1(PUSH, 4); op(SHL); op(SWAP); op1(PUSH, 28); op(SHR); op(OR);
    op1(PUSH, 0xFF); op(XOR); op(NEG); op1(PUSH, 7); op(DIV); op1(PUSH, -5); op(MOD); op1(PUSH, -3); op(SUB);
    op(DUP); op(DROP); op1(PUSH, 40); op(EQ); op1(PUSH, 9); op(NE); op(HALT);
    return assembled();
}

int main(void)
{
    static struct vm m;
    int32_t r = run(&m, factorial(10));
    rt_printf("10! = %d (%ld steps)\n", r, m.steps);
    rt_printf("fib: ");
    run(&m, fibonacci(20));
    rt_printf("(%ld steps)\n", m.steps);
    r = run(&m, primes(600));
    rt_printf("primes below 600: %d (%ld steps)\n", r, m.steps);
    r = run(&m, collatz(27));
    rt_printf("collatz(27) = %d steps (%ld vm steps)\n", r, m.steps);
    rt_printf("gcd(1071, 462) = %d\n", run(&m, gcd(1071, 462)));
    rt_printf("bit mix = %d\n", run(&m, bit_mix()));
    return 0;
}
