# The cluster of docs/deployment.md, as scripts/cluster starts it: two
# Apache nodes with mod_passport behind a (here imaginary) TLS-terminating
# balancer on 127.0.0.1, one PostgreSQL, one Redis, the same realm key.
#   - what the balancer setup means: ServerName https:// (Secure cookies,
#     MBI_SSL over the nodes' plain HTTP), mod_remoteip (the client's
#     address in the log and for Require ip);
#   - tickets are stateless: a ticket node A issued verifies at node B's
#     /verify (with its MBI answer), A's login cookie makes a Token Request
#     at B, and a legacy token from A renews at B and back
#     (t/lib/PassportRenew.pm, the independent client of t/24);
#   - PostgreSQL restarted under the nodes: the first sign-ins may fail as
#     an outage (failed-noretry, S:Server), never as a wrong password, and
#     both nodes sign in again without restarting Apache;
#   - a key rotation rolled over both nodes with graceful restarts
#     (scripts/cluster rotate: keygen --stage, graceful a and b; keygen
#     --promote, graceful a and b) while clients sign in on one node and
#     verify at the other: not one request fails; tickets from before
#     verify on both nodes after it, and new ones, sealed with the new
#     key, on both.
# The shared store (throttling across nodes, Redis down and back) is
# t/71-cluster-store.t.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok need);
use Apache::TestUtil qw(t_cmp);
use MIME::Base64 qw(encode_base64 decode_base64);
use POSIX ();
use Time::HiRes qw(time sleep);
use lib 't/lib';
use PassportTest qw(from_pp cookie_of rst_fault admin);
use PassportRenew qw(renewal renewed legacy_of derived_secret first_key_line);
use PassportCluster ();

my $why = PassportCluster::missing();
plan tests => 37, need({ ($why || 'the cluster') => !$why });

my $started = time;
my $c = PassportCluster->start('70');
sub check { my $ok = ok($_[0]); $c->keep unless $ok; $ok }
sub is_ok { my ($got, $want, $name) = @_; check(t_cmp($got, $want, $name)) }

my %pw = ('cross@cluster.test' => 'cross-pw', 'load@cluster.test' => 'load-pw');
$c->add_account($_, $pw{$_}) for sort keys %pw;
my $dir = $c->dir;

my (undef, $status) = $c->script('status');
is_ok($status, qr{node a: \Q${\ $c->url('a', '')}\E .*\n  node b: \Q${\ $c->url('b', '')}\E .*\n  PostgreSQL: host=.*\n  Redis: 127\.0\.0\.1:\d+ }s,
      'scripts/cluster status: both nodes with their URLs, PostgreSQL and Redis running');

# ---- the balancer setup: one public name, TLS in front, remoteip --------

my ($nexus_a, $nexus_b) = map { scalar $c->get($_, '/rdr/pprdr.asp')->header('PassportURLs') } qw(a b);
is_ok($nexus_b, $nexus_a // 'none', 'both nodes answer the Nexus alike (one ServerName, one DALogin)');
my $res = $c->sign_in('a', 'cross@cluster.test', 'cross-pw');
is_ok(join("\n", $res->header('Set-Cookie')), qr/^PPSec=[^;]+;.*; Secure$/m,
      'ServerName https://: over the node\'s plain HTTP, PPSec is set, Secure (TLS ended at the balancer)');
$res = $c->rst('b', 'cross@cluster.test', 'cross-pw', [ ['messengersecure.live.com', 'MBI_SSL'] ]);
is_ok($res->content, qr{<wsa:Address>messengersecure\.live\.com</wsa:Address>.*<wsse:BinarySecurityToken Id="Compact\d+">t=}s,
      'and RST.srf issues MBI_SSL there');

my $from = $c->log_size('a');
$res = $c->sign_in('a', 'cross@cluster.test', 'wrong', '203.0.113.7');
is_ok(scalar $res->header('WWW-Authenticate'), qr/da-status=failed,/, 'a wrong password through the balancer: failed');
is_ok($c->log('a', $from), qr/\[client 203\.0\.113\.7(?::\d+)?\] PP0402: sign-in failed for 'cross\@cluster\.test': wrong password/,
      'mod_remoteip: the log names the client, not the balancer (what fail2ban reads)');
my $access = '';
for (1 .. 20) {
    if (open my $fh, '<', "$dir/node-a/logs/access_log") { local $/; $access = <$fh> // '' }
    last if $access =~ /^203\.0\.113\.7 /m;
    sleep 0.05;
}
is_ok($access, qr{^203\.0\.113\.7 127\.0\.0\.1 - - \[[^\]]+\] "GET /login2\.srf HTTP/1\.1" 401 }m,
      'the access log has both: %a the client, %{c}a the balancer');
is_ok($c->verify('b', ticket => 't=x', audience => 'x')->{reason} // '', 'malformed',
      '/verify answers the balancer\'s own address (Require ip 127.0.0.1)');
$res = $c->request('POST', 'b', '/verify', [ 'X-Forwarded-For' => '198.51.100.20',
    'Content-Type' => 'application/x-www-form-urlencoded' ], 'ticket=x&audience=x');
is_ok($res->code . ($res->content =~ /"valid"/ ? ' answered' : ' refused'), '403 refused',
      'and refuses a client of the balancer: Require ip judges the client (mod_remoteip)');

# ---- tickets are stateless: issued on one node, good on the other ------

$res = $c->sign_in('a', 'cross@cluster.test', 'cross-pw');
my $t_a = from_pp($res) // '';
my $v = $c->verify('b', ticket => $t_a, audience => 'messenger.msn.com');
is_ok("$v->{status} " . ($v->{valid} // ''), '200 true', 'a login2.srf ticket from node A verifies at node B');
is_ok($v->{signin} // '', 'cross@cluster.test', 'for its account');
my $cookie = cookie_of($res, 'PPAuth') // '';
$res = $c->get('b', '/login2.srf', Cookie => "PPAuth=$cookie",
    Authorization => 'Passport1.4 tname=,OrgVerb=GET,OrgUrl=http%3A%2F%2Fmessenger%2Emsn%2Ecom,lc=1033,id=507,tw=40');
is_ok(from_pp($res) // '', qr/^t=[A-Za-z0-9_-]+&p=[0-9A-F]{16}$/, "node A's PPAuth cookie: a Token Request at node B gets a ticket");

$res = $c->rst('b', 'cross@cluster.test', 'cross-pw', [ ['messengerclear.live.com', 'MBI_KEY_OLD'] ]);
my ($clear) = $res->content =~ m{<wsse:BinarySecurityToken Id="Compact\d+">(t=[^<]+)</wsse:BinarySecurityToken>};
my ($secret) = $res->content =~ m{<wst:BinarySecret>([^<]+)</wst:BinarySecret>};
($clear //= '') =~ s/&amp;/&/g;
my $nonce = join '', map { ('A' .. 'Z')[int rand 26] } 1 .. 64;
my (undef, $blob) = admin('mbi-blob', '--secret', $secret // '', '--nonce', $nonce);
chomp $blob;
$v = $c->verify('a', ticket => $clear, audience => 'messengerclear.live.com', nonce => $nonce, mbi => $blob);
is_ok(($v->{valid} // '') . ' ' . ($v->{mbi} // ''), 'true ok',
      'an RST.srf ticket from node B verifies at node A, with its MBI_KEY_OLD answer');

# renewal: signed in at A, renewed at B, renewed again at A
my $key_line = first_key_line("$dir/realm.key");
$res = $c->rst('a', 'cross@cluster.test', 'cross-pw', [ ['http://Passport.NET/tb'], ['messenger.msn.com', '?id=507'] ]);
my ($cipher, $legacy_secret) = legacy_of($res->content);
is_ok(encode_base64($legacy_secret // '', ''), encode_base64(derived_secret($cipher // '', $key_line), ''),
      "node A's legacy token: its secret is the realm key's, as every node has it");
sub renew_at {
    my ($n, $cph, $sec, $address, $policy) = @_;
    my $r = $c->request('POST', $n, '//RST.srf', [ 'Content-Type' => 'text/xml; charset=utf-8' ],
                        renewal($cph, $sec, 1, $address, $policy));
    return renewed($r->content, $sec);
}
my %got = renew_at('b', $cipher // '', $legacy_secret // '', 'contacts.msn.com', 'MBI');
is_ok($got{'contacts.msn.com'} // '', qr/^t=[A-Za-z0-9_-]+&p=[0-9A-F]{16}$/, "node B renews with node A's legacy token");
$v = $c->verify('a', ticket => $got{'contacts.msn.com'} // '', audience => 'contacts.msn.com');
is_ok("$v->{status} " . ($v->{signin} // ''), '200 cross@cluster.test', 'the renewed ticket verifies at node A');
my %again = renew_at('a', $got{'http://Passport.NET/tb'} // '', $got{'secret:http://Passport.NET/tb'} // '',
                     'messengerclear.live.com', 'MBI_KEY_OLD');
is_ok($again{'messengerclear.live.com'} // '', qr/^t=/, "node A renews with the fresh legacy token node B gave");

# ---- PostgreSQL restarts under the nodes --------------------------------

sub pg_pid { open my $fh, '<', "$dir/pg/postmaster.pid" or return 0; my $p = <$fh> // 0; chomp $p; $p }
# every process of each node holds pooled connections by now
$c->sign_in($_, 'cross@cluster.test', 'cross-pw') for qw(a b a b a b);
my $pg_before = pg_pid();
my ($rc, $out) = $c->script('restart', 'postgresql');
is_ok($rc == 0 && pg_pid() && pg_pid() != $pg_before ? 1 : 0, 1, "PostgreSQL restarted (a new postmaster) $out");
my (%seen, @wrong, %streak);
my $round = 0;
while ($round++ < 60 && (($streak{a} // 0) < 3 || ($streak{b} // 0) < 3)) {
    for my $n (qw(a b)) {
        my $r = $c->sign_in($n, 'cross@cluster.test', 'cross-pw');
        my $www = $r->code . ' ' . ($r->header('WWW-Authenticate') // '');
        my $login = $r->code == 200 ? 'ok' : $www =~ /^401 .*da-status=failed-noretry,/ ? 'outage' : 'wrong';
        $r = $c->rst($n, 'cross@cluster.test', 'cross-pw');
        my ($fc) = rst_fault($r->content);
        my $soap = $r->content =~ /<psf:authstate>0x48803</ ? 'ok' : $fc eq 'S:Server' ? 'outage' : 'wrong';
        $seen{"$n login2.srf $login"}++;
        $seen{"$n RST.srf $soap"}++;
        push @wrong, "$n: login2.srf $www" if $login eq 'wrong';
        push @wrong, "$n: RST.srf $fc" if $soap eq 'wrong';
        $streak{$n} = $login eq 'ok' && $soap eq 'ok' ? ($streak{$n} // 0) + 1 : 0;
    }
    sleep 0.1;
}
Apache::TestUtil::t_debug(join ', ', map { "$_: $seen{$_}" } sort keys %seen);
is_ok("@wrong", '', 'meanwhile every failure was an outage (failed-noretry, S:Server), never a wrong password');
is_ok($streak{a} // 0, qr/^[3-9]/, 'node A signs in again (login2.srf and RST.srf)');
is_ok($streak{b} // 0, qr/^[3-9]/, 'node B signs in again');
my $good = grep { $c->sign_in($_ % 2 ? 'a' : 'b', 'cross@cluster.test', 'cross-pw')->code == 200 } 1 .. 10;
is_ok($good, 10, 'and every later sign-in succeeds');
is_ok(join(' ', map { $c->parent_pid($_) } qw(a b)), join(' ', map { $c->{pid}{$_} } qw(a b)),
      'without restarting Apache (the same parent processes)');

# ---- a key rotation rolled over both nodes, under load ------------------

my %old_ticket = map { ($_ => from_pp($c->sign_in($_, 'cross@cluster.test', 'cross-pw')) // '') } qw(a b);
$res = $c->rst('a', 'cross@cluster.test', 'cross-pw');
my ($old_cipher, $old_secret) = legacy_of($res->content);
my $old_only = "$dir/old-only.key";
system('cp', '-p', "$dir/realm.key", $old_only);
my %gen = map { ($_ => $c->status($_)->{ParentServerConfigGeneration} // 0) } qw(a b);

# Clients: each signs in on one node and verifies that ticket at the
# other, alternating, as fast as it can, a new connection each time.
my $stop = "$dir/load.stop";
unlink $stop;
my @workers;
for my $w (1 .. 4) {
    my $pid = fork // die "fork: $!";
    if (!$pid) {
        delete $c->{ua};
        my ($n_ok, @fail, @times) = (0);
        my $i = $w;
        until (-e $stop) {
            my $n = $i++ % 2 ? 'a' : 'b';
            my $t0 = time;
            my $r = $c->sign_in($n, 'load@cluster.test', 'load-pw');
            my $tk = from_pp($r);
            if ($r->code != 200 || !$tk) {
                push @fail, sprintf('%.3f sign-in at %s: %s %s', $t0, $n, $r->code,
                                    $r->header('WWW-Authenticate') // $r->status_line);
                next;
            }
            my $vv = $c->verify($c->other($n), ticket => $tk, audience => 'messenger.msn.com');
            if ($vv->{status} != 200) {
                push @fail, sprintf('%.3f verify at %s of a ticket from %s: %s %s', $t0, $c->other($n), $n,
                                    $vv->{status}, $vv->{reason} // '');
                next;
            }
            $n_ok += 2;
            push @times, $t0;
        }
        open my $fh, '>', "$dir/load.$w" or POSIX::_exit(1);
        print $fh "ok $n_ok\n", map({ "t $_\n" } @times), map({ "fail $_\n" } @fail);
        close $fh;
        POSIX::_exit(0);   # no destructor: the cluster is the parent's
    }
    push @workers, $pid;
}
sleep 1;
my $t_rotate = time;
($rc, $out) = $c->script('rotate');
my $t_rotated = time;
sleep 1;
open my $sfh, '>', $stop or die; close $sfh;
waitpid $_, 0 for @workers;
my ($n_ok, $during, @fail) = (0, 0);
for my $w (1 .. 4) {
    open my $fh, '<', "$dir/load.$w" or do { push @fail, "worker $w wrote no result"; next };
    while (<$fh>) {
        chomp;
        $n_ok += $1 if /^ok (\d+)/;
        $during++ if /^t (\S+)/ && $1 >= $t_rotate && $1 <= $t_rotated;
        push @fail, $1 if /^fail (.*)/;
    }
}
is_ok($rc, 0, "scripts/cluster rotate: stage, graceful a and b, promote, graceful a and b\n$out");
is_ok(join(' ', map { ($c->status($_)->{ParentServerConfigGeneration} // 0) - $gen{$_} } qw(a b)), '2 2',
      'each node restarted gracefully twice');
is_ok($during > 20 ? 1 : 0, 1, sprintf('clients signed in and verified during the rotation (%d requests in its %.1f s, %d in all)',
                                       2 * $during, $t_rotated - $t_rotate, $n_ok));
is_ok(scalar(@fail), 0, 'not one request failed' . (@fail ? ":\n" . join("\n", @fail[0 .. ($#fail < 9 ? $#fail : 9)]) : ''));
is_ok(join(' ', map { $c->parent_pid($_) } qw(a b)), join(' ', map { $c->{pid}{$_} } qw(a b)),
      'the same Apache parents: graceful restarts only');

my @keys = grep { /^[A-Za-z0-9+\/]{43}=$/ } map { s/\s+\z//r } do { open my $fh, '<', "$dir/realm.key"; <$fh> };
is_ok(scalar(@keys) == 2 && $keys[1] eq $key_line ? 1 : 0, 1, 'the key file: a new first key, the old one after it');
for my $n (qw(a b)) {
    my @ok = map { $c->verify($n, ticket => $old_ticket{$_}, audience => 'messenger.msn.com')->{status} } qw(a b);
    is_ok("@ok", '200 200', "tickets both nodes issued before the rotation verify at node $n");
}
my %new_ticket = map { ($_ => from_pp($c->sign_in($_, 'cross@cluster.test', 'cross-pw')) // '') } qw(a b);
for my $n (qw(a b)) {
    my @ok = map { $c->verify($n, ticket => $new_ticket{$_}, audience => 'messenger.msn.com')->{status} } qw(a b);
    is_ok("@ok", '200 200', "tickets both nodes issue after it verify at node $n");
}
my @opens = map { (admin('ticket', 'verify', $new_ticket{$_}, '--key-file', $old_only))[1] } qw(a b);
is_ok(join(' ', map { /status=(\S+)/ ? $1 : 'none' } @opens), 'bad-signature bad-signature',
      'they are sealed with the new key (the old key alone does not open them)');
%got = renew_at('b', $old_cipher // '', $old_secret // '', 'contacts.msn.com', 'MBI');
is_ok($got{'contacts.msn.com'} // '', qr/^t=/, 'a legacy token from before the rotation renews at node B');
is_ok(encode_base64($got{'secret:http://Passport.NET/tb'} // '', ''),
      encode_base64(derived_secret($got{'http://Passport.NET/tb'} // '', $keys[0]), ''),
      'and the fresh legacy token is sealed with the new key');

# every node's log: no crash and no sanitizer report (UBSan writes to
# the children's stderr, the node's error_log; ASan's reports go where
# t/99-sanitizer.t looks)
my @errors = grep { /\[(?:core|mpm_event):(?:error|crit|alert|emerg)\]|Segmentation|AddressSanitizer|^\S+:\d+:\d+: runtime error: / }
             map { split /\n/, $c->log($_) } qw(a b);
is_ok("@errors", '', 'no process of either node crashed');
Apache::TestUtil::t_debug(sprintf 'cluster test: %.1f s', time - $started);
