# mod_passport's counters in mod_status (docs/directives.md,
# "Counters"): /server-status?auto has the seven lines, and each moves by
# exactly what a request does, whichever process serves it (each request
# here on a connection of its own); /server-status shows the section,
# per virtual host, with the store.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use Apache::TestRequest ();
use MIME::Base64 qw(encode_base64);
use lib 't/lib';
use PassportTest qw(p14_header rst_body rst_envelope https_request slurp);
use PassportRenew qw(legacy_of renewal);

my @NAMES = qw(PassportSignInsOK PassportSignInsFailed PassportSignInsThrottled
               PassportRenewals PassportFaults PassportCertificates PassportCacheHits);

plan tests => 2 + @NAMES + 9 * @NAMES + 4;

Apache::TestRequest::user_agent(keep_alive => 0, reset => 1);

sub counters {
    Apache::TestRequest::module('default');
    my $res = Apache::TestRequest::GET('/server-status?auto');
    my %c = $res->content =~ /^(Passport\w+): (\d+)$/mg;
    return ($res, \%c);
}

my ($res, $c) = counters();
ok t_cmp($res->code, 200, '/server-status?auto');
ok t_cmp(join(' ', grep { exists $c->{$_} } @NAMES), join(' ', @NAMES), 'has the seven lines');
ok t_cmp($c->{$_} // '', qr/^\d+$/, "$_ is a number") for @NAMES;

# Run what a step does, then compare every counter with what it must
# have moved by.
sub step {
    my ($what, $code, %want) = @_;
    my (undef, $before) = counters();
    $code->();
    my (undef, $after) = counters();
    for my $n (@NAMES) {
        ok t_cmp(($after->{$n} // 0) - ($before->{$n} // 0), $want{$n} // 0, "$what: $n");
    }
}
sub login {
    my ($vhost, $who, $pw, $addr) = @_;
    Apache::TestRequest::module($vhost);
    return Apache::TestRequest::GET('/login2.srf', ($addr ? ('X-Test-Client' => $addr) : ()),
        Authorization => p14_header(signin => $who, pwd => $pw));
}
sub rst {
    my ($vhost, $body, $addr) = @_;
    Apache::TestRequest::module($vhost);
    return Apache::TestRequest::POST('/RST.srf', 'Content-Type' => 'text/xml',
        ($addr ? ('X-Test-Client' => $addr) : ()), content => $body);
}

step('a sign-in', sub { login('default', 'sha@example.com', 'sha-pw') },
     PassportSignInsOK => 1);
step('a wrong password and an unknown name', sub {
        login('default', 'sha@example.com', 'nope');
        login('default', 'nobody@example.com', 'nope');
     }, PassportSignInsFailed => 2);
step('three failures and a throttled sign-in', sub {
        login('throttle', 'apr1@example.com', 'nope', '203.0.113.74') for 1 .. 3;
        login('throttle', 'apr1@example.com', 'apr1-pw', '203.0.113.74');
     }, PassportSignInsFailed => 3, PassportSignInsThrottled => 1);
my ($cipher, $secret);
step('an RST.srf sign-in', sub {
        ($cipher, $secret) = legacy_of(rst('default', rst_body('rst-msnp15.xml', 'sha@example.com', 'sha-pw'))->content);
     }, PassportSignInsOK => 1);
step('a renewal', sub { rst('default', renewal($cipher, $secret, 1, 'messenger.msn.com', 'MBI')) }, PassportRenewals => 1);
step('a renewal with a bad signature', sub { rst('default', renewal($cipher, $secret, 1, 'messenger.msn.com', 'MBI', tamper => 1)) },
     PassportSignInsFailed => 1, PassportFaults => 1);
step('faults: a malformed request and a wrong password', sub {
        rst('default', '<not xml');
        rst('default', rst_body('rst-msnp15.xml', 'sha@example.com', 'nope'));
     }, PassportFaults => 2, PassportSignInsFailed => 1);
my $tmp = Apache::Test::vars('t_logs');
system("openssl req -new -newkey rsa:1024 -nodes -sha1 -subj /CN=MSIDCRL -keyout $tmp/status.key "
       . "-outform DER -out $tmp/status.csr 2>/dev/null") == 0 or die "openssl req failed\n";
my $csr = encode_base64(slurp("$tmp/status.csr"), '');
step('a p2pslc certificate', sub {
        https_request(vhost => 'p2p', path => '/RST.srf',
                      body => rst_envelope('alice@example.com', 'alice-pw,1',
                                           ['p2pslc.messenger.msn.com', 'MBI_X509_CID', $csr]));
     }, PassportSignInsOK => 1, PassportCertificates => 1);
step('a credential-cache miss, then a hit', sub {
        login('credcache', 'sha@example.com', 'sha-pw') for 1 .. 2;
     }, PassportSignInsOK => 2, PassportCacheHits => 1);

# the page
Apache::TestRequest::module('default');
$res = Apache::TestRequest::GET('/server-status');
my $page = $res->content;
ok t_cmp($page, qr{<h2><a name="passport">mod_passport</a></h2>}, 'the page has a mod_passport section');
ok t_cmp($page, qr{<th title="PassportSignInsOK">Sign-ins OK</th>}, 'its columns carry the ?auto names');
ok t_cmp($page, qr{<tr><td>credcache\.example\.test(?::\d+)?, since restart</td><td>\d+</td><td>\d+</td><td>\d+</td><td>\d+</td><td>\d+</td><td>\d+</td><td>[1-9]\d*</td></tr>},
         'a row per virtual host: credcache has its cache hits');
ok t_cmp($page, qr{PassportCache <code>shmcb</code>: in use}, 'and the store');
