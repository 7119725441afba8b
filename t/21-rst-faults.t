# RST.srf faults, in the shape clients parse: psf:pp in the header and
# S:Fault as a direct child of S:Envelope.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use Apache::TestRequest qw(GET);
use lib 't/lib';
use PassportTest qw(rst_body rst_post error_log);

plan tests => 27;

my $FAULT = qr{^<\?xml version="1\.0" encoding="utf-8"\?><S:Envelope [^>]*><S:Header><psf:pp [^>]*>.*</psf:pp></S:Header><S:Fault><faultcode>([^<]*)</faultcode><faultstring>([^<]*)</faultstring></S:Fault></S:Envelope>$};

sub fault_of {
    my ($res) = @_;
    my ($code, $string) = $res->content =~ $FAULT;
    return ($code // '', $string // '');
}

# wrong password and unknown account: the same answer
my $wrong = rst_post(rst_body('rst-msnp15.xml', 'alice@example.com', 'nope'));
my $unknown = rst_post(rst_body('rst-msnp15.xml', 'nobody@example.com', 'nope'));
ok t_cmp($wrong->code, 200, 'wrong password: HTTP 200');
ok t_cmp((fault_of($wrong))[0], 'wsse:FailedAuthentication', 'faultcode');
ok t_cmp($wrong->content, qr{<psf:authstate>0x80048800</psf:authstate><psf:reqstatus>0x80048823</psf:reqstatus>},
         'authstate and reqstatus');
ok t_cmp($wrong->content, qr{xmlns:wsse="http://schemas\.xmlsoap\.org/ws/2003/06/secext"}, 'wsse declared');
(my $a = $wrong->content) =~ s/ServerTime="[^"]*">[^<]*</T</;
(my $b = $unknown->content) =~ s/ServerTime="[^"]*">[^<]*</T</;
ok t_cmp($b, $a, 'unknown account: the same document');

my @client = (
    [ 'no credentials', do { my $d = rst_body('rst-msnp15.xml', 'x', 'y');
                             $d =~ s{<wsse:Security>.*</wsse:Security>}{}s; $d },
      qr/no credentials/ ],
    [ 'no token requested', do { my $d = rst_body('rst-msnp15.xml', 'alice@example.com', 'alice-pw,1');
                                 $d =~ s{<ps:RequestMultipleSecurityTokens.*</ps:RequestMultipleSecurityTokens>}{}s; $d },
      qr/no token requested/ ],
    [ 'malformed XML', '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>',
      qr/malformed XML/ ],
    [ 'not SOAP', '<hello/>', qr/not a SOAP Envelope/ ],
    [ 'a site id no PassportSite names', do { my $d = rst_body('rst-msnp13.xml', 'alice@example.com', 'alice-pw,1');
                                 $d =~ s/\?id=507/?id=999/; $d },
      qr/site id 999 is not a PassportSite of this realm/ ],
    [ 'p2pslc without a CA', do { my $d = rst_body('rst-msnp13.xml', 'alice@example.com', 'alice-pw,1');
                                  $d =~ s/contacts\.msn\.com/p2pslc.messenger.msn.com/; $d },
      qr/p2pslc\.messenger\.msn\.com .* needs a CA/ ],
    [ 'MBI_SSL over plain HTTP', do { my $d = rst_body('rst-msnp13.xml', 'alice@example.com', 'alice-pw,1');
                                      $d =~ s/URI="MBI"/URI="MBI_SSL"/; $d },
      qr/MBI_SSL is only issued over HTTPS/ ],
);
for my $c (@client) {
    my ($name, $body, $why) = @$c;
    my $res = rst_post($body);
    my ($code, $string) = fault_of($res);
    ok t_cmp($code, 'S:Client', "$name: S:Client");
    ok t_cmp($string, $why, "$name: the faultstring says why");
}

my $res = GET '/RST.srf';
ok t_cmp($res->code, 405, 'GET: 405');
ok t_cmp(scalar $res->header('Allow'), 'POST', 'Allow: POST');
ok t_cmp((fault_of($res))[0], 'S:Client', 'with an S:Client fault');

$res = rst_post(rst_body('rst-msnp13.xml', 'alice@example.com', 'alice-pw,1'), type => 'image/png');
ok t_cmp((fault_of($res))[1], qr/Content-Type/, 'a non-XML Content-Type is refused');

# Realm B lists its addresses (PassportService) and takes smaller
# bodies. An address outside the list fails no other: its response has
# no token, in the shape clients tolerate (see t/25-rst-any-address.t).
Apache::TestRequest::module('login_b');
$res = rst_post(rst_body('rst-msnp12.xml', 'alice@example.com', 'alice-pw,1'));
ok t_cmp($res->content, qr/<psf:authstate>0x48803</, 'realm B serves tb and messenger');
$res = rst_post(rst_body('rst-msnp13.xml', 'alice@example.com', 'alice-pw,1'));
ok t_cmp($res->content, qr{<wsa:Address>contacts\.msn\.com</wsa:Address>.*<S:Fault><faultcode>wst:InvalidScope</faultcode><faultstring>this realm does not serve 'contacts\.msn\.com' \(PassportService\)</faultstring></S:Fault></wst:RequestSecurityTokenResponse>}s,
         'but not contacts.msn.com: the sign-in succeeds, its response says why it has no token');

# The database is down: S:Server, no crash.
Apache::TestRequest::module('login_nodb');
$res = rst_post(rst_body('rst-msnp15.xml', 'alice@example.com', 'alice-pw,1'));
ok t_cmp((fault_of($res))[0], 'S:Server', 'database unavailable: S:Server');

ok t_cmp(error_log() =~ /PP0501: RST\.srf: client fault: no credentials/ ? 1 : 0, 1,
         'faults are logged with the reason');
