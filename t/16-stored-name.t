# Tickets carry the account's own name: when PassportAccountQuery returns
# a `signin` column, that name (as stored) is what the ticket, /verify
# and REMOTE_USER show, however the client typed it. Without one, the
# normalized (lower-cased) name is used.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use Apache::TestRequest qw(GET POST);
use lib 't/lib';
use PassportTest qw(p14_header from_pp cookie_of);

plan tests => 8;

sub verified_signin {
    my ($ticket, $audience) = @_;
    Apache::TestRequest::module('default');
    my $res = POST '/verify', [ ticket => $ticket, audience => $audience ];
    return $res->content =~ /"signin":"([^"]*)"/ ? $1 : '';
}

Apache::TestRequest::module('stored_name');
my $res = GET '/login2.srf',
    Authorization => p14_header(signin => 'MIXED.case@EXAMPLE.com', pwd => 'mixed-pw');
ok t_cmp($res->code, 200, 'found case-insensitively by the query');
ok t_cmp(verified_signin(from_pp($res), 'messenger.msn.com'), 'Mixed.Case@Example.com',
         'the ticket carries the stored name, not the typed one');

# the login cookie carries it too: a Token Request gets it back
my $auth = cookie_of($res, 'PPAuth');
Apache::TestRequest::module('stored_name');
$res = GET '/login2.srf', Cookie => "PPAuth=$auth",
    Authorization => 'Passport1.4 tname=,OrgVerb=GET,OrgUrl=http%3A%2F%2Fmessenger%2Emsn%2Ecom,id=507';
ok t_cmp($res->code, 200, 'token request by the cookie');
ok t_cmp(verified_signin(from_pp($res), 'messenger.msn.com'), 'Mixed.Case@Example.com',
         'and its ticket has the stored name');

# REMOTE_USER at a partner location
Apache::TestRequest::module('stored_name');
my $fpp = from_pp(GET '/login2.srf', Authorization => p14_header(signin => 'mixed.case@example.com',
    pwd => 'mixed-pw', id => '42', orgurl => 'https%3A%2F%2Fpartner.example.com%2F',
    ru => 'https%3A%2F%2Fpartner.example.com%2F'));
Apache::TestRequest::module('default');
$res = GET '/partner/env', Authorization => "Passport1.4 from-PP='$fpp'", redirect_ok => 0;
ok t_cmp($res->code, 200, 'the partner location accepts it');
ok t_cmp($res->content, qr/^REMOTE_USER=Mixed\.Case\@Example\.com$/m, 'REMOTE_USER is the stored name');

# without a signin column: the normalized name
Apache::TestRequest::module('default');
$res = GET '/login2.srf',
    Authorization => p14_header(signin => 'ALICE@Example.COM', pwd => 'alice-pw,1');
ok t_cmp($res->code, 200, 'default query: signed in');
ok t_cmp(verified_signin(from_pp($res), 'messenger.msn.com'), 'alice@example.com',
         'no signin column: the lower-cased name');
