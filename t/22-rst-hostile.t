# RST.srf under hostile bodies: each gets an S:Client fault, quickly,
# and the server stays up.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use Apache::TestRequest ();
use lib 't/lib';
use PassportTest qw(rst_body rst_post raw_request);

my $ENV = '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">';
my $laughs = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    . join('', map { my $p = $_ - 1; "<!ENTITY lol$_ \"" . ("&lol$p;" x 10) . '">' } 1 .. 9)
    . ']>' . $ENV . '<soap:Body>&lol9;</soap:Body></soap:Envelope>';
$laughs =~ s/&lol0;/&lol;/g;

my $deep = $ENV . '<soap:Body>' . ('<a>' x 5000) . ('</a>' x 5000) . '</soap:Body></soap:Envelope>';
die 'the deep document must fit the 64 KiB body limit' if length $deep >= 65536;

my @hostile = (
    [ 'billion laughs', $laughs, qr/DOCTYPE is not allowed/ ],
    [ 'external entity', '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
      . $ENV . '<soap:Body>&xxe;</soap:Body></soap:Envelope>', qr/DOCTYPE is not allowed/ ],
    # 5,000 levels is about 35 KB: under the 64 KiB body limit, so the
    # depth limit is what refuses it (10,000 levels would be over the
    # limit and refused unread)
    [ '5,000-deep nesting', $deep, qr{: elements nested deeper than 32</faultstring>} ],
    # one level over the limit, and nothing else wrong
    [ '33-deep nesting', $ENV . '<soap:Body>' . ('<a>' x 31) . ('</a>' x 31)
      . '</soap:Body></soap:Envelope>', qr{: elements nested deeper than 32</faultstring>} ],
    [ 'invalid UTF-8', $ENV . "<soap:Body>\xff\xfe\xfd</soap:Body></soap:Envelope>", qr/malformed XML/ ],
    [ 'empty body', '', qr/empty request body/ ],
    [ 'wrong namespaces', '<soap:Envelope xmlns:soap="urn:wrong"><soap:Body/></soap:Envelope>',
      qr/not a SOAP Envelope/ ],
    [ 'right prefixes, wrong trust namespace', do {
        my $d = rst_body('rst-msnp13.xml', 'alice@example.com', 'alice-pw,1');
        $d =~ s{http://schemas\.xmlsoap\.org/ws/2004/04/trust}{urn:not-trust}; $d },
      qr/no token requested/ ],
    [ '10 MB body', 'x' x (10 * 1024 * 1024), qr/request body over 65536 bytes/ ],
);

plan tests => 2 * @hostile + 3;

for my $h (@hostile) {
    my ($name, $body, $why) = @$h;
    my $res = rst_post($body);
    ok t_cmp($res->content =~ m{<S:Fault><faultcode>S:Client</faultcode>} ? 1 : 0, 1, "$name: S:Client");
    ok t_cmp($res->content, qr{<faultstring>[^<]*$why}, "$name: says why");
}

# Over realm B's smaller limit, declared in Content-Length: refused
# without reading it.
Apache::TestRequest::module('login_b');
my $res = rst_post('y' x 5000);
ok t_cmp($res->content, qr/request body over 4096 bytes/, 'PassportMaxRequestBody per vhost');

# A chunked body over the limit (no Content-Length) is cut off too.
Apache::TestRequest::module('default');
my $chunk = 'z' x 70000;
my $raw = raw_request("POST /RST.srf HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
    . "Content-Type: text/xml\r\nTransfer-Encoding: chunked\r\n\r\n"
    . sprintf("%x\r\n%s\r\n0\r\n\r\n", length $chunk, $chunk));
ok t_cmp($raw, qr/request body over 65536 bytes/, 'chunked body over the limit');

# Still up and signing in.
$res = rst_post(rst_body('rst-msnp15.xml', 'alice@example.com', 'alice-pw,1'));
ok t_cmp($res->content, qr/<psf:authstate>0x48803</, 'the server is still up');
