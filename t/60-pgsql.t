# The same sign-ins against PostgreSQL through mod_dbd's pgsql driver:
# every hash format, RST.srf, an unknown account, ticket recording.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok need);
use Apache::TestUtil qw(t_cmp);
use Apache::TestRequest ();
use lib 't/lib';
use PassportTest qw(test_accounts rst_body rst_post check_sign_ins check_admin_round_trip
                    need_database);

my %accounts = test_accounts();

plan tests => keys(%accounts) + 8, need(need_database('pgsql'));

Apache::TestRequest::module('pg');
check_sign_ins('PostgreSQL');

my ($bin) = sort { $b cmp $a } glob('/usr/lib/postgresql/*/bin');
my $sock = Apache::Test::vars('t_dir') . '/var/pgsock';
sub recorded {
    my $n = qx{$bin/psql -At -h $sock -p 5433 -U passport -d passport -c "SELECT count(*) FROM issued_tickets WHERE signin = 'pbkdf2\@example.com' AND audience = 'messengerclear.live.com'"};
    chomp $n;
    return $n;
}
my $before = recorded();
my $res = rst_post(rst_body('rst-msnp15.xml', 'pbkdf2@example.com', 'pbkdf2-pw'));
ok t_cmp($res->content, qr{<psf:authstate>0x48803</psf:authstate>}, 'PostgreSQL: RST.srf');
ok t_cmp(recorded() - $before, 1, 'PostgreSQL: the ticket was recorded');
my $e = qx{$bin/psql -At -h $sock -p 5433 -U passport -d passport -c "SELECT min(expires) > extract(epoch from now()) FROM issued_tickets"};
chomp $e;
ok t_cmp($e, 't', 'with its expiry as a number');

# passport-admin speaks PostgreSQL too (mod_dbd's driver names)
check_admin_round_trip('PostgreSQL', 'pgsql', "host=$sock port=5433 dbname=passport user=passport",
                       'pgadmin@example.com', 'pg-pw');
