# The same sign-ins against PostgreSQL through mod_dbd's pgsql driver:
# every hash format, RST.srf, an unknown account, ticket recording.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use Apache::TestRequest qw(GET);
use lib 't/lib';
use PassportTest qw(test_accounts p14_header from_pp rst_body rst_post admin);

my %accounts = test_accounts();

plan tests => keys(%accounts) + 8;

Apache::TestRequest::module('pg');
for my $who (sort keys %accounts) {
    my $res = GET '/login2.srf', Authorization => p14_header(signin => $who, pwd => $accounts{$who});
    ok t_cmp($res->code, 200, "PostgreSQL: $who signs in");
}
my $res = GET '/login2.srf', Authorization => p14_header(signin => 'alice@example.com', pwd => 'nope');
ok t_cmp(scalar $res->header('WWW-Authenticate'), qr/da-status=failed,/, 'PostgreSQL: wrong password');
$res = GET '/login2.srf', Authorization => p14_header(signin => 'ALICE@example.com', pwd => 'alice-pw,1');
ok t_cmp(from_pp($res) // '', qr/&p=0123456789ABCDEF$/, 'PostgreSQL: a 64-bit PUID, mixed-case sign-in');
my ($bin) = sort { $b cmp $a } glob('/usr/lib/postgresql/*/bin');
my $sock = Apache::Test::vars('t_dir') . '/var/pgsock';
sub recorded {
    my $n = qx{$bin/psql -At -h $sock -p 5433 -U passport -d passport -c "SELECT count(*) FROM issued_tickets WHERE signin = 'pbkdf2\@example.com' AND audience = 'messengerclear.live.com'"};
    chomp $n;
    return $n;
}
my $before = recorded();
$res = rst_post(rst_body('rst-msnp15.xml', 'pbkdf2@example.com', 'pbkdf2-pw'));
ok t_cmp($res->content, qr{<psf:authstate>0x48803</psf:authstate>}, 'PostgreSQL: RST.srf');
ok t_cmp(recorded() - $before, 1, 'PostgreSQL: the ticket was recorded');
my $e = qx{$bin/psql -At -h $sock -p 5433 -U passport -d passport -c "SELECT min(expires) > extract(epoch from now()) FROM issued_tickets"};
chomp $e;
ok t_cmp($e, 't', 'with its expiry as a number');

# passport-admin speaks PostgreSQL too (mod_dbd's driver names)
my $params = "host=$sock port=5433 dbname=passport user=passport";
admin('-d', 'pgsql', '-p', $params, 'remove', 'pgadmin@example.com');
my ($rc, $out) = do {
    my $bin_admin = Apache::Test::vars('t_dir') . '/../passport-admin';
    my $o = qx{printf 'pg-pw\\n' | '$bin_admin' -d pgsql -p '$params' add pgadmin\@example.com --puid 9223372036854775807 2>&1};
    ($? >> 8, $o);
};
ok t_cmp($rc, 0, "passport-admin add on PostgreSQL ($out)");
$res = GET '/login2.srf', Authorization => p14_header(signin => 'pgadmin@example.com', pwd => 'pg-pw');
ok t_cmp(from_pp($res) // '', qr/&p=7FFFFFFFFFFFFFFF$/, 'the account it added signs in, largest PUID intact');
($rc, $out) = admin('-d', 'pgsql', '-p', $params, 'list');
ok t_cmp($out, qr/^pgadmin\@example\.com\t7FFFFFFFFFFFFFFF$/m, 'and is listed');
admin('-d', 'pgsql', '-p', $params, 'remove', 'pgadmin@example.com');
