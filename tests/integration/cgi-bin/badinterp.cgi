#!/nonexistent/interpreter
# SPDX-License-Identifier: ISC
# a #! line naming no interpreter: execve fails with ENOENT
