/* SPDX-License-Identifier: ISC */
/*
 * bpf_run.h: a classic-BPF interpreter for the instructions libseccomp
 * emits, and two stacked filters combined as the kernel does (the lowest
 * action wins, the newer filter on a tie).  For the tests that compare a
 * policy whole with its split (check_filter_split.c, fuzz_policy.c): an
 * instruction it does not know, a load outside seccomp_data or a program
 * that runs off its end is an error, never a guess.
 */
#ifndef CGIJAIL_BPF_RUN_H
#define CGIJAIL_BPF_RUN_H

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* 0 and the program's return in *ret, or -1 and the failing pc in *ret */
static inline int
bpf_run(const struct sock_filter *f, size_t len,
    const struct seccomp_data *sd, uint32_t *ret)
{
	uint32_t	 a = 0, x = 0, mem[BPF_MEMWORDS], k;
	size_t		 pc = 0;
	const uint8_t	*d = (const uint8_t *)sd;

	memset(mem, 0, sizeof(mem));
	for (; pc < len; pc++) {
		k = f[pc].k;
		switch (f[pc].code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (k > sizeof(*sd) - 4)
				goto bad;
			memcpy(&a, d + k, 4);
			break;
		case BPF_LD | BPF_MEM:
		case BPF_LDX | BPF_MEM:
		case BPF_ST:
		case BPF_STX:
			if (k >= BPF_MEMWORDS)
				goto bad;
			if (f[pc].code == (BPF_LD | BPF_MEM))
				a = mem[k];
			else if (f[pc].code == (BPF_LDX | BPF_MEM))
				x = mem[k];
			else
				mem[k] = f[pc].code == BPF_ST ? a : x;
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			a &= k;
			break;
		case BPF_ALU | BPF_OR | BPF_K:
			a |= k;
			break;
		case BPF_MISC | BPF_TAX:
			x = a;
			break;
		case BPF_MISC | BPF_TXA:
			a = x;
			break;
		case BPF_JMP | BPF_JA:
			pc += k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += a == k ? f[pc].jt : f[pc].jf;
			break;
		case BPF_JMP | BPF_JGT | BPF_K:
			pc += a > k ? f[pc].jt : f[pc].jf;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			pc += a >= k ? f[pc].jt : f[pc].jf;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			pc += (a & k) != 0 ? f[pc].jt : f[pc].jf;
			break;
		case BPF_RET | BPF_K:
			*ret = k;
			return 0;
		case BPF_RET | BPF_A:
			*ret = a;
			return 0;
		default:
			goto bad;
		}
	}
bad:
	*ret = (uint32_t)pc;
	return -1;
}

/* outer installed first, inner after it: what the kernel answers */
static inline uint32_t
bpf_stacked(uint32_t outer, uint32_t inner)
{
	return (int32_t)(outer & SECCOMP_RET_ACTION_FULL) <
	    (int32_t)(inner & SECCOMP_RET_ACTION_FULL) ? outer : inner;
}

#endif
