# login2.srf Token Request (tname=, no credentials) by PPAuth cookie,
# key/realm separation between vhosts, and logout.srf.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use Apache::TestRequest qw(GET);
use lib 't/lib';
use PassportTest qw(p14_header from_pp cookie_of);

plan tests => 17;

my $TOKEN_REQ = 'Passport1.4 tname=,OrgVerb=GET,OrgUrl=http%3A%2F%2Fmessenger%2Emsn%2Ecom,'
              . 'lc=1033,id=507,tw=40';

my $res = GET '/login2.srf',
    Authorization => p14_header(signin => 'alice@example.com', pwd => 'alice-pw,1');
my $auth = cookie_of($res, 'PPAuth');
ok t_cmp($res->code, 200, 'signed in on the main realm');

$res = GET '/login2.srf', Authorization => $TOKEN_REQ, Cookie => "PPAuth=$auth";
ok t_cmp($res->code, 200, 'token request with the cookie: 200');
ok t_cmp(from_pp($res) // '', qr/^t=[A-Za-z0-9_-]+&p=0123456789ABCDEF$/,
         'a fresh ticket for the same account');

$res = GET '/login2.srf', Authorization => $TOKEN_REQ;
ok t_cmp($res->code, 401, 'token request without a cookie: 401');
ok t_cmp(scalar $res->header('WWW-Authenticate'), qr/da-status=failed,srealm=Passport\.Net,ts=-1,cburl=/,
         'failed without prompt: the client may send cached credentials (MS-PASS 3.1.5.2, note <8>)');
$res = GET '/login2.srf', Cookie => "PPAuth=$auth",
    Authorization => 'Passport1.4 tname=,OrgVerb=GET,OrgUrl=http%3A%2F%2Fevil.example,id=999';
ok t_cmp(scalar $res->header('WWW-Authenticate'), qr/da-status=failed-noretry,/,
         'a good cookie but partner parameters no site knows: failed-noretry');

(my $tampered = $auth) =~ s/^(.{20})(.)/$1 . ($2 eq 'A' ? 'B' : 'A')/e;
$res = GET '/login2.srf', Authorization => $TOKEN_REQ, Cookie => "PPAuth=$tampered";
ok t_cmp($res->code, 401, 'tampered cookie: 401');

# PPSec stands in when PPAuth is absent, and when PPAuth is not valid
$res = GET '/login2.srf', Authorization => $TOKEN_REQ, Cookie => "PPSec=$auth";
ok t_cmp($res->code, 200, 'PPSec alone: 200');
$res = GET '/login2.srf', Authorization => $TOKEN_REQ, Cookie => "PPAuth=$tampered; PPSec=$auth";
ok t_cmp($res->code, 200, 'an invalid PPAuth falls back to a valid PPSec');

# a partner location's MSPAuth on the same host is not the login cookie
$res = GET '/login2.srf', Authorization => $TOKEN_REQ, Cookie => "MSPAuth=$auth";
ok t_cmp($res->code, 401, "the login server reads its own cookie, not a partner's MSPAuth");

# The partner ticket is not a login cookie (other audience).
my ($partner) = from_pp(GET '/login2.srf', Authorization =>
    p14_header(signin => 'alice@example.com', pwd => 'alice-pw,1')) =~ /^t=([^&]+)/;
$res = GET '/login2.srf', Authorization => $TOKEN_REQ, Cookie => "PPAuth=$partner";
ok t_cmp($res->code, 401, 'a partner ticket is refused as PPAuth');

# Realm B has its own key: the main realm's cookie means nothing there,
# and the other way round.
Apache::TestRequest::module('login_b');
$res = GET '/login2.srf', Authorization => $TOKEN_REQ, Cookie => "PPAuth=$auth";
ok t_cmp($res->code, 401, 'main realm cookie refused by realm B');
$res = GET '/login2.srf',
    Authorization => p14_header(signin => 'alice@example.com', pwd => 'alice-pw,1');
my $auth_b = cookie_of($res, 'PPAuth');
$res = GET '/login2.srf', Authorization => $TOKEN_REQ, Cookie => "PPAuth=$auth_b";
ok t_cmp($res->code, 200, 'realm B cookie works on realm B');
Apache::TestRequest::module('default');
$res = GET '/login2.srf', Authorization => $TOKEN_REQ, Cookie => "PPAuth=$auth_b";
ok t_cmp($res->code, 401, 'realm B cookie refused by the main realm');

$res = GET '/logout.srf', Cookie => "PPAuth=$auth";
ok t_cmp($res->code, 200, 'logout: 200');
ok t_cmp(scalar $res->header('Authentication-Info'), 'Passport1.4 da-status=logout',
         'da-status=logout');
ok t_cmp(join("\n", $res->header('Set-Cookie')), qr/^PPAuth=; Path=\/; Max-Age=0;/m,
         'PPAuth expired');
