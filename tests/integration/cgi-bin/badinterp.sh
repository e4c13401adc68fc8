#!/nonexistent/interpreter
this never runs
