#!/usr/bin/perl
# SPDX-License-Identifier: ISC
# Perl, with the query string echoed back (escaped).
use strict;
use warnings;

my $q = $ENV{QUERY_STRING} // '';
$q =~ s/([&<>"'])/sprintf('&#%d;', ord($1))/ge;
print "Content-Type: text/html\r\n\r\n";
print "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">",
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
    "<link rel=\"stylesheet\" href=\"/style.css\"><title>Perl</title>",
    "</head><body><h1>Hello from Perl.</h1>";
print "<p>Query: $q</p></body></html>\n";
