# The Nexus of the main server: realm, DALogin and ConfigVersion at their
# defaults, PassportHelp set.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use Apache::TestRequest qw(GET HEAD);
use lib 't/lib';
use PassportTest qw(raw_request);

plan tests => 12;

my $res = GET '/rdr/pprdr.asp';
my $dalogin = Apache::Test::vars('servername') . '/login2.srf';

ok t_cmp($res->code, 200, 'GET answers 200');
ok t_cmp(scalar $res->header('PassportURLs'),
         "DARealm=Passport.Net,DALogin=$dalogin,Help=https://help.main.example,ConfigVersion=15",
         'PassportURLs carries the defaults, in order');
ok t_cmp(scalar $res->header('Cache-Control'), 'private', 'Cache-Control');
ok t_cmp(scalar $res->header('Content-Type'), 'text/html', 'Content-Type');
ok t_cmp(scalar $res->header('Content-Length'), '0', 'Content-Length 0');

# The header name must be spelled exactly: read it off the wire.
my $raw = raw_request("GET /rdr/pprdr.asp HTTP/1.1\r\nHost: localhost\r\n"
                      . "Connection: close\r\n\r\n");
ok t_cmp($raw, qr{\AHTTP/1\.1 200 OK\r\n}, 'status line is HTTP/1.1 200 OK');
ok t_cmp($raw, qr{\r\nPassportURLs: DARealm=}, 'header name is exactly PassportURLs');

$res = HEAD '/rdr/pprdr.asp';
ok t_cmp($res->code, 200, 'HEAD answers 200');
ok t_cmp(scalar $res->header('PassportURLs'),
         "DARealm=Passport.Net,DALogin=$dalogin,Help=https://help.main.example,ConfigVersion=15",
         'HEAD carries PassportURLs too');

# HEAD over HTTP/1.x goes through Apache's own head and its filters
# (mod_headers adds X-Nexus-Filter in t/conf/extra.conf.in); only a true
# HTTP/0.9 request gets a head written by the module (t/03-http09.t).
$raw = raw_request("HEAD /rdr/pprdr.asp HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
ok t_cmp($raw, qr{\AHTTP/1\.1 200 OK\r\n}, 'HEAD: status line');
ok t_cmp($raw, qr{\r\nX-Nexus-Filter: on\r\n}, 'HEAD: the header filters ran (mod_headers)');
ok t_cmp($raw, qr{\r\n\r\n\z}, 'HEAD: nothing after the head');
