# passport-verify: the messenger server's question, every answer.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use Apache::TestRequest qw(GET POST);
use lib 't/lib';
use PassportTest qw(rst_body rst_post admin);

plan tests => 28;

my $key = Apache::Test::vars('t_dir') . '/conf/keys/main.key';

sub verify {
    my (%f) = @_;
    return POST '/verify', [ %f ];
}
sub json_field {
    my ($res, $name) = @_;
    return $res->content =~ /"\Q$name\E":(?:"([^"]*)"|(\w+))/ ? ($1 // $2) : undef;
}

# tokens from RST.srf (MSNP15)
my $body = rst_post(rst_body('rst-msnp15.xml', 'alice@example.com', 'alice-pw,1'))->content;
my ($clear) = $body =~ m{Id="Compact1">(t=[^<]+)</wsse:BinarySecurityToken>};
$clear =~ s/&amp;/&/g;
my ($secret) = ($body =~ m{<wst:BinarySecret>([^<]+)</wst:BinarySecret>}g)[1];
my ($contacts) = $body =~ m{Id="Compact3">t=([^&]+)&amp;};
my ($bare) = $clear =~ /^t=([^&]+)/;

my $res = verify(ticket => $clear, audience => 'messengerclear.live.com');
ok t_cmp($res->code, 200, 'valid: 200');
ok t_cmp(scalar $res->header('Content-Type'), qr{^application/json}, 'JSON');
ok t_cmp(json_field($res, 'valid'), 'true', 'valid: true');
ok t_cmp(json_field($res, 'puid'), '0123456789ABCDEF', 'the PUID in 16 hex digits');
ok t_cmp(json_field($res, 'signin'), 'alice@example.com', 'the sign-in name');
ok t_cmp(json_field($res, 'expires') > time ? 1 : 0, 1, 'the expiry');
ok t_cmp(index($res->content, $bare), -1, 'the ticket is never echoed');

$res = verify(ticket => $bare, audience => 'messengerclear.live.com');
ok t_cmp($res->code, 200, 'a bare ticket works too');

# each reason
$res = verify(ticket => $clear, audience => 'contacts.msn.com');
ok t_cmp($res->code, 403, 'another audience: 403');
ok t_cmp(json_field($res, 'reason'), 'bad-audience', 'bad-audience');
$res = verify(ticket => $contacts, audience => 'contacts.msn.com');
ok t_cmp($res->code, 200, 'the contacts ticket is good for contacts.msn.com');
(my $tampered = $bare) =~ s/^(.{30})(.)/$1 . ($2 eq 'A' ? 'B' : 'A')/e;
$res = verify(ticket => $tampered, audience => 'messengerclear.live.com');
ok t_cmp(json_field($res, 'reason'), 'bad-signature', 'tampered: bad-signature');
$res = verify(ticket => 't=not-a-ticket&p=X', audience => 'messengerclear.live.com');
ok t_cmp(json_field($res, 'reason'), 'malformed', 'junk: malformed');
my (undef, $old) = admin('issue', '--key-file', $key, '--signin', 'alice@example.com',
    '--puid', '81985529216486895', '--audience', 'messengerclear.live.com',
    '--issued', time - 7200, '--lifetime', 3600);
chomp $old;
$res = verify(ticket => $old, audience => 'messengerclear.live.com');
ok t_cmp(json_field($res, 'reason'), 'expired', 'expired');
my (undef, $foreign) = admin('issue', '--key-file', $key, '--signin', 'alice@example.com',
    '--puid', '1', '--audience', 'messengerclear.live.com', '--realm', 'Realm.B');
chomp $foreign;
$res = verify(ticket => $foreign, audience => 'messengerclear.live.com');
ok t_cmp(json_field($res, 'reason'), 'bad-signature', 'another realm: bad-signature');

# MBI: answers computed here, both paddings
my $nonce = join '', map { ('A' .. 'Z')[int rand 26] } 1 .. 64;
my (undef, $purple) = admin('mbi-blob', '--secret', $secret, '--nonce', $nonce);
my (undef, $amsn) = admin('mbi-blob', '--secret', $secret, '--nonce', $nonce, '--amsn');
chomp($purple, $amsn);
$res = verify(ticket => $clear, audience => 'messengerclear.live.com', nonce => $nonce, mbi => $purple);
ok t_cmp($res->code, 200, 'libpurple-style MBI answer accepted');
ok t_cmp(json_field($res, 'mbi'), 'ok', 'mbi: ok');
$res = verify(ticket => $clear, audience => 'messengerclear.live.com', nonce => $nonce, mbi => $amsn);
ok t_cmp($res->code, 200, 'aMSN-style MBI answer accepted');
$res = verify(ticket => $clear, audience => 'messengerclear.live.com', nonce => 'B' x 64, mbi => $purple);
ok t_cmp(json_field($res, 'reason'), 'bad-mbi', 'wrong nonce: bad-mbi');
(my $bad_blob = $purple) =~ s/^(.{80})(.)/$1 . ($2 eq 'A' ? 'B' : 'A')/e;
$res = verify(ticket => $clear, audience => 'messengerclear.live.com', nonce => $nonce, mbi => $bad_blob);
ok t_cmp(json_field($res, 'reason'), 'bad-mbi', 'tampered blob: bad-mbi');

# requests that are not questions
$res = verify(ticket => $clear);
ok t_cmp($res->code, 400, 'no audience: 400');
ok t_cmp(json_field($res, 'reason'), 'bad-request', 'bad-request');
$res = verify(audience => 'x');
ok t_cmp($res->code, 400, 'no ticket: 400');
$res = verify(ticket => $clear, audience => 'messengerclear.live.com', nonce => $nonce);
ok t_cmp($res->code, 400, 'a nonce without mbi: 400');
$res = POST '/verify', content => 'ticket=x&audience=y', 'Content-Type' => 'text/plain';
ok t_cmp($res->code, 400, 'not a form: 400');
$res = GET '/verify';
ok t_cmp($res->code, 405, 'GET: 405');

# Apache's access control in front of it
$res = POST '/verify-closed', [ ticket => $clear, audience => 'messengerclear.live.com' ];
ok t_cmp($res->code, 403, 'closed by Require ip: 403 from Apache');
ok t_cmp($res->content =~ /"valid"/ ? 1 : 0, 0, 'and no verification happened');
