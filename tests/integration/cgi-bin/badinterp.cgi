#!/nonexistent/interpreter
# a #! line naming no interpreter: execve fails with ENOENT
