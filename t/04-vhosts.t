# Two virtual hosts answer with their own realms and URLs.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use Apache::TestRequest qw(GET);

plan tests => 4;

Apache::TestRequest::module('realm_full');
my $res = GET '/rdr/pprdr.asp';
ok t_cmp($res->code, 200, 'realm_full answers');
ok t_cmp(scalar $res->header('PassportURLs'),
         'DARealm=Full.Example,DALogin=login.full.example/pp/login2.srf,'
         . 'DAReg=https://reg.full.example/UIXPWiz.srf,'
         . 'Properties=https://acct.full.example/editprof.srf,'
         . 'Privacy=https://acct.full.example/privacy.srf,'
         . 'GeneralRedir=http://rdr.full.example/redirect.asp,'
         . 'Help=https://help.full.example,ConfigVersion=14',
         'every field, in grammar order');

Apache::TestRequest::module('realm_other');
$res = GET '/rdr/pprdr.asp';
ok t_cmp($res->code, 200, 'realm_other answers');
ok t_cmp(scalar $res->header('PassportURLs'), qr/^DARealm=Other\.Example,/,
         'its own realm');
