# A bad directive value stops Apache at start-up (httpd -t) with a message
# naming the directive and the value; a good one passes.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp t_write_file);
use File::Spec ();
use lib 't/lib';
use PassportTest ();

my @bad = (
    [ 'PassportConfigVersion abc',  qr/PassportConfigVersion: 'abc' is not a non-negative integer/ ],
    [ 'PassportConfigVersion -1',   qr/PassportConfigVersion: '-1' is not/ ],
    [ 'PassportConfigVersion 99999999999', qr/PassportConfigVersion: '99999999999' is not/ ],
    [ 'PassportRealm "a,b"',        qr/PassportRealm: 'a,b' is not a realm name/ ],
    [ 'PassportDALogin https://login.example/login2.srf',
      qr{PassportDALogin: 'https://login.example/login2.srf' is not HOST/PATH} ],
    [ 'PassportDALogin login.example', qr/PassportDALogin: 'login.example' is not/ ],
    [ 'PassportDAReg ftp://x.example/', qr{PassportDAReg: 'ftp://x.example/' is not an absolute} ],
    [ 'PassportHelp "https://a.example/x y"', qr{PassportHelp: 'https://a.example/x y' is not} ],
    [ 'PassportPrivacy', qr/PassportPrivacy takes one argument/ ],
    [ 'PassportKeyFile conf/keys/missing.key',
      qr{PassportKeyFile: cannot read '[^']*conf/keys/missing\.key'} ],
    [ 'PassportKeyFile conf/accounts.sql',
      qr{PassportKeyFile: '[^']*accounts\.sql': line \d+: not a key} ],
    [ 'PassportTicketLifetime 10',
      qr/PassportTicketLifetime: '10' is not a number of seconds between 60 and 2592000/ ],
    [ 'PassportTicketLifetime 1d', qr/PassportTicketLifetime: '1d' is not/ ],
    [ 'PassportLegacyTokenLifetime 59',
      qr/PassportLegacyTokenLifetime: '59' is not a number of seconds between 60 and 31536000/ ],
    [ "PassportTicketLifetime 7200\nPassportLegacyTokenLifetime 3600",
      qr/PP0004: PassportLegacyTokenLifetime \(3600 s\) is shorter than PassportTicketLifetime \(7200 s\)/ ],
    [ 'PassportAccountQuery "SELECT password_hash, puid FROM passport_accounts"',
      qr/PassportAccountQuery: .* must have exactly one %s/ ],
    [ 'PassportSite 507 messenger.msn.com', qr/PassportSite: 'messenger\.msn\.com' is not an absolute/ ],
    [ "PassportSite 1 http://a.example/\nPassportSite 1 http://b.example/",
      qr/PassportSite: '1' is configured twice/ ],
    [ 'PassportDomainRedirect a@b.example https://x.example/', qr/PassportDomainRedirect: 'a\@b\.example' is not a domain/ ],
    [ 'PassportMaxRequestBody 10', qr/PassportMaxRequestBody: '10' is not a number of bytes between 1024 and 16777216/ ],
    [ 'PassportService "a<b"', qr/PassportService: 'a<b' is not a service address/ ],
    [ 'PassportTicketRecordQuery "INSERT INTO t VALUES (%s, %s)"',
      qr/PassportTicketRecordQuery: .* must have exactly six %s parameters/ ],
    [ "<Location /x>\nPassportPartnerChallenge \"lc=1033, tw=40\"\n</Location>",
      qr/PassportPartnerChallenge: 'lc=1033, tw=40' is not a comma-separated list/ ],
    [ "<Location /x>\nPassportPartnerLoginURL login.example.net\n</Location>",
      qr/PassportPartnerLoginURL: 'login\.example\.net' is not an absolute/ ],
    [ 'PassportPartnerSite 42', qr/PassportPartnerSite not allowed here/ ],
    [ 'PassportSharedTicket yes', qr/PassportSharedTicket must be On or Off/ ],
    [ 'PassportSharedTicket', qr/PassportSharedTicket must be On or Off/ ],
    [ 'PassportIdFormat octal', qr/PassportIdFormat: 'octal' is not decimal or hex/ ],
    [ 'PassportIdFormat "hex decimal"', qr/PassportIdFormat: 'hex decimal' is not decimal or hex/ ],
    [ q{PassportAccountQuery "SELECT password_hash, puid FROM passport_accounts WHERE signin = %s AND strftime('%Y', 'now') > '2000'"},
      qr/PassportAccountQuery: .* must have exactly one %s parameter \(the sign-in name\); mod_dbd takes every % followed by a letter as a parameter: write %% for a literal %/ ],
    [ q{PassportTicketRecordQuery "INSERT INTO t SELECT %s, %s, %s, %s, %s, %s WHERE 'x' LIKE '%x'"},
      qr/PassportTicketRecordQuery: .* must have exactly six %s parameters/ ],
    [ 'PassportCoBrandURL javascript:alert(1)', qr/PassportCoBrandURL: 'javascript:alert\(1\)' is not/ ],
    # the sign-in guard
    [ 'PassportCache "sh mcb"', qr/PassportCache: 'sh mcb' is not provider\[:arguments\]/ ],
    [ 'PassportCache :512000', qr/PassportCache: ':512000' is not provider\[:arguments\]/ ],
    [ "PassportKeyFile conf/keys/main.key\nPassportCache nosuch",
      qr/PP0005: PassportCache: 'nosuch' for [^:]+:\d+: no socache provider 'nosuch' is loaded \(LoadModule socache_nosuch_module\)/ ],
    [ "PassportKeyFile conf/keys/main.key\nPassportCache shmcb:logs/guard(100)",
      qr/PP0006: PassportCache: 'shmcb:logs\/guard\(100\)' for [^:]+:\d+: Invalid argument: size has to be >= 8192 bytes/ ],
    [ "PassportKeyFile conf/keys/main.key\nPassportCache redis",
      qr/PP0006: PassportCache: 'redis' for [^:]+:\d+: List of server names required/ ],
    [ 'PassportThrottle 10', qr/PassportThrottle: '10' is not FAILURES SECONDS or off/ ],
    [ 'PassportThrottle 0 300', qr/PassportThrottle: '0' is not a number of failures from 1 to 1000000/ ],
    [ 'PassportThrottle ten 300', qr/PassportThrottle: 'ten' is not a number of failures/ ],
    [ 'PassportThrottle 10 0', qr/PassportThrottle: '0' is not a number of seconds from 1 to 2592000/ ],
    [ 'PassportThrottle 10 2592001', qr/PassportThrottle: '2592001' is not a number of seconds/ ],
    [ 'PassportThrottle 10 300 1', qr/PassportThrottle takes 1-2 arguments, FAILURES SECONDS/ ],
    [ 'PassportThrottleAccount on', qr/PassportThrottleAccount: 'on' is not FAILURES SECONDS or off/ ],
    [ 'PassportThrottleAccount 100 1h', qr/PassportThrottleAccount: '1h' is not a number of seconds/ ],
    [ 'PassportCredentialCache 0', qr/PassportCredentialCache: '0' is not a number of seconds from 1 to 86400, or off/ ],
    [ 'PassportCredentialCache 86401', qr/PassportCredentialCache: '86401' is not a number of seconds/ ],
    [ 'PassportCredentialCache forever', qr/PassportCredentialCache: 'forever' is not/ ],
    [ 'PassportTimingHash bcrypt:3', qr/PassportTimingHash: 'bcrypt:3' is not bcrypt:COST with a cost from 4 to 20; or auto/ ],
    [ 'PassportTimingHash pbkdf2:0', qr/PassportTimingHash: 'pbkdf2:0' is not pbkdf2:ITERATIONS with 1 to 10000000 iterations; or auto/ ],
    [ 'PassportTimingHash md4', qr/PassportTimingHash: 'md4' is not a format and cost \(bcrypt:COST, .*\) or a stored hash; or auto/ ],
);

plan tests => 2 * @bad + 14 + 6;

my $vars = Apache::Test::vars();
my $t_dir = $vars->{t_dir};
my $so = PassportTest::module_path();
my $inherit = File::Spec->catfile($t_dir, 'conf', 'inherit.conf');

# A small but complete server config around the directive under test.
sub check_config {
    my ($directive) = @_;
    my $file = File::Spec->catfile($t_dir, 'logs', 'badconf.conf');
    t_write_file($file, <<"CONF");
ServerRoot "$t_dir"
Include "$inherit"
LoadModule passport_module "$so"
ServerName localhost
PidFile logs/badconf.pid
ErrorLog logs/badconf_error_log
Listen 127.0.0.1:1
$directive
CONF
    my $out = qx{"$vars->{httpd}" -t -f "$file" 2>&1};
    return ($? >> 8, $out);
}

for my $case (@bad) {
    my ($rc, $out) = check_config($case->[0]);
    ok t_cmp($rc != 0, 1, "refused: $case->[0]");
    ok t_cmp($out, $case->[1], 'message names the directive and value');
}

# %% is a literal % to mod_dbd: not a parameter
my ($rc0, $out0) = check_config(q{PassportAccountQuery "SELECT password_hash, puid FROM passport_accounts WHERE signin = %s AND strftime('%%Y', 'now') > '2000'"});
ok t_cmp($rc0, 0, 'a query with %% (a literal %) and one %s passes');
($rc0, $out0) = check_config("PassportIdFormat hex\nPassportIdFormat DECIMAL");
ok t_cmp($rc0, 0, 'PassportIdFormat hex and DECIMAL (any case) pass');

my ($rc, $out) = check_config("PassportRealm Good.Example\nPassportConfigVersion 0\n"
                              . "PassportDALogin login.good.example/login2.srf\n"
                              . "PassportDAReg https://reg.good.example/");
ok t_cmp($rc, 0, 'a good configuration passes httpd -t');
ok t_cmp($out, qr/Syntax OK/, 'Syntax OK');

# A short key file is refused with the reason.
my $short = File::Spec->catfile($t_dir, 'logs', 'short.key');
t_write_file($short, "AAAA\n");
($rc, $out) = check_config("PassportKeyFile $short");
ok t_cmp($rc != 0, 1, 'a key of the wrong size is refused');
ok t_cmp($out, qr/PassportKeyFile: '[^']*short\.key': line 1: not a key \(want base64 of exactly 32 bytes, got 3\)/,
         'and the message says why');

# The CA for p2pslc: a matching pair of a CA certificate and its key.
my $ca = "$t_dir/var/ca.pem";
my $ca_key = "$t_dir/var/ca.key";
my $logs = "$t_dir/logs";
qx{openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=leaf -addext basicConstraints=critical,CA:FALSE -keyout $logs/leaf.key -out $logs/leaf.pem 2>&1};
($rc, $out) = check_config("PassportCACertificateFile $ca\nPassportCAKeyFile $ca_key");
ok t_cmp($rc, 0, 'a CA and its key pass');
($rc, $out) = check_config("PassportCACertificateFile $ca\nPassportCAKeyFile $logs/leaf.key");
ok t_cmp($rc != 0, 1, 'a key that is not the CA\'s is refused');
ok t_cmp($out, qr/PassportCACertificateFile\/PassportCAKeyFile .*: the CA key does not match the CA certificate/,
         'and the message says so');
($rc, $out) = check_config("PassportCACertificateFile $logs/leaf.pem");
ok t_cmp($out, qr/PassportCACertificateFile: '[^']*leaf\.pem' is not a CA certificate/,
         'a certificate that is not a CA is refused');
($rc, $out) = check_config("PassportCAKeyFile $logs/missing.key");
ok t_cmp($out, qr/PassportCAKeyFile: cannot read/, 'an unreadable key is refused');
($rc, $out) = check_config("PassportCACertificateFile $ca");
ok t_cmp($out, qr/both the CA certificate and its key are needed/, 'a certificate without its key is refused');

# Keys are secrets: a key file everyone can read is accepted with a warning.
my $open_key = "$logs/open.key";
t_write_file($open_key, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n");
chmod 0644, $open_key;
($rc, $out) = check_config("PassportKeyFile $open_key");
ok t_cmp($out, qr/PP0003: PassportKeyFile: '[^']*open\.key' is readable by everyone/, 'a world-readable key file: a warning');
chmod 0600, $open_key;
($rc, $out) = check_config("PassportKeyFile $open_key");
ok t_cmp($out =~ /PP0003/ ? 1 : 0, 0, 'mode 0600: no warning');

# The guard: good values pass.
($rc, $out) = check_config("PassportKeyFile conf/keys/main.key\n"
                           . "PassportCache shmcb:logs/guard-ok(512000)\nPassportThrottle 5 60\n"
                           . "PassportThrottleAccount 100 3600\nPassportCredentialCache 600\n"
                           . "PassportTimingHash pbkdf2:600000\n<VirtualHost 127.0.0.1:1>\n"
                           . "PassportThrottle off\nPassportThrottleAccount off\nPassportCredentialCache off\n"
                           . "PassportTimingHash auto\nPassportCache shmcb\n</VirtualHost>");
ok t_cmp($rc, 0, 'good PassportCache, PassportThrottle, PassportThrottleAccount, '
         . 'PassportCredentialCache and PassportTimingHash values pass');
ok t_cmp($out, qr/Syntax OK/, 'Syntax OK');

# The default store, shmcb, needs mod_socache_shmcb: without it a server
# that signs people in does not start, and says what to do; with the
# throttle off it needs no store.
{
    open my $in, '<', $inherit or die "$inherit: $!";
    my $mods = join '', grep { !/socache_shmcb/ } <$in>;
    close $in;
    my $file = File::Spec->catfile($t_dir, 'logs', 'badconf-noshmcb.conf');
    my $try = sub {
        t_write_file($file, qq{ServerRoot "$t_dir"\n$mods\nLoadModule passport_module "$so"\n}
                            . "ServerName localhost\nPidFile logs/badconf.pid\nErrorLog logs/badconf_error_log\n"
                            . "Listen 127.0.0.1:1\nPassportKeyFile conf/keys/main.key\n$_[0]\n");
        my $o = qx{"$vars->{httpd}" -t -f "$file" 2>&1};
        return ($? >> 8, $o);
    };
    ($rc, $out) = $try->('');
    ok t_cmp($rc != 0, 1, 'no mod_socache_shmcb, throttle at its default: refused');
    ok t_cmp($out, qr/PP0005: PassportCache: 'shmcb' for [^:]+:\d+: no socache provider 'shmcb' is loaded \(LoadModule socache_shmcb_module; shmcb is PassportCache's default, for PassportThrottle's default 10 300, unless PassportThrottle is off\)/,
             'and the message says what to do');
    ($rc, $out) = $try->('PassportThrottle off');
    ok t_cmp($rc, 0, 'with PassportThrottle off it starts');
    ok t_cmp($out, qr/Syntax OK/, 'Syntax OK');
}
