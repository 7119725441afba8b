# RST.srf: the three reference requests (MSNP12, MSNP13/14, MSNP15) get
# responses that match the references element by element, apart from
# tokens, secrets, times, the PUID and the serverInfo text.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use Apache::TestRequest ();
use lib 't/lib';
use PassportTest qw(slurp skeleton rst_body rst_post raw_request);

my @cases = qw(msnp12 msnp13 msnp15);
plan tests => 8 * @cases + 4;


my $t_dir = Apache::Test::vars('t_dir');
for my $case (@cases) {
    my $res = rst_post(rst_body("rst-$case.xml", 'alice@example.com', 'alice-pw,1'));
    my $body = $res->content;
    ok t_cmp($res->code, 200, "$case: 200");
    ok t_cmp(scalar $res->header('Content-Type'), 'text/xml; charset=utf-8', "$case: Content-Type");
    ok t_cmp(scalar $res->header('Content-Length'), length($body), "$case: Content-Length");
    ok !defined $res->header('Transfer-Encoding');
    ok t_cmp($body =~ />\s+</ ? 1 : 0, 0, "$case: no whitespace between elements");
    my $want = skeleton(slurp("$t_dir/data/rstr-$case.xml"));
    ok t_cmp(skeleton($body), $want, "$case: matches the reference element by element");
    ok t_cmp($body, qr{<psf:PUID>0123456789ABCDEF</psf:PUID>}, "$case: the account's PUID");
    my @tokens = $body =~ /<wsse:BinarySecurityToken Id="Compact\d+">t=([A-Za-z0-9_-]+)&amp;p=0123456789ABCDEF</g;
    my %distinct = map { $_ => 1 } @tokens;
    ok t_cmp(scalar(keys %distinct), scalar(@tokens), "$case: a distinct ticket per address");
}

# libpurple posts to //RST.srf; some clients send application/soap+xml.
my $res = rst_post(rst_body('rst-msnp13.xml', 'sha@example.com', 'sha-pw'), path => '//RST.srf');
ok t_cmp($res->code, 200, '//RST.srf is served');
ok t_cmp($res->content, qr/<psf:authstate>0x48803</, 'and signs in');
$res = rst_post(rst_body('rst-msnp13.xml', 'sha@example.com', 'sha-pw'),
                type => 'application/soap+xml; charset=utf-8');
ok t_cmp($res->content, qr/<psf:authstate>0x48803</, 'application/soap+xml accepted');

# The status line and Content-Length on the wire, keep-alive or not.
my $body = rst_body('rst-msnp15.xml', 'pbkdf2@example.com', 'pbkdf2-pw');
my $raw = raw_request("POST /RST.srf HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
    . "Content-Type: text/xml; charset=utf-8\r\nContent-Length: " . length($body)
    . "\r\n\r\n$body");
ok t_cmp($raw, qr{\AHTTP/1\.1 200 OK\r\n(?:[^\r]+\r\n)*Content-Length: \d+\r\n}, 'HTTP/1.1 200 OK with Content-Length');
