# RST.srf tickets: each verifies for its own address only, expires in
# the future, and the MBI secret is re-derivable from its ticket, so a
# client's MBI answer can be checked later without shared state.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use Apache::TestRequest ();
use Time::Local qw(timegm);
use lib 't/lib';
use PassportTest qw(rst_body rst_post admin);

plan tests => 18;

my $key = Apache::Test::vars('t_dir') . '/conf/keys/main.key';
my $res = rst_post(rst_body('rst-msnp15.xml', 'alice@example.com', 'alice-pw,1'));
my $body = $res->content;

my ($legacy) = $body =~ m{<CipherValue>([^<]+)</CipherValue>};
my @compact = $body =~ m{<wsse:BinarySecurityToken Id="Compact(\d+)">t=([^&]+)&amp;p=[0-9A-F]{16}</wsse:BinarySecurityToken>}g;
my %ticket = @compact;            # index => ticket
my @secrets = $body =~ m{<wst:BinarySecret>([^<]+)</wst:BinarySecret>}g;
my @addresses = $body =~ m{<wsa:Address>([^<]+)</wsa:Address>}g;

ok t_cmp(join(',', sort keys %ticket), '1,2,3', 'Compact1..3, by index');
ok t_cmp(join(',', @addresses), 'http://Passport.NET/tb,messengerclear.live.com,messenger.msn.com,contacts.msn.com',
         'responses in request order');
ok t_cmp(scalar @secrets, 2, 'two BinarySecrets: legacy and MBI_KEY_OLD');

# every ticket verifies for its own audience, and not for another
my ($rc, $out) = admin('ticket', $legacy, '--key-file', $key, '--audience', 'http://Passport.NET/tb');
ok t_cmp($rc, 0, 'the legacy CipherValue is a ticket for http://Passport.NET/tb');
# xs:base64Binary, as XML Encryption wants it; its secret is the one of
# the ticket's canonical (base64url) text, handed out with it
ok t_cmp($legacy =~ m{\A[A-Za-z0-9+/]+={0,2}\z} && length($legacy) % 4 == 0 ? 1 : 0, 1,
         'the legacy CipherValue is standard base64 with padding');
my ($legacy_secret) = $out =~ /^mbi-secret=(\S+)$/m;
ok t_cmp($legacy_secret, $secrets[0], 'its BinarySecret is re-derivable from it');
for my $i (1 .. 3) {
    ($rc, $out) = admin('ticket', $ticket{$i}, '--key-file', $key, '--audience', $addresses[$i]);
    ok t_cmp($rc, 0, "Compact$i verifies for $addresses[$i]");
    my $other = $addresses[$i] eq 'contacts.msn.com' ? 'messenger.msn.com' : 'contacts.msn.com';
    ($rc, $out) = admin('ticket', $ticket{$i}, '--key-file', $key, '--audience', $other);
    ok t_cmp($out, qr/^status=bad-audience$/m, "Compact$i refused for $other");
}

# Expires is real and in the future: the tickets' after
# PassportTicketLifetime (3600 s), the legacy token's after its own
# lifetime (by default 7 ticket lifetimes), so that it can renew them
my @expires = map { my @t = /(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)Z/;
                    timegm($t[5], $t[4], $t[3], $t[2], $t[1] - 1, $t[0]) }
              $body =~ m{<wsu:Expires>([^<]+)</wsu:Expires>}g;
ok t_cmp(scalar(grep { $_ > time + 3000 && $_ <= time + 3601 } @expires[1 .. 3]), 3,
         'Expires is now + PassportTicketLifetime (3600 s)');
ok t_cmp($expires[0] > time + 25000 && $expires[0] <= time + 25201 ? 1 : 0, 1,
         'the legacy token expires after PassportLegacyTokenLifetime (7 x 3600 s)');
($rc, $out) = admin('ticket', $legacy, '--key-file', $key);
ok t_cmp($out =~ /^expires=(\d+)$/m ? $1 : 0, $expires[0], 'as sealed in it');

# the MBI_KEY_OLD secret is derived from the messengerclear ticket
($rc, $out) = admin('ticket', $ticket{1}, '--key-file', $key, '--audience', 'messengerclear.live.com');
my ($derived) = $out =~ /^mbi-secret=(\S+)$/m;
ok t_cmp($derived, $secrets[1], 'the BinarySecret is re-derivable from the ticket');

# a client answers the messenger server's nonce with it; the holder of
# the key checks the answer, both paddings, and refuses a wrong nonce
my $nonce = 'N' x 63 . '=';
my ($rc2, $blob) = admin('mbi-blob', '--secret', $secrets[1], '--nonce', $nonce);
chomp $blob;
($rc, $out) = admin('ticket', "t=$ticket{1}&p=X", '--key-file', $key, '--audience',
                    'messengerclear.live.com', '--nonce', $nonce, '--mbi', $blob);
ok t_cmp($out, qr/^mbi=ok$/m, 'the client MBI answer checks');
($rc, $out) = admin('ticket', 'verify', $ticket{1}, '--key-file', $key, '--nonce', 'M' x 64, '--mbi', $blob);
ok t_cmp($out, qr/^mbi=bad-mbi$/m, 'a wrong nonce is refused');
