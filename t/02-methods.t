# Methods other than GET and HEAD are refused with 405 and an Allow header.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use Apache::TestRequest qw(POST PUT);

plan tests => 6;

for my $res (POST('/rdr/pprdr.asp', content => 'x=1'),
             PUT('/rdr/pprdr.asp', content => 'x')) {
    ok t_cmp($res->code, 405, $res->request->method . ' answers 405');
    ok t_cmp(scalar $res->header('Allow'), qr/\bGET\b/, 'Allow lists GET');
    ok !defined $res->header('PassportURLs');
}
