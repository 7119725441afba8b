# PassportClockSkew: how far a client's clock may be off in the times it
# sends (wsu:Timestamp). By default a day either way, so retro machines
# with a wrong time zone sign in; 0 turns the check off. A ticket's
# expiry is the server's own clock and takes no skew.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use Apache::TestRequest ();
use Time::Local qw(timegm);
use lib 't/lib';
use PassportTest qw(rst_body rst_post);

plan tests => 9;

sub stamp {
    my @t = gmtime shift;
    return sprintf '%04d-%02d-%02dT%02d:%02d:%02dZ', $t[5] + 1900, $t[4] + 1, @t[3, 2, 1, 0];
}
# an MSNP15 sign-in whose client clock reads now + $off seconds
sub signin_at {
    my ($off) = @_;
    my $d = rst_body('rst-msnp15.xml', 'alice@example.com', 'alice-pw,1');
    my ($c, $e) = (stamp(time + $off), stamp(time + $off + 300));
    $d =~ s{</wsse:UsernameToken>}{</wsse:UsernameToken><wsu:Timestamp Id="Timestamp"><wsu:Created>$c</wsu:Created><wsu:Expires>$e</wsu:Expires></wsu:Timestamp>}
        or die 'no UsernameToken';
    return rst_post($d)->content;
}
my $OK = qr/<psf:authstate>0x48803</;

Apache::TestRequest::module('default');
ok t_cmp(signin_at(-10 * 3600), $OK, 'default: a clock ten hours slow signs in');
ok t_cmp(signin_at(20 * 3600), $OK, 'default: a clock twenty hours fast signs in');
ok t_cmp(signin_at(-2 * 86400), qr/Timestamp has expired \(PassportClockSkew\)/, 'default: two days slow is refused');
ok t_cmp(signin_at(2 * 86400), qr/Timestamp is in the future \(PassportClockSkew\)/, 'default: two days fast is refused');
my $body = signin_at(20 * 3600);
# the messengerclear token's (the legacy token lives longer, on purpose)
my @e = $body =~ m{<wsa:Address>messengerclear\.live\.com</wsa:Address>.*?<wsu:Expires>(\d+)-(\d+)-(\d+)T(\d+):(\d+):(\d+)Z</wsu:Expires>};
my $expires = timegm($e[5], $e[4], $e[3], $e[2], $e[1] - 1, $e[0]);
ok t_cmp(abs($expires - (time + 3600)) <= 5 ? 1 : 0, 1, "a ticket's expiry is the server's clock + lifetime, whatever the client's");

Apache::TestRequest::module('skew_short');
ok t_cmp(signin_at(-120), $OK, 'PassportClockSkew 300: two minutes off signs in');
ok t_cmp(signin_at(-3600), qr/Timestamp has expired/, 'PassportClockSkew 300: an hour slow is refused');

Apache::TestRequest::module('skew_off');
ok t_cmp(signin_at(-30 * 86400), $OK, 'PassportClockSkew 0: a month slow signs in (no check)');
ok t_cmp(signin_at(30 * 86400), $OK, 'PassportClockSkew 0: a month fast signs in');
