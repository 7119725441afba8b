# Old Pidgin sends an HTTP/0.9 request (no version, no Host): the answer
# must still carry a full HTTP/1.x head with PassportURLs.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use lib 't/lib';
use PassportTest qw(raw_request);

plan tests => 4;

my $raw = raw_request("GET /rdr/pprdr.asp\r\n\r\n");
my $dalogin = Apache::Test::vars('servername') . '/login2.srf';

ok t_cmp($raw, qr{\AHTTP/1\.1 200 OK\r\n}, 'starts with a status line');
ok t_cmp($raw,
  qr{\r\nPassportURLs: DARealm=Passport\.Net,DALogin=\Q$dalogin\E,Help=https://help\.main\.example,ConfigVersion=15\r\n},
  'carries PassportURLs');
ok t_cmp($raw, qr{\r\nContent-Length: 0\r\n}, 'Content-Length 0');
ok t_cmp($raw, qr{\r\n\r\n\z}, 'head ends with a blank line and nothing follows');
