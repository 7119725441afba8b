# A clean start logs no warning of ours or of mod_dbd's: each distinct
# statement is prepared once per mod_dbd configuration, so several
# virtual hosts sharing the main server's database do not make mod_dbd
# warn about "conflicting SQL statements" (AH02653).
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use lib 't/lib';
use PassportTest qw(error_log);

plan tests => 3;

my $log = error_log();
ok t_cmp($log =~ /AH00489|resuming normal operations/ ? 1 : 0, 1, 'the log holds the start');
my @dbd = $log =~ /^(.*\[dbd:warn\].*)$/mg;
ok t_cmp(scalar(@dbd), 0, "no mod_dbd warning at start-up@{[ @dbd ? ': ' . $dbd[0] : '' ]}");
my @ours = grep { /PP000\d/ } $log =~ /^(.*\[passport:(?:warn|error|crit|alert|emerg)\].*)$/mg;
ok t_cmp(scalar(@ours), 0, "no start-up warning of mod_passport@{[ @ours ? ': ' . $ours[0] : '' ]}");
