# Last test: a memory error anywhere in the run is a failed test.
#
# In the sanitizer run (scripts/test, scripts/sanitizer-env) every ASan
# report of the httpd processes, the unit tests and passport-admin is a
# file t/logs/asan.PID. UBSan, linked with ASan, ignores log_path and
# writes to stderr: for httpd's children that is t/logs/error_log, for
# passport-admin its output, which t/lib/PassportTest.pm saves as
# t/logs/ubsan.passport-admin.* when it holds one. This test fails when
# any report exists and prints it. It also checks that the run really was a sanitizer run
# (the running server has the ASan runtime mapped and MALLOC_PERTURB_ in
# its environment) and that reports really land where it looks (the
# canary: deliberate errors under the same options must leave a report).
# Against a plain build only the first check applies.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use File::Temp qw(tempdir);
use lib 't/lib';
use PassportTest ();

my $logs = Apache::Test::vars('t_logs');
my $build = Apache::Test::vars('pp_builddir');
my $module = PassportTest::module_path();
my $canary = "$build/t/unit/sanitizer_canary";
my $sanitized = qx{ldd '$module' 2>/dev/null} =~ /libasan/ ? 1 : 0;
my @canaries = (
    [ 'use-after-free', qr/ERROR: AddressSanitizer: heap-use-after-free/ ],
    [ 'heap-overflow',  qr/(?:heap-buffer-overflow|insufficient space for an object)/ ],
    [ 'ub-overflow',    qr/runtime error: signed integer overflow/ ],
    [ 'leak',           qr/ERROR: LeakSanitizer: detected memory leaks/ ],
);

plan tests => 1 + ($sanitized ? 3 + 2 * @canaries + 1 : 0);

sub slurp { open my $fh, '<', $_[0] or return ''; local $/; my $s = <$fh>; $s }

# The reports under $dir, and those written to the stderr file $err:
# (name, text) pairs.
sub reports {
    my ($dir, $err) = @_;
    my @r = map { [ s{.*/}{}r, slurp($_) ] } sort glob("$dir/asan.* $dir/ubsan.*");
    my $log = defined $err ? slurp($err) : '';
    my @lines = grep { /^\S+:\d+:\d+: runtime error: |^==\d+==ERROR: \w+Sanitizer/ } split /\n/, $log;
    push @r, [ ($err =~ s{.*/}{}r) . ' (' . scalar(@lines) . ' lines)', join("\n", @lines) ] if @lines;
    return @r;
}

# 1. No sanitizer report from anything in this run.
my @reports = reports($logs, "$logs/error_log");
# on stderr, so that prove shows them without -v (the first lines of each:
# the error, the access and the allocation and free stacks)
for my $r (@reports) {
    my @l = split /\n/, $r->[1];
    @l = (@l[0 .. 59], '...') if @l > 60;
    print STDERR "# ---- sanitizer report $logs/$r->[0]\n", map { "# $_\n" } @l;
}
ok t_cmp(scalar(@reports), 0, 'no sanitizer report in t/logs ('
         . join(' ', map { $_->[0] } @reports) . ')');

exit 0 unless $sanitized;

# 2. The server under test is the sanitized one.
chomp(my $pid = slurp(Apache::Test::vars('t_pid_file')));
my $maps = $pid =~ /^\d+$/ ? slurp("/proc/$pid/maps") : '';
ok t_cmp($maps =~ /libasan\.so/ ? 1 : 0, 1, "the test httpd (pid $pid) runs with the ASan runtime");
ok t_cmp($maps =~ /\Q$module\E/ ? 1 : 0, 1, 'and has the sanitizer-built module loaded');
my %env = map { /^([^=]*)=(.*)$/s ? ($1, $2) : () } split /\0/, slurp("/proc/$pid/environ");
ok t_cmp($env{MALLOC_PERTURB_} // '', qr/^[1-9]\d*$/, 'and MALLOC_PERTURB_ in its environment');

# 3. The canary: each kind of error, under this run's options but its own
# log directory, is caught, stops the program and leaves a report.
for my $c (@canaries) {
    my ($mode, $want) = @$c;
    my $dir = tempdir(CLEANUP => 1);
    local $ENV{ASAN_OPTIONS} = ($ENV{ASAN_OPTIONS} // '') =~ s/log_path=[^:]*/log_path=$dir\/asan/r;
    local $ENV{UBSAN_OPTIONS} = ($ENV{UBSAN_OPTIONS} // '') =~ s/log_path=[^:]*/log_path=$dir\/ubsan/r;
    my $out = qx{'$canary' $mode 2>'$dir/stderr'};
    my $rc = $? >> 8;
    ok t_cmp($rc != 0 && $out !~ /no error was caught/ ? 1 : 0, 1, "canary $mode: stopped ($rc)");
    my $report = join "\n", map { $_->[1] } reports($dir, "$dir/stderr");
    ok t_cmp($report, $want, "canary $mode: its report is where this test looks");
}
my $out = qx{'$canary' none 2>&1};
ok t_cmp($? >> 8, 0, 'canary none: a clean run passes');
