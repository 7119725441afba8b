package PassportTest;
# Helpers shared by the mod_passport Apache::Test suite.
use strict;
use warnings;
use feature 'state';

use Apache::Test ();
use Apache::TestRequest ();
use Apache::TestUtil ();
use IO::Socket::INET ();
use Exporter 'import';

our @EXPORT_OK = qw(raw_request read_to_close hostport_of);

# host:port of a named Apache::Test vhost ('' or undef: the main server)
sub hostport_of {
    my ($vhost) = @_;
    Apache::TestRequest::module($vhost || 'default');
    my $hp = Apache::TestRequest::hostport();
    Apache::TestRequest::module('default');
    return $hp;
}

# Everything the server writes on $sock until it closes the connection
# (15 s at most: then die, naming $hp); the socket is closed.
sub read_to_close {
    my ($sock, $hp) = @_;
    my $out = '';
    local $SIG{ALRM} = sub { die "timeout reading from $hp\n" };
    alarm 15;
    while (1) {
        my $n = sysread($sock, my $buf, 65536);
        last unless $n;
        $out .= $buf;
    }
    alarm 0;
    close $sock;
    return $out;
}

# Send bytes on a raw TCP socket and return everything the server
# writes until it closes the connection (bounded by a timeout).
sub raw_request {
    my ($bytes, $vhost) = @_;
    my $hp = hostport_of($vhost);
    my $sock = IO::Socket::INET->new(PeerAddr => $hp, Timeout => 10)
        or die "connect $hp: $!";
    print $sock $bytes;
    return read_to_close($sock, $hp);
}


# The Authorization header a Passport 1.4 client sends (libpurple's
# shape): sign-in and pwd URL-encoded, then the messenger challenge.
sub p14_header {
    my (%a) = @_;
    my @p = ('OrgVerb=GET',
             'OrgURL=' . ($a{orgurl} // 'http%3A%2F%2Fmessenger%2Emsn%2Ecom'));
    push @p, 'sign-in=' . url_encode($a{signin}) if defined $a{signin};
    push @p, 'pwd=' . url_encode($a{pwd}) if defined $a{pwd};
    push @p, 'lc=1033', 'id=' . ($a{id} // '507'), 'tw=40', 'fs=1',
             'ru=' . ($a{ru} // 'http%3A%2F%2Fmessenger%2Emsn%2Ecom'),
             'ct=1062764229', 'kpp=1', 'kv=5', 'ver=2.1.0173.1',
             'tpf=43f8a4c8ed940c04e3740be46c4d1619';
    return 'Passport1.4 ' . join(',', @p);
}

sub url_encode {
    my ($s) = @_;
    $s =~ s/([^A-Za-z0-9_.~-])/sprintf('%%%02X', ord $1)/ge;
    return $s;
}

# The t=...&p=... of a success answer, or undef.
sub from_pp {
    my ($res) = @_;
    my $ai = $res->header('Authentication-Info') // '';
    return $ai =~ /from-PP='([^']*)'/ ? $1 : undef;
}

# The value of one Set-Cookie of a response, or undef.
sub cookie_of {
    my ($res, $name) = @_;
    for my $c ($res->header('Set-Cookie')) {
        return $1 if $c =~ /^\Q$name\E=([^;]*)/;
    }
    return undef;
}

# Everything the server logged so far.
sub error_log {
    my $file = Apache::Test::vars('t_logs') . '/error_log';
    open my $fh, '<', $file or return '';
    local $/;
    return <$fh>;
}

# A request from t/data with the credentials filled in (XML-escaped).
sub rst_body {
    my ($name, $user, $password) = @_;
    my $file = Apache::Test::vars('t_dir') . "/data/$name";
    open my $fh, '<', $file or die "$file: $!";
    local $/;
    my $doc = <$fh>;
    for ($user, $password) {
        s/&/&amp;/g; s/</&lt;/g; s/>/&gt;/g;
    }
    $doc =~ s/\@USER\@/$user/;
    $doc =~ s/\@PASSWORD\@/$password/;
    return $doc;
}

# POST a SOAP body to RST.srf (or another path).
sub rst_post {
    my ($body, %o) = @_;
    return Apache::TestRequest::POST($o{path} // '/RST.srf',
        'Content-Type' => $o{type} // 'text/xml; charset=utf-8',
        content => $body);
}

# passport-admin and mod_passport.so of the build tree t/TEST.PL was
# given (-pp_builddir).
sub admin_path { return Apache::Test::vars('pp_admin') }
sub module_path { return Apache::Test::vars('pp_module') }

# Run passport-admin from the build tree; (exit code, output).
sub admin { return admin_stdin(undef, @_) }

# The same, with $stdin (a password, say) on standard input.
sub admin_stdin {
    my ($stdin, @args) = @_;
    my $bin = admin_path();
    my $in = '/dev/null';
    if (defined $stdin) {
        $in = Apache::Test::vars('t_logs') . '/admin.stdin';
        open my $fh, '>', $in or die "$in: $!";
        print $fh $stdin;
        close $fh;
    }
    my $cmd = join ' ', map { my $a = $_; $a =~ s/'/'\\''/g; "'$a'" } $bin, @args;
    # the sanitizer run's options for passport-admin (scripts/sanitizer-env)
    local %ENV = %ENV;
    $ENV{ASAN_OPTIONS} = $ENV{PP_ADMIN_ASAN_OPTIONS} if $ENV{PP_ADMIN_ASAN_OPTIONS};
    # APR's mysql driver starts the MariaDB client library (its
    # pthread_once initialisation) and never calls mysql_library_end, so
    # that library's ~250 bytes are still held at exit whatever the tool
    # does; leak checking stays on for every other driver
    $ENV{ASAN_OPTIONS} =~ s/detect_leaks=1/detect_leaks=0/
        if $ENV{ASAN_OPTIONS} && join(' ', @args) =~ /(?:^| )(?:-d|--driver) mysql(?: |$)/;
    my $out = qx{$cmd 2>&1 <'$in'};
    my $rc = $? >> 8;
    # UBSan (linked with ASan) reports on stderr: keep such a report
    # where t/99-sanitizer.t looks, so that it fails the run
    if ($out =~ /^\S+:\d+:\d+: runtime error: |^==\d+==ERROR: \w+Sanitizer/m) {
        state $n = 0;
        my $file = Apache::Test::vars('t_logs') . "/ubsan.passport-admin.$$." . ++$n;
        if (open my $fh, '>', $file) { print $fh "passport-admin @args\n$out"; close $fh }
    }
    return ($rc, $out);
}

# An HTTPS request to a named vhost, with curl (the suite's LWP may have
# no TLS): returns (status, headers, body).
sub https_request {
    my (%o) = @_;
    my $hp = hostport_of($o{vhost} // 'tls');
    my $dir = Apache::Test::vars('t_logs');
    my @cmd = ('curl', '-sk', '-o', "$dir/curl.body", '-D', "$dir/curl.head",
               '-w', '%{http_code}', "https://$hp$o{path}");
    if (defined $o{body}) {
        open my $fh, '>', "$dir/curl.req" or die; binmode $fh; print $fh $o{body}; close $fh;
        push @cmd, '--data-binary', "\@$dir/curl.req",
                   '-H', 'Content-Type: ' . ($o{type} // 'text/xml; charset=utf-8');
    }
    push @cmd, map { ('-H', $_) } @{ $o{headers} || [] };
    open my $pipe, '-|', @cmd or die "curl: $!";
    my $code = <$pipe>;
    close $pipe;
    local $/;
    open my $h, '<', "$dir/curl.head"; my $head = <$h> // '';
    open my $b, '<', "$dir/curl.body"; my $body = <$b> // '';
    return ($code, $head, $body);
}

# The RST2 request with credentials and a current timestamp.
sub rst2_body {
    my ($user, $password, %o) = @_;
    my $doc = rst_body('rst2-wlm2009.xml', $user, $password);
    my $now = $o{now} // time;
    my @c = gmtime($now);
    my @e = gmtime($now + 300);
    my $fmt = sub { sprintf '%04d-%02d-%02dT%02d:%02d:%02dZ', $_[5] + 1900, $_[4] + 1, @_[3, 2, 1, 0] };
    my $created = $fmt->(@c);
    my $expires = $fmt->(@e);
    $doc =~ s/\@CREATED\@/$created/;
    $doc =~ s/\@EXPIRES\@/$expires/;
    return $doc;
}

sub slurp {
    my ($file) = @_;
    open my $fh, '<', $file or die "$file: $!";
    binmode $fh;
    local $/;
    return <$fh>;
}

# A SOAP document reduced to its elements and attributes, with the values
# that change from one response to the next (times, tokens, secrets,
# digests, PUID, CID, sign-in, server info) replaced by placeholders, to
# compare a response with a reference element by element.
sub skeleton {
    my ($x) = @_;
    $x =~ s/\s+/ /g;
    $x =~ s/> </></g;
    $x =~ s/ (\/?>)/$1/g;
    $x =~ s/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/TIME/g;
    $x =~ s{(<psf:PUID>)[^<]*}{$1PUID};
    $x =~ s{(<psf:serverInfo[^>]*>)[^<]*}{$1INFO};
    $x =~ s{(Name="CID"[^>]*>)[^<]*}{$1CID}g;
    $x =~ s{(Name="AuthMembername">)[^<]*}{$1SIGNIN};
    $x =~ s{(<CipherValue>)[^<]*}{$1TOKEN}g;
    $x =~ s{(<wsse:BinarySecurityToken Id="Compact\d+">)[^<]*}{$1TOKEN}g;
    $x =~ s{(<wst:BinarySecret>)[^<]*}{$1SECRET}g;
    $x =~ s{(<wsse:Reference URI=")[^"#][^"]*}{$1DIGEST}g;
    $x =~ s/\s+\z//;
    return $x;
}

# The test accounts of t/conf/accounts.sql, one per stored-hash format:
# sign-in name => password.
sub test_accounts {
    return (
        'alice@example.com'  => 'alice-pw,1',   # bcrypt, a comma in it
        'apr1@example.com'   => 'apr1-pw',      # $apr1$
        'sha@example.com'    => 'sha-pw',       # {SHA}
        'crypt@example.com'  => 'crypt-pw',     # crypt(3) $6$
        'pbkdf2@example.com' => 'pbkdf2-pw',    # pbkdf2_sha256 (Escargot)
    );
}

# On the current vhost (Apache::TestRequest::module): every test account
# signs in, a wrong password is refused, and a mixed-case sign-in name
# finds its 64-bit PUID. keys(test_accounts) + 2 tests.
sub check_sign_ins {
    my ($label) = @_;
    my %accounts = test_accounts();
    for my $who (sort keys %accounts) {
        my $res = Apache::TestRequest::GET('/login2.srf',
            Authorization => p14_header(signin => $who, pwd => $accounts{$who}));
        Apache::Test::ok(Apache::TestUtil::t_cmp($res->code, 200, "$label: $who signs in"));
    }
    my $res = Apache::TestRequest::GET('/login2.srf',
        Authorization => p14_header(signin => 'alice@example.com', pwd => 'nope'));
    Apache::Test::ok(Apache::TestUtil::t_cmp(scalar $res->header('WWW-Authenticate'),
        qr/da-status=failed,/, "$label: wrong password"));
    $res = Apache::TestRequest::GET('/login2.srf',
        Authorization => p14_header(signin => 'ALICE@example.com', pwd => 'alice-pw,1'));
    Apache::Test::ok(Apache::TestUtil::t_cmp(from_pp($res) // '', qr/&p=0123456789ABCDEF$/,
        "$label: a 64-bit PUID, mixed-case sign-in"));
}

# passport-admin adds $signin through $driver/$params with the largest
# PUID; it then signs in on the current vhost and is listed. 3 tests.
sub check_admin_round_trip {
    my ($label, $driver, $params, $signin, $password) = @_;
    my @db = ('-d', $driver, '-p', $params);
    admin(@db, 'remove', $signin);
    my ($rc, $out) = admin_stdin("$password\n", @db, 'add', $signin,
                                 '--puid', '9223372036854775807');
    Apache::Test::ok(Apache::TestUtil::t_cmp($rc, 0, "passport-admin add on $label ($out)"));
    my $res = Apache::TestRequest::GET('/login2.srf',
        Authorization => p14_header(signin => $signin, pwd => $password));
    Apache::Test::ok(Apache::TestUtil::t_cmp(from_pp($res) // '', qr/&p=7FFFFFFFFFFFFFFF$/,
        'the account it added signs in, largest PUID intact'));
    (undef, $out) = admin(@db, 'list');
    Apache::Test::ok(Apache::TestUtil::t_cmp($out, qr/^\Q$signin\E\t7FFFFFFFFFFFFFFF$/m, 'and is listed'));
    admin(@db, 'remove', $signin);
}

# For plan: skip the whole test with t/TEST.PL's reason when it did not
# start database $db ('pgsql', 'mysql'), e.g. because it is not installed.
sub need_database {
    my ($db) = @_;
    my $file = Apache::Test::vars('t_dir') . "/var/$db.skip";
    my $why = '';
    if (open my $fh, '<', $file) {
        chomp($why = <$fh> // "$db unavailable");
    }
    return { ($why || "$db unavailable") => $why eq '' };
}

push @EXPORT_OK, qw(admin_path module_path need_database);
push @EXPORT_OK, qw(https_request rst2_body slurp skeleton test_accounts
                    admin_stdin check_sign_ins check_admin_round_trip);
push @EXPORT_OK, qw(p14_header url_encode from_pp cookie_of error_log
                    rst_body rst_post admin);

# A SOAP RST.srf request for alice: one wst:RequestSecurityToken per
# [address, policy, csr] (policy and csr optional), and nothing else, so
# that it stays small.
sub rst_envelope {
    my ($user, $password, @tokens) = @_;
    for ($user, $password) { s/&/&amp;/g; s/</&lt;/g; s/>/&gt;/g; }
    my $i = 0;
    my $rsts = join '', map {
        my ($address, $policy, $csr) = @$_;
        my $x = qq{<wst:RequestSecurityToken Id="RST@{[ $i++ ]}"><wst:RequestType>http://schemas.xmlsoap.org/ws/2004/04/security/trust/Issue</wst:RequestType>}
              . qq{<wsp:AppliesTo><wsa:EndpointReference><wsa:Address>$address</wsa:Address></wsa:EndpointReference></wsp:AppliesTo>};
        $x .= qq{<wsse:PolicyReference URI="$policy"/>} if defined $policy;
        $x .= qq{<wst:Supporting><wsse:BinarySecurityToken ValueType="http://schemas.microsoft.com/Passport/SoapServices/PPCRL#PKCS10" EncodingType="wsse:Base64Binary">$csr</wsse:BinarySecurityToken></wst:Supporting>}
            if defined $csr;
        $x . '</wst:RequestSecurityToken>';
    } @tokens;
    return qq{<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" }
         . qq{xmlns:wsse="http://schemas.xmlsoap.org/ws/2003/06/secext" xmlns:wsp="http://schemas.xmlsoap.org/ws/2002/12/policy" }
         . qq{xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/03/addressing" xmlns:wst="http://schemas.xmlsoap.org/ws/2004/04/trust" }
         . qq{xmlns:ps="http://schemas.microsoft.com/Passport/SoapServices/PPCRL"><soap:Header><wsse:Security>}
         . qq{<wsse:UsernameToken Id="user"><wsse:Username>$user</wsse:Username><wsse:Password>$password</wsse:Password>}
         . qq{</wsse:UsernameToken></wsse:Security></soap:Header><soap:Body><ps:RequestMultipleSecurityTokens Id="RSTS">$rsts}
         . qq{</ps:RequestMultipleSecurityTokens></soap:Body></soap:Envelope>};
}

# The faultcode and faultstring of an RST.srf answer ('' when none).
sub rst_fault {
    my ($xml) = @_;
    return $xml =~ m{<faultcode>([^<]*)</faultcode><faultstring>([^<]*)</faultstring>}
        ? ($1, $2) : ('', '');
}

# A private httpd for what the shared test server cannot show, because
# its main server's values are fixed by the other tests: a main server
# with every Passport directive set (t/05-merge-matrix.t), or with none
# (t/07-docs.t). It runs this machine's Apache with the suite's module
# list (t/conf/inherit.conf) and the module from the build tree, on free
# ports of 127.0.0.1, from its own directory t/logs/private-NAME, and is
# stopped (by the pid it wrote) when the object goes away.
#   $conf: the rest of the configuration. @PORTn@ (n from 1) is the n-th
#   port (port 1 is the main server's; give each virtual host its own),
#   @DIR@ the private directory, @ServerRoot@ t/.
#   prepare => sub { my ($dir) = @_; ... }: makes the files the
#   configuration names in @DIR@, before the server starts.
sub private_server {
    my ($name, $nports, $conf, %opt) = @_;
    return PassportTest::Private->start($name, $nports, $conf, %opt);
}

package PassportTest::Private;
use File::Path qw(make_path remove_tree);

sub free_ports {
    my ($n) = @_;
    # hold every socket until all are chosen, so no port is chosen twice
    my @socks = map {
        IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0,
                              Proto => 'tcp', Listen => 1, ReuseAddr => 1)
            or die "no free port: $!";
    } 1 .. $n;
    return map { $_->sockport } @socks;
}

sub start {
    my ($class, $name, $nports, $conf, %opt) = @_;
    my $t_dir = Apache::Test::vars('t_dir');
    my $httpd = Apache::Test::vars('httpd');
    my $dir = "$t_dir/logs/private-$name";
    remove_tree($dir);
    make_path($dir);
    $opt{prepare}->($dir) if $opt{prepare};
    my @ports = free_ports($nports);
    $conf =~ s/\@PORT(\d+)\@/$ports[$1 - 1]/g;
    $conf =~ s/\@DIR\@/$dir/g;
    $conf =~ s/\@ServerRoot\@/$t_dir/g;
    my $listen = join '', map { "Listen 127.0.0.1:$_\n" } @ports;
    my $file = "$dir/httpd.conf";
    open my $fh, '>', $file or die "$file: $!";
    print $fh <<"HEAD", $conf;
# generated by PassportTest::private_server for $0
ServerRoot "$t_dir"
Include "$t_dir/conf/inherit.conf"
LoadModule passport_module "@{[ PassportTest::module_path() ]}"
PidFile "$dir/httpd.pid"
ErrorLog "$dir/error_log"
LogLevel info
DefaultRuntimeDir "$dir"
TypesConfig /dev/null
<IfModule cgid_module>
    ScriptSock "$dir/cgisock"
</IfModule>
<IfModule mpm_event_module>
    StartServers 1
    ServerLimit 1
    ThreadsPerChild 8
    MaxRequestWorkers 8
    MinSpareThreads 1
    MaxSpareThreads 8
</IfModule>
$listen
HEAD
    close $fh;
    my $out = qx{"$httpd" -f "$file" -k start 2>&1};
    my $self = bless { name => $name, dir => $dir, ports => \@ports,
                       conf => $file }, $class;
    die "private httpd '$name' did not start: $out\n" . $self->log if $?;
    # up when its pid file is written and its first port answers
    for (1 .. 100) {
        if (!$self->{pid} && open my $p, '<', "$dir/httpd.pid") {
            my $pid = <$p> // '';
            $self->{pid} = $1 if $pid =~ /^(\d+)/;
        }
        last if $self->{pid} && IO::Socket::INET->new(PeerAddr => "127.0.0.1:$ports[0]",
                                                      Timeout => 1);
        select(undef, undef, undef, 0.1);
    }
    die "private httpd '$name' did not come up\n" . $self->log unless $self->{pid};
    return $self;
}

sub port { $_[0]{ports}[$_[1] - 1] }
sub dir  { $_[0]{dir} }

# An absolute URL on port n.
sub url {
    my ($self, $n, $path) = @_;
    return 'http://127.0.0.1:' . $self->port($n) . $path;
}

sub GET  { my ($self, $n, $path, @h) = @_;
           Apache::TestRequest::GET($self->url($n, $path), redirect_ok => 0, @h) }
sub POST { my ($self, $n, $path, @h) = @_;
           Apache::TestRequest::POST($self->url($n, $path), redirect_ok => 0, @h) }

sub log {
    my ($self) = @_;
    open my $fh, '<', "$self->{dir}/error_log" or return '';
    local $/;
    return <$fh>;
}

sub stop {
    my ($self) = @_;
    my $pid = delete $self->{pid} or return;
    kill 'TERM', $pid;
    for (1 .. 100) {
        last unless kill 0, $pid;
        select(undef, undef, undef, 0.1);
    }
}

sub DESTROY { $_[0]->stop }

package PassportTest;

push @EXPORT_OK, qw(rst_envelope rst_fault private_server);

1;
