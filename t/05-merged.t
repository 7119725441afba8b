# Inheritance on the shared test server (t/conf/extra.conf.in), seen
# through what clients get:
# - per virtual host: the values the main server sets (a URL, a number,
#   lists, the key file, the co-branding texts) reach a vhost that sets
#   no Passport directive at all (merge_bare), whose DALogin still comes
#   from its own ServerName; a vhost's own values win and its lists
#   replace the inherited ones (merge_own);
# - per directory: the partner directives of a location reach a child
#   location that sets none, a child's own values win, and a child can
#   switch an inherited value back (PassportPartnerSOAPTicket On, Off, On;
#   PassportPartnerChallenge back to its default value); a location that
#   sets none takes its defaults from its own virtual host.
# Directives the main server leaves at their defaults here are covered by
# t/05-merge-matrix.t, on a private server whose main server sets them.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use Apache::TestRequest qw(GET POST);
use lib 't/lib';
use PassportTest qw(p14_header from_pp cookie_of admin url_encode hostport_of);

plan tests => 61;

my $t_dir = Apache::Test::vars('t_dir');
my $servername = Apache::Test::vars('servername');
my %key = (main => "$t_dir/conf/keys/main.key", b => "$t_dir/conf/keys/b.key");

sub on { Apache::TestRequest::module($_[0] // 'default') }
sub nexus { on($_[0]); my $h = GET('/rdr/pprdr.asp')->header('PassportURLs'); on(); $h }

# sign in as sha@example.com on a vhost; %a as p14_header's
sub sign_in {
    my ($vhost, %a) = @_;
    on($vhost);
    my $res = GET('/login2.srf', redirect_ok => 0, Authorization =>
        p14_header(signin => 'sha@example.com', pwd => 'sha-pw', %a));
    on();
    return $res;
}
my %OWN_SITE = (id => '43', orgurl => url_encode('https://own-site.example/'),
                ru => url_encode('https://own-site.example/'));
my %PARTNER = (id => '42', orgurl => url_encode('https://partner.example.com/'),
               ru => url_encode('https://partner.example.com/'));

# 1 when the ticket (bare or t=...&p=...) is good for audience under key
sub opens {
    my ($ticket, $key, $audience) = @_;
    my ($rc) = admin('ticket', $ticket, '--key-file', $key{$key}, '--audience', $audience);
    return $rc == 0 ? 1 : 0;
}
sub max_age {
    my ($res) = @_;
    my ($c) = grep { /^PPAuth=/ } $res->header('Set-Cookie');
    return ($c // '') =~ /; Max-Age=(\d+);/ ? $1 : -1;
}

# ---- the Nexus: a URL inherited, a URL overridden, DALogin per vhost ----
ok t_cmp(nexus('realm_other'),
         'DARealm=Other.Example,DALogin=other.example.test/login2.srf,'
         . 'Help=https://help.main.example,ConfigVersion=15',
         'realm_other: own realm, DALogin from its own ServerName, '
         . 'Help inherited from the main server, ConfigVersion default');
ok t_cmp(nexus('realm_full'), qr/,Help=https:\/\/help\.full\.example,/, 'realm_full overrides Help');
ok nexus('realm_full') !~ /help\.main\.example/;
ok t_cmp(nexus('merge_bare'),
         'DARealm=Passport.Net,DALogin=merge-bare.example.test/login2.srf,'
         . 'Help=https://help.main.example,ConfigVersion=15',
         'merge_bare (no Passport directive): the main server\'s Help, its own DALogin');
ok t_cmp(nexus('merge_own'),
         'DARealm=Passport.Net,DALogin=merge-own.example.test/login2.srf,'
         . 'Help=https://help.own.example,ConfigVersion=15',
         'merge_own: its own Help');

# ---- PassportKeyFile -----------------------------------------------------
my $bare = sign_in('merge_bare');
ok t_cmp($bare->code, 200, 'merge_bare signs in: it inherited the key and the database');
ok t_cmp(opens(from_pp($bare) // 'x', 'main', 'messenger.msn.com'), 1,
         'merge_bare: its ticket is sealed with the main server\'s key');
ok t_cmp(opens(from_pp($bare) // 'x', 'b', 'messenger.msn.com'), 0, 'and not with b.key');
my $own = sign_in('merge_own', %OWN_SITE);
ok t_cmp($own->code, 200, 'merge_own signs in');
ok t_cmp(opens(from_pp($own) // 'x', 'b', 'own-site.example'), 1,
         'merge_own: its ticket is sealed with its own key (b.key)');
ok t_cmp(opens(from_pp($own) // 'x', 'main', 'own-site.example'), 0, 'and not with the main key');

my $TOKEN_REQ = 'Passport1.4 tname=,OrgVerb=GET,OrgUrl=http%3A%2F%2Fmessenger%2Emsn%2Ecom,lc=1033,id=507';
my $main_cookie = cookie_of(sign_in('default'), 'PPAuth') // 'x';
on('merge_bare');
ok t_cmp(GET('/login2.srf', Authorization => $TOKEN_REQ, Cookie => "PPAuth=$main_cookie")->code,
         200, 'the main server\'s PPAuth cookie works on merge_bare (same key and realm)');
on('merge_own');
ok t_cmp(GET('/login2.srf', Authorization => $TOKEN_REQ =~ s/id=507/id=43/r,
             Cookie => "PPAuth=$main_cookie")->code,
         401, 'and not on merge_own');
on();

# ---- PassportTicketLifetime (a number) ------------------------------------
ok t_cmp(max_age($bare), 3600, 'merge_bare: Max-Age is the main server\'s lifetime (3600)');
ok t_cmp(max_age($own), 7200, 'merge_own: its own lifetime (7200)');

# ---- PassportSite (a list) -----------------------------------------------
my $res = sign_in('merge_bare', %PARTNER);
ok t_cmp($res->code, 200, 'merge_bare: the main server\'s site 42');
ok t_cmp(scalar $res->header('Authentication-Info'), qr/,ru=https:\/\/partner\.example\.com\/$/,
         'with its return URL');
$res = sign_in('merge_own', %PARTNER);
ok t_cmp(scalar $res->header('WWW-Authenticate'), qr/^Passport1\.4 da-status=failed-noretry,/,
         'merge_own: site 42 is not inherited (its own list replaces it)');
$res = sign_in('merge_own');
ok t_cmp(scalar $res->header('WWW-Authenticate'), qr/^Passport1\.4 da-status=failed-noretry,/,
         'merge_own: nor is Messenger (507), the default');
ok t_cmp(scalar $own->header('Authentication-Info'), qr/,ru=https:\/\/own-site\.example\/$/,
         'merge_own: its own site 43, with its return URL');

# ---- PassportDomainRedirect (a list) ---------------------------------------
$res = sign_in('merge_bare', signin => 'x@other-realm.example');
ok t_cmp($res->code, 302, 'merge_bare: the main server\'s domain redirect');
ok t_cmp(scalar $res->header('Location'), 'https://login.other-realm.example/login2.srf', 'to its URL');
$res = sign_in('merge_own', %OWN_SITE, signin => 'x@own-realm.example');
ok t_cmp($res->code, 302, 'merge_own: its own domain redirect');
ok t_cmp(scalar $res->header('Location'), 'https://login.own-realm.example/login2.srf', 'to its own URL');
$res = sign_in('merge_own', %OWN_SITE, signin => 'x@other-realm.example');
ok t_cmp($res->code, 401, 'merge_own: the main server\'s redirected domain is not redirected there');

# ---- PassportCoBrandURL, PassportCoBrandText ------------------------------
$res = sign_in('merge_bare', pwd => 'wrong');
ok t_cmp(scalar $res->header('WWW-Authenticate'),
         'Passport1.4 da-status=failed,srealm=Passport.Net,ts=-1,prompt,'
         . 'cburl=http://images.example/logo.gif,cbtxt=Welcome%2C%20friend',
         'merge_bare: the main server\'s co-branding');
$res = sign_in('merge_own', %OWN_SITE, pwd => 'wrong');
ok t_cmp(scalar $res->header('WWW-Authenticate'),
         'Passport1.4 da-status=failed,srealm=Passport.Net,ts=-1,prompt,'
         . 'cburl=http://images.own.example/logo.gif,cbtxt=Own%20text',
         'merge_own: its own');

# ---- per directory: the partner directives ---------------------------------
my $ENC_PARENT = 'https%3A%2F%2Fpartner\.example\.com%2Fparent';
my $ENC_CHILD = 'https%3A%2F%2Fown-partner\.example\.com%2Fchild';
my %challenge = (
    '/merge/p' => [ qr/^Passport1\.4 id=42,ru=$ENC_PARENT,ct=\d+,lc=1033,tw=40$/,
                    qr{^https://login\.parent\.example/login2\.srf\?id=42&ru=$ENC_PARENT&ct=\d+&lc=1033&tw=40$} ],
    '/merge/p/inherit' => [ qr/^Passport1\.4 id=42,ru=$ENC_PARENT,ct=\d+,lc=1033,tw=40$/,
                    qr{^https://login\.parent\.example/login2\.srf\?id=42&ru=$ENC_PARENT&ct=\d+&lc=1033&tw=40$} ],
    '/merge/p/own' => [ qr/^Passport1\.4 id=43,ru=$ENC_CHILD,ct=\d+,lc=1036,tw=41$/,
                    qr{^https://login\.child\.example/login2\.srf\?lc=1036&id=43&ru=$ENC_CHILD&ct=\d+&lc=1036&tw=41$} ],
    '/merge/p/own/back' => [ qr/^Passport1\.4 id=43,ru=$ENC_CHILD,ct=\d+,lc=1033$/,
                    qr{^https://login\.child\.example/login2\.srf\?lc=1036&id=43&ru=$ENC_CHILD&ct=\d+&lc=1033$} ],
);
my %why = (
    '/merge/p' => 'the parent: its own values',
    '/merge/p/inherit' => 'a child setting none: every value of the parent',
    '/merge/p/own' => 'a child setting each: its own values (a login URL with a query)',
    '/merge/p/own/back' => 'a grandchild: the child\'s values, and PassportPartnerChallenge back at its default',
);
for my $loc (sort keys %challenge) {
    my $r = GET "$loc/env", redirect_ok => 0;
    ok t_cmp($r->code, 302, "$loc: no ticket, challenged");
    ok t_cmp(scalar $r->header('WWW-Authenticate'), $challenge{$loc}[0], "$loc: $why{$loc}");
    ok t_cmp(scalar $r->header('Location'), $challenge{$loc}[1], "$loc: and the login URL");
}

# the audience: a ticket for partner.example.com (site 42 on the main
# server) and one for own-partner.example.com
my $partner = from_pp(sign_in('default', %PARTNER)) // 'x';
my (undef, $child) = admin('issue', '--key-file', $key{main}, '--signin', 'sha@example.com',
                           '--puid', '3', '--audience', 'own-partner.example.com');
chomp $child;
sub pass_code {
    my ($path, $ticket, $vhost) = @_;
    on($vhost);
    my $r = GET $path, Authorization => "Passport1.4 from-PP='$ticket'", redirect_ok => 0;
    on();
    return $r->code;
}
ok t_cmp(pass_code('/merge/p/env', $partner), 200, '/merge/p: its audience passes');
ok t_cmp(pass_code('/merge/p/inherit/env', $partner), 200, '/merge/p/inherit: the inherited audience passes');
ok t_cmp(pass_code('/merge/p/own/env', $partner), 302, '/merge/p/own: the parent\'s audience does not');
ok t_cmp(pass_code('/merge/p/own/env', $child), 200, '/merge/p/own: its own audience passes');
ok t_cmp(pass_code('/merge/p/own/back/env', $child), 200, '/merge/p/own/back: the child\'s audience passes');
ok t_cmp(pass_code('/merge/p/env', $child), 302, '/merge/p: the child\'s audience does not');

# PassportPartnerSOAPTicket: On, inherited On, switched back Off, On again
sub soap_code {
    my ($path, $ticket) = @_;
    (my $t = $ticket) =~ s/&/&amp;/g;
    my $soap = qq{<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">}
             . qq{<soap:Header><ABAuthHeader xmlns="http://www.msn.com/webservices/AddressBook"><TicketToken>$t</TicketToken>}
             . qq{</ABAuthHeader></soap:Header><soap:Body><ABFindAll xmlns="http://www.msn.com/webservices/AddressBook"/></soap:Body></soap:Envelope>};
    return POST($path, content => $soap, 'Content-Type' => 'text/xml; charset=utf-8',
                redirect_ok => 0)->code;
}
ok t_cmp(soap_code('/merge/p/env', $partner), 200, '/merge/p: SOAPTicket On, a SOAP ticket passes');
ok t_cmp(soap_code('/merge/p/inherit/env', $partner), 200, '/merge/p/inherit: On inherited');
ok t_cmp(soap_code('/merge/p/own/env', $child), 302, '/merge/p/own: switched back Off, a SOAP ticket does not pass');
ok t_cmp(soap_code('/merge/p/own/back/env', $child), 200, '/merge/p/own/back: On again');

# ---- per directory, per virtual host: defaults from the vhost's realm -------
my $hp = url_encode(hostport_of('default'));
my $r = GET '/merge/d/env', redirect_ok => 0;
ok t_cmp(scalar $r->header('WWW-Authenticate'),
         qr/^Passport1\.4 ru=http%3A%2F%2F\Q$hp\E%2Fmerge%2Fd%2Fenv,ct=\d+,lc=1033$/,
         '/merge/d on the main server: no id=, ru= the requested URL, lc=1033');
ok t_cmp(scalar $r->header('Location'), qr{^https://\Q$servername\E/login2\.srf\?ru=},
         'Location: https:// + the main server\'s DALogin');
my %for;
for my $aud ($servername, 'merge-bare.example.test', 'merge-own.example.test') {
    for my $k ('main', 'b') {
        (undef, $for{$aud}{$k}) = admin('issue', '--key-file', $key{$k}, '--signin',
            'sha@example.com', '--puid', '3', '--audience', $aud);
        chomp $for{$aud}{$k};
    }
}
ok t_cmp(pass_code('/merge/d/env', $for{$servername}{main}), 200,
         "/merge/d on the main server: the audience is its ServerName ($servername)");
ok t_cmp(pass_code('/merge/d/env', $partner), 302, 'another audience does not pass');

$hp = url_encode(hostport_of('merge_bare'));
on('merge_bare');
$r = GET '/merge/d/env', redirect_ok => 0;
ok t_cmp(scalar $r->header('Location'),
         qr{^https://merge-bare\.example\.test/login2\.srf\?ru=http%3A%2F%2F\Q$hp\E%2Fmerge%2Fd%2Fenv&ct=\d+&lc=1033$},
         'merge_bare /merge/d: https:// + its own DALogin, its own URL');
$r = GET '/merge/p/env', redirect_ok => 0;
ok t_cmp(scalar $r->header('WWW-Authenticate'), $challenge{'/merge/p'}[0],
         'merge_bare /merge/p: the main server\'s partner locations apply in the vhost');
on();
ok t_cmp(pass_code('/merge/d/env', $for{'merge-bare.example.test'}{main}, 'merge_bare'), 200,
         'merge_bare /merge/d: the audience is its own ServerName, under the inherited key');
ok t_cmp(pass_code('/merge/d/env', $for{$servername}{main}, 'merge_bare'), 302,
         'merge_bare /merge/d: the main server\'s name does not pass');
ok t_cmp(pass_code('/merge/p/env', $partner, 'merge_bare'), 200,
         'merge_bare /merge/p: the location\'s audience, under the inherited key');
ok t_cmp(pass_code('/merge/d/env', $for{'merge-own.example.test'}{b}, 'merge_own'), 200,
         'merge_own /merge/d: its own name, under its own key');
ok t_cmp(pass_code('/merge/d/env', $for{'merge-own.example.test'}{main}, 'merge_own'), 302,
         'merge_own /merge/d: not under the main key');
ok t_cmp(pass_code('/merge/p/env', $partner, 'merge_own'), 302,
         'merge_own /merge/p: the main server\'s ticket is not good under its key');
