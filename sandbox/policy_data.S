/* SPDX-License-Identifier: ISC */
/*
 * policy_data.S: the seccomp policies of policy/ embedded in the binary,
 * so no role needs an installed file.  Assembled from the repository top:
 * the .incbin path is relative to the assembler's working directory, and
 * the Makefile's POLICY_EMBED lists every file included here.
 */

/* NAME: the text, then a NUL; NAME_len: the text's length, without it */
	.macro	POLICY name, file
	.section .rodata
	.global	\name
	.global	\name\()_len
	.hidden	\name
	.hidden	\name\()_len
	.type	\name, @object
	.type	\name\()_len, @object
\name:
	.incbin	"\file"
1:
	.byte	0
	.size	\name, . - \name
	.balign	8
\name\()_len:
	.quad	1b - \name
	.size	\name\()_len, 8
	.endm

	POLICY	sandbox_default_policy, "policy/default.policy"
	POLICY	sandbox_floor_policy, "policy/floor.policy"
	POLICY	sandbox_floor_nonet_policy, "policy/floor-nonet.policy"
	POLICY	sandbox_front_policy, "policy/front.policy"
	POLICY	sandbox_front_sanitizer_policy, "policy/front-sanitizer.policy"
	POLICY	sandbox_executor_policy, "policy/executor.policy"
	POLICY	sandbox_auth_policy, "policy/auth.policy"

	.section .note.GNU-stack, "", @progbits
