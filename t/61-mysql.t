# The same sign-ins against MariaDB / MySQL through mod_dbd's mysql
# driver: every hash format, RST.srf, recording, passport-admin.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok need);
use Apache::TestUtil qw(t_cmp);
use Apache::TestRequest ();
use lib 't/lib';
use PassportTest qw(test_accounts rst_body rst_post check_sign_ins check_admin_round_trip
                    need_database);

my %accounts = test_accounts();

plan tests => keys(%accounts) + 9, need(need_database('mysql'));

my $sock = Apache::Test::vars('t_dir') . '/var/mysql.sock';
my $params = "host=localhost user=passport pass=pw dbname=passport sock=$sock";
sub sql {
    my $out = qx{mariadb --no-defaults -S '$sock' -u passport -ppw passport -N -e "$_[0]"};
    chomp $out;
    return $out;
}

Apache::TestRequest::module('mysql');
check_sign_ins('MySQL');

my $before = sql("SELECT count(*) FROM issued_tickets WHERE audience = 'messengerclear.live.com'");
my $res = rst_post(rst_body('rst-msnp15.xml', 'pbkdf2@example.com', 'pbkdf2-pw'));
ok t_cmp($res->content, qr{<psf:authstate>0x48803</psf:authstate>}, 'MySQL: RST.srf');
ok t_cmp(sql("SELECT count(*) FROM issued_tickets WHERE audience = 'messengerclear.live.com'") - $before, 1,
         'MySQL: the ticket was recorded');

check_admin_round_trip('MySQL', 'mysql', $params, 'myadmin@example.com', 'my-pw');

# The account's own name: MariaDB's default collation ignores accents and
# case, so "DËMO@" finds demo@; tickets then carry "demo@", the name
# stored, not the one typed (t/conf/extra.conf.in, vhost mysql_name).
Apache::TestRequest::module('mysql_name');
$res = Apache::TestRequest::GET('/login2.srf',
    Authorization => PassportTest::p14_header(signin => "d\x{c3}\x{ab}mo\@example.com", pwd => 'demo-pw'));
ok t_cmp($res->code, 200, 'MariaDB: dëmo@ signs in as demo@ (collation)');
Apache::TestRequest::module('default');
my $v = Apache::TestRequest::POST('/verify', [ ticket => PassportTest::from_pp($res) // '',
                                               audience => 'messenger.msn.com' ]);
ok t_cmp($v->content, qr/"signin":"demo\@example\.com"/, 'and the ticket carries demo@, as stored');
