# Request bodies are allocated in proportion to what arrives, not to
# PassportMaxRequestBody: a 3 KB sign-in on a vhost that allows 16 MiB
# reads into a buffer of about its own size, declared or chunked.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use Apache::TestRequest ();
use lib 't/lib';
use PassportTest qw(rst_body rst_post raw_request error_log);

plan tests => 5;

Apache::TestRequest::module('big_body');
my $body = rst_body('rst-msnp15.xml', 'alice@example.com', 'alice-pw,1');
my $before = length error_log();
my $res = rst_post($body);
ok t_cmp($res->content, qr/<psf:authstate>0x48803</, 'signed in on the 16 MiB vhost');
my ($got, $buffer) = substr(error_log(), $before) =~ /PP0104: read a (\d+)-byte body into a (\d+)-byte buffer/;
ok t_cmp($got, length $body, 'the whole body was read');
ok t_cmp($buffer <= length($body) + 1 ? 1 : 0, 1,
         "a declared length: a buffer of that length ($buffer bytes), not 16 MiB");

# chunked: no declared length, the buffer grows as bytes arrive
$before = length error_log();
my $raw = raw_request("POST /RST.srf HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
    . "Content-Type: text/xml\r\nTransfer-Encoding: chunked\r\n\r\n"
    . sprintf("%x\r\n%s\r\n0\r\n\r\n", length $body, $body), 'big_body');
ok t_cmp($raw, qr/<psf:authstate>0x48803</, 'a chunked body signs in');
($got, $buffer) = substr(error_log(), $before) =~ /PP0104: read a (\d+)-byte body into a (\d+)-byte buffer/;
ok t_cmp(defined $buffer && $buffer <= 2 * length($body) + 8193 ? 1 : 0, 1,
         "chunked: the buffer follows the body (" . ($buffer // '?') . " bytes)");
