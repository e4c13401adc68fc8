/*
 * policy_data.S: policy/default.policy embedded in the binary, so the
 * executor needs no installed file.  Assembled from the repository top:
 * the .incbin path is relative to the assembler's working directory.
 */
	.section .rodata
	.global	sandbox_default_policy
	.global	sandbox_default_policy_len
	.hidden	sandbox_default_policy
	.hidden	sandbox_default_policy_len
	.type	sandbox_default_policy, @object
	.type	sandbox_default_policy_len, @object
sandbox_default_policy:
	.incbin	"policy/default.policy"
1:
	.byte	0	/* a NUL after the text, for anyone who wants one */
	.size	sandbox_default_policy, . - sandbox_default_policy
	.balign	8
sandbox_default_policy_len:	/* the text's length, without the NUL */
	.quad	1b - sandbox_default_policy
	.size	sandbox_default_policy_len, 8

	.section .note.GNU-stack, "", @progbits
