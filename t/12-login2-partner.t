# login2.srf: partner parameters (PassportSite) and domain redirects.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use Apache::TestRequest qw(GET);
use lib 't/lib';
use PassportTest qw(p14_header from_pp);

plan tests => 12;

my $NORETRY = qr/^Passport1\.4 da-status=failed-noretry,srealm=Passport\.Net,ts=-1(,|$)/;

my $res = GET '/login2.srf', Authorization =>
    p14_header(signin => 'alice@example.com', pwd => 'alice-pw,1', id => '999');
ok t_cmp($res->code, 401, 'unknown site id: 401');
ok t_cmp(scalar $res->header('WWW-Authenticate'), $NORETRY, 'failed-noretry');

$res = GET '/login2.srf', Authorization => p14_header(signin => 'alice@example.com',
    pwd => 'alice-pw,1', orgurl => 'http%3A%2F%2Fevil.example%2F');
ok t_cmp(scalar $res->header('WWW-Authenticate'), $NORETRY,
         'OrgURL of another host: failed-noretry');

$res = GET '/login2.srf', Authorization => p14_header(signin => 'alice@example.com',
    pwd => 'alice-pw,1', ru => 'http%3A%2F%2Fevil.example%2F');
ok t_cmp(scalar $res->header('WWW-Authenticate'), $NORETRY,
         'ru of another host: failed-noretry');

# Sign-in names of a redirected domain go to their own login server,
# before any password check.
$res = GET '/login2.srf', redirect_ok => 0, Authorization =>
    p14_header(signin => 'someone@Other-Realm.example', pwd => 'whatever');
ok t_cmp($res->code, 302, 'redirected domain: 302');
ok t_cmp(scalar $res->header('Location'),
         'https://login.other-realm.example/login2.srf', 'Location');
ok t_cmp(scalar $res->header('Authentication-Info'),
         'Passport1.4 da-status=redir', 'da-status=redir');

# realm B configures two sites; id=42 returns to its own URL.
Apache::TestRequest::module('login_b');
$res = GET '/login2.srf', Authorization => p14_header(signin => 'alice@example.com',
    pwd => 'alice-pw,1', id => '42', orgurl => 'https%3A%2F%2Fpartner.example.com%2Fauth.asp',
    ru => 'https%3A%2F%2Fpartner.example.com%2F');
ok t_cmp($res->code, 200, 'site 42 on realm B');
ok t_cmp(scalar $res->header('Authentication-Info'), qr/,ru=https:\/\/partner\.example\.com\/$/,
         'ru is the site\'s return URL');
$res = GET '/login2.srf', Authorization =>
    p14_header(signin => 'alice@example.com', pwd => 'alice-pw,1', id => '507');
ok t_cmp($res->code, 200, 'site 507 on realm B');
$res = GET '/login2.srf', Authorization =>
    p14_header(signin => 'alice@example.com', pwd => 'wrong');
ok t_cmp(scalar $res->header('WWW-Authenticate'),
         qr/^Passport1\.4 da-status=failed,srealm=Realm\.B,ts=-1,prompt/,
         'realm B names itself in srealm');
ok t_cmp(defined from_pp($res) ? 1 : 0, 0, 'no ticket on failure');
