#!/usr/bin/perl
# SPDX-License-Identifier: ISC
# Perl, with the query string echoed back (escaped).
use strict;
use warnings;

my $q = $ENV{QUERY_STRING} // '';
$q =~ s/([&<>"'])/sprintf('&#%d;', ord($1))/ge;
print "Content-Type: text/html\r\n\r\n";
print "<!DOCTYPE html><html><body><p>Hello from Perl.</p>";
print "<p>Query: $q</p></body></html>\n";
