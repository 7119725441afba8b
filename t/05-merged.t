# Inheritance: a vhost takes from the main server what it does not set,
# and what it sets wins.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use Apache::TestRequest qw(GET);

plan tests => 3;

Apache::TestRequest::module('realm_other');
my $h = GET('/rdr/pprdr.asp')->header('PassportURLs');
ok t_cmp($h,
         'DARealm=Other.Example,DALogin=other.example.test/login2.srf,'
         . 'Help=https://help.main.example,ConfigVersion=15',
         'realm_other: own realm, DALogin from its own ServerName, '
         . 'Help inherited from the main server, ConfigVersion default');

Apache::TestRequest::module('realm_full');
$h = GET('/rdr/pprdr.asp')->header('PassportURLs');
ok t_cmp($h, qr/,Help=https:\/\/help\.full\.example,/, 'realm_full overrides Help');
ok $h !~ /help\.main\.example/;
