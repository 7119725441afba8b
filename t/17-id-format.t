# PassportIdFormat hex (the vhost "id_hex", t/conf/accounts.sql's
# hex_ids): the PUID and CID columns of PassportAccountQuery are 16 hex
# digits in either case, as an Escargot database derives them from its
# uuids. Clients get the same 64-bit values as from decimal columns; a
# value that is not exactly 16 hex digits is refused with a log line
# saying what is wrong with it, never truncated, padded or read as
# decimal.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use Apache::TestRequest qw(GET POST);
use lib 't/lib';
use PassportTest qw(p14_header from_pp rst2_body rst_post error_log);

plan tests => 19;

Apache::TestRequest::module('id_hex');
sub sign_in { GET('/login2.srf', Authorization => p14_header(signin => $_[0], pwd => $_[1])) }

my $res = sign_in('alice@example.com', 'alice-pw,1');
ok t_cmp($res->code, 200, 'alice signs in (PUID 0123456789ABCDEF as hex text)');
ok t_cmp(from_pp($res) // '', qr/&p=0123456789ABCDEF$/, 'her PUID, as from a decimal column');
my $v = POST('/verify', [ ticket => from_pp($res) // 'x', audience => 'messenger.msn.com' ])->content;
ok t_cmp($v, qr/"puid":"0123456789ABCDEF"/, 'and in the ticket');
$res = sign_in('sha@example.com', 'sha-pw');
ok t_cmp(from_pp($res) // '', qr/&p=00000000000000FF$/, 'lower-case hex: the same digits, shown upper-case');

# RST2.srf shows both: psf:PUID and the CID (16 lower-case hex digits)
my $xml = rst_post(rst2_body('alice@example.com', 'alice-pw,1'), path => '/RST2.srf',
                   type => 'application/soap+xml; charset=utf-8')->content;
ok t_cmp($xml, qr{<psf:PUID>0123456789ABCDEF</psf:PUID>}, 'RST2.srf: psf:PUID');
ok t_cmp($xml, qr{<psf:credProperty Name="CID">a16570867728950e</psf:credProperty>},
         'RST2.srf: the CID column, top bit set, as it was stored');
ok t_cmp($xml, qr{<psf:extProperty Name="CID">a16570867728950e</psf:extProperty>}, 'and the extProperty');
$xml = rst_post(rst2_body('sha@example.com', 'sha-pw'), path => '/RST2.srf',
                type => 'application/soap+xml; charset=utf-8')->content;
ok t_cmp($xml, qr{<psf:credProperty Name="CID">[0-9a-f]{16}</psf:credProperty>},
         'a NULL CID column: derived from the PUID, as ever');

# bad values: the answer of an unknown account, and the log says why
my @bad = (
    [ 'apr1@example.com', 'apr1-pw', q{PUID: its PUID column '0F8FAD5B7728950' is 15 characters, not 16 hex digits} ],
    [ 'demo@example.com', 'demo-pw', q{PUID: its PUID column '0123456789ABCDEF0' is 17 characters, not 16 hex digits} ],
    [ 'pbkdf2@example.com', 'pbkdf2-pw', q{PUID: its PUID column '12345' is 5 characters, not 16 hex digits} ],
    [ 'crypt@example.com', 'crypt-pw', q{CID: its CID column '1234' is 4 characters, not 16 hex digits} ],
);
for my $b (@bad) {
    my ($who, $pw, $why) = @$b;
    $res = sign_in($who, $pw);
    ok t_cmp(scalar $res->header('WWW-Authenticate') // '', qr/^Passport1\.4 da-status=failed,/,
             "$who: refused as an unknown account would be");
    ok t_cmp(error_log(), qr/PP0308: the account '\Q$who\E' has no usable \Q$why\E \(PassportIdFormat hex\)/,
             "$who: logged, saying why");
}

# the default server keeps reading decimal columns (t/07-docs.t refuses hex there)
Apache::TestRequest::module('default');
ok t_cmp(sign_in('alice@example.com', 'alice-pw,1')->code, 200, 'the default server reads decimal, as ever');
Apache::TestRequest::module('id_hex');
my $log = error_log();
ok t_cmp($log =~ /PP0308: the account 'alice\@example\.com'/ ? 1 : 0, 0, 'no PP0308 for a good row');
ok t_cmp(scalar(() = $log =~ /PP0308: [^\n]*\(PassportIdFormat hex\)/g) >= 4 ? 1 : 0, 1,
         'one line per refused row');
Apache::TestRequest::module('default');
