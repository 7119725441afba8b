# PassportTicketRecordQuery: every issued ticket is written through
# mod_dbd; a failing write fails the sign-in cleanly.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use Apache::TestRequest qw(GET);
use lib 't/lib';
use PassportTest qw(p14_header from_pp rst_body rst_post admin error_log);

plan tests => 14;

my $t_dir = Apache::Test::vars('t_dir');
my $db = "$t_dir/var/accounts.db";
my $key = "$t_dir/conf/keys/main.key";
sub rows { my $sql = shift; my @r = map { chomp; [ split /\|/, $_, -1 ] } qx{sqlite3 '$db' "$sql"}; @r }

qx{sqlite3 '$db' 'DELETE FROM issued_tickets'};
Apache::TestRequest::module('record');
my $res = GET '/login2.srf',
    Authorization => p14_header(signin => 'sha@example.com', pwd => 'sha-pw');
ok t_cmp($res->code, 200, 'sign-in on the recording vhost');
my ($t) = from_pp($res) =~ /^t=([^&]+)/;
my @rows = rows("SELECT ticket, puid, signin, audience, expires, mbi FROM issued_tickets WHERE audience = 'messenger.msn.com'");
ok t_cmp(scalar @rows, 1, 'the partner ticket was recorded');
ok t_cmp($rows[0][0], $t, 'the whole ticket');
ok t_cmp($rows[0][1], '0000000000000003', 'the PUID, 16 hex digits');
ok t_cmp($rows[0][2], 'sha@example.com', 'the sign-in name');
ok t_cmp($rows[0][4] > time ? 1 : 0, 1, 'the expiry (UNIX time)');
my (undef, $out) = admin('ticket', $t, '--key-file', $key);
my ($secret) = $out =~ /^mbi-secret=(\S+)$/m;
ok t_cmp($rows[0][5], $secret, 'the MBI secret, as derived from the ticket');
# one write per sign-in: the login server's own cookie ticket (MSPAuth)
# is only ever checked by this server, so it is not recorded
ok t_cmp(scalar(rows("SELECT 1 FROM issued_tickets")), 1,
         'one record for one sign-in (not the MSPAuth cookie ticket)');

$res = rst_post(rst_body('rst-msnp15.xml', 'sha@example.com', 'sha-pw'));
ok t_cmp(scalar(rows("SELECT 1 FROM issued_tickets WHERE audience = 'messengerclear.live.com'")), 1,
         'RST.srf tickets are recorded');
# the legacy token: its canonical (base64url) text, its own expiry
my ($cipher) = $res->content =~ m{<CipherValue>([^<]+)</CipherValue>};
(my $canonical = $cipher) =~ tr{+/=}{-_}d;
my @legacy = rows("SELECT ticket, expires FROM issued_tickets WHERE audience = 'http://Passport.NET/tb'");
ok t_cmp($legacy[0][0], $canonical, 'the legacy token is recorded as its canonical text');
(undef, $out) = admin('ticket', $cipher, '--key-file', $key);
ok t_cmp($legacy[0][1], $out =~ /^expires=(\d+)$/m ? $1 : -1, 'with its own expiry');

Apache::TestRequest::module('record_fail');
$res = GET '/login2.srf',
    Authorization => p14_header(signin => 'sha@example.com', pwd => 'sha-pw');
ok t_cmp(scalar $res->header('WWW-Authenticate'), qr/^Passport1\.4 da-status=failed-noretry,/,
         'a failing record fails login2.srf with failed-noretry');
$res = rst_post(rst_body('rst-msnp15.xml', 'sha@example.com', 'sha-pw'));
ok t_cmp($res->content, qr{<faultcode>S:Server</faultcode>}, 'and RST.srf with S:Server');
ok t_cmp(error_log() =~ /PP0309: recording the ticket for 'sha\@example\.com' \([^)]*\) failed/ ? 1 : 0, 1,
         'logged with the reason');
