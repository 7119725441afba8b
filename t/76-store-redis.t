# PassportCache on Redis (mod_socache_redis, the throwaway redis-server
# t/TEST.PL starts): the throttle and the credential cache work through
# it; what it holds names no account, address or password; when Redis
# stops, sign-ins go on without throttling and one warning is logged
# (PP0420), and once it is back throttling resumes (PP0421).
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use Apache::TestRequest ();
use Time::HiRes qw(time sleep);
use lib 't/lib';
use PassportTest qw(p14_header error_log need_database);
use PassportRedis ();

plan tests => 20, Apache::Test::need(need_database('redis'));

my $top = Apache::Test::vars('top_dir');
my $mark = 0;
sub mark { $mark = length error_log() }
sub since { substr(error_log(), $mark) }
sub login {
    my ($who, $pw, $addr) = @_;
    return Apache::TestRequest::GET('/login2.srf', 'X-Test-Client' => $addr,
        Authorization => p14_header(signin => $who, pwd => $pw));
}
sub signed_in { $_[0]->code == 200 ? 1 : 0 }
# N failures then the right password, from addr: 1 if it was refused
sub throttles {
    my ($who, $pw, $addr, $n) = @_;
    login($who, "wrong-$_", $addr) for 1 .. $n;
    return signed_in(login($who, $pw, $addr)) ? 0 : 1;
}

Apache::TestRequest::module('redis');
ok t_cmp(PassportRedis::up($top) ? 1 : 0, 1, 'Redis answers');

# ---- through Redis ----------------------------------------------------------------
mark();
ok t_cmp(throttles('sha@example.com', 'sha-pw', '192.0.2.71', 3), 1,
         'three failures, then the right password is refused');
ok t_cmp(since(), qr/PP0410: sign-in refused for 'sha\@example\.com' from 192\.0\.2\.71: throttled by PassportThrottle/, 'PP0410');
ok t_cmp(signed_in(login('sha@example.com', 'sha-pw', '192.0.2.72')), 1, 'another address signs in');

mark();
login('apr1@example.com', 'apr1-pw', '192.0.2.73') for 1 .. 2;
ok t_cmp(since(), qr/PP0403: 'apr1\@example\.com' signed in \(PUID \w+\), from the credential cache/,
         'the credential cache works through Redis');

# what Redis holds
my $keys = PassportRedis::command($top, 'KEYS *');
my @keys = ref $keys ? @$keys : ();
ok t_cmp(scalar(@keys) >= 3 ? 1 : 0, 1, 'Redis holds the entries (' . scalar(@keys) . ' keys)');
ok t_cmp(scalar(grep { !/^mod_passport:[0-9a-f]{32}$/ } @keys), 0,
         'every key is mod_passport: and 32 hex digits');
ok t_cmp(scalar(grep { /sha|apr1|example|192/i } @keys), 0, 'no key names an account or an address');
my ($names, $ttl_ok) = (0, 0);
for my $k (@keys) {
    my $v = PassportRedis::command($top, "GET $k") // '';
    $names++ if $v =~ /example|192\.0\.2|pw/;
    my $ttl = PassportRedis::command($top, "TTL $k") // '';
    $ttl_ok++ if $ttl =~ /^:(\d+)/ && $1 > 0 && $1 <= 122;
}
ok t_cmp($names, 0, 'no value holds a name, an address or a password');
ok t_cmp($ttl_ok, scalar @keys, 'every entry expires with its window (at most 120 s + 2)');

# ---- Redis stops: sign-ins go on, unthrottled ---------------------------------------
PassportRedis::stop($top);
ok t_cmp(PassportRedis::up($top) ? 1 : 0, 0, 'Redis is stopped');
mark();
my $t0 = time;
ok t_cmp(throttles('crypt@example.com', 'crypt-pw', '192.0.2.74', 5), 0,
         'five failures, and the right password still signs in');
ok t_cmp(signed_in(login('crypt@example.com', 'crypt-pw', '192.0.2.74')), 1, 'and again');
login('crypt@example.com', "more-$_", '192.0.2.75') for 1 .. 10;
my $log = since();
ok t_cmp(scalar(() = $log =~ /PP0420: PassportCache 'redis:127\.0\.0\.1:\d+': a [\w-]+ failed; sign-ins go on without PassportThrottle/g), 1,
         'one warning (PP0420), however many sign-ins went on');
ok t_cmp($log =~ /PP0410/ ? 1 : 0, 0, 'nothing was throttled');
ok t_cmp($log =~ /PP0403: 'crypt\@example\.com' signed in \(PUID \w+\)$/m ? 1 : 0, 1,
         'the password was checked (no cache)');

# ---- Redis is back: throttling resumes ------------------------------------------------
PassportRedis::again($top);
ok t_cmp(PassportRedis::up($top) ? 1 : 0, 1, 'Redis is back');
mark();
# Sign-ins that only read the store (a right password, no failure to
# count or clear, no credential cache: the redis_read host) are enough
# to say it answers again.
my ($back, $reads) = (0, 0);
my $by = time + 30;
Apache::TestRequest::module('redis_read');
while (!$back && time < $by) {
    $reads++;
    login('crypt@example.com', 'crypt-pw', "203.0.113.$reads");
    $back = since() =~ /PP0421: PassportCache 'redis:127\.0\.0\.1:\d+' answers again/ ? 1 : 0;
    sleep 0.5 unless $back;
}
ok t_cmp($back, 1, "a look-up that works says it answers again (PP0421), after $reads sign-ins "
         . 'that wrote nothing');
Apache::TestRequest::module('redis');
mark();
my ($resumed, $n) = (0, 0);
my $until = time + 30;
while (!$resumed && time < $until) {
    $n++;
    $resumed = throttles('demo@example.com', 'demo-pw', "198.51.100.$n", 3);
    sleep 0.5 unless $resumed;
}
ok t_cmp($resumed, 1, "throttling resumes once Redis is back (after $n tries, "
         . sprintf('%.1f', time - $t0) . ' s since it stopped)');
ok t_cmp(since(), qr/PP0410: sign-in refused for 'demo\@example\.com' from 198\.51\.100\.$n/, 'PP0410 again');
