# The merge matrix of every server directive, through what clients get.
# The shared test server's main server leaves most directives at their
# defaults (the other tests depend on them), so this test starts a
# private httpd (PassportTest::private_server) whose main server sets
# every Passport server directive to a value other than its default, and
# three virtual hosts:
#   bare  sets no Passport directive: it gets every main-server value;
#   own   sets every directive: its own values win, the lists replace the
#         inherited ones, and the directives it sets to their default
#         values (PassportRealm Passport.Net, PassportConfigVersion 15,
#         PassportTicketLifetime 86400, PassportMaxRequestBody 65536,
#         PassportIdFormat decimal, PassportSharedTicket Off) are
#         switched back to the default, not ignored;
#   some  sets three (PassportRealm, PassportCoBrandText, PassportService)
#         and inherits the rest, so one override leaves its siblings alone.
# Per directory inheritance, and a vhost whose DALogin comes from its own
# ServerName, are in t/05-merged.t.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use File::Copy qw(copy);
use MIME::Base64 qw(decode_base64);
use Time::Local qw(timegm);
use lib 't/lib';
use PassportTest qw(private_server p14_header from_pp cookie_of url_encode admin
                    rst_envelope rst_fault);

plan tests => 66;

my $t_dir = Apache::Test::vars('t_dir');
my %key = (main => "$t_dir/conf/keys/main.key", b => "$t_dir/conf/keys/b.key");
my %HANDLERS = ('/rdr/pprdr.asp' => 'passport-nexus', '/login2.srf' => 'passport-login2',
                '/RST.srf' => 'passport-rst', '/verify' => 'passport-verify');
my $handlers = join '', map { "<Location $_>\n    SetHandler $HANDLERS{$_}\n</Location>\n" }
                        sort keys %HANDLERS;
my $record = q{PassportTicketRecordQuery "INSERT INTO issued_tickets (ticket, puid, signin, audience, expires, mbi) VALUES (%s, %s, %s, 'TAG:' || %s, %s, %s)"};

my $conf = <<"CONF";
ServerName main.matrix.test
DBDriver sqlite3
DBDParams \@DIR\@/accounts.db
$handlers
# ---- the main server: every server directive, none at its default ----
PassportRealm Main.Matrix
PassportDALogin login.main.matrix/pp/login2.srf
PassportDAReg https://reg.main.matrix/
PassportProperties https://props.main.matrix/
PassportPrivacy https://privacy.main.matrix/
PassportGeneralRedir http://redir.main.matrix/
PassportHelp https://help.main.matrix/
PassportConfigVersion 20
# (hex ids, made with SQLite's printf: %% is mod_dbd's literal %)
PassportIdFormat hex
PassportAccountQuery "SELECT password_hash, printf('%%016X', puid + 1000) FROM passport_accounts WHERE signin = %s"
PassportKeyFile $key{main}
PassportTicketLifetime 1800
PassportSite 61 https://site.main.matrix/
PassportDomainRedirect redir.main.matrix https://login.redir.main.matrix/login2.srf
PassportCoBrandURL http://img.main.matrix/logo.gif
PassportCoBrandText "Main matrix"
PassportService messengerclear.live.com main.matrix.service p2pslc.messenger.msn.com
PassportMaxRequestBody 3000
PassportSharedTicket On
@{[ $record =~ s/TAG/main/r ]}
PassportCACertificateFile \@ServerRoot\@/var/ca.pem
PassportCAKeyFile \@ServerRoot\@/var/ca.key

# (bare and own: as behind a TLS-terminating proxy, so that p2pslc
# certificates, HTTPS only, can be asked for over this plain port)
<VirtualHost 127.0.0.1:\@PORT2\@>
    ServerName https://bare.matrix.test
</VirtualHost>

<VirtualHost 127.0.0.1:\@PORT3\@>
    ServerName https://own.matrix.test
    PassportRealm Passport.Net
    PassportDALogin login.own.matrix/login2.srf
    PassportDAReg https://reg.own.matrix/
    PassportProperties https://props.own.matrix/
    PassportPrivacy https://privacy.own.matrix/
    PassportGeneralRedir http://redir.own.matrix/
    PassportHelp https://help.own.matrix/
    PassportConfigVersion 15
    PassportIdFormat decimal
    PassportAccountQuery "SELECT password_hash, puid + 2000 FROM passport_accounts WHERE signin = %s"
    PassportKeyFile $key{b}
    PassportTicketLifetime 86400
    PassportSite 62 https://site.own.matrix/
    PassportDomainRedirect redir.own.matrix https://login.redir.own.matrix/login2.srf
    PassportCoBrandURL http://img.own.matrix/logo.gif
    PassportCoBrandText "Own matrix"
    PassportService messengerclear.live.com own.matrix.service p2pslc.messenger.msn.com
    PassportMaxRequestBody 65536
    PassportSharedTicket Off
    @{[ $record =~ s/TAG/own/r ]}
    PassportCACertificateFile \@DIR\@/own-ca.pem
    PassportCAKeyFile \@DIR\@/own-ca.key
</VirtualHost>

<VirtualHost 127.0.0.1:\@PORT4\@>
    ServerName some.matrix.test
    PassportRealm Some.Matrix
    PassportCoBrandText "Some text"
    PassportService messengerclear.live.com
</VirtualHost>
CONF

my $srv = private_server('matrix', 4, $conf, prepare => sub {
    my ($dir) = @_;
    copy("$t_dir/var/accounts.db", "$dir/accounts.db") or die "copy accounts.db: $!";
    my ($rc, $out) = admin('ca-create', "$dir/own-ca.pem", "$dir/own-ca.key", '--cn', 'own matrix CA');
    die "ca-create: $out" if $rc;
});
my %port = (main => 1, bare => 2, own => 3, some => 4);

sub nexus { scalar $srv->GET($port{$_[0]}, '/rdr/pprdr.asp')->header('PassportURLs') }
sub sign_in {
    my ($vhost, %a) = @_;
    my $site = $vhost eq 'own' ? 'https://site.own.matrix/' : 'https://site.main.matrix/';
    return $srv->GET($port{$vhost}, '/login2.srf', Authorization => p14_header(
        signin => 'sha@example.com', pwd => 'sha-pw', id => $vhost eq 'own' ? 62 : 61,
        orgurl => url_encode($site), ru => url_encode($site), %a));
}
sub max_age {
    my ($c) = grep { /^PPAuth=/ } $_[0]->header('Set-Cookie');
    return ($c // '') =~ /; Max-Age=(\d+);/ ? $1 : -1;
}
sub verify {
    my ($vhost, $ticket, $audience) = @_;
    my $c = $srv->POST($port{$vhost}, '/verify', content => [ ticket => $ticket, audience => $audience ])->content;
    return $c =~ /"(realm|reason)":"([^"]*)"/ ? "$1=$2" : $c;
}
sub rst { my ($vhost, @tokens) = @_;
          $srv->POST($port{$vhost}, '/RST.srf', 'Content-Type' => 'text/xml',
                     content => rst_envelope('sha@example.com', 'sha-pw', @tokens))->content }
sub lifetime {
    my ($xml) = @_;
    my @t = $xml =~ m{<wsu:Created>(\d+)-(\d+)-(\d+)T(\d+):(\d+):(\d+)Z</wsu:Created><wsu:Expires>(\d+)-(\d+)-(\d+)T(\d+):(\d+):(\d+)Z</wsu:Expires>};
    return -1 unless @t == 12;
    return timegm(@t[11, 10, 9], $t[8], $t[7] - 1, $t[6]) - timegm(@t[5, 4, 3], $t[2], $t[1] - 1, $t[0]);
}
sub sql {
    my ($q) = @_;
    my $db = $srv->dir . '/accounts.db';
    my $out = qx{sqlite3 '$db' "$q"};
    chomp $out;
    return $out;
}

# ---- the Nexus: realm, DALogin, every optional URL, ConfigVersion -----------
my $MAIN_URLS = 'DARealm=Main.Matrix,DALogin=login.main.matrix/pp/login2.srf,'
    . 'DAReg=https://reg.main.matrix/,Properties=https://props.main.matrix/,'
    . 'Privacy=https://privacy.main.matrix/,GeneralRedir=http://redir.main.matrix/,'
    . 'Help=https://help.main.matrix/,ConfigVersion=20';
ok t_cmp(nexus('main'), $MAIN_URLS, 'main: every Nexus value set');
ok t_cmp(nexus('bare'), $MAIN_URLS, 'bare: every one inherited, DALogin too');
ok t_cmp(nexus('own'), 'DARealm=Passport.Net,DALogin=login.own.matrix/login2.srf,'
    . 'DAReg=https://reg.own.matrix/,Properties=https://props.own.matrix/,'
    . 'Privacy=https://privacy.own.matrix/,GeneralRedir=http://redir.own.matrix/,'
    . 'Help=https://help.own.matrix/,ConfigVersion=15',
    'own: its own values; realm and ConfigVersion back at their defaults');
ok t_cmp(nexus('some'), $MAIN_URLS =~ s/Main\.Matrix/Some.Matrix/r,
         'some: its own realm, the rest inherited');

# ---- login2.srf: query, id format, key, lifetime, site, ConfigVersion --------
my %res = map { $_ => sign_in($_) } qw(main bare own some);
for my $v (qw(main bare own some)) {
    ok t_cmp($res{$v}->code, 200, "$v: signs in at its site");
}
my %puid = (main => '00000000000003EB', bare => '00000000000003EB',
            own => '00000000000007D3', some => '00000000000003EB');
my %life = (main => 1800, bare => 1800, own => 86400, some => 1800);
my %cv = (main => 20, bare => 20, own => 15, some => 20);
my %site = (main => 'https://site.main.matrix/', bare => 'https://site.main.matrix/',
            own => 'https://site.own.matrix/', some => 'https://site.main.matrix/');
for my $v (qw(main bare own some)) {
    my $how = $v eq 'own' ? 'its own' : $v eq 'main' ? 'set' : 'inherited';
    ok t_cmp(from_pp($res{$v}) // '', qr/&p=$puid{$v}$/,
             "$v: PassportAccountQuery and PassportIdFormat $how (PUID + "
             . ($v eq 'own' ? '2000, decimal' : '1000, hex') . ')');
    ok t_cmp(max_age($res{$v}), $life{$v}, "$v: PassportTicketLifetime $how ($life{$v})");
    ok t_cmp(scalar $res{$v}->header('PassportConfig'), "ConfigVersion=$cv{$v}",
             "$v: PassportConfig carries ConfigVersion $cv{$v}");
    ok t_cmp(scalar $res{$v}->header('Authentication-Info'), qr/,ru=\Q$site{$v}\E$/,
             "$v: PassportSite $how");
}
ok t_cmp(sign_in('own', id => 61, orgurl => url_encode('https://site.main.matrix/'),
                 ru => url_encode('https://site.main.matrix/'))->header('WWW-Authenticate'),
         qr/^Passport1\.4 da-status=failed-noretry,/, 'own: the main server\'s site is replaced');
ok t_cmp(sign_in('bare', id => 62, orgurl => url_encode('https://site.own.matrix/'),
                 ru => url_encode('https://site.own.matrix/'))->header('WWW-Authenticate'),
         qr/^Passport1\.4 da-status=failed-noretry,/, 'bare: own\'s site is not there');

# PassportKeyFile and PassportRealm: who opens whose ticket
my %tk = map { $_ => (from_pp($res{$_}) // '') =~ s/^t=([^&]*).*/$1/r } keys %res;
my $aud = 'site.main.matrix';
ok t_cmp(verify('bare', $tk{bare}, $aud), 'realm=Main.Matrix', 'bare: its ticket verifies there, realm Main.Matrix');
ok t_cmp(verify('main', $tk{bare}, $aud), 'realm=Main.Matrix', 'bare\'s ticket is good on main: same key, same realm');
ok t_cmp(verify('own', $tk{own}, 'site.own.matrix'), 'realm=Passport.Net', 'own: its ticket, realm Passport.Net');
ok t_cmp(verify('own', $tk{bare}, $aud), 'reason=bad-signature', 'own refuses bare\'s ticket (its own key)');
ok t_cmp(verify('bare', $tk{own}, 'site.own.matrix'), 'reason=bad-signature', 'bare refuses own\'s ticket');
ok t_cmp(verify('some', $tk{some}, $aud), 'realm=Some.Matrix', 'some: its ticket, realm Some.Matrix');
ok t_cmp(verify('some', $tk{bare}, $aud), 'reason=bad-signature',
         'some refuses bare\'s ticket: the key is inherited, the realm is not the same');
my ($rc) = admin('ticket', $tk{own}, '--key-file', $key{b}, '--audience', 'site.own.matrix');
ok t_cmp($rc, 0, 'own\'s ticket is sealed with b.key');
($rc) = admin('ticket', $tk{some}, '--key-file', $key{main}, '--realm', 'Some.Matrix',
              '--audience', $aud);
ok t_cmp($rc, 0, 'some\'s ticket with main.key (inherited)');

# PassportTicketRecordQuery: each vhost writes with its own statement
ok t_cmp(sql("SELECT audience FROM issued_tickets WHERE ticket = '$tk{bare}'"),
         "main:$aud", 'bare: the main server\'s record query wrote its ticket');
ok t_cmp(sql("SELECT audience FROM issued_tickets WHERE ticket = '$tk{own}'"),
         'own:site.own.matrix', 'own: its own record query');
ok t_cmp(sql("SELECT audience FROM issued_tickets WHERE ticket = '$tk{some}'"),
         "main:$aud", 'some: the main server\'s');
my $bare_cookie = cookie_of($res{bare}, 'PPAuth') // 'x';
ok t_cmp(sql("SELECT count(*) FROM issued_tickets WHERE ticket = '$bare_cookie'"),
         '0', 'the login cookie is not recorded (only this server checks it)');

# ---- the challenge: realm, co-branding; domain redirects ---------------------
my %chal = (
    bare => 'srealm=Main.Matrix,ts=-1,prompt,cburl=http://img.main.matrix/logo.gif,cbtxt=Main%20matrix',
    own  => 'srealm=Passport.Net,ts=-1,prompt,cburl=http://img.own.matrix/logo.gif,cbtxt=Own%20matrix',
    some => 'srealm=Some.Matrix,ts=-1,prompt,cburl=http://img.main.matrix/logo.gif,cbtxt=Some%20text',
);
for my $v (qw(bare own some)) {
    ok t_cmp(scalar sign_in($v, pwd => 'wrong')->header('WWW-Authenticate'),
             "Passport1.4 da-status=failed,$chal{$v}", "$v: realm and co-branding in the challenge");
}
my $r = sign_in('bare', signin => 'x@redir.main.matrix');
ok t_cmp($r->code, 302, 'bare: the main server\'s domain redirect');
ok t_cmp(scalar $r->header('Location'), 'https://login.redir.main.matrix/login2.srf', 'to its URL');
$r = sign_in('own', signin => 'x@redir.own.matrix');
ok t_cmp($r->code, 302, 'own: its own domain redirect');
ok t_cmp(scalar $r->header('Location'), 'https://login.redir.own.matrix/login2.srf', 'to its URL');
ok t_cmp(sign_in('own', signin => 'x@redir.main.matrix')->code, 401,
         'own: the main server\'s domain is not redirected (list replaced)');
ok t_cmp(sign_in('some', signin => 'x@redir.main.matrix')->code, 302,
         'some: the main server\'s domain redirect');

# ---- RST.srf: services, lifetime, body limit, CA -------------------------------
my $x = rst('bare', ['main.matrix.service'], ['messengerclear.live.com', 'MBI_KEY_OLD']);
ok t_cmp($x, qr{<wsa:Address>main\.matrix\.service</wsa:Address>}, 'bare: the main server\'s PassportService');
ok t_cmp(lifetime($x), 1800, 'bare: Expires - Created is the inherited lifetime');
ok t_cmp((rst_fault(rst('bare', ['own.matrix.service'])))[1],
         qr/does not serve 'own\.matrix\.service'/, 'bare: not own\'s service');
$x = rst('own', ['own.matrix.service']);
ok t_cmp($x, qr{<wsa:Address>own\.matrix\.service</wsa:Address>}, 'own: its own service');
ok t_cmp(lifetime($x), 86400, 'own: lifetime back at the default');
ok t_cmp((rst_fault(rst('own', ['main.matrix.service'])))[1],
         qr/does not serve 'main\.matrix\.service'/, 'own: the main server\'s list is replaced');
ok t_cmp(rst('some', ['messengerclear.live.com']), qr{<wsa:Address>messengerclear\.live\.com</wsa:Address>},
         'some: its own service');
ok t_cmp((rst_fault(rst('some', ['main.matrix.service'])))[1],
         qr/does not serve 'main\.matrix\.service'/, 'some: only its own');

# PassportSharedTicket: On in main (inherited by bare and some), Off in own
sub version_of {
    my ($vhost, $xml) = @_;
    my ($t) = $xml =~ m{<wsse:BinarySecurityToken Id="Compact\d+">(t=[^<]+)</wsse:BinarySecurityToken>};
    my @realm = $vhost eq 'own' ? ('--key-file', $key{b}) : ('--key-file', $key{main}, '--realm',
                                  $vhost eq 'some' ? 'Some.Matrix' : 'Main.Matrix');
    my (undef, $out) = admin('ticket', ($t // 'x') =~ s/&amp;/&/r, @realm);
    return $out =~ /^version=(\d)$/m ? $1 : "none: $out";
}
sub tickets_of { my @t = $_[0] =~ m{<wsse:BinarySecurityToken Id="Compact\d+">([^<]+)<}g; \@t }
$x = rst('bare', ['messengerclear.live.com', 'MBI_KEY_OLD'], ['main.matrix.service']);
ok t_cmp(version_of('bare', $x) . ' ' . (tickets_of($x)->[0] eq (tickets_of($x)->[1] // '') ? 'one' : 'two'),
         '2 one', 'bare: PassportSharedTicket inherited: one version 2 ticket for both addresses');
$x = rst('own', ['messengerclear.live.com', 'MBI_KEY_OLD'], ['own.matrix.service']);
ok t_cmp(version_of('own', $x) . ' ' . (tickets_of($x)->[0] eq (tickets_of($x)->[1] // '') ? 'one' : 'two'),
         '1 two', 'own: switched Off: a version 1 ticket each');
ok t_cmp(version_of('some', rst('some', ['messengerclear.live.com', 'MBI_KEY_OLD'])), '2',
         'some: inherited On');

my $big = '<x>' . ('y' x 3500) . '</x>';
sub post_big { (rst_fault($srv->POST($port{$_[0]}, '/RST.srf', 'Content-Type' => 'text/xml',
                                     content => $big)->content))[1] }
ok t_cmp(post_big('bare'), qr/request body over 3000 bytes/, 'bare: the main server\'s PassportMaxRequestBody');
ok t_cmp(post_big('some'), qr/request body over 3000 bytes/, 'some: inherited too');
ok t_cmp(post_big('own'), qr/not a SOAP Envelope/, 'own: 65536, the default again: the body is read');

# the CA pair: whose CA signs the p2pslc certificate
my $tmp = $srv->dir;
sub issuer_of {
    my ($vhost) = @_;
    system("openssl req -new -newkey rsa:1024 -nodes -subj /CN=MSIDCRL -keyout $tmp/p2p.key "
           . "-outform DER -out $tmp/p2p.csr >/dev/null 2>&1") == 0 or return 'no CSR';
    open my $fh, '<', "$tmp/p2p.csr" or return 'no CSR';
    binmode $fh;
    local $/;
    my $csr = MIME::Base64::encode_base64(<$fh>, '');
    my $xml = rst($vhost, ['p2pslc.messenger.msn.com', 'MBI_X509_CID', $csr]);
    my ($cert) = $xml =~ m{<wsse:BinarySecurityToken Id="PPToken\d+"[^>]*>([^<]+)<} or return "no certificate: $xml";
    open my $out, '>', "$tmp/p2p.der" or die;
    binmode $out;
    print $out decode_base64($cert);
    close $out;
    my $issuer = qx{openssl x509 -inform DER -in $tmp/p2p.der -noout -issuer 2>&1};
    chomp $issuer;
    return $issuer;
}
ok t_cmp(issuer_of('bare'), qr/CN ?= ?mod_passport test CA$/, 'bare: certificates from the main server\'s CA');
ok t_cmp(issuer_of('own'), qr/CN ?= ?own matrix CA$/, 'own: from its own CA');
ok t_cmp(rst('some', ['p2pslc.messenger.msn.com', 'MBI_X509_CID']),
         qr{<faultcode>wst:InvalidScope</faultcode><faultstring>this realm does not serve 'p2pslc\.messenger\.msn\.com' \(PassportService\)</faultstring>},
         'some: p2pslc is not in its own PassportService (answered without a token)');

# the private server logged no error of its own
my @errors = grep { /\[(?:passport|dbd):(?:error|crit|emerg)\]/ } split /\n/, $srv->log;
ok t_cmp(scalar @errors, 0, 'no error in the private server\'s log' . (@errors ? ": $errors[0]" : ''));
$srv->stop;
