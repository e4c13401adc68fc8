/*
 * policy_data.S: policy/default.policy embedded in the binary, so the
 * executor needs no installed file.  Assembled from the repository top:
 * the .incbin path is relative to the assembler's working directory.
 */
	.section .rodata
	.global	sandbox_default_policy
	.global	sandbox_default_policy_end
	.hidden	sandbox_default_policy
	.hidden	sandbox_default_policy_end
	.type	sandbox_default_policy, @object
	.type	sandbox_default_policy_end, @object
sandbox_default_policy:
	.incbin	"policy/default.policy"
	.size	sandbox_default_policy, . - sandbox_default_policy
sandbox_default_policy_end:
	.byte	0	/* a NUL after the text, for anyone who needs one */
	.size	sandbox_default_policy_end, 1

	.section .note.GNU-stack, "", @progbits
