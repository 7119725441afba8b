# The public contract, as docs/tickets.md writes it in Python, against
# real tickets: the test takes the doc's Python code blocks as they are
# (open_ticket, the MBI secret snippet, and the verify() client of the
# endpoint), runs them with python3 on tickets this server issued through
# login2.srf and RST.srf (several audiences, two realms, a shared version 2
# ticket from the PassportSharedTicket vhost, the doc's own examples) and
# checks what they say against what the server said: PUID, sign-in name,
# expiry, refusals for another audience, another realm, expiry, tampering,
# a relabelled version, and the BinarySecret RST.srf sent for
# messengerclear.live.com. If the doc and the code drift apart, this test
# fails.
# Needs python3 and its cryptography module (Debian: python3-cryptography,
# installed by scripts/test); skipped with the reason without them.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok need);
use Apache::TestUtil qw(t_cmp);
use Apache::TestRequest qw(GET POST);
use File::Path qw(make_path);
use JSON::PP ();
use Time::Local qw(timegm);
use lib 't/lib';
use PassportTest qw(p14_header from_pp cookie_of rst_body rst_post admin url_encode
                    hostport_of);

my $have_python = system('python3 -c "from cryptography.hazmat.primitives.ciphers.aead '
                         . 'import AESGCM" >/dev/null 2>&1') == 0;
plan tests => 62, need({ 'python3 with the cryptography module (python3-cryptography)'
                         => $have_python });

my $t_dir = Apache::Test::vars('t_dir');
my $dir = "$t_dir/logs/tickets-python";
make_path($dir);
sub slurp { open my $fh, '<', $_[0] or die "$_[0]: $!"; local $/; <$fh> }

# ---- the doc's code ------------------------------------------------------
my @blocks = slurp("$t_dir/../docs/tickets.md") =~ /^```python\n(.*?)^```$/msg;
my ($open_src) = grep { /^def open_ticket\(/m } @blocks;
my ($mbi_src) = grep { /^def mbi_secret\(/m } @blocks;
my ($verify_src) = grep { /^def verify\(/m } @blocks;
ok t_cmp(defined $open_src && defined $mbi_src && defined $verify_src ? 1 : 0, 1,
         'docs/tickets.md has the open_ticket, mbi_secret and verify() blocks');

# The harness is the test's; the code it runs is the doc's, unchanged.
# A case opens a ticket with open_ticket(ticket, keys, realm, audience,
# now) and, when it names the key line, asks mbi_secret(ticket, line)
# with the same `ticket`; or calls verify() on the endpoint.
my $harness = <<'PY';
import base64, json, sys
doc = json.load(open(sys.argv[1]))
ns = {}
exec(compile(doc["open"], "docs/tickets.md: open_ticket", "exec"), ns)
vns = {}
exec(compile(doc["verify"], "docs/tickets.md: verify", "exec"), vns)

# the MBI block runs with the first block's imports, as it reads on the page
exec(compile(doc["mbi"], "docs/tickets.md: mbi_secret", "exec"), ns)

def mbi(ticket, line):
    return base64.b64encode(ns["mbi_secret"](ticket, line)).decode()

out = []
for c in json.load(sys.stdin):
    r = {}
    try:
        if c["op"] == "open":
            got = ns["open_ticket"](c["ticket"], c["keys"], c["realm"],
                                    c["audience"], c.get("now"))
            r = {"result": "ok", "puid": got[0], "signin": got[1],
                 "expires": got[2]}
            if "line" in c:
                r["secret"] = mbi(c["ticket"], c["line"])
        else:
            r = vns["verify"](c["ticket"], c["audience"], c.get("nonce"),
                              c.get("blob"), url=c["url"])
    except ValueError as e:
        r = {"result": str(e)}
    except Exception as e:
        r = {"result": "exception %s: %s" % (type(e).__name__, e)}
    out.append(r)
json.dump(out, sys.stdout)
PY
open my $fh, '>', "$dir/harness.py" or die;
print $fh $harness;
close $fh;
open $fh, '>', "$dir/doc.json" or die;
print $fh JSON::PP->new->encode({ open => $open_src // '', mbi => $mbi_src // '',
                                  verify => $verify_src // '' });
close $fh;

my @cases;
sub case { push @cases, { @_ }; return $#cases }
sub run_cases {
    open my $in, '>', "$dir/cases.json" or die;
    print $in JSON::PP->new->encode(\@cases);
    close $in;
    my $out = qx{python3 "$dir/harness.py" "$dir/doc.json" < "$dir/cases.json" 2>&1};
    my $r = eval { JSON::PP->new->decode($out) };
    die "the harness failed: $out" unless ref $r eq 'ARRAY';
    return $r;
}

# key lines as the key file holds them (directives.md: blank lines and #
# comments are skipped)
sub key_lines { grep { /\S/ && !/^#/ } map { s/\s+\z//r } split /\n/, slurp($_[0]) }
my @main = key_lines("$t_dir/conf/keys/main.key");
my @b = key_lines("$t_dir/conf/keys/b.key");
my ($new_key) = (admin('keygen', "$dir/new.key"))[0] == 0 ? key_lines("$dir/new.key") : ('');

# ---- real tickets ----------------------------------------------------------
# login2.srf: the Messenger ticket (mixed-case sign-in), the MSPAuth cookie,
# a partner site's ticket
my $t0 = time;
my $res = GET '/login2.srf', Authorization => p14_header(signin => 'ALICE@Example.com', pwd => 'alice-pw,1');
my $messenger = from_pp($res) // 'x';
my $cookie = cookie_of($res, 'PPAuth') // 'x';
my ($max_age) = (grep { /^PPAuth=/ } $res->header('Set-Cookie'))[0] =~ /Max-Age=(\d+)/;
my $partner = from_pp(GET '/login2.srf', Authorization => p14_header(signin => 'alice@example.com',
    pwd => 'alice-pw,1', id => '42', orgurl => url_encode('https://partner.example.com/'),
    ru => url_encode('https://partner.example.com/'))) // 'x';

# RST.srf (MSNP15): the legacy token, messengerclear (MBI_KEY_OLD),
# messenger, contacts; and the same from realm B
my $body = rst_post(rst_body('rst-msnp15.xml', 'alice@example.com', 'alice-pw,1'))->content;
my ($legacy) = $body =~ m{<CipherValue>([^<]+)</CipherValue>};
my %compact = $body =~ m{<wsse:BinarySecurityToken Id="Compact(\d+)">(t=[^<]+)</wsse:BinarySecurityToken>}g;
s/&amp;/&/g for values %compact;
my @secrets = $body =~ m{<wst:BinarySecret>([^<]+)</wst:BinarySecret>}g;
# the compact tokens' expiry (the legacy token lives longer, on purpose)
my @e = $body =~ m{<wsa:Address>messengerclear\.live\.com</wsa:Address>.*?<wsu:Expires>(\d+)-(\d+)-(\d+)T(\d+):(\d+):(\d+)Z</wsu:Expires>};
my $rst_expires = @e ? timegm(@e[5, 4, 3], $e[2], $e[1] - 1, $e[0]) : -1;
Apache::TestRequest::module('login_b');
my $body_b = rst_post(rst_body('rst-msnp12.xml', 'alice@example.com', 'alice-pw,1'))->content;
Apache::TestRequest::module('default');
my ($b_ticket) = $body_b =~ m{>(t=[^<]+)</wsse:BinarySecurityToken>};
$b_ticket = ($b_ticket // 'x') =~ s/&amp;/&/gr;
my (undef, $old) = admin('issue', '--key-file', "$t_dir/conf/keys/main.key", '--signin',
    'alice@example.com', '--puid', '81985529216486895', '--audience', 'messengerclear.live.com',
    '--issued', time - 7200, '--lifetime', 3600);
chomp $old;

ok t_cmp(scalar(@secrets), 2, 'RST.srf sent two BinarySecrets (legacy, messengerclear)');
ok t_cmp(join(',', sort keys %compact), '1,2,3', 'and three compact tokens');

my %aud = (1 => 'messengerclear.live.com', 2 => 'messenger.msn.com', 3 => 'contacts.msn.com');
my @good = (
    [ 'login2.srf Messenger ticket', $messenger, 'messenger.msn.com' ],
    [ 'login2.srf MSPAuth cookie', $cookie, 'MSPAuth' ],
    [ 'login2.srf partner ticket', $partner, 'partner.example.com' ],
    [ 'RST.srf legacy token', $legacy // 'x', 'http://Passport.NET/tb' ],
    map { [ "RST.srf $aud{$_} token", $compact{$_}, $aud{$_} ] } 1 .. 3,
);
my %i;
for my $g (@good) {
    $i{$g->[0]} = case(op => 'open', ticket => $g->[1], keys => \@main, realm => 'Passport.Net',
                       audience => $g->[2], line => $main[0]);
}
my $i_b = case(op => 'open', ticket => $b_ticket, keys => \@b, realm => 'Realm.B',
               audience => 'messenger.msn.com');
my $i_b_main = case(op => 'open', ticket => $b_ticket, keys => \@main, realm => 'Passport.Net',
                    audience => 'messenger.msn.com');
my $i_b_realm = case(op => 'open', ticket => $b_ticket, keys => \@b, realm => 'Passport.Net',
                     audience => 'messenger.msn.com');
my $i_realm = case(op => 'open', ticket => $compact{1}, keys => \@main, realm => 'Realm.B',
                   audience => 'messengerclear.live.com');
my $i_aud = case(op => 'open', ticket => $compact{1}, keys => \@main, realm => 'Passport.Net',
                 audience => 'contacts.msn.com');
my $i_cookie_aud = case(op => 'open', ticket => $cookie, keys => \@main, realm => 'Passport.Net',
                        audience => 'messenger.msn.com');
my $i_old = case(op => 'open', ticket => $old, keys => \@main, realm => 'Passport.Net',
                 audience => 'messengerclear.live.com');
(my $tampered = $compact{1}) =~ s/^(t=.{30})(.)/$1 . ($2 eq 'A' ? 'B' : 'A')/e;
my $i_tampered = case(op => 'open', ticket => $tampered, keys => \@main, realm => 'Passport.Net',
                      audience => 'messengerclear.live.com');
my $i_junk = case(op => 'open', ticket => 't=bm90LWEtdGlja2V0&p=0', keys => \@main,
                  realm => 'Passport.Net', audience => 'messengerclear.live.com');
my $i_rotated = case(op => 'open', ticket => $compact{1}, keys => [ $new_key, @main ],
                     realm => 'Passport.Net', audience => 'messengerclear.live.com',
                     line => $main[0]);
my $verify_url = 'http://' . hostport_of('default') . '/verify';
my $i_v = case(op => 'verify', ticket => $compact{1}, audience => 'messengerclear.live.com',
               url => $verify_url);
my $i_v_old = case(op => 'verify', ticket => $old, audience => 'messengerclear.live.com',
                   url => $verify_url);
my $nonce = join '', map { ('A' .. 'Z')[int rand 26] } 1 .. 64;
my (undef, $blob) = admin('mbi-blob', '--secret', $secrets[1] // 'x', '--nonce', $nonce);
chomp $blob;
my $i_v_mbi = case(op => 'verify', ticket => $compact{1}, audience => 'messengerclear.live.com',
                   nonce => $nonce, blob => $blob, url => $verify_url);

# a shared ticket (version 2), from the PassportSharedTicket vhost, and
# the doc's own version 2 example
Apache::TestRequest::module('shared');
my $sbody = rst_post(rst_body('rst-msnp15.xml', 'alice@example.com', 'alice-pw,1'))->content;
Apache::TestRequest::module('default');
my ($shared) = $sbody =~ m{<wsse:BinarySecurityToken Id="Compact1">(t=[^<]+)</wsse:BinarySecurityToken>};
$shared = ($shared // 'x') =~ s/&amp;/&/gr;
my @ssecrets = $sbody =~ m{<wst:BinarySecret>([^<]+)</wst:BinarySecret>}g;
my %i_shared = map {
    $_ => case(op => 'open', ticket => $shared, keys => \@main, realm => 'Passport.Net',
               audience => $_, line => $main[0])
} qw(messengerclear.live.com messenger.msn.com contacts.msn.com);
my $i_shared_other = case(op => 'open', ticket => $shared, keys => \@main, realm => 'Passport.Net',
                          audience => 'storage.msn.com');
my ($doc_v2) = slurp("$t_dir/../docs/tickets.md") =~ /^    (t=A[p-z]\S+&p=0000000000000003)$/m;
my $doc_key = 'tuMCvq6DQhzwt1HKEs/r2A5acRUOYvDRFHR569fBvTg=';
my $i_doc_v2 = case(op => 'open', ticket => $doc_v2 // 'x', keys => [ $doc_key ], realm => 'Passport.Net',
                    audience => 'messenger.msn.com', now => 1795313600, line => $doc_key);
my $i_doc_v2_late = case(op => 'open', ticket => $doc_v2 // 'x', keys => [ $doc_key ],
                         realm => 'Passport.Net', audience => 'messenger.msn.com', now => 1795317156);
my $i_doc_v2_aud = case(op => 'open', ticket => $doc_v2 // 'x', keys => [ $doc_key ],
                        realm => 'Passport.Net', audience => 'storage.msn.com', now => 1795313600);
# its sealed bytes relabelled as version 1: the associated data differs
my $relabelled = do {
    require MIME::Base64;
    my $b = ($doc_v2 // 'x') =~ s/^t=//r =~ s/&.*//r;
    $b =~ tr{-_}{+/};
    my $raw = MIME::Base64::decode_base64($b . '=' x (-length($b) % 4));
    substr($raw, 0, 1) = "\x01";
    (MIME::Base64::encode_base64($raw, '') =~ tr{+/}{-_}r) =~ s/=+$//r;
};
my $i_doc_v2_v1 = case(op => 'open', ticket => $relabelled, keys => [ $doc_key ], realm => 'Passport.Net',
                       audience => 'messenger.msn.com', now => 1795313600);
my $i_v_shared = case(op => 'verify', ticket => $shared, audience => 'contacts.msn.com', url => $verify_url);
my $r = run_cases();

# ---- what the doc's open_ticket says --------------------------------------
for my $g (@good) {
    my $got = $r->[$i{$g->[0]}];
    ok t_cmp($got->{result}, 'ok', "$g->[0]: opens for $g->[2]");
    ok t_cmp($got->{puid} // '', '0123456789ABCDEF', "$g->[0]: the PUID, 16 upper-case hex digits");
    ok t_cmp($got->{signin} // '', 'alice@example.com', "$g->[0]: the sign-in name, lower-case");
}
my $exp = $r->[$i{'login2.srf Messenger ticket'}]{expires} // 0;
ok t_cmp($exp - $max_age >= $t0 - 1 && $exp - $max_age <= time + 1 ? 1 : 0, 1,
         'login2.srf: expires is the sign-in time + the cookie\'s Max-Age');
ok t_cmp($r->[$i{'login2.srf MSPAuth cookie'}]{expires} // 0, $exp,
         'the cookie and the ticket of one sign-in expire together');
for my $n (1 .. 3) {
    ok t_cmp($r->[$i{"RST.srf $aud{$n} token"}]{expires} // 0, $rst_expires,
             "RST.srf $aud{$n}: expires is the answer's wsu:Expires");
}
my $v = POST('/verify', [ ticket => $compact{2}, audience => 'messenger.msn.com' ])->content;
ok t_cmp($r->[$i{'RST.srf messenger.msn.com token'}]{expires} // 0,
         $v =~ /"expires":(\d+)/ ? $1 : -1, 'and what /verify says');

ok t_cmp($r->[$i_b]{result}, 'ok', 'realm B\'s ticket opens with realm B\'s key and name');
ok t_cmp($r->[$i_b_main]{result}, 'bad-signature', 'not with the main realm\'s key and name');
ok t_cmp($r->[$i_b_realm]{result}, 'bad-signature', 'nor with its own key and another realm');
ok t_cmp($r->[$i_realm]{result}, 'bad-signature', 'a main-realm ticket under realm B: bad-signature');
ok t_cmp($r->[$i_aud]{result}, 'bad-audience', 'a messengerclear ticket for contacts.msn.com: bad-audience');
ok t_cmp($r->[$i_cookie_aud]{result}, 'bad-audience', 'the MSPAuth cookie is not a messenger ticket');
ok t_cmp($r->[$i_old]{result}, 'expired', 'a ticket issued two hours ago for one: expired');
ok t_cmp($r->[$i_tampered]{result}, 'bad-signature', 'a tampered ticket: bad-signature');
ok t_cmp($r->[$i_junk]{result}, 'malformed', 'junk: malformed');
ok t_cmp($r->[$i_rotated]{result}, 'ok', 'after a rotation (a new first key) it still opens');

# expiry at the boundary, with the doc's now parameter
@cases = ();
my $at = case(op => 'open', ticket => $compact{1}, keys => \@main, realm => 'Passport.Net',
              audience => 'messengerclear.live.com', now => $rst_expires);
my $before = case(op => 'open', ticket => $compact{1}, keys => \@main, realm => 'Passport.Net',
                  audience => 'messengerclear.live.com', now => $rst_expires - 1);
my $r2 = run_cases();
ok t_cmp($r2->[$at]{result}, 'expired', 'at its expiry: expired');
ok t_cmp($r2->[$before]{result}, 'ok', 'a second before: good');
my (undef, $admin_at) = admin('ticket', $compact{1}, '--key-file', "$t_dir/conf/keys/main.key",
                              '--audience', 'messengerclear.live.com');
ok t_cmp($admin_at, qr/^expires=\Q$rst_expires\E$/m, 'passport-admin reads the same expiry');

# ---- the doc's MBI secret -----------------------------------------------------
ok t_cmp($r->[$i{'RST.srf messengerclear.live.com token'}]{secret} // '', $secrets[1] // '?',
         'the MBI secret the doc computes is the BinarySecret sent for messengerclear.live.com');
ok t_cmp($r->[$i{'RST.srf legacy token'}]{secret} // '', $secrets[0] // '?',
         'and the one sent with the legacy token');
ok t_cmp($r->[$i_rotated]{secret} // '', $secrets[1] // '?',
         'after a rotation, from the key line that opens the ticket');
ok t_cmp(($r->[$i{'RST.srf messenger.msn.com token'}]{secret} // '') ne ($secrets[1] // '') ? 1 : 0, 1,
         'another ticket gives another secret');

# ---- a shared ticket (version 2) through the doc's code ---------------------
for my $a (sort keys %i_shared) {
    my $got = $r->[$i_shared{$a}];
    ok t_cmp(join(' ', map { $got->{$_} // '-' } qw(result puid signin)),
             'ok 0123456789ABCDEF alice@example.com', "shared ticket: opens for $a, alice's");
}
ok t_cmp($r->[$i_shared_other]{result}, 'bad-audience', 'shared ticket: not for an address it does not list');
ok t_cmp($r->[$i_shared{'messengerclear.live.com'}]{secret} // '', $ssecrets[1] // '?',
         'shared ticket: the doc\'s MBI secret is the messengerclear BinarySecret');
ok t_cmp(join(' ', map { $r->[$i_doc_v2]{$_} // '-' } qw(result puid signin expires)),
         'ok 0000000000000003 sha@example.com 1795317156', 'the doc\'s version 2 example opens as it says');
ok t_cmp($r->[$i_doc_v2]{secret} // '', 'YHt6YGpEpNjTAIW1Rsu/plGXBVL8Cvn3', 'with the secret it says');
ok t_cmp($r->[$i_doc_v2_late]{result}, 'expired', 'and expires when it says');
ok t_cmp($r->[$i_doc_v2_aud]{result}, 'bad-audience', 'not for storage.msn.com');
ok t_cmp($r->[$i_doc_v2_v1]{result}, 'bad-signature', 'relabelled as version 1: bad-signature');
ok t_cmp(($r->[$i_v_shared]{valid} ? 'valid ' : 'invalid ') . join(',', @{ $r->[$i_v_shared]{audiences} // [] }),
         'valid messengerclear.live.com,messenger.msn.com,contacts.msn.com',
         'verify(): the shared ticket is valid, its audiences listed');

# ---- the doc's verify() client, against this server's endpoint --------------
ok t_cmp($r->[$i_v]{valid} ? 'true' : JSON::PP->new->encode($r->[$i_v]), 'true',
         'verify(): valid');
ok t_cmp($r->[$i_v]{puid} // '', '0123456789ABCDEF', 'verify(): the PUID');
ok t_cmp($r->[$i_v_old]{reason} // JSON::PP->new->encode($r->[$i_v_old]), 'expired',
         'verify(): a 403 comes back as the refusal, with its reason');
ok t_cmp($r->[$i_v_mbi]{mbi} // JSON::PP->new->encode($r->[$i_v_mbi]), 'ok',
         'verify(): the client\'s MBI answer checks');
