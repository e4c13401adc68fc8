#!/bin/sh
# exits 0 with no output at all
exit 0
