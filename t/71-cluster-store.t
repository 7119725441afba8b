# The cluster's shared store (docs/deployment.md): the nodes of
# scripts/cluster count failed sign-ins in the one Redis
# (PassportCache redis:..., PassportThrottle FAILURES SECONDS as
# conf/cluster-node.conf.in sets them), so
#   - failures on node A and node B add up to one throttle: FAILURES/2 on
#     each (which neither node alone would count to FAILURES) and the
#     right password is refused on both, with the ordinary failure answer
#     (login2.srf failed, RST.srf FailedAuthentication), logged with the
#     client's address (mod_remoteip) under a tag of its own, and counted
#     by each node's mod_status; another address still signs in;
#   - with Redis stopped, sign-ins go on without throttling and each node
#     warns (at most once a minute);
#   - with Redis started again, throttling is back.
# Skipped, saying why, only when the cluster's packages are missing.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok need);
use Apache::TestUtil qw(t_cmp t_debug);
use Time::HiRes qw(time sleep);
use lib 't/lib';
use PassportTest qw(rst_fault);
use PassportCluster ();

my $why = PassportCluster::missing();
plan tests => 22, need({ ($why || 'the shared store') => !$why });

my $template = do { open my $fh, '<', PassportCluster::top() . '/conf/cluster-node.conf.in' or die; local $/; <$fh> };
my ($FAILURES, $SECONDS) = $template =~ /^\s*PassportThrottle (\d+) (\d+)$/m
    or die 'conf/cluster-node.conf.in sets no PassportThrottle';
my $c = PassportCluster->start('71');
sub is_ok { my $ok = ok(t_cmp($_[0], $_[1], $_[2])); $c->keep unless $ok; $ok }

my @accounts = map { "store$_\@cluster.test" } 1 .. 4;
$c->add_account($_, 'right-pw') for @accounts;

# $n failed sign-ins for $who from $ip, alternating between the nodes
# (node A first); the answers' kinds ('failed' for a wrong password)
sub failures {
    my ($who, $ip, $n) = @_;
    return map {
        my $r = $c->sign_in($_ % 2 ? 'b' : 'a', $who, 'wrong-pw', $ip);
        ($r->header('WWW-Authenticate') // '') =~ /da-status=([\w-]+)/ ? $1 : $r->code;
    } 0 .. $n - 1;
}
sub refused { my $r = shift; $r->code == 401 && ($r->header('WWW-Authenticate') // '') =~ /da-status=failed,/ ? 'refused' : 'signed in (' . $r->code . ')' }
sub answer { my $r = shift; join "\n", $r->code, $r->header('WWW-Authenticate') // '', $r->header('Content-Type') // '', $r->content }
sub counter { my ($n, $name) = @_; $c->status($n)->{$name} }
sub redis_keys { my $p = $c->{redis_port}; my $k = `redis-cli -h 127.0.0.1 -p $p dbsize 2>/dev/null`; chomp $k; $k =~ /^\d+$/ ? $k : -1 }

# ---- failures on both nodes add up to one throttle ----------------------

my ($x1, $x2) = ('203.0.113.11', '203.0.113.12');
my $half = int($FAILURES / 2);
my $wrong_answer = answer($c->sign_in('a', $accounts[0], 'wrong-pw', $x1));
my @kinds = ('failed', failures($accounts[0], $x1, $FAILURES - 1));
is_ok(join(' ', @kinds), join(' ', ('failed') x $FAILURES),
      "$FAILURES wrong passwords from one address, alternating A and B: each an ordinary failure");
is_ok(redis_keys() > 0 ? 1 : 0, 1, 'the counts are in Redis (the store), not in either node');
my %before = map { ($_ => counter($_, 'PassportSignInsThrottled')) } qw(a b);
my %from = map { ($_ => $c->log_size($_)) } qw(a b);
my $r = $c->sign_in('a', $accounts[0], 'right-pw', $x1);
is_ok(refused($r), 'refused', "then the right password is refused at node A (each node saw about $half)");
is_ok(answer($r), $wrong_answer, 'with the very answer of a wrong password (it reveals nothing)');
is_ok(refused($c->sign_in('b', $accounts[0], 'right-pw', $x1)), 'refused', 'and at node B');
my ($fc) = rst_fault($c->rst('b', $accounts[0], 'right-pw', undef, 'X-Forwarded-For' => $x1)->content);
is_ok($fc, 'wsse:FailedAuthentication', 'RST.srf at node B too: FailedAuthentication');
# the tags of the lines logged for the refused requests: one of its own
# (besides RST.srf's PP0501 fault line), and none of a password check
# (PP0401 no such account, PP0402 wrong password, PP0403 signed in)
for my $n (qw(a b)) {
    my %tags = map { $_ => 1 } $c->log($n, $from{$n}) =~ /\[client \Q$x1\E(?::\d+)?\] (PP\d{4}):/g;
    my @own = grep { !/^PP040[123]$/ && $_ ne 'PP0501' } keys %tags;
    my @checked = grep { /^PP040[123]$/ } keys %tags;
    is_ok(join(' ', sort keys %tags) . (@own == 1 && !@checked ? ': a tag of its own, no password checked' : ''),
          qr/: a tag of its own, no password checked$/,
          "node $n logs the refusal under a tag of its own, with the client's address (mod_remoteip)");
}
is_ok(join(' ', map { my $now = counter($_, 'PassportSignInsThrottled');
                      defined $now && defined $before{$_} ? $now - $before{$_} : 'none' } qw(a b)), '1 2',
      "each node's mod_status counts its own refusals (PassportSignInsThrottled)");
is_ok($c->sign_in('a', $accounts[0], 'right-pw', $x2)->code, 200, 'the same account from another address signs in');
failures($accounts[1], $x2, $FAILURES - 1);
is_ok($c->sign_in('b', $accounts[1], 'right-pw', $x2)->code, 200,
      'after FAILURES - 1 failures over both nodes the right password still works');

# ---- Redis stopped: sign-ins go on, unthrottled -------------------------

my $t_down = time;
%from = map { ($_ => $c->log_size($_)) } qw(a b);
my ($rc, $out) = $c->script('stop', 'redis');
is_ok($rc, 0, "Redis stopped $out");
my $x3 = '203.0.113.13';
is_ok(join(' ', map { $c->sign_in($_, $accounts[2], 'right-pw', $x3)->code } qw(a b)), '200 200',
      'sign-ins go on at both nodes');
failures($accounts[2], $x3, $FAILURES + 2);
is_ok(join(' ', map { $c->sign_in($_, $accounts[2], 'right-pw', $x3)->code } qw(a b)), '200 200',
      'without throttling: after FAILURES + 2 failures the right password still signs in');
is_ok($c->rst('a', $accounts[2], 'right-pw', undef, 'X-Forwarded-For' => $x3)->content,
      qr/<psf:authstate>0x48803</, 'RST.srf too');
my $down_for = time - $t_down;
my %per_pid;
for my $n (qw(a b)) {
    my @warn = $c->log($n, $from{$n}) =~ /^\[[^\]]*\] \[passport:warn\] \[pid (\d+)[^\]]*\].*PP\d{4}: /mg;
    is_ok(scalar(@warn) > 0 ? 1 : 0, 1, "node $n warns that the store is unreachable");
    $per_pid{"$n:$_"}++ for @warn;
}
my @twice = grep { $per_pid{$_} > 1 } sort keys %per_pid;
is_ok($down_for < 60 ? "@twice" : '', '', sprintf('at most once a minute: no process warned twice in these %.0f s', $down_for));

# ---- Redis back: throttling is back -------------------------------------

($rc, $out) = $c->script('start', 'redis');
is_ok($rc, 0, "Redis started again $out");
# apr_redis (mod_socache_redis) tries a server it found dead again after
# 5 seconds
sleep 6;
my $x4 = '203.0.113.14';
failures($accounts[3], $x4, $FAILURES);
is_ok(refused($c->sign_in('a', $accounts[3], 'right-pw', $x4)), 'refused', 'FAILURES failures again: node A refuses');
is_ok(refused($c->sign_in('b', $accounts[3], 'right-pw', $x4)), 'refused', 'and node B');
is_ok(redis_keys() > 0 ? 1 : 0, 1, 'the counts are in the new Redis');
