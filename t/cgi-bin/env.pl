#!/usr/bin/perl
# What a protected application sees behind AuthType Passport1.4.
print "Content-Type: text/plain\r\n\r\n";
print "$_=", ($ENV{$_} // ''), "\n"
    for qw(REMOTE_USER AUTH_TYPE PASSPORT_PUID PASSPORT_SIGNIN PASSPORT_AUDIENCE PASSPORT_EXPIRES);
my $body = '';
read(STDIN, $body, $ENV{CONTENT_LENGTH}) if $ENV{CONTENT_LENGTH};
print "BODY_LENGTH=", length($body), "\n";
print "BODY=$body\n";
