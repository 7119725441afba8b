# Old Pidgin built with NSS sends its HTTP/0.9 Nexus request over TLS,
# with SNI and without Host. Over a real TLS connection: the SNI name
# selects the virtual host that answers, with a full HTTP/1.1 head; no
# SNI gets the address's default vhost as before; every request that is
# not HTTP/0.9 is left to httpd and mod_ssl. And a TLS 1.0 handshake
# reaches the Nexus on a vhost set up for such clients (docs/nexus.md).
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok skip);
use Apache::TestUtil qw(t_cmp);
use IO::Socket::SSL qw(SSL_VERIFY_NONE);
use lib 't/lib';
use PassportTest qw(hostport_of error_log read_to_close);

plan tests => 43;

my $REQ09 = "GET /rdr/pprdr.asp\r\n\r\n";

# A TLS connection to a test vhost's address, sending SNI $o{sni} (none
# when undef), the bytes $o{bytes}, and everything the server writes
# until it closes. Returns (answer, TLS version) or (undef, error).
sub tls_request {
    my (%o) = @_;
    my $hp = hostport_of($o{vhost} // 'nexus_tls');
    my $sock = IO::Socket::SSL->new(
        PeerAddr        => $hp,
        Timeout         => 10,
        SSL_verify_mode => SSL_VERIFY_NONE,
        SSL_hostname    => $o{sni} // '',      # '' sends no SNI
        ($o{version} ? (SSL_version => $o{version}) : ()),
        ($o{cipher} ? (SSL_cipher_list => $o{cipher}) : ()),
    ) or return (undef, "TLS to $hp: $IO::Socket::SSL::SSL_ERROR");
    my $version = $sock->get_sslversion;
    print $sock $o{bytes};
    return (read_to_close($sock, $hp), $version);
}

# What the server logged while $code ran.
sub logged_by {
    my ($code) = @_;
    my $before = length error_log();
    my @r = $code->();   # lines are written before the answer is sent
    return (substr(error_log(), $before), @r);
}

my $urls_default = 'DARealm=NexusTLS.Default,DALogin=login.nexus-tls.example/login2.srf,'
                 . 'Help=https://help.main.example,ConfigVersion=15';
my $urls_b = 'DARealm=NexusTLS.B,DALogin=login.nexus-b.example/login2.srf,'
           . 'Help=https://help.main.example,ConfigVersion=15';
my $urls_old = 'DARealm=NexusTLS.Old,DALogin=login.nexus-old.example/login2.srf,'
             . 'Help=https://help.main.example,ConfigVersion=15';

# the whole answer to an HTTP/0.9 request: exactly one HTTP/1.1 head
sub http09_answer {
    my ($raw, $urls, $what) = @_;
    ok t_cmp($raw, qr{\AHTTP/1\.1 200 OK\r\n}, "$what: a status line");
    ok t_cmp($raw, qr{\r\nPassportURLs: \Q$urls\E\r\n}, "$what: its vhost's PassportURLs");
    ok t_cmp($raw, qr{\r\nContent-Length: 0\r\nConnection: close\r\n}, "$what: length 0, close");
    ok t_cmp($raw, qr{\A(?:[^\r\n]+\r\n)+\r\n\z}, "$what: head lines, a blank line, nothing more");
}

# (a) SNI names a TLS vhost with its own realm: that vhost answers
my ($log, $raw) = logged_by(sub { tls_request(sni => 'nexus-b.example.test', bytes => $REQ09) });
http09_answer($raw // '', $urls_b, 'SNI nexus-b, HTTP/0.9');
ok t_cmp($log, qr{PP0112: HTTP/0\.9 over TLS: the SNI name nexus-b\.example\.test is the request's host; virtual host nexus-b\.example\.test },
         'logged at debug: the SNI name and the vhost it selected');
ok t_cmp($log =~ /AH02031/ ? 1 : 0, 0, 'mod_ssl did not refuse it');

# a ServerAlias, in capitals, selects the same vhost (host names are
# compared without case)
($raw) = tls_request(sni => 'NEXUS-B-ALIAS.example.test', bytes => $REQ09);
http09_answer($raw // '', $urls_b, 'SNI of a ServerAlias in capitals');

# (b) no SNI: the default vhost of the address answers, as HTTP/0.9
# always was
($log, $raw) = logged_by(sub { tls_request(bytes => $REQ09) });
http09_answer($raw // '', $urls_default, 'no SNI, HTTP/0.9');
ok t_cmp($log =~ /PP011\d/ ? 1 : 0, 0, 'no SNI: nothing done, nothing logged');

# (c) requests that are not HTTP/0.9 are httpd's and mod_ssl's
($raw) = tls_request(sni => 'nexus-b.example.test', bytes =>
    "GET /rdr/pprdr.asp HTTP/1.1\r\nHost: nexus-b.example.test\r\nConnection: close\r\n\r\n");
ok t_cmp($raw // '', qr{\AHTTP/1\.1 200 OK\r\n}, 'HTTP/1.1, SNI and Host: 200');
ok t_cmp($raw // '', qr{\r\nPassportURLs: \Q$urls_b\E\r\n}, 'from the vhost they name');
ok t_cmp($raw // '', qr{\r\nX-Nexus-Filter: on\r\n}, 'through the normal output filters');

($log, $raw) = logged_by(sub { tls_request(sni => 'nexus-b.example.test', bytes =>
    "GET /rdr/pprdr.asp HTTP/1.0\r\n\r\n") });
ok t_cmp($raw // '', qr{\AHTTP/1\.1 400 Bad Request\r\n}, 'HTTP/1.0 with SNI and no Host: 400');
ok t_cmp($log, qr{AH02031: Hostname nexus-b\.example\.test provided via SNI, but no hostname provided in HTTP request},
         "mod_ssl's own refusal (AH02031)");
ok t_cmp(($raw // '') =~ /PassportURLs/ ? 1 : 0, 0, 'and no PassportURLs');
ok t_cmp($log =~ /PP011\d/ ? 1 : 0, 0, 'HTTP/1.0: not touched');

($raw) = tls_request(sni => 'nexus-b.example.test', bytes =>
    "GET /rdr/pprdr.asp HTTP/1.1\r\nConnection: close\r\n\r\n");
ok t_cmp($raw // '', qr{\AHTTP/1\.1 400 Bad Request\r\n}, 'HTTP/1.1 with SNI and no Host: 400');
ok t_cmp(($raw // '') =~ /PassportURLs/ ? 1 : 0, 0, 'and no PassportURLs');

# (d) SNI names no vhost of the address: mod_ssl made the handshake with
# the address's default vhost, and that vhost answers, as it answers an
# HTTP/1.1 request whose Host names no vhost
($log, $raw) = logged_by(sub { tls_request(sni => 'unknown.example.test', bytes => $REQ09) });
http09_answer($raw // '', $urls_default, 'SNI of no vhost, HTTP/0.9');
ok t_cmp($log, qr{PP0112: HTTP/0\.9 over TLS: the SNI name unknown\.example\.test is the request's host; virtual host nexus-tls\.example\.test },
         'logged: the default vhost took it');
($raw) = tls_request(sni => 'unknown.example.test', bytes =>
    "GET /rdr/pprdr.asp HTTP/1.1\r\nHost: unknown.example.test\r\nConnection: close\r\n\r\n");
ok t_cmp($raw // '', qr{\r\nPassportURLs: \Q$urls_default\E\r\n},
         'the same vhost as for HTTP/1.1 with that Host');

# a SNI value that is not a DNS host name is left to mod_ssl (400,
# which an HTTP/0.9 client gets as a bare HTML body)
($log, $raw) = logged_by(sub { tls_request(sni => 'bad_name.example.test', bytes => $REQ09) });
ok t_cmp($raw // '', qr{<title>400 Bad Request</title>}, 'SNI not a host name: 400 body');
ok t_cmp(($raw // '') =~ /PassportURLs/ ? 1 : 0, 0, 'no PassportURLs');
ok t_cmp($log, qr{PP0110: HTTP/0\.9 over TLS: SNI "bad_name\.example\.test" is not a host name, left to mod_ssl},
         'logged at debug why it was left');
ok t_cmp($log, qr{AH02031: Hostname bad_name\.example\.test provided via SNI}, 'mod_ssl refused it');

# StrictHostCheck On (httpd 2.4.49+): a name no vhost has is refused for
# SNI as for Host; a name a vhost has is still answered
if (Apache::Test::have_min_apache_version('2.4.49')) {
    ($log, $raw) = logged_by(sub { tls_request(vhost => 'nexus_strict', sni => 'unknown.example.test',
                                               bytes => $REQ09) });
    ok t_cmp($raw // '', qr{<title>400 Bad Request</title>}, 'StrictHostCheck, SNI of no vhost: 400');
    ok t_cmp($log, qr{PP0111: HTTP/0\.9 over TLS: no virtual host is named unknown\.example\.test \(StrictHostCheck\), left to mod_ssl.*AH02031}s,
             'logged, and left to mod_ssl');
    ($raw) = tls_request(vhost => 'nexus_strict', sni => 'unknown.example.test', bytes =>
        "GET /rdr/pprdr.asp HTTP/1.1\r\nHost: unknown.example.test\r\nConnection: close\r\n\r\n");
    ok t_cmp($raw // '', qr{\AHTTP/1\.1 400 }, 'as HTTP/1.1 with that Host is refused');
    ($raw) = tls_request(vhost => 'nexus_strict', sni => 'nexus-strict-b.example.test', bytes => $REQ09);
    ok t_cmp($raw // '', qr{\AHTTP/1\.1 200 OK\r\n(?:[^\r\n]+\r\n)*PassportURLs: DARealm=NexusTLS\.StrictB,},
             'StrictHostCheck, SNI of a vhost: that vhost answers');
}
else {
    skip('StrictHostCheck needs httpd 2.4.49', 0) for 1 .. 4;
}

# TLS 1.0, as NSS 3.11 (the 2007 Windows Pidgin) speaks it, to the vhost
# set up as docs/nexus.md says, with and without SNI; an RSA key exchange
# with AES-128-CBC-SHA, one of the suites NSS 3.11 offers
my $old = 'AES128-SHA:@SECLEVEL=0';
my $version;
($raw, $version) = tls_request(vhost => 'nexus_tls10', version => 'TLSv1', cipher => $old,
                               bytes => $REQ09);
ok t_cmp($version, 'TLSv1', 'TLS 1.0 handshake without SNI');
ok t_cmp($raw // '', qr{\AHTTP/1\.1 200 OK\r\n(?:[^\r\n]+\r\n)*PassportURLs: \Q$urls_old\E\r\n},
         'TLS 1.0, no SNI: the Nexus answers');
($raw, $version) = tls_request(vhost => 'nexus_tls10', version => 'TLSv1', cipher => $old,
                               sni => 'nexus-old.example.test', bytes => $REQ09);
ok t_cmp($version, 'TLSv1', 'TLS 1.0 handshake with SNI');
ok t_cmp($raw // '', qr{\AHTTP/1\.1 200 OK\r\n(?:[^\r\n]+\r\n)*PassportURLs: \Q$urls_old\E\r\n},
         'TLS 1.0 with SNI, HTTP/0.9: the Nexus answers');
# without those settings, Debian 12's OpenSSL refuses TLS 1.0
($raw, my $err) = tls_request(vhost => 'nexus_tls', version => 'TLSv1', cipher => $old,
                              bytes => $REQ09);
ok t_cmp(defined $raw ? 'answered' : 'refused', 'refused',
         'a vhost without them refuses TLS 1.0 (' . ($err // '') . ')');
