#!/usr/bin/python3
# SPDX-License-Identifier: ISC
# dies of a real SIGSEGV (a fault, not a kill) before answering
import ctypes
ctypes.string_at(0)
