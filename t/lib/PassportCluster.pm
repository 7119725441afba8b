package PassportCluster;
# The local cluster of scripts/cluster (two Apache nodes with mod_passport,
# one PostgreSQL, one Redis; docs/deployment.md) for the cluster tests
# (t/70-cluster.t, t/71-cluster-store.t): started in a directory of its
# own under t/logs, on free ports, with the suite's httpd (the sanitizer
# wrapper), module and passport-admin, and cleaned away when the object
# goes (kept, stopped, when a test failed, for its logs).
use strict;
use warnings;

use Apache::Test ();
use IO::Socket::INET ();
use LWP::UserAgent ();
use HTTP::Request ();
use Time::HiRes ();
use File::Path qw(remove_tree);
use lib 't/lib';
use PassportTest ();

# Why the cluster cannot run here ('' when it can): for plan's skip.
sub missing {
    return 'PostgreSQL disabled by PASSPORT_TEST_NO_PGSQL' if $ENV{PASSPORT_TEST_NO_PGSQL};
    return 'Redis disabled by PASSPORT_TEST_NO_REDIS' if $ENV{PASSPORT_TEST_NO_REDIS};
    my ($pg_bin) = sort { $b cmp $a } glob('/usr/lib/postgresql/*/bin');
    return 'PostgreSQL is not installed (apt-get install postgresql)'
        unless $pg_bin && -x "$pg_bin/initdb";
    return "APR's pgsql driver is not installed (apt-get install libaprutil1-dbd-pgsql)"
        unless grep { -e "$_/apr_dbd_pgsql-1.so" || -e "$_/apr_dbd_pgsql.so" }
               glob('/usr/lib/*/apr-util-1 /usr/lib/apr-util-1 /usr/lib64/apr-util-1');
    my @path = (split(/:/, $ENV{PATH} // ''), '/usr/bin', '/usr/sbin');
    for my $bin (qw(redis-server redis-cli)) {
        return "Redis is not installed (apt-get install redis-server): no $bin"
            unless grep { -x "$_/$bin" } @path;
    }
    my $libexec = libexec();
    for my $m (qw(socache_redis remoteip status dbd)) {
        return "Apache has no mod_$m ($libexec/mod_$m.so)" unless -e "$libexec/mod_$m.so";
    }
    return '';
}

sub top { Apache::Test::vars('t_dir') . '/..' }
sub libexec { my $l = `apxs -q LIBEXECDIR 2>/dev/null || apxs2 -q LIBEXECDIR 2>/dev/null`; chomp $l; $l || '/usr/lib/apache2/modules' }

# Does the module under test know these directives? An httpd -t of a
# configuration that uses them: (1, '') when it passes, (0, what httpd
# said) when a directive is unknown (Invalid command), and a die for any
# other failure, which no test should take for a missing feature.
sub knows {
    my ($name, @lines) = @_;
    my $dir = Apache::Test::vars('t_logs') . "/probe-$name";
    remove_tree($dir);
    mkdir $dir or die "$dir: $!";
    my $libexec = libexec();
    open my $fh, '>', "$dir/httpd.conf" or die;
    print $fh "ServerRoot \"$dir\"\nDefaultRuntimeDir \"$dir\"\nErrorLog \"$dir/error_log\"\n",
        "LoadModule mpm_event_module $libexec/mod_mpm_event.so\n",
        "LoadModule socache_shmcb_module $libexec/mod_socache_shmcb.so\n",
        "LoadModule socache_redis_module $libexec/mod_socache_redis.so\n",
        'LoadModule passport_module "', PassportTest::module_path(), "\"\n",
        map { "$_\n" } @lines;
    close $fh;
    my $httpd = Apache::Test::vars('httpd');
    my $out = qx{"$httpd" -t -f "$dir/httpd.conf" 2>&1};
    return (1, '') if $? == 0;
    my ($unknown) = $out =~ /(Invalid command '[^']+'[^\n]*)/;
    die "httpd -t of @lines failed: $out" unless $unknown;
    return (0, $unknown);
}

sub free_ports {
    my ($n) = @_;
    my @socks = map {
        IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0, Proto => 'tcp',
                              Listen => 1, ReuseAddr => 1) or die "no free port: $!";
    } 1 .. $n;
    return map { $_->sockport } @socks;
}

# Start a cluster named $name (its directory: t/logs/cluster-NAME).
sub start {
    my ($class, $name) = @_;
    my $dir = Apache::Test::vars('t_logs') . "/cluster-$name";
    my $self = bless { dir => $dir, name => $name }, $class;
    # a cluster an interrupted run left behind: stop it by its pid files
    $self->script('clean') if -f "$dir/cluster.env";
    remove_tree($dir);
    my ($a, $b, $redis) = free_ports(3);
    local $ENV{PASSPORT_CLUSTER_PORTS} = "$a $b $redis";
    local $ENV{PASSPORT_CLUSTER_HTTPD} = Apache::Test::vars('httpd');
    local $ENV{PASSPORT_CLUSTER_MODULE} = PassportTest::module_path();
    local $ENV{PASSPORT_CLUSTER_ADMIN} = PassportTest::admin_path();
    local $ENV{PASSPORT_CLUSTER_MODULES_DIR} = libexec();
    my ($rc, $out) = $self->script('start');
    die "scripts/cluster start failed:\n$out\n" if $rc;
    $self->{started} = 1;
    @$self{qw(port_a port_b redis_port)} = ($a, $b, $redis);
    $self->{params} = "host=$dir/pgsock port=5434 dbname=passport user=passport";
    $self->{pid} = { map { ($_ => $self->parent_pid($_)) } qw(a b) };
    return $self;
}

# scripts/cluster -d DIR @args: (exit code, output)
sub script {
    my ($self, @args) = @_;
    my $cmd = join ' ', map { my $x = $_; $x =~ s/'/'\\''/g; "'$x'" }
        'bash', top() . '/scripts/cluster', '-d', $self->{dir}, @args;
    # passport-admin, which it runs, under the sanitizer run's options
    local $ENV{ASAN_OPTIONS} = $ENV{PP_ADMIN_ASAN_OPTIONS} if $ENV{PP_ADMIN_ASAN_OPTIONS};
    my $out = qx{$cmd 2>&1 </dev/null};
    return ($? >> 8, $out);
}

sub dir { $_[0]{dir} }
sub params { $_[0]{params} }
sub port { $_[1] eq 'a' ? $_[0]{port_a} : $_[0]{port_b} }
sub url { my ($self, $n, $path) = @_; 'http://127.0.0.1:' . $self->port($n) . $path }
sub other { $_[1] eq 'a' ? 'b' : 'a' }

# A user agent of our own: a new connection for every request, as
# clients behind the balancer open them.
sub ua {
    my ($self) = @_;
    return $self->{ua} //= LWP::UserAgent->new(keep_alive => 0, timeout => 30,
                                               max_redirect => 0);
}
sub request {
    my ($self, $method, $n, $path, $headers, $body) = @_;
    my $req = HTTP::Request->new($method, $self->url($n, $path), [ @{ $headers || [] } ],
                                 $body);
    return $self->ua->request($req);
}
sub get { my ($self, $n, $path, @h) = @_; $self->request('GET', $n, $path, \@h) }

# login2.srf with a password, from client address $ip (X-Forwarded-For,
# which the node believes from the balancer, 127.0.0.1) when given.
sub sign_in {
    my ($self, $n, $who, $pw, $ip) = @_;
    return $self->get($n, '/login2.srf',
        Authorization => PassportTest::p14_header(signin => $who, pwd => $pw),
        $ip ? ('X-Forwarded-For' => $ip) : ());
}
# RST.srf with a small request (PassportTest::rst_envelope).
sub rst {
    my ($self, $n, $who, $pw, $tokens, @h) = @_;
    return $self->request('POST', $n, '/RST.srf',
        [ 'Content-Type' => 'text/xml; charset=utf-8', @h ],
        PassportTest::rst_envelope($who, $pw, @{ $tokens || [ ['http://Passport.NET/tb'] ] }));
}
# POST /verify: the JSON answer's fields as a hash, and the status.
sub verify {
    my ($self, $n, %f) = @_;
    my $body = join '&', map { "$_=" . PassportTest::url_encode($f{$_}) } sort keys %f;
    my $res = $self->request('POST', $n, '/verify',
        [ 'Content-Type' => 'application/x-www-form-urlencoded' ], $body);
    my %j;
    my $json = $res->content;
    while ($json =~ /"(\w+)":(?:"([^"]*)"|([\w.-]+))/g) { $j{$1} = $2 // $3 }
    $j{status} = $res->code;
    return \%j;
}

# passport-admin on the cluster's database: (exit code, output)
sub admin {
    my ($self, @args) = @_;
    return PassportTest::admin('-d', 'pgsql', '-p', $self->{params}, @args);
}
sub add_account {
    my ($self, $who, $pw, $hash) = @_;
    my ($rc, $out) = PassportTest::admin_stdin("$pw\n", '-d', 'pgsql', '-p', $self->{params},
                                               'add', $who, '--hash', $hash // 'sha1');
    die "passport-admin add $who: $out" if $rc;
    return $out;
}

# The node's error log, whole or from a byte offset.
sub log {
    my ($self, $n, $from) = @_;
    open my $fh, '<', "$self->{dir}/node-$n/logs/error_log" or return '';
    local $/;
    my $all = <$fh> // '';
    return substr($all, $from // 0);
}
sub log_size { -s "$_[0]{dir}/node-$_[1]/logs/error_log" // 0 }

sub parent_pid {
    my ($self, $n) = @_;
    open my $fh, '<', "$self->{dir}/node-$n/run/httpd.pid" or return 0;
    my $pid = <$fh> // '';
    return $pid =~ /^(\d+)/ ? $1 : 0;
}

# mod_status ?auto of a node, as a hash.
sub status {
    my ($self, $n) = @_;
    my $res = $self->get($n, '/server-status?auto');
    return { $res->content =~ /^([^:\n]+): ([^\n]*)$/mg };
}

# Marks a failed test: the cluster is then kept (stopped) for its logs.
sub keep { $_[0]{keep} = 1 }

sub DESTROY {
    my ($self) = @_;
    return unless delete $self->{started};
    local $?;
    $self->script($self->{keep} ? 'stop' : 'clean');
}

1;
