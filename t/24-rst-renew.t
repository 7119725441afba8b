# Token renewal with the legacy token (docs/tickets.md, "Renewing a
# token"), by a client written from the spec
# (shared/specs/passport-3.0-token-renewal.md) and nothing of the
# module's (t/lib/PassportRenew.pm: derive() and the HMACs with
# Digest::SHA, 3DES with the openssl command, the reply parsed with
# XML::LibXML). It signs in with the password, renews as libpurple does
# (its request shape, byte for byte), decrypts and checks the reply,
# verifies the new ticket, renews again with the fresh legacy token; and
# every refusal gets its fault.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use Apache::TestRequest qw(POST);
use MIME::Base64 qw(encode_base64 decode_base64);
use XML::LibXML;
use lib 't/lib';
use PassportTest qw(rst_body rst_post admin admin_stdin error_log slurp https_request);
use PassportRenew qw(%NS canonical from_iso8601 renewal xpc legacy_of open_answer);

plan tests => 75;

my $t_dir = Apache::Test::vars('t_dir');

# The client's cryptography and request, from CLIENTS.md and the spec:
# t/lib/PassportRenew.pm. Here, the realm's key is t/conf/keys/main.key.
my ($key_line) = PassportRenew::first_key_line("$t_dir/conf/keys/main.key");
sub derived_secret { PassportRenew::derived_secret($_[0], $_[1] // $key_line) }

my $FAULT = qr{^<\?xml version="1\.0" encoding="utf-8"\?><S:Envelope [^>]*><S:Header><psf:pp [^>]*>.*</psf:pp></S:Header><S:Fault><faultcode>([^<]*)</faultcode><faultstring>([^<]*)</faultstring></S:Fault></S:Envelope>$};
sub fault_of { my ($c, $s) = $_[0] =~ $FAULT; return ($c // '', $s // '') }
sub auth_failure {
    my ($res, $name) = @_;
    ok t_cmp((fault_of($res->content))[0], 'wsse:FailedAuthentication', "$name: wsse:FailedAuthentication");
    ok t_cmp($res->content, qr{<psf:authstate>0x80048800</psf:authstate><psf:reqstatus>0x80048823</psf:reqstatus>},
             "$name: authstate 0x80048800, reqstatus 0x80048823");
}
sub renew_post { rst_post($_[0], path => '//RST.srf') }

# ---- sign in with the password; the client keeps cipher and secret -----

my $res = rst_post(rst_body('rst-msnp15.xml', 'alice@example.com', 'alice-pw,1'));
my ($cipher, $secret) = legacy_of($res->content);
ok t_cmp($cipher =~ m{\A[A-Za-z0-9+/]+={0,2}\z} && length($cipher) % 4 == 0 ? 1 : 0, 1,
         'sign-in: the legacy CipherValue is xs:base64Binary');
ok t_cmp(encode_base64($secret, ''), encode_base64(derived_secret($cipher), ''),
         'its BinarySecret is the one a key holder derives from it (docs/tickets.md)');

# the request has the capture's shape, byte for byte but for its values
my $body = renewal($cipher, $secret, 2, 'contacts.msn.com', 'MBI');
(my $shape = $body) =~ s{(<(?:CipherValue|wssc:Nonce|wsu:Created|wsu:Expires|DigestValue|SignatureValue)>)[^<]*}{$1X}g;
(my $captured = slurp("$t_dir/data/renew-libpurple.xml")) =~ s{(<(?:CipherValue|wssc:Nonce|wsu:Created|wsu:Expires|DigestValue|SignatureValue)>)[^<]*}{$1X}g;
ok t_cmp($shape, $captured, "the client's request has the shape of the libpurple capture");

# ---- renew contacts.msn.com ---------------------------------------------

$res = renew_post($body);
my $answer = $res->content;
ok t_cmp($res->code, 200, 'renewal: HTTP 200');
ok t_cmp(scalar $res->header('Content-Type'), 'text/xml; charset=utf-8', 'text/xml');
ok t_cmp(scalar $res->header('Content-Length'), length($answer), 'with Content-Length');
ok t_cmp($answer =~ />\s+</ ? 1 : 0, 0, 'no whitespace between elements');
my $env = xpc(XML::LibXML->load_xml(string => $answer));
my @dkts = $env->findnodes('/S:Envelope/S:Header/wsse:Security/*[local-name()="DerivedKeyToken"]');
ok t_cmp(scalar(grep { defined $_->getAttribute('Id') } @dkts), scalar(@dkts),
         'every DerivedKeyToken has an Id (libpurple dereferences it)');
ok t_cmp(scalar(grep { $_->getAttribute('Id') eq 'EncKey' } @dkts), 1, 'one is EncKey');
ok t_cmp($env->findvalue('/S:Envelope/S:Header/psf:pp/psf:PUID'), '0123456789ABCDEF', 'psf:pp as at sign-in');

my ($nonce, $plain, $clen) = open_answer($answer, $secret);
ok t_cmp(length($nonce // ''), 24, 'the EncKey nonce: 24 fresh bytes');
ok t_cmp(defined $plain && $clen % 8 == 0 ? 1 : 0, 1, 'the CipherValue decrypts, whole 3DES blocks');
my ($text, $pad) = ($plain // '') =~ /\A([^\0]*)(\0*)\z/;
ok t_cmp(defined $pad && length($pad) >= 1 && length($pad) <= 8 ? 1 : 0, 1,
         'zero padding, 1 to 8 bytes: the plaintext ends in NUL');
my $rstrc = eval { XML::LibXML->load_xml(string => $text // '') };
ok t_cmp($rstrc ? 1 : 0, 1, 'the plaintext parses on its own (every namespace declared)');
my $px = xpc($rstrc // XML::LibXML::Document->new);
my ($root) = $px->findnodes('/wst:RequestSecurityTokenResponseCollection');
ok t_cmp($root ? 1 : 0, 1, 'a wst:RequestSecurityTokenResponseCollection (WS-Trust 2004/04)');
my @rstr = $root ? $root->childNodes : ();
ok t_cmp(scalar(grep { $_->nodeType != XML_ELEMENT_NODE } @rstr), 0, 'no text between the responses');
ok t_cmp(join(',', map { $px->findvalue('wsp:AppliesTo/wsa:EndpointReference/wsa:Address', $_) } @rstr),
         'http://Passport.NET/tb,contacts.msn.com', 'a fresh legacy token first, then contacts.msn.com');
my $fresh_cipher = $px->findvalue('wst:RequestedSecurityToken/xenc:EncryptedData[@Id="BinaryDAToken0"]/xenc:CipherData/xenc:CipherValue', $rstr[0]);
my $fresh_secret = decode_base64($px->findvalue('wst:RequestedProofToken/wst:BinarySecret', $rstr[0]));
ok t_cmp($px->findvalue('wst:TokenType', $rstr[0]), 'urn:passport:legacy', 'the legacy token: urn:passport:legacy');
ok t_cmp($fresh_cipher ne '' && $fresh_cipher ne $cipher ? 1 : 0, 1, 'a new one, in BinaryDAToken0');
ok t_cmp(encode_base64($fresh_secret, ''), encode_base64(derived_secret($fresh_cipher), ''),
         'with its own BinarySecret, derivable from it');
my $legacy_expires = from_iso8601($px->findvalue('wst:LifeTime/wsu:Expires', $rstr[0]));
ok t_cmp($legacy_expires > time + 25000 && $legacy_expires <= time + 25201 ? 1 : 0, 1,
         'it expires a whole PassportLegacyTokenLifetime (7 x 3600 s) from now');
my $bst = $px->findvalue('wst:RequestedSecurityToken/wsse:BinarySecurityToken[@Id="Compact1"]', $rstr[1]);
ok t_cmp($bst, qr{^t=[A-Za-z0-9_-]+&p=0123456789ABCDEF$}, 'contacts.msn.com: Compact1, t=...&p=<PUID>');
ok t_cmp($px->findvalue('count(wst:RequestedProofToken)', $rstr[1]), 0, 'MBI: no BinarySecret');
my $expires = from_iso8601($px->findvalue('wst:LifeTime/wsu:Expires', $rstr[1]));
ok t_cmp($expires > time + 3000 && $expires <= time + 3601 ? 1 : 0, 1, 'it expires a ticket lifetime from now');
ok t_cmp($px->findvalue('wst:RequestedTokenReference/wsse:Reference/@URI', $rstr[1]), '#Compact1',
         'and is referenced as at sign-in');
my (undef, $garbage) = open_answer($answer, "\x01" x 24);
ok t_cmp(defined $garbage && $garbage !~ /RequestSecurityToken/ ? 1 : 0, 1, 'another secret does not read it');

# the new ticket is alice's, for contacts.msn.com only
my ($ticket) = $bst =~ /^t=([^&]+)/;
my $v = POST('/verify', [ ticket => $bst, audience => 'contacts.msn.com' ]);
ok t_cmp($v->code, 200, '/verify: the renewed ticket is valid for contacts.msn.com');
ok t_cmp($v->content, qr/"puid":"0123456789ABCDEF","signin":"alice\@example\.com"/, 'for the account the legacy token named');
$v = POST('/verify', [ ticket => $bst, audience => 'messenger.msn.com' ]);
ok t_cmp($v->content, qr/"valid":false,"reason":"bad-audience"/, 'and not for messenger.msn.com');
$v = POST('/verify', [ ticket => $fresh_cipher, audience => 'http://Passport.NET/tb' ]);
ok t_cmp($v->code, 200, 'the fresh legacy token verifies too');

# ---- renew again, with the fresh legacy token ---------------------------

$res = renew_post(renewal($fresh_cipher, $fresh_secret, 0, 'messengerclear.live.com', 'MBI_KEY_OLD'));
my (undef, $plain2) = open_answer($res->content, $fresh_secret);
($text) = ($plain2 // '') =~ /\A([^\0]*)\0+\z/;
$px = xpc(eval { XML::LibXML->load_xml(string => $text // '') } // XML::LibXML::Document->new);
my ($clear) = $px->findnodes('//wst:RequestSecurityTokenResponse[wsp:AppliesTo/wsa:EndpointReference/wsa:Address="messengerclear.live.com"]');
ok t_cmp($clear ? 1 : 0, 1, 'renewed again with the fresh legacy token: messengerclear.live.com');
my $clear_token = $clear ? $px->findvalue('wst:RequestedSecurityToken/wsse:BinarySecurityToken', $clear) : '';
my $clear_secret = $clear ? $px->findvalue('wst:RequestedProofToken/wst:BinarySecret', $clear) : '';
ok t_cmp(length(decode_base64($clear_secret)), 24, 'MBI_KEY_OLD: with its BinarySecret, as at sign-in');
my ($clear_t) = $clear_token =~ /^t=([^&]+)/;
ok t_cmp(encode_base64(derived_secret($clear_t // ''), ''), $clear_secret, 'derivable from its ticket');
($res) = renew_post(renewal($cipher, $secret, 2, 'contacts.msn.com', 'MBI'));
ok t_cmp((open_answer($res->content, $secret))[1] // '', qr/contacts\.msn\.com/,
         'the first legacy token renews too, until it expires');

# ---- what else is checked as at sign-in ---------------------------------

$res = renew_post(renewal($cipher, $secret, 3, 'messengersecure.live.com', 'MBI_SSL'));
ok t_cmp((fault_of($res->content))[1], qr/MBI_SSL is only issued over HTTPS/, 'MBI_SSL over plain HTTP: S:Client');
my ($code, $head, $tls) = https_request(path => '//RST.srf',
    body => renewal($cipher, $secret, 3, 'messengersecure.live.com', 'MBI_SSL'));
ok t_cmp((open_answer($tls, $secret))[1] // '', qr{<wsa:Address>messengersecure\.live\.com</wsa:Address>},
         'MBI_SSL over HTTPS: renewed');
$res = renew_post(renewal($cipher, $secret, 2, 'Directory.Services.Live.com', 'MBI'));
ok t_cmp((open_answer($res->content, $secret))[1] // '', qr{<wsa:Address>Directory\.Services\.Live\.com</wsa:Address>},
         'any address renews, as at sign-in (PassportService unset)');
(undef, undef, $tls) = https_request(vhost => 'p2p', path => '//RST.srf',
    body => renewal($cipher, $secret, 7, 'p2pslc.messenger.msn.com', 'MBI_X509_CID'));
ok t_cmp((fault_of($tls))[1], qr/certificates \(MBI_X509_CID\) are not issued on renewal/,
         'p2pslc on renewal (a realm with a CA, over HTTPS): S:Client, sign in with the password');

# ---- refusals: the sign-in's authentication failure ---------------------

auth_failure(renew_post(renewal($cipher, $secret, 2, 'contacts.msn.com', 'MBI', tamper => 1)),
             'a tampered signature');
auth_failure(renew_post(renewal($cipher, "\x07" x 24, 2, 'contacts.msn.com', 'MBI')),
             'signed without the proof key');

# a legacy token of this realm that has expired: sealed offline, in the
# legacy (standard base64) encoding
my ($rc, $out) = admin('issue', '--key-file', "$t_dir/conf/keys/main.key", '--signin', 'alice@example.com',
                       '--puid', '81985529216486895', '--audience', 'http://Passport.NET/tb',
                       '--issued', time - 7200, '--lifetime', 3600);
my ($old) = $out =~ /^t=([^&]+)&/m;
(my $old_cipher = $old // '') =~ tr{-_}{+/};
$old_cipher .= '=' x (-length($old_cipher) % 4);
auth_failure(renew_post(renewal($old_cipher, derived_secret($old_cipher), 2, 'contacts.msn.com', 'MBI')),
             'an expired legacy token');
($rc, $out) = admin('issue', '--key-file', "$t_dir/conf/keys/main.key", '--signin', 'alice@example.com',
                    '--puid', '81985529216486895', '--audience', 'http://Passport.NET/tb', '--lifetime', 3600);
($old) = $out =~ /^t=([^&]+)&/m;
($old_cipher = $old // '') =~ tr{-_}{+/};
$old_cipher .= '=' x (-length($old_cipher) % 4);
ok t_cmp((open_answer(renew_post(renewal($old_cipher, derived_secret($old_cipher), 2, 'contacts.msn.com', 'MBI'))->content,
                      derived_secret($old_cipher)))[1] // '', qr/contacts\.msn\.com/,
         'the same, not expired: renewed (the refusal was the expiry)');

# another realm's legacy token: realm B (its own key) signs alice in
Apache::TestRequest::module('login_b');
$res = rst_post(rst_body('rst-msnp12.xml', 'alice@example.com', 'alice-pw,1'));
my ($b_cipher, $b_secret) = legacy_of($res->content);
my ($b_line) = grep { /^[A-Za-z0-9+\/]{43}=$/ } split /\n/, slurp("$t_dir/conf/keys/b.key");
ok t_cmp(encode_base64($b_secret, ''), encode_base64(derived_secret($b_cipher, $b_line), ''),
         "realm B's legacy token and secret");
$res = renew_post(renewal($b_cipher, $b_secret, 1, 'messenger.msn.com', '?id=507'));
ok t_cmp((open_answer($res->content, $b_secret))[1] // '', qr/messenger\.msn\.com/, 'renews in realm B');
Apache::TestRequest::module('default');
auth_failure(renew_post(renewal($b_cipher, $b_secret, 1, 'messenger.msn.com', '?id=507')),
             "realm B's legacy token in this realm");

# PassportClockSkew (a day by default) applies here too
auth_failure(renew_post(renewal($cipher, $secret, 2, 'contacts.msn.com', 'MBI', now => time - 2 * 86400)),
             'a timestamp two days old');
auth_failure(renew_post(renewal($cipher, $secret, 2, 'contacts.msn.com', 'MBI', now => time + 2 * 86400)),
             'a timestamp two days ahead');

# a contacts ticket is no legacy token, even signed with a key derived
# from it
(my $contacts_cipher = $ticket) =~ tr{-_}{+/};
$contacts_cipher .= '=' x (-length($contacts_cipher) % 4);
auth_failure(renew_post(renewal($contacts_cipher, derived_secret($contacts_cipher), 2, 'contacts.msn.com', 'MBI')),
             'a compact ticket offered as the legacy token');

# an account removed since its sign-in renews nothing
my $db = "$t_dir/var/accounts.db";
admin_stdin("gone-pw\n", '-p', $db, 'add', 'gone@example.com', '--puid', '4242');
$res = rst_post(rst_body('rst-msnp15.xml', 'gone@example.com', 'gone-pw'));
my ($g_cipher, $g_secret) = legacy_of($res->content);
admin('-p', $db, 'remove', 'gone@example.com');
auth_failure(renew_post(renewal($g_cipher // '', $g_secret // '', 2, 'contacts.msn.com', 'MBI')),
             'the account was removed');

# renewed tickets are recorded like a sign-in's (PassportTicketRecordQuery)
Apache::TestRequest::module('record');
(undef, my $rec_plain) = open_answer(renew_post(renewal($cipher, $secret, 2, 'contacts.msn.com', 'MBI'))->content, $secret);
Apache::TestRequest::module('default');
my ($rec_t) = ($rec_plain // '') =~ m{<wsse:BinarySecurityToken Id="Compact1">t=([^&]+)&amp;};
my ($rec_legacy) = ($rec_plain // '') =~ m{<CipherValue>([^<]+)</CipherValue>};
my @rows = map { chomp; [ split /\|/ ] } qx{sqlite3 '$db' "SELECT audience, signin FROM issued_tickets WHERE ticket IN ('${\ ($rec_t // 'x')}', '${\ canonical($rec_legacy // 'x')}') ORDER BY audience"};
ok t_cmp(join(' ', map { "$_->[0]:$_->[1]" } @rows), 'contacts.msn.com:alice@example.com http://Passport.NET/tb:alice@example.com',
         'a renewal records its tickets: the requested one and the fresh legacy token');

# ---- PassportSharedTicket On: the renewed tokens are one shared ticket --------

Apache::TestRequest::module('shared');
$res = rst_post(rst_body('rst-msnp15.xml', 'alice@example.com', 'alice-pw,1'));
my ($s_cipher, $s_secret) = legacy_of($res->content);
my ($s_compact) = $res->content =~ m{<wsse:BinarySecurityToken Id="Compact3">t=([^&]+)&amp;};
(undef, my $s_plain) = open_answer(renew_post(renewal($s_cipher, $s_secret, 2, 'contacts.msn.com', 'MBI'))->content,
                                   $s_secret);
my ($s_renewed) = ($s_plain // '') =~ m{<wsse:BinarySecurityToken Id="Compact1">(t=[^<]+)</wsse:BinarySecurityToken>};
(undef, $out) = admin('ticket', ($s_renewed // 'x') =~ s/&amp;/&/r, '--key-file', "$t_dir/conf/keys/main.key",
                      '--audience', 'contacts.msn.com');
ok t_cmp($out =~ /^status=ok\nversion=2\n/ && join(' ', $out =~ /^audiences=(.*)$/mg) eq 'contacts.msn.com' ? 1 : 0, 1,
         'shared vhost: the renewed contacts token is a shared ticket of the renewal\'s one address');
# a shared compact ticket is no legacy token, even signed with its own secret
(my $s_as_legacy = $s_compact // '') =~ tr{-_}{+/};
$s_as_legacy .= '=' x (-length($s_as_legacy) % 4);
auth_failure(renew_post(renewal($s_as_legacy, derived_secret($s_as_legacy), 2, 'contacts.msn.com', 'MBI')),
             'a shared compact ticket offered as the legacy token');
Apache::TestRequest::module('default');

# ---- malformed: S:Client ------------------------------------------------

$res = renew_post(renewal($cipher, $secret, 2, 'contacts.msn.com', 'MBI', drop => 'DerivedKeyToken'));
ok t_cmp((fault_of($res->content))[0], 'S:Client', 'no DerivedKeyToken: S:Client');
ok t_cmp((fault_of($res->content))[1], qr/names no wssc:DerivedKeyToken/, 'saying why');
$res = renew_post(renewal($cipher, $secret, 2, 'contacts.msn.com', 'MBI', nonce_b64 => 'not*base64'));
ok t_cmp((fault_of($res->content))[1], qr/wssc:Nonce is not base64/, 'a nonce that is not base64: S:Client');
(my $no_ts = renewal($cipher, $secret, 2, 'contacts.msn.com', 'MBI')) =~ s{<wsu:Timestamp .*?</wsu:Timestamp>}{};
$res = renew_post($no_ts);
ok t_cmp((fault_of($res->content))[1], qr/needs a wsu:Timestamp/, 'no timestamp: S:Client');

# the plan's notes are logged as a sign-in's are: an unknown policy
my $before = length error_log();
$res = renew_post(renewal($cipher, $secret, 2, 'contacts.msn.com', 'MBI_FUTURE'));
ok t_cmp((open_answer($res->content, $secret))[1] // '', qr/contacts\.msn\.com/,
         'a renewal with an unknown policy renews');
ok t_cmp(substr(error_log(), $before), qr/PP0507: RST: unknown policy 'MBI_FUTURE' for 'contacts\.msn\.com'/,
         'and logs it (PP0507), as a sign-in does');

# ---- the log: every refusal with its reason, never a token or key -------

my $log = error_log();
ok t_cmp($log, qr/PP0511: RST\.srf: 'alice\@example\.com' \(PUID 0123456789ABCDEF\) renewed contacts\.msn\.com with the legacy token/,
         'a renewal is logged');
for my $why ('the signature does not verify', 'the legacy token expired at',
             'the legacy token does not open in this realm', "wsu:Timestamp has expired",
             'is not a legacy token', "account no longer exists") {
    ok t_cmp($log, qr/PP0510: RST\.srf: renewal refused[^\n]*\Q$why\E/, "logged: $why");
}
ok t_cmp(index($log, canonical($cipher)) < 0 && index($log, $cipher) < 0
         && index($log, encode_base64($secret, '')) < 0 ? 1 : 0, 1,
         'neither the legacy token nor its secret is in the log');
