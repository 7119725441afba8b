# PassportSharedTicket On (the vhost "shared"): every compact token of one
# RST.srf or RST2.srf answer is one ticket (format version 2) that lists
# the answer's addresses, as Escargot's services need (they match the
# first 20 characters after t= against the NS sign-in's). /verify and a
# partner location accept it for each of those addresses and no other;
# the messengerclear BinarySecret is that ticket's MBI secret; it is
# recorded once. The legacy token stays a ticket of its own, and
# login2.srf's ticket (one audience) stays version 1. The same requests
# on the default server (Off) get a ticket per address.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use Apache::TestRequest qw(GET POST);
use lib 't/lib';
use PassportTest qw(p14_header from_pp rst_body rst2_body rst_post admin error_log);

plan tests => 40;

my $t_dir = Apache::Test::vars('t_dir');
my $key = "$t_dir/conf/keys/main.key";
my $db = "$t_dir/var/accounts.db";
sub rows { my $sql = shift; map { chomp; [ split /\|/, $_, -1 ] } qx{sqlite3 '$db' "$sql"} }

# the compact tokens of an answer, by address; and its BinarySecrets
sub compact_of {
    my ($xml) = @_;
    my %t;
    for my $r (split m{</wst:RequestSecurityTokenResponse>}, $xml) {
        my ($address) = $r =~ m{<wsa:Address>([^<]+)</wsa:Address>} or next;
        my ($n, $v) = $r =~ m{<wsse:BinarySecurityToken Id="Compact(\d+)">([^<]+)</wsse:BinarySecurityToken>}
            or next;
        $v =~ s/&amp;/&/g;
        $t{$address} = [ $n, $v ];
    }
    return \%t;
}
sub admin_ticket { my (undef, $out) = admin('ticket', @_, '--key-file', $key); $out }
sub verify_json { POST('/verify', [ @_ ])->content }

# ---- RST.srf (MSNP15: tb, messengerclear MBI_KEY_OLD, messenger, contacts)
Apache::TestRequest::module('shared');
my $t0 = time;
my $res = rst_post(rst_body('rst-msnp15.xml', 'alice@example.com', 'alice-pw,1'));
my $xml = $res->content;
ok t_cmp($xml, qr{<psf:authstate>0x48803</psf:authstate>}, 'shared: signed in');
my $c = compact_of($xml);
my @addr = ('messengerclear.live.com', 'messenger.msn.com', 'contacts.msn.com');
ok t_cmp(join(' ', map { $c->{$_}[0] // '-' } @addr), '1 2 3', 'Compact1..3, numbered as ever');
my $shared = $c->{'messengerclear.live.com'}[1] // 'x';
ok t_cmp(scalar(grep { ($c->{$_}[1] // '') eq $shared } @addr), 3,
         'the three compact tokens are one ticket (the same t=...&p=...)');
ok t_cmp($shared, qr/^t=A[A-Za-z0-9_-]{19}[A-Za-z0-9_-]+&p=0123456789ABCDEF$/,
         'base64url: its first 20 characters are safe for an NS argument');
my ($cipher) = $xml =~ m{<CipherValue>([^<]+)</CipherValue>};
(my $legacy = $cipher // '') =~ tr{+/=}{-_}d;
ok t_cmp($legacy ne '' && index($shared, $legacy) < 0 ? 1 : 0, 1, 'the legacy token is another ticket');
my @secrets = $xml =~ m{<wst:BinarySecret>([^<]+)</wst:BinarySecret>}g;
ok t_cmp(scalar @secrets, 2, 'two BinarySecrets: the legacy token\'s and messengerclear\'s');

my $out = admin_ticket($shared, '--audience', 'contacts.msn.com');
ok t_cmp($out, qr/^status=ok$/m, 'passport-admin: valid for contacts.msn.com');
ok t_cmp($out, qr/^version=2$/m, 'a version 2 ticket');
ok t_cmp(join(' ', $out =~ /^audiences=(.*)$/mg), join(' ', @addr),
         'listing the answer\'s compact addresses, in order');
my ($mbi_secret) = $out =~ /^mbi-secret=(\S+)$/m;
ok t_cmp($secrets[1] // '', $mbi_secret // '?',
         'messengerclear\'s BinarySecret is the shared ticket\'s MBI secret');
$out = admin_ticket($cipher // 'x', '--audience', 'http://Passport.NET/tb');
ok t_cmp($out, qr/^status=ok\nversion=1\n/, 'the legacy token: version 1, its own audience');

# /verify: any of its addresses, no other
for my $a (@addr) {
    ok t_cmp(verify_json(ticket => $shared, audience => $a),
             qr/^\{"valid":true,"puid":"0123456789ABCDEF","signin":"alice\@example\.com","audience":"\Q$a\E","audiences":\["messengerclear\.live\.com","messenger\.msn\.com","contacts\.msn\.com"\],"realm":"Passport\.Net",/,
             "/verify: valid for $a, the audience asked and the list");
}
for my $a ('storage.msn.com', 'http://Passport.NET/tb', 'Contacts.msn.com') {
    ok t_cmp(verify_json(ticket => $shared, audience => $a), '{"valid":false,"reason":"bad-audience"}',
             "/verify: not for $a");
}
my $nonce = join '', map { ('A' .. 'Z', 'a' .. 'z')[int rand 52] } 1 .. 64;
my (undef, $blob) = admin('mbi-blob', '--secret', $secrets[1] // 'x', '--nonce', $nonce);
chomp $blob;
ok t_cmp(verify_json(ticket => $shared, audience => 'messengerclear.live.com', nonce => $nonce, mbi => $blob),
         qr/"mbi":"ok"\}$/, '/verify: the MBI answer made with that BinarySecret checks');
ok t_cmp(verify_json(ticket => $cipher // 'x', audience => 'http://Passport.NET/tb', nonce => $nonce, mbi => $blob),
         '{"valid":false,"reason":"bad-mbi"}', 'and not against the legacy token');

# recorded once, with every address in the audience parameter
my ($t) = $shared =~ /^t=([^&]+)/;
my @rec = rows("SELECT audience, mbi, signin, puid FROM issued_tickets WHERE ticket = '$t'");
ok t_cmp(scalar @rec, 1, 'the shared ticket is recorded once');
ok t_cmp($rec[0][0] // '', 'messengerclear.live.com messenger.msn.com contacts.msn.com',
         'its audience parameter: the addresses, space-separated');
ok t_cmp($rec[0][1] // '', $secrets[1] // '?', 'with the MBI secret handed out');
ok t_cmp(join(',', @{ $rec[0] }[2, 3]), 'alice@example.com,0123456789ABCDEF', 'the account and PUID');
ok t_cmp(scalar(rows("SELECT 1 FROM issued_tickets WHERE ticket = '$legacy'")), 1,
         'the legacy token has its own record');

# a partner location (audience contacts.msn.com) takes it from the SOAP header
(my $esc = $shared) =~ s/&/&amp;/g;
my $soap = qq{<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">}
         . qq{<soap:Header><ABAuthHeader xmlns="http://www.msn.com/webservices/AddressBook"><TicketToken>$esc</TicketToken>}
         . qq{</ABAuthHeader></soap:Header><soap:Body><ABFindAll/></soap:Body></soap:Envelope>};
$res = POST('/ab/env', 'Content-Type' => 'text/xml; charset=utf-8', content => $soap);
ok t_cmp($res->code, 200, 'the address-book location accepts the shared ticket');
ok t_cmp($res->content, qr/^PASSPORT_AUDIENCE=contacts\.msn\.com$/m, 'as its own audience');
ok t_cmp($res->content, qr/^REMOTE_USER=alice\@example\.com$/m, 'for alice');

# ---- the same sign-in on the default server (Off): a ticket per address ----
Apache::TestRequest::module('default');
my $own = compact_of(rst_post(rst_body('rst-msnp15.xml', 'alice@example.com', 'alice-pw,1'))->content);
my %distinct = map { ($own->{$_}[1] // $_) => 1 } @addr;
ok t_cmp(scalar keys %distinct, 3, 'Off: three tickets');
ok t_cmp(admin_ticket($own->{'contacts.msn.com'}[1] // 'x'), qr/^version=1$/m, 'Off: version 1');
(my $own_esc = $own->{'messenger.msn.com'}[1] // 'x') =~ s/&/&amp;/g;
Apache::TestRequest::module('shared');
$res = POST('/ab/env', 'Content-Type' => 'text/xml; charset=utf-8',
            content => $soap =~ s/\Q$esc\E/$own_esc/r);
ok t_cmp($res->code, 302, 'a per-address messenger ticket is no contacts ticket: challenged');

# ---- RST2.srf (WLM 2009: seven addresses, MBI_SSL) ---------------------------
$xml = rst_post(rst2_body('alice@example.com', 'alice-pw,1'), path => '/RST2.srf',
                type => 'application/soap+xml; charset=utf-8')->content;
$c = compact_of($xml);
my @addr2 = ('messengerclear.live.com', 'messenger.msn.com', 'messengersecure.live.com',
             'contacts.msn.com', 'storage.msn.com', 'sup.live.com');
ok t_cmp(scalar(keys %$c), 6, 'RST2.srf: six compact tokens');
my %one = map { ($c->{$_}[1] // $_) => 1 } @addr2;
ok t_cmp(scalar keys %one, 1, 'RST2.srf: one ticket for all six');
$out = admin_ticket($c->{'storage.msn.com'}[1] // 'x', '--audience', 'sup.live.com');
ok t_cmp(join(' ', $out =~ /^audiences=(.*)$/mg), join(' ', @addr2), 'listing all six');
my ($rst2_secret) = $xml =~ m{<wst:BinarySecret>([^<]+)</wst:BinarySecret>.*?<wst:BinarySecret>([^<]+)</wst:BinarySecret>}s ? ($2) : ();
ok t_cmp($rst2_secret // '', ($out =~ /^mbi-secret=(\S+)$/m)[0] // '?', 'RST2: messengerclear\'s BinarySecret is its secret');

# the same address asked twice is listed once
my $env = PassportTest::rst_envelope('sha@example.com', 'sha-pw', ['contacts.msn.com'], ['Contacts.MSN.com'],
                                     ['messenger.msn.com']);
$c = compact_of(rst_post($env)->content);
$out = admin_ticket($c->{'messenger.msn.com'}[1] // 'x');
ok t_cmp(join(' ', $out =~ /^audiences=(.*)$/mg), 'contacts.msn.com messenger.msn.com',
         'an address asked twice (in any case) is listed once');
ok t_cmp($c->{'Contacts.MSN.com'}[1] // '', $c->{'contacts.msn.com'}[1] // '?', 'and both get the ticket');

# too many long addresses for one ticket: a clear server fault, logged
my @long = map { [ sprintf('%s%02d.example.com', 'x' x 200, $_) ] } 1 .. 8;
my $fault = rst_post(PassportTest::rst_envelope('sha@example.com', 'sha-pw', @long))->content;
ok t_cmp($fault, qr{<faultcode>S:Server</faultcode>}, 'eight 215-character addresses: S:Server');
ok t_cmp(error_log(), qr/PP0505: RST: cannot seal one ticket for 8 addresses \(PassportSharedTicket\): its 8 audiences would make the ticket longer than 2048 characters/,
         'logged, saying why');

# ---- login2.srf: one audience, version 1 as ever -----------------------------
$res = GET('/login2.srf', Authorization => p14_header(signin => 'alice@example.com', pwd => 'alice-pw,1'));
ok t_cmp($res->code, 200, 'login2.srf on the shared vhost');
$out = admin_ticket(from_pp($res) // 'x', '--audience', 'messenger.msn.com');
ok t_cmp($out, qr/^status=ok\nversion=1\n/, 'its ticket is version 1, for messenger.msn.com');
Apache::TestRequest::module('default');
