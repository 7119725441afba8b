# A partner location without PassportPartnerAudience accepts only
# tickets issued for this server's own name (ServerName), never for the
# name the client puts in Host: a ticket for messenger.msn.com (which
# every login2.srf sign-in returns) must not open a partner site whose
# vhost also answers to that Host.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use Apache::TestRequest qw(GET);
use lib 't/lib';
use PassportTest qw(p14_header from_pp admin);

plan tests => 7;

my $key = Apache::Test::vars('t_dir') . '/conf/keys/main.key';
my $own = lc Apache::Test::vars('servername');

sub issue {
    my ($audience) = @_;
    my (undef, $t) = admin('issue', '--key-file', $key, '--signin', 'alice@example.com',
                           '--puid', '81985529216486895', '--audience', $audience);
    chomp $t;
    return $t;
}

# the swap: a real messenger ticket from login2.srf, presented with a
# Host header that names its audience
my $messenger = from_pp(GET '/login2.srf',
    Authorization => p14_header(signin => 'alice@example.com', pwd => 'alice-pw,1'));
ok t_cmp($messenger // '', qr/^t=/, 'a messenger.msn.com ticket from login2.srf');
my $res = GET '/partner-default/env', Host => 'messenger.msn.com',
    Authorization => "Passport1.4 from-PP='$messenger'", redirect_ok => 0;
ok t_cmp($res->code, 302, 'Host: messenger.msn.com does not make it a partner ticket here');

$res = GET '/partner-default/env', Host => 'messenger.msn.com',
    Authorization => 'Passport1.4 from-PP=' . issue($own), redirect_ok => 0;
ok t_cmp($res->code, 200, "a ticket for the ServerName ($own) passes, whatever the Host");
ok t_cmp($res->content, qr/^PASSPORT_AUDIENCE=\Q$own\E$/m, 'its audience is the ServerName');

$res = GET '/partner-default/env', Host => 'evil.example',
    Authorization => 'Passport1.4 from-PP=' . issue('evil.example'), redirect_ok => 0;
ok t_cmp($res->code, 302, 'a ticket for the Host the client sent is refused');

# the challenge's ru is the page asked for, query string included, so
# that the user comes back to it (MS-PASS 4, steps 2 and 6)
$res = GET '/partner-default/env?page=2&x=%2F', redirect_ok => 0;
ok t_cmp($res->code, 302, 'no ticket: challenged');
ok t_cmp(scalar $res->header('WWW-Authenticate'), qr{ru=http%3A%2F%2F[^,]+%2Fpartner-default%2Fenv%3Fpage%3D2%26x%3D%252F,},
         'ru: the deep link, query string and all');
