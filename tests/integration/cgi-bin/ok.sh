#!/bin/sh
# SPDX-License-Identifier: ISC
# the control: a normal script that must keep working around hostile ones
printf 'Content-Type: text/plain\n\nok'
