# login2.srf: a good sign-in, for every stored-hash format.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use Apache::TestRequest qw(GET);
use lib 't/lib';
use PassportTest qw(test_accounts p14_header from_pp cookie_of raw_request);

my %accounts = test_accounts();

plan tests => 2 * keys(%accounts) + 14;

for my $who (sort keys %accounts) {
    my $res = GET '/login2.srf',
        Authorization => p14_header(signin => $who, pwd => $accounts{$who});
    ok t_cmp($res->code, 200, "$who signs in");
    ok t_cmp(from_pp($res) // '', qr/^t=[A-Za-z0-9_-]+&p=[0-9A-F]{16}$/,
             "$who gets t=...&p=...");
}

my $res = GET '/login2.srf',
    Authorization => p14_header(signin => 'AlIcE@ExAmPlE.CoM', pwd => 'alice-pw,1');
ok t_cmp($res->code, 200, 'mixed-case sign-in name accepted');

my $ai = $res->header('Authentication-Info');
ok t_cmp($ai, qr/^Passport1\.4 da-status=success,tname=PPAuth,tname=PPProf,from-PP='t=[^',]+&p=0123456789ABCDEF',ru=http:\/\/messenger\.msn\.com$/,
         'Authentication-Info is the Token Response');
ok t_cmp(scalar $res->header('PassportConfig'), 'ConfigVersion=15', 'PassportConfig');
ok t_cmp(scalar $res->header('Content-Length'), '0', 'Content-Length 0');
ok t_cmp(scalar $res->header('Cache-Control'), 'no-cache', 'no-cache');
my ($t) = from_pp($res) =~ /^t=([^&]+)/;
ok t_cmp($t, qr/^[A-Za-z0-9_-]{60,200}$/, "ticket is URL-safe and compact (" . length($t) . ")");
my $auth = cookie_of($res, 'PPAuth');
ok t_cmp($auth // '', qr/^[A-Za-z0-9_-]{60,200}$/, 'PPAuth cookie set (MS-PASS 4: the authentication server\'s cookie)');
ok t_cmp(join("\n", $res->header('Set-Cookie')), qr/PPAuth=[^;]+; Path=\/; Max-Age=3600; HttpOnly; SameSite=Lax$/m,
         'cookie attributes (plain HTTP: no Secure)');
ok t_cmp(cookie_of($res, 'PPProf'), '0123456789ABCDEF', 'PPProf holds the PUID');
ok t_cmp(defined cookie_of($res, 'PPSec') ? 1 : 0, 0, 'no PPSec over plain HTTP, and tname does not name it (MS-PASS 3.3.5.1)');
ok $auth ne $t;   # the cookie is a login ticket, not the partner ticket

# A client recognises success by the literal status line.
my $hp = Apache::TestRequest::hostport();
my $raw = raw_request("GET /login2.srf HTTP/1.1\r\nHost: $hp\r\nConnection: close\r\n"
    . 'Authorization: ' . p14_header(signin => 'sha@example.com', pwd => 'sha-pw')
    . "\r\n\r\n");
ok t_cmp($raw, qr{\AHTTP/1\.1 200 OK\r\n}, 'status line is HTTP/1.1 200 OK');
ok t_cmp($raw, qr{\r\nAuthentication-Info: Passport1\.4 da-status=success,[^\r]*from-PP='}, 'from-PP on the wire');

# Two sign-ins give two different tickets (fresh nonce each time).
my $t2 = from_pp(GET '/login2.srf',
    Authorization => p14_header(signin => 'sha@example.com', pwd => 'sha-pw'));
my $t3 = from_pp(GET '/login2.srf',
    Authorization => p14_header(signin => 'sha@example.com', pwd => 'sha-pw'));
ok $t2 ne $t3;
