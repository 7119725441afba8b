# PassportCredentialCache (docs/directives.md): a verified password is
# remembered, so the next sign-in skips the hash (PP0403 says "from the
# credential cache", counted as PassportCacheHits); every endpoint
# shares it; a failure is never cached; a password change and a removed
# account take effect at once, because the account row is read on every
# sign-in and the entry's id covers the stored hash. The credcache vhost
# reads t/var/credcache.db, a copy this test changes.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use Apache::TestRequest ();
use lib 't/lib';
use PassportTest qw(p14_header rst_body error_log admin admin_stdin);

plan tests => 21;

my $db = Apache::Test::vars('t_dir') . '/var/credcache.db';
my $mark = 0;
sub mark { $mark = length error_log() }
sub since { substr(error_log(), $mark) }
sub login { Apache::TestRequest::GET('/login2.srf',
    Authorization => p14_header(signin => $_[0], pwd => $_[1])) }
sub rst { Apache::TestRequest::POST('/RST.srf', 'Content-Type' => 'text/xml',
    content => rst_body('rst-msnp15.xml', $_[0], $_[1])) }
# How a sign-in went, from its answer and its log lines: 'miss' (the hash
# was checked), 'hit', 'failed', 'unknown'.
sub outcome {
    my ($code) = @_;
    my $log = since();
    return 'hit' if $code == 200 && $log =~ /PP0403: 'pbkdf2\@example\.com' signed in \(PUID [0-9A-F]+\), from the credential cache/;
    return 'miss' if $code == 200 && $log =~ /PP0403: 'pbkdf2\@example\.com' signed in \(PUID [0-9A-F]+\)$/m;
    return 'failed' if $log =~ /PP0402: sign-in failed for 'pbkdf2\@example\.com': wrong password/;
    return 'unknown' if $log =~ /PP0401: sign-in failed for 'pbkdf2\@example\.com': no such account/;
    return "? ($code) $log";
}
sub try_login { mark(); my $r = login(@_); outcome($r->code) }

Apache::TestRequest::module('credcache');

ok t_cmp(try_login('pbkdf2@example.com', 'pbkdf2-pw'), 'miss', 'the first sign-in checks the hash');
ok t_cmp(try_login('pbkdf2@example.com', 'pbkdf2-pw'), 'hit', 'the second one hits the cache');
ok t_cmp(try_login('pbkdf2@example.com', 'pbkdf2-pw'), 'hit', 'and the third');
mark();
my $res = rst('pbkdf2@example.com', 'pbkdf2-pw');
ok t_cmp($res->content, qr/<wst:RequestSecurityTokenResponseCollection/, 'RST.srf signs in');
ok t_cmp(outcome(200), 'hit', 'from the same cache entry');

# a failure is never cached, and does not spoil the entry
ok t_cmp(try_login('pbkdf2@example.com', 'wrong-pw'), 'failed', 'a wrong password fails');
ok t_cmp(try_login('pbkdf2@example.com', 'wrong-pw'), 'failed', 'and fails again, checked again');
ok t_cmp(try_login('pbkdf2@example.com', 'pbkdf2-pw'), 'hit', 'the right one still hits');
ok t_cmp(try_login('pbkdf2@example.com', 'PBKDF2-PW'), 'failed', 'a password that differs in case is not the cached one');

# another account's password is not this account's
ok t_cmp(login('apr1@example.com', 'pbkdf2-pw')->code, 401, "apr1 with pbkdf2's password fails");
ok t_cmp(login('apr1@example.com', 'apr1-pw')->code, 200, 'apr1 signs in with its own');

# a password change takes effect at once
my ($rc, $out) = admin_stdin("changed-pw\n", '-d', 'sqlite3', '-p', $db, 'passwd',
                             'pbkdf2@example.com', '--hash', 'sha1');
ok t_cmp($rc, 0, "passport-admin passwd ($out)");
ok t_cmp(try_login('pbkdf2@example.com', 'pbkdf2-pw'), 'failed', 'the old password fails at once');
ok t_cmp(try_login('pbkdf2@example.com', 'changed-pw'), 'miss', 'the new one is checked');
ok t_cmp(try_login('pbkdf2@example.com', 'changed-pw'), 'hit', 'and then cached');
ok t_cmp(try_login('pbkdf2@example.com', 'pbkdf2-pw'), 'failed', 'the old one still fails');

# a removed account is refused at once
($rc, $out) = admin('-d', 'sqlite3', '-p', $db, 'remove', 'pbkdf2@example.com');
ok t_cmp($rc, 0, "passport-admin remove ($out)");
ok t_cmp(try_login('pbkdf2@example.com', 'changed-pw'), 'unknown', 'a removed account is refused at once');
mark();
$res = rst('pbkdf2@example.com', 'changed-pw');
ok t_cmp($res->content, qr/wsse:FailedAuthentication/, 'on RST.srf too');
ok t_cmp(outcome(401), 'unknown', 'as an unknown name');

# with the cache off (the main server), nothing is remembered
Apache::TestRequest::module('default');
mark();
login('sha@example.com', 'sha-pw') for 1 .. 2;
ok t_cmp(since() =~ /from the credential cache/ ? 1 : 0, 0, 'PassportCredentialCache off: no hits');
