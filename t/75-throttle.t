# PassportThrottle and PassportThrottleAccount (docs/directives.md): a
# guessed account is refused from the guessing address after FAILURES
# failures, with the endpoint's ordinary failure answer and without its
# password being checked; login2.srf, RST.srf, RST2.srf and renewal share
# the counts; a success clears only its own pair; the window closes; the
# account-wide limit adds up several addresses. Client addresses come
# from X-Test-Client (mod_remoteip in the test vhosts), so each case
# has addresses of its own.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use Apache::TestRequest ();
use Time::HiRes qw(time sleep);
use lib 't/lib';
use PassportTest qw(p14_header rst_body rst2_body rst_fault error_log);
use PassportRenew qw(legacy_of renewal);

plan tests => 56;

sub login {
    my ($who, $pw, $addr) = @_;
    return Apache::TestRequest::GET('/login2.srf',
        Authorization => p14_header(signin => $who, pwd => $pw), 'X-Test-Client' => $addr);
}
sub post {
    my ($path, $type, $body, $addr) = @_;
    return Apache::TestRequest::POST($path, 'Content-Type' => $type, 'X-Test-Client' => $addr,
                                     content => $body);
}
sub rst  { post('/RST.srf', 'text/xml; charset=utf-8', rst_body('rst-msnp15.xml', $_[0], $_[1]), $_[2]) }
sub rst2 { post('/RST2.srf', 'application/soap+xml; charset=utf-8', rst2_body($_[0], $_[1]), $_[2]) }
sub challenge { scalar($_[0]->header('WWW-Authenticate')) // '' }
sub signed_in { $_[0]->code == 200 && ($_[0]->header('Authentication-Info') // '') =~ /da-status=success/ ? 1 : 0 }
sub refused_rst { (rst_fault($_[0]->content))[0] eq 'wsse:FailedAuthentication' ? 1 : 0 }
sub issued { $_[0]->content =~ /<wst:RequestSecurityTokenResponseCollection/ ? 1 : 0 }

my $mark = 0;
sub mark { $mark = length error_log() }
sub since { substr(error_log(), $mark) }

Apache::TestRequest::module('throttle');

# ---- one account from one address -----------------------------------------
my $A = '192.0.2.10';
my $wrong = login('sha@example.com', 'nope', $A);
my $wrong_challenge = challenge($wrong);
ok t_cmp($wrong_challenge, qr/da-status=failed,.*prompt/, 'a wrong password: failed, prompt');
login('sha@example.com', 'nope2', $A);
mark();
login('sha@example.com', 'nope3', $A);
ok t_cmp(since(), qr/PP0411: 'sha\@example\.com' from \Q$A\E reached PassportThrottle: 3 failed sign-ins from this address within 120 s; refused until /,
         'the third failure reaches the limit (PP0411)');

mark();
my $res = login('sha@example.com', 'sha-pw', $A);
ok t_cmp(signed_in($res), 0, 'the right password is refused now');
ok t_cmp($res->code, 401, 'with the ordinary failure answer: 401');
ok t_cmp(challenge($res), $wrong_challenge, 'the very challenge of a wrong password');
my $log = since();
ok t_cmp($log, qr/PP0410: sign-in refused for 'sha\@example\.com' from \Q$A\E: throttled by PassportThrottle \(3 failed sign-ins from this address within 120 s\) until .*; the credential was not checked/,
         'logged under its own tag, with the address (PP0410)');
ok t_cmp($log =~ /PP040[23]/ ? 'checked' : 'not checked', 'not checked',
         'no password check was made (no PP0402/PP0403)');

ok t_cmp(signed_in(login('sha@example.com', 'sha-pw', '192.0.2.11')), 1,
         'the same account from another address signs in');
ok t_cmp(signed_in(login('apr1@example.com', 'apr1-pw', $A)), 1,
         'another account from the throttled address signs in');

# every endpoint that checks a password refuses it too
$res = rst('sha@example.com', 'sha-pw', $A);
ok t_cmp(refused_rst($res), 1, 'RST.srf: wsse:FailedAuthentication for the right password');
ok t_cmp(since(), qr/PP0410: sign-in refused for 'sha\@example\.com' from \Q$A\E/, 'RST.srf: PP0410');
$res = rst2('sha@example.com', 'sha-pw', $A);
ok t_cmp($res->content, qr/FailedAuthentication/, 'RST2.srf: FailedAuthentication too');
ok t_cmp(issued($res), 0, 'RST2.srf: and no token');

# ---- the endpoints share one count ----------------------------------------
my $C = '192.0.2.12';
ok t_cmp(challenge(login('crypt@example.com', 'no1', $C)), qr/da-status=failed/, 'login2.srf: a failure');
ok t_cmp(refused_rst(rst('crypt@example.com', 'no2', $C)), 1, 'RST.srf: a failure');
ok t_cmp(rst2('crypt@example.com', 'no3', $C)->content, qr/FailedAuthentication/, 'RST2.srf: a failure');
mark();
ok t_cmp(signed_in(login('crypt@example.com', 'crypt-pw', $C)), 0,
         'the three add up: the right password is refused on login2.srf');
ok t_cmp(since(), qr/PP0410: sign-in refused for 'crypt\@example\.com' from \Q$C\E/, 'PP0410');

# ---- a success clears its own pair only ------------------------------------
my $D = '192.0.2.13';
login('apr1@example.com', 'no', $D) for 1 .. 2;
login('demo@example.com', 'no', $D) for 1 .. 2;
ok t_cmp(signed_in(login('demo@example.com', 'demo-pw', $D)), 1, 'demo signs in after two failures');
login('apr1@example.com', 'no', $D);
ok t_cmp(signed_in(login('apr1@example.com', 'apr1-pw', $D)), 0,
         "demo's success did not clear apr1's failures from the address");
login('demo@example.com', 'no', $D) for 1 .. 2;
ok t_cmp(signed_in(login('demo@example.com', 'demo-pw', $D)), 1,
         "demo's success cleared its own count: two more failures are not three");

# ---- unknown names are counted as known ones are ----------------------------
my $E = '192.0.2.14';
my @u = map { challenge(login('nobody@example.com', "x$_", $E)) } 1 .. 3;
ok t_cmp($u[0], $wrong_challenge, 'an unknown name: the answer of a wrong password');
mark();
$res = login('nobody@example.com', 'x4', $E);
ok t_cmp(challenge($res), $wrong_challenge, 'throttled, still the same answer');
ok t_cmp(since(), qr/PP0410: sign-in refused for 'nobody\@example\.com' from \Q$E\E/,
         'an unknown name is throttled like a known one');
ok t_cmp(since() =~ /PP0401/ ? 1 : 0, 0, 'without its dummy check (no PP0401)');

# ---- renewal ------------------------------------------------------------------
my $F = '192.0.2.15';
$res = rst('sha@example.com', 'sha-pw', $F);
my ($cipher, $secret) = legacy_of($res->content);
ok t_cmp(defined $cipher && length $secret == 24 ? 1 : 0, 1, 'a sign-in hands out the legacy token');
sub renew { post('/RST.srf', 'text/xml; charset=utf-8', renewal($cipher, $secret, 1, 'messenger.msn.com', 'MBI', %{ $_[1] // {} }), $_[0]) }
$res = renew($F);
ok t_cmp(issued($res) || $res->content =~ /EncryptedData/ ? 1 : 0, 1, 'and it renews');
for my $i (1 .. 3) {
    mark();
    ok t_cmp(refused_rst(renew($F, { tamper => 1 })), 1, "a renewal with a bad signature ($i) fails");
}
ok t_cmp(since(), qr/PP0411: 'sha\@example\.com' from \Q$F\E reached PassportThrottle/,
         'failed renewals count for the legacy token\'s account, from that address');
mark();
$res = renew($F);
ok t_cmp(refused_rst($res), 1, 'a good renewal is refused now');
ok t_cmp(since(), qr/PP0410: renewal refused for 'sha\@example\.com' from \Q$F\E: throttled by PassportThrottle/,
         'as a throttled renewal (PP0410)');
ok t_cmp(since() =~ /PP0511/ ? 1 : 0, 0, 'nothing was renewed');
ok t_cmp(refused_rst(rst('sha@example.com', 'sha-pw', $F)), 1,
         'and the password from that address is refused too');
$res = renew('192.0.2.16');
ok t_cmp($res->content =~ /EncryptedData/ ? 1 : 0, 1, 'from another address the renewal works');

# ---- the window closes ----------------------------------------------------------
Apache::TestRequest::module('throttle_window');
my $H = '192.0.2.17';
my $t0 = time;
login('sha@example.com', 'no', $H) for 1 .. 2;
$res = login('sha@example.com', 'sha-pw', $H);
my $in_window = time - $t0 < 2.5;
ok t_cmp($in_window ? signed_in($res) : 0, 0, 'PassportThrottle 2 3: refused after two failures');
sleep(3.2 - (time - $t0)) if time - $t0 < 3.2;
ok t_cmp(signed_in(login('sha@example.com', 'sha-pw', $H)), 1, 'signs in once the 3 s window has closed');
login('sha@example.com', 'no', $H);
ok t_cmp(signed_in(login('sha@example.com', 'sha-pw', $H)), 1,
         'the success cleared the count: one failure in the new window is not two');

# ---- PassportThrottleAccount: every address adds up ------------------------------
Apache::TestRequest::module('throttle_account');
my @addrs = ('198.51.100.1', '198.51.100.2', '198.51.100.3');
ok t_cmp(challenge(login('apr1@example.com', 'no', $_)), qr/da-status=failed/, "a failure from $_") for @addrs;
mark();
$res = login('apr1@example.com', 'apr1-pw', '198.51.100.4');
ok t_cmp(signed_in($res), 0, 'three failures from three addresses: refused from a fourth');
ok t_cmp(challenge($res), qr/da-status=failed,.*prompt/, 'with the ordinary failure answer');
ok t_cmp(since(), qr/PP0410: sign-in refused for 'apr1\@example\.com' from 198\.51\.100\.4: throttled by PassportThrottleAccount \(3 failed sign-ins from any address within 120 s\)/,
         'PP0410 names PassportThrottleAccount');
ok t_cmp(signed_in(login('demo@example.com', 'demo-pw', '198.51.100.4')), 1,
         'another account from that address signs in');
ok t_cmp(refused_rst(rst('apr1@example.com', 'apr1-pw', '198.51.100.5')), 1,
         'RST.srf refuses the account from yet another address');
ok t_cmp(signed_in(login('apr1@example.com', 'apr1-pw', '198.51.100.1')), 0,
         'and so does login2.srf from the first');

# PassportThrottle off here: the throttle vhost's pair count for crypt
# from 192.0.2.12 (the same ids: same key and realm) refuses nothing
ok t_cmp(signed_in(login('crypt@example.com', 'crypt-pw', $C)), 1,
         'PassportThrottle off: a pair another vhost throttles signs in here');

# ---- the address is mod_remoteip's ----------------------------------------------
Apache::TestRequest::module('throttle');
my $G = '203.0.113.20';
login('pbkdf2@example.com', 'no', $G) for 1 .. 3;
ok t_cmp(signed_in(login('pbkdf2@example.com', 'pbkdf2-pw', $G)), 0, 'throttled from 203.0.113.20');
ok t_cmp(signed_in(login('pbkdf2@example.com', 'pbkdf2-pw', '203.0.113.21')), 1,
         'not from 203.0.113.21, behind the same proxy');
# ---- the main server: the default, 10 300, and 127.0.0.1 ---------------------
# (an unknown name, so that the other tests' accounts stay clear)
Apache::TestRequest::module('default');
sub main_login { Apache::TestRequest::GET('/login2.srf', 'X-Test-Client' => '192.0.2.99',
    Authorization => p14_header(signin => 'default-limit@example.com', pwd => $_[0])) }
mark();
main_login("nope$_") for 1 .. 9;
ok t_cmp(since(), qr/\[client 127\.0\.0\.1:\d+\] PP0401: sign-in failed for 'default-limit\@example\.com'/,
         'the main server has no RemoteIPHeader: the header counts for nothing, 127.0.0.1 does');
ok t_cmp(since() =~ /PP0411/ ? 1 : 0, 0, 'nine failures reach no limit');
mark();
main_login('nope10');
ok t_cmp(since(), qr/PP0411: 'default-limit\@example\.com' from 127\.0\.0\.1 reached PassportThrottle: 10 failed sign-ins from this address within 300 s/,
         'the tenth reaches the default limit');
mark();
ok t_cmp(challenge(main_login('nope11')), qr/da-status=failed,.*prompt/, 'the next one is refused');
ok t_cmp(since(), qr/PP0410: sign-in refused for 'default-limit\@example\.com' from 127\.0\.0\.1/, 'PP0410');
