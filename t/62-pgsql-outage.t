# A database error in the middle of a query (here: PostgreSQL kills the
# backend while the account query runs) is a database outage, never a
# wrong password: login2.srf answers failed-noretry, RST.srf S:Server,
# the log says the query failed and never "no such account"; and the
# next request signs in on a fresh connection.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok need);
use Apache::TestUtil qw(t_cmp);
use Apache::TestRequest qw(GET);
use Time::HiRes qw(sleep);
use lib 't/lib';
use PassportTest qw(p14_header rst_body rst_post error_log need_database);

plan tests => 8, need(need_database('pgsql'));

my ($bin) = sort { $b cmp $a } glob('/usr/lib/postgresql/*/bin');
my $sock = Apache::Test::vars('t_dir') . '/var/pgsock';

# Run $request in a child while the query sleeps, kill the backend.
sub interrupted {
    my ($request) = @_;
    my $out = Apache::Test::vars('t_logs') . "/outage.$$";
    my $pid = fork // die "fork: $!";
    if (!$pid) {
        my $res = $request->();
        open my $fh, '>', $out or die; print $fh $res->as_string; close $fh;
        exit 0;
    }
    my $killed = 0;
    for (1 .. 30) {
        sleep 0.1;
        my $n = qx{$bin/psql -At -h $sock -p 5433 -U passport -d passport -c "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%pg_sleep(2)%' AND pid <> pg_backend_pid()"};
        chomp $n;
        if ($n) { $killed = $n; last }
    }
    waitpid $pid, 0;
    open my $fh, '<', $out or die "$out: $!"; local $/; my $got = <$fh>; unlink $out;
    return ($killed, $got);
}

Apache::TestRequest::module('pg_slow');
my $before = length error_log();
my ($killed, $got) = interrupted(sub {
    GET '/login2.srf', Authorization => p14_header(signin => 'alice@example.com', pwd => 'alice-pw,1')
});
ok t_cmp($killed, qr/^[1-9]/, 'the backend was killed mid-query');
ok t_cmp($got, qr/^WWW-Authenticate: Passport1\.4 da-status=failed-noretry,/m,
         'login2.srf: failed-noretry, as for an outage');
my $log = substr(error_log(), $before);
ok t_cmp($log =~ /PP0304: account query failed/ ? 1 : 0, 1, 'logged as a failed query');
ok t_cmp($log =~ /PP040[12]: sign-in failed for 'alice/ ? 1 : 0, 0,
         'never as "no such account" or "wrong password"');

($killed, $got) = interrupted(sub {
    rst_post(rst_body('rst-msnp15.xml', 'alice@example.com', 'alice-pw,1'))
});
ok t_cmp($got, qr{<faultcode>S:Server</faultcode>}, 'RST.srf: S:Server');

# mod_dbd drops the dead connection; the next request gets a new one
# (libpq's reset of the dead connection drops its prepared statements:
# they are prepared again, PP0311)
my $res = GET '/login2.srf',
    Authorization => p14_header(signin => 'alice@example.com', pwd => 'alice-pw,1');
ok t_cmp($res->code, 200, 'recovers without restarting Apache');
$res = GET '/login2.srf',
    Authorization => p14_header(signin => 'alice@example.com', pwd => 'wrong');
ok t_cmp(scalar $res->header('WWW-Authenticate'), qr/da-status=failed,/, 'and a wrong password is still a wrong password');

# and the connections whose backends were killed work again: every one
# in the pool gets a turn
my $good = 0;
for (1 .. 6) {
    my $r = GET '/login2.srf', Authorization => p14_header(signin => 'alice@example.com', pwd => 'alice-pw,1');
    $good++ if $r->code == 200;
}
ok t_cmp($good, 6, 'every later sign-in succeeds');
