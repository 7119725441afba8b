# The same sign-ins against MariaDB / MySQL through mod_dbd's mysql
# driver: every hash format, RST.srf, recording, passport-admin.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use Apache::TestRequest qw(GET);
use lib 't/lib';
use PassportTest qw(test_accounts p14_header from_pp rst_body rst_post admin);

my %accounts = test_accounts();

plan tests => keys(%accounts) + 7;

my $sock = Apache::Test::vars('t_dir') . '/var/mysql.sock';
my $params = "host=localhost user=passport pass=pw dbname=passport sock=$sock";
sub sql {
    my $out = qx{mariadb --no-defaults -S '$sock' -u passport -ppw passport -N -e "$_[0]"};
    chomp $out;
    return $out;
}

Apache::TestRequest::module('mysql');
for my $who (sort keys %accounts) {
    my $res = GET '/login2.srf', Authorization => p14_header(signin => $who, pwd => $accounts{$who});
    ok t_cmp($res->code, 200, "MySQL: $who signs in");
}
my $res = GET '/login2.srf', Authorization => p14_header(signin => 'alice@example.com', pwd => 'nope');
ok t_cmp(scalar $res->header('WWW-Authenticate'), qr/da-status=failed,/, 'MySQL: wrong password');
$res = GET '/login2.srf', Authorization => p14_header(signin => 'ALICE@example.com', pwd => 'alice-pw,1');
ok t_cmp(from_pp($res) // '', qr/&p=0123456789ABCDEF$/, 'MySQL: a 64-bit PUID, mixed-case sign-in');

my $before = sql("SELECT count(*) FROM issued_tickets WHERE audience = 'messengerclear.live.com'");
$res = rst_post(rst_body('rst-msnp15.xml', 'pbkdf2@example.com', 'pbkdf2-pw'));
ok t_cmp($res->content, qr{<psf:authstate>0x48803</psf:authstate>}, 'MySQL: RST.srf');
ok t_cmp(sql("SELECT count(*) FROM issued_tickets WHERE audience = 'messengerclear.live.com'") - $before, 1,
         'MySQL: the ticket was recorded');

admin('-d', 'mysql', '-p', $params, 'remove', 'myadmin@example.com');
my $bin = Apache::Test::vars('t_dir') . '/../passport-admin';
my $out = qx{printf 'my-pw\\n' | '$bin' -d mysql -p '$params' add myadmin\@example.com --puid 9223372036854775807 2>&1};
ok t_cmp($? >> 8, 0, "passport-admin add on MySQL ($out)");
$res = GET '/login2.srf', Authorization => p14_header(signin => 'myadmin@example.com', pwd => 'my-pw');
ok t_cmp(from_pp($res) // '', qr/&p=7FFFFFFFFFFFFFFF$/, 'the account it added signs in, largest PUID intact');
my (undef, $list) = admin('-d', 'mysql', '-p', $params, 'list');
ok t_cmp($list, qr/^myadmin\@example\.com\t7FFFFFFFFFFFFFFF$/m, 'and is listed');
admin('-d', 'mysql', '-p', $params, 'remove', 'myadmin@example.com');
