#!/bin/sh
# never answers, burns CPU
while :; do :; done
