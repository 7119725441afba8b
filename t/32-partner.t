# AuthType Passport1.4: a CGI on this Apache protected by Passport.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use Apache::TestRequest qw(GET POST);
use lib 't/lib';
use PassportTest qw(p14_header from_pp cookie_of admin);

plan tests => 25;

my $key = Apache::Test::vars('t_dir') . '/conf/keys/main.key';
my $dalogin = Apache::Test::vars('servername') . '/login2.srf';

# no credentials: the Partner Server Challenge
my $res = GET '/partner/env', redirect_ok => 0;
ok t_cmp($res->code, 302, 'no credentials: 302');
ok t_cmp(scalar $res->header('WWW-Authenticate'),
         qr/^Passport1\.4 id=42,ru=https%3A%2F%2Fpartner\.example\.com%2F,ct=\d+,lc=1033,tw=40,fs=1,kpp=1,kv=5$/,
         'the challenge: site id, return URL, configured parameters');
ok t_cmp(scalar $res->header('Location'),
         qr{^https://\Q$dalogin\E\?id=42&ru=https%3A%2F%2Fpartner\.example\.com%2F&ct=\d+&lc=1033&tw=40&fs=1&kpp=1&kv=5$},
         'Location: the login server with the same parameters');

# the client signs in for site 42 and comes back: First Authenticated Request
my $fpp = from_pp(GET '/login2.srf', Authorization => p14_header(signin => 'alice@example.com',
    pwd => 'alice-pw,1', id => '42', orgurl => 'https%3A%2F%2Fpartner.example.com%2F',
    ru => 'https%3A%2F%2Fpartner.example.com%2F'));
ok t_cmp($fpp // '', qr/^t=/, 'a ticket for site 42');
$res = GET '/partner/env', Authorization => "Passport1.4 from-PP='$fpp'", redirect_ok => 0;
ok t_cmp($res->code, 200, 'First Authenticated Request: 200');
ok t_cmp($res->content, qr/^REMOTE_USER=alice\@example\.com$/m, 'REMOTE_USER is the sign-in name');
ok t_cmp($res->content, qr/^PASSPORT_PUID=0123456789ABCDEF$/m, 'PASSPORT_PUID in the environment');
ok t_cmp($res->content, qr/^AUTH_TYPE=Passport1\.4$/m, 'AUTH_TYPE');
ok t_cmp(scalar $res->header('Authentication-Info'), 'Passport1.4 tname=MSPAuth,tname=MSPProf',
         'Set Token message');
my $cookie = cookie_of($res, 'MSPAuth');
ok t_cmp(join("\n", $res->header('Set-Cookie')), qr/^MSPAuth=[^;]+; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax$/m,
         "the partner's cookie: SameSite=Lax, set deliberately");
ok t_cmp("t=$cookie&", qr/^\Q@{[ $fpp =~ m{^(t=[^&]+&)} ]}\E/, 'the cookie holds the ticket');

$res = GET '/partner/env', Authorization => "Passport1.4 from-PP=$fpp", redirect_ok => 0;
ok t_cmp($res->code, 200, 'from-PP without quotes too');

# later requests: the cookie
$res = GET '/partner/env', Cookie => "MSPAuth=$cookie", redirect_ok => 0;
ok t_cmp($res->code, 200, 'cookie follow-up: 200');
ok !defined $res->header('Set-Cookie');

# Require user
$res = GET '/partner/alice/env', Cookie => "MSPAuth=$cookie", redirect_ok => 0;
ok t_cmp($res->code, 200, 'Require user alice: alice passes');
my (undef, $sha) = admin('issue', '--key-file', $key, '--signin', 'sha@example.com',
    '--puid', '3', '--audience', 'partner.example.com');
chomp $sha;
$res = GET '/partner/alice/env', Authorization => "Passport1.4 from-PP=$sha", redirect_ok => 0;
ok t_cmp($res->code, 401, 'Require user alice: sha is refused');

# tickets that must not pass
my $messenger = from_pp(GET '/login2.srf', Authorization => p14_header(signin => 'alice@example.com',
    pwd => 'alice-pw,1'));
$res = GET '/partner/env', Authorization => "Passport1.4 from-PP=$messenger", redirect_ok => 0;
ok t_cmp($res->code, 302, 'a messenger ticket (other audience): challenged');
my (undef, $old) = admin('issue', '--key-file', $key, '--signin', 'alice@example.com',
    '--puid', '1', '--audience', 'partner.example.com', '--issued', time - 7200, '--lifetime', 60);
chomp $old;
$res = GET '/partner/env', Authorization => "Passport1.4 from-PP=$old", redirect_ok => 0;
ok t_cmp($res->code, 302, 'an expired ticket: challenged');
my (undef, $b) = admin('issue', '--key-file', $key, '--signin', 'alice@example.com',
    '--puid', '1', '--audience', 'partner.example.com', '--realm', 'Realm.B');
chomp $b;
$res = GET '/partner/env', Cookie => "MSPAuth=$b", redirect_ok => 0;
ok t_cmp($res->code, 302, 'a ticket of another realm: challenged');
$res = GET '/partner/env', Cookie => 'MSPAuth=garbage', redirect_ok => 0;
ok t_cmp($res->code, 302, 'a junk cookie: challenged');

# SOAP: the ticket in the envelope's header (address book style), and
# the application still reads the whole body
my $soap = qq{<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header><ABAuthHeader xmlns="http://www.msn.com/webservices/AddressBook"><ManagedGroupRequest>false</ManagedGroupRequest><TicketToken>} . do { (my $x = $fpp) =~ s/&/&amp;/g; $x }
    . qq{</TicketToken></ABAuthHeader></soap:Header><soap:Body><ABFindAll xmlns="http://www.msn.com/webservices/AddressBook"/></soap:Body></soap:Envelope>};
$res = POST '/partner/soap/env', content => $soap, 'Content-Type' => 'text/xml; charset=utf-8',
    redirect_ok => 0;
ok t_cmp($res->code, 200, 'SOAP TicketToken: 200');
ok t_cmp($res->content, qr/^REMOTE_USER=alice\@example\.com$/m, 'as alice');
ok t_cmp($res->content, qr/^BODY_LENGTH=${\ length $soap}$/m, 'the application got the whole body');
(my $no_ticket = $soap) =~ s{<TicketToken>.*</TicketToken>}{};
$res = POST '/partner/soap/env', content => $no_ticket, 'Content-Type' => 'text/xml',
    redirect_ok => 0;
ok t_cmp($res->code, 302, 'SOAP without a ticket: challenged');
$res = POST '/partner/env', content => $soap, 'Content-Type' => 'text/xml', redirect_ok => 0;
ok t_cmp($res->code, 302, 'SOAP tickets only where PassportPartnerSOAPTicket is On');
