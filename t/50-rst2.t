# RST2.srf (WLM 2009+, SOAP 1.2): the seven-token request over HTTPS gets
# the response the spec describes, element by element; faults in SOAP 1.2
# shape; each dialect is answered in its own; tokens verify like RST.srf's.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use Apache::TestRequest qw(POST);
use Digest::SHA qw(sha1_base64);
use lib 't/lib';
use PassportTest qw(slurp skeleton https_request rst2_body rst_body rst_post);

plan tests => 40;


sub unescape { my $x = shift; $x =~ s/&amp;/&/g; $x =~ s/&lt;/</g; $x =~ s/&gt;/>/g; $x =~ s/&quot;/"/g; $x }

my $t_dir = Apache::Test::vars('t_dir');
my ($code, $head, $body) = https_request(path => '/RST2.srf',
    body => rst2_body('alice@example.com', 'alice-pw,1'));

ok t_cmp($code, 200, 'seven-token WLM 2009 request: 200');
ok t_cmp($head, qr{^Content-Type: application/soap\+xml; charset=utf-8\r$}mi, 'SOAP 1.2: application/soap+xml');
ok t_cmp($head, qr{^Content-Length: ${\ length $body}\r$}m, 'Content-Length');
ok t_cmp($body =~ />\s+</ ? 1 : 0, 0, 'no whitespace between elements');
ok t_cmp(skeleton($body), skeleton(slurp("$t_dir/data/rst2r-wlm2009.xml")),
         'the response matches the spec element by element');
ok t_cmp($body, qr{<psf:credProperty Name="CID">1b0a26fd753c50da</psf:credProperty>},
         'CID: derived from the PUID when the database has none');
ok t_cmp($body, qr{<psf:credProperty Name="AuthMembername">alice\@example\.com</psf:credProperty>},
         'AuthMembername: the sign-in name');
ok t_cmp($body, qr{<psf:PUID>0123456789ABCDEF</psf:PUID>}, 'the PUID');

my (undef, undef, $pb) = https_request(path => '/RST2.srf', body => rst2_body('pbkdf2@example.com', 'pbkdf2-pw'));
ok t_cmp($pb, qr{<psf:credProperty Name="CID">0000000000001234</psf:credProperty>},
         'CID: the third column of PassportAccountQuery when it has one');

# each reference is the SHA-1 digest of its own token
my @responses = $body =~ m{<wst:RequestSecurityTokenResponse>(.*?)</wst:RequestSecurityTokenResponse>}g;
ok t_cmp(scalar @responses, 7, 'seven responses');
my @tickets;
for my $i (0 .. $#responses) {
    my $r = $responses[$i];
    my ($token) = $r =~ m{<CipherValue>([^<]+)<} ? ($1) : $r =~ m{<wsse:BinarySecurityToken Id="Compact$i">([^<]+)<};
    $token = unescape($token);
    push @tickets, $token;
    my @refs = $r =~ m{<wsse:Reference URI="([^"]+)"/>}g;
    my $digest = sha1_base64($token) . '=';
    ok t_cmp("@refs", "$digest $digest", "response $i: attached and unattached references are the token's digest");
}
my %distinct = map { $_ => 1 } @tickets;
ok t_cmp(scalar keys %distinct, 7, 'a distinct ticket per audience');
my @ids = $body =~ m{<wsse:BinarySecurityToken Id="(Compact\d+)">}g;
ok t_cmp("@ids", 'Compact1 Compact2 Compact3 Compact4 Compact5 Compact6', 'Compact<N> by index');

# tickets from RST2 verify through the endpoint exactly like RST.srf's
my @addresses = $body =~ m{<wsa:Address>([^<]+)</wsa:Address>}g;
for my $i (1, 4) {
    my $res = POST '/verify', [ ticket => $tickets[$i], audience => $addresses[$i] ];
    ok t_cmp($res->code, 200, "RST2 ticket $i verifies for $addresses[$i]");
}
my $res = POST '/verify', [ ticket => $tickets[4], audience => 'messenger.msn.com' ];
ok t_cmp($res->content, qr/"reason":"bad-audience"/, 'and not for another audience');

# faults: SOAP 1.2, inside S:Body
($code, undef, $body) = https_request(path => '/RST2.srf', body => rst2_body('alice@example.com', 'wrong'));
ok t_cmp($code, 200, 'wrong password: HTTP 200');
ok t_cmp($body, qr{<psf:authstate>0x80048800</psf:authstate><psf:reqstatus>0x80048821</psf:reqstatus>},
         'authstate and reqstatus');
ok t_cmp($body, qr{<S:Body><S:Fault><S:Code><S:Value>S:Sender</S:Value><S:Subcode><S:Value>wst:FailedAuthentication</S:Value></S:Subcode></S:Code><S:Reason><S:Text xml:lang="en-US">Authentication Failure</S:Text></S:Reason><S:Detail><psf:error><psf:value>0x80048821</psf:value><psf:internalerror><psf:code>0x80041012</psf:code><psf:text>The entered and stored passwords do not match\.&#x000D;&#x000A;</psf:text>},
         'the authentication fault');
my (undef, undef, $unknown) = https_request(path => '/RST2.srf', body => rst2_body('nobody@example.com', 'wrong'));
s/ServerTime="[^"]*">[^<]*</T</ for $body, $unknown;
ok t_cmp($unknown, $body, 'an unknown account gets the same document');

my $stale = rst2_body('alice@example.com', 'alice-pw,1', now => time - 2 * 86400);
($code, undef, $body) = https_request(path => '/RST2.srf', body => $stale);
ok t_cmp($body, qr{<S:Subcode><S:Value>wst:InvalidRequest</S:Value></S:Subcode>.*<psf:value>0x80048820</psf:value><psf:internalerror><psf:code>0x80045c01</psf:code><psf:text>Invalid STS request\. the request's wsu:Timestamp has expired \(PassportClockSkew\)</psf:text>}s,
         'an expired request timestamp: InvalidRequest');
my $skewed = rst2_body('alice@example.com', 'alice-pw,1', now => time + 10 * 3600);
($code, undef, $body) = https_request(path => '/RST2.srf', body => $skewed);
ok t_cmp($body, qr/<psf:authstate>0x48803</, 'a clock ten hours fast is allowed (PassportClockSkew defaults to a day)');

my @hostile = (
    [ 'billion laughs', '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "a"><!ENTITY b "&a;&a;">]><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body>&b;</s:Body></s:Envelope>',
      qr/a DOCTYPE is not allowed/ ],
    [ 'malformed SOAP 1.2', '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body>',
      qr/malformed XML: / ],
    [ 'deep nesting', '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body>' . ('<a>' x 5000) . ('</a>' x 5000) . '</s:Body></s:Envelope>',
      qr/elements nested deeper than 32</ ],
    [ 'no token', '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body/></s:Envelope>',
      qr/no token requested/ ],
);
for my $h (@hostile) {
    ($code, undef, $body) = https_request(path => '/RST2.srf', body => $h->[1]);
    ok t_cmp($body, qr{^<\?xml[^>]*><S:Envelope xmlns:S="http://www\.w3\.org/2003/05/soap-envelope".*<S:Body><S:Fault><S:Code><S:Value>S:Sender</S:Value><S:Subcode><S:Value>wst:InvalidRequest</S:Value>.*<psf:text>Invalid STS request\. $h->[2]}s,
             "$h->[0]: a SOAP 1.2 InvalidRequest fault that says why");
}

# each dialect answered in its own, whatever the path
($code, undef, $body) = https_request(path => '/RST.srf', body => rst2_body('alice@example.com', 'alice-pw,1'));
ok t_cmp($body, qr{^<\?xml[^>]*><S:Envelope xmlns:S="http://www\.w3\.org/2003/05/soap-envelope"><S:Header><wsa:Action }, 'RST2 request to /RST.srf: RST2 answer');
($code, undef, $body) = https_request(path => '/RST2.srf', body => rst_body('rst-msnp15.xml', 'alice@example.com', 'alice-pw,1'));
ok t_cmp($body, qr{^<\?xml[^>]*><S:Envelope xmlns:S="http://schemas\.xmlsoap\.org/soap/envelope/"><S:Header><psf:pp }, 'RST.srf request to /RST2.srf: RST.srf answer');
ok t_cmp($body, qr{<wst:RequestedTokenReference>}, 'with RST.srf references');

# over plain HTTP the MBI_SSL token is refused, in the RST2 shape
$res = rst_post(rst2_body('alice@example.com', 'alice-pw,1'), path => '/RST2.srf');
ok t_cmp($res->content, qr{wst:InvalidRequest.*MBI_SSL is only issued over HTTPS}s, 'MBI_SSL over HTTP: InvalidRequest');
$res = Apache::TestRequest::GET('/RST2.srf');
ok t_cmp($res->content, qr{<S:Envelope xmlns:S="http://www\.w3\.org/2003/05/soap-envelope"}, 'GET /RST2.srf: a SOAP 1.2 fault');

# Secure cookies over HTTPS (login2.srf)
($code, $head) = https_request(path => '/login2.srf', headers => [
    'Authorization: Passport1.4 OrgVerb=GET,OrgURL=http%3A%2F%2Fmessenger%2Emsn%2Ecom,sign-in=alice%40example.com,pwd=alice-pw%2C1,id=507' ]);
ok t_cmp($code, 200, 'login2.srf over HTTPS');
# the login server's cookies come back on Token Requests from any site
# (MS-PASS 3.3.5.2): SameSite=None, which browsers take only with Secure
ok t_cmp($head, qr{^Set-Cookie: PPAuth=[^;]+; Path=/; Max-Age=\d+; HttpOnly; SameSite=None; Secure\r$}m, 'PPAuth is Secure; HttpOnly; SameSite=None');
ok t_cmp($head, qr{^Set-Cookie: PPSec=[^;]+; Path=/; Max-Age=\d+; HttpOnly; SameSite=None; Secure\r$}m, 'PPSec is set over HTTPS');
