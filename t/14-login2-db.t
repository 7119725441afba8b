# login2.srf with an account database that cannot be opened: a protocol
# error (401 failed-noretry, no prompt), a log line, and the server stays up.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use Apache::TestRequest qw(GET);
use lib 't/lib';
use PassportTest qw(p14_header error_log);

plan tests => 6;

Apache::TestRequest::module('login_nodb');
for my $try (1, 2) {
    my $res = GET '/login2.srf',
        Authorization => p14_header(signin => 'alice@example.com', pwd => 'alice-pw,1');
    ok t_cmp($res->code, 401, "database unavailable ($try): 401");
    ok t_cmp(scalar $res->header('WWW-Authenticate'),
             qr/^Passport1\.4 da-status=failed-noretry,srealm=Passport\.Net,ts=-1,cburl=/,
             'failed-noretry without prompt');
}
ok t_cmp(error_log() =~ /PP0302: account database unavailable/ ? 1 : 0, 1,
         'the log says the database is unavailable');

Apache::TestRequest::module('default');
my $res = GET '/login2.srf',
    Authorization => p14_header(signin => 'alice@example.com', pwd => 'alice-pw,1');
ok t_cmp($res->code, 200, 'the other vhosts still sign in');
