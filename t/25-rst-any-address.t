# RST.srf answers any address a client asks for: by default each gets a
# token whose audience is that address (lower-cased), so MSNPSharp's
# directory.services.live.com and rpstauth.live.com sign in. A realm
# that lists its addresses (PassportService) answers an unlisted one
# without a token, and signs the rest in: the unlisted response keeps
# the shape the clients' parsers need (shared/CLIENTS.md and the notes on
# libpurple, aMSN, MSNPSharp and msn-pecan). Policy names in any case;
# MBI_KEY gets the BinarySecret as MBI_KEY_OLD does; an unknown policy
# is logged.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use Apache::TestRequest qw(POST);
use lib 't/lib';
use PassportTest qw(rst_body rst_post admin error_log);

plan tests => 24;

my $key = Apache::Test::vars('t_dir') . '/conf/keys/main.key';

# one wst:RequestSecurityToken per [address, policy], after tb
sub request {
    my (@items) = @_;
    my $d = rst_body('rst-msnp15.xml', 'alice@example.com', 'alice-pw,1');
    my $n = 0;
    my $rsts = join '', map {
        my ($addr, $policy) = @$_;
        $n++;
        qq{<wst:RequestSecurityToken Id="RST$n"><wst:RequestType>http://schemas.xmlsoap.org/ws/2004/04/security/trust/Issue</wst:RequestType>}
        . qq{<wsp:AppliesTo><wsa:EndpointReference><wsa:Address>$addr</wsa:Address></wsa:EndpointReference></wsp:AppliesTo>}
        . (defined $policy ? qq{<wsse:PolicyReference URI="$policy"/>} : '')
        . '</wst:RequestSecurityToken>'
    } @items;
    $d =~ s{(<wst:RequestSecurityToken\s+Id="RST1".*)(</ps:RequestMultipleSecurityTokens>)}{$rsts$2}s
        or die 'no RST1 in the template';
    return $d;
}
sub responses { return $_[0] =~ m{<wst:RequestSecurityTokenResponse>(.*?)</wst:RequestSecurityTokenResponse>}g }
sub ticket_of { return $_[0] =~ m{<wsse:BinarySecurityToken Id="Compact\d+">t=([^&<]+)&amp;} ? $1 : undef }
sub verify {
    my ($t, $aud) = @_;
    my $res = POST '/verify', [ ticket => $t, audience => $aud ];
    return $res->content =~ /"valid":true/ ? 'valid' : ($res->content =~ /"reason":"([^"]+)"/)[0];
}

# ---- the default: any address -------------------------------------------
my $body = rst_post(request(['directory.services.live.com', 'MBI'], ['rpstauth.live.com', 'MBI'],
                            ['Contacts.MSN.com', 'MBI'], ['voice.messenger.msn.com', '?id=507']))->content;
ok t_cmp($body, qr/<psf:authstate>0x48803</, "MSNPSharp's addresses and others: signed in");
my @r = responses($body);
ok t_cmp(scalar @r, 5, 'a response for each address');
for my $i (1 .. 4) {
    my ($addr) = $r[$i] =~ m{<wsa:Address>([^<]+)</wsa:Address>};
    my $t = ticket_of($r[$i]);
    ok t_cmp(verify($t // 'x', lc $addr), 'valid', "$addr: a ticket for that address (lower-cased)");
}
ok t_cmp(verify(ticket_of($r[1]), 'rpstauth.live.com'), 'bad-audience', 'and for no other');

# ---- policies --------------------------------------------------------------
$body = rst_post(request(['messengerclear.live.com', 'MBI_KEY'], ['sup.live.com', 'mbi_key_old'],
                         ['storage.live.com', 'MBI_FUTURE'], ['spaces.live.com', 'mbi']))->content;
@r = responses($body);
for my $i (1, 2) {
    my ($secret) = $r[$i] =~ m{<wst:BinarySecret>([^<]+)</wst:BinarySecret>};
    my (undef, $out) = admin('ticket', ticket_of($r[$i]), '--key-file', $key);
    my ($derived) = $out =~ /^mbi-secret=(\S+)$/m;
    ok t_cmp($secret // '', $derived, ($i == 1 ? 'MBI_KEY' : 'mbi_key_old') . ': the BinarySecret, re-derivable');
}
ok t_cmp($r[4] =~ /BinarySecret/ ? 1 : 0, 0, 'MBI (any case): no BinarySecret');
ok t_cmp(defined ticket_of($r[3]) ? 1 : 0, 1, 'an unknown policy still gets a token');
ok t_cmp(error_log() =~ /PP0507: RST: unknown policy 'MBI_FUTURE' for 'storage\.live\.com'/ ? 1 : 0, 1,
         'and is logged');

# ---- a realm with a list: one unlisted address fails no other ------------
Apache::TestRequest::module('login_b');
$body = rst_post(request(['messenger.msn.com', '?id=507'], ['unlisted.example.com', 'MBI'],
                         ['messengerclear.live.com', 'MBI_KEY_OLD']))->content;
ok t_cmp($body, qr/<psf:authstate>0x48803</, 'login_b: signed in despite an unlisted address');
@r = responses($body);
ok t_cmp(scalar @r, 4, 'four responses, in request order');
my $un = $r[2];
ok t_cmp($un, qr{<wsa:Address>unlisted\.example\.com</wsa:Address>}, 'the unlisted one names its address');
ok t_cmp(ticket_of($un) // '', '', 'and carries no ticket');
# MSNPSharp maps by Address and needs AppliesTo, RequestedSecurityToken and
# a Lifetime whose times are exactly yyyy-MM-ddTHH:mm:ssZ
ok t_cmp($un, qr{^<wst:TokenType>urn:passport:compact</wst:TokenType><wsp:AppliesTo [^>]*><wsa:EndpointReference><wsa:Address>}, 'MSNPSharp: AppliesTo');
ok t_cmp($un, qr{<wst:RequestedSecurityToken><wsse:BinarySecurityToken/></wst:RequestedSecurityToken>}, 'MSNPSharp: an (empty) RequestedSecurityToken');
ok t_cmp($un, qr{<wst:LifeTime><wsu:Created>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ</wsu:Created><wsu:Expires>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ</wsu:Expires></wst:LifeTime>}, 'MSNPSharp: exact times');
# aMSN reads a fault inside a response, and fails the sign-in only on
# wsse:FailedAuthentication; msn-pecan and libpurple look tokens up by Id
ok t_cmp($un, qr{<S:Fault><faultcode>wst:InvalidScope</faultcode><faultstring>this realm does not serve 'unlisted\.example\.com' \(PassportService\)</faultstring></S:Fault>$},
         'aMSN: a fault of this response alone, not FailedAuthentication');
ok t_cmp($un =~ /Id="/ ? 1 : 0, 0, 'msn-pecan and libpurple: no Id, so no Compact<N> to find');
my @ids = $body =~ m{<wsse:BinarySecurityToken Id="Compact(\d+)">}g;
ok t_cmp("@ids", '1 3', 'the other tokens keep the Compact<N> of their index (libpurple maps by it)');
ok t_cmp(verify(ticket_of($r[3]), 'messengerclear.live.com'), 'valid', 'and verify');
ok t_cmp(error_log() =~ /PP0508: RST: 'unlisted\.example\.com' is not a PassportService of this realm; answered without a token/ ? 1 : 0, 1,
         'the unlisted address is logged');
