# The Debian package, end to end, as an operator meets it (root only: run
# by scripts/test before it drops to the unprivileged user):
#   dpkg-buildpackage -us -uc -b builds libapache2-mod-passport from a
#   copy of the tree; lintian finds no error; apt installs it; it holds
#   the module, passport.load/passport.conf in mods-available,
#   passport-admin and its man page, the docs and the SQL schemas;
#   a2enmod passport enables it, mod_dbd and mod_socache_shmcb (the
#   default PassportCache); the system Apache, started
#   on a spare port with the system configuration, answers the Nexus with
#   PassportURLs.
# Then it puts the machine back: stops that Apache, a2dismod (and mod_dbd
# and mod_socache_shmcb when it enabled them), purges the package; so it
# can run again.
use strict;
use warnings FATAL => 'all';

use Test::More;
use File::Temp qw(tempdir);
use File::Copy qw(copy);
use File::Path qw(make_path);
use IO::Socket::INET ();
use Cwd qw(getcwd);

plan skip_all => 'needs root (scripts/test runs it as root)' if $> != 0;
plan skip_all => 'needs dpkg-buildpackage and apt-get (Debian)'
    unless -x '/usr/bin/dpkg-buildpackage' && -x '/usr/bin/apt-get';

my $pkg = 'libapache2-mod-passport';
my $top = getcwd();
my $tmp = tempdir('mod_passport-deb.XXXXXX', TMPDIR => 1, CLEANUP => 1);
chmod 0755, $tmp;

sub run_log {
    my ($name, $cmd) = @_;
    my $log = "$tmp/$name.log";
    my $rc = system("($cmd) >'$log' 2>&1");
    if ($rc != 0) {
        open my $fh, '<', $log;
        my @l = <$fh>;
        diag("$cmd failed; the end of its output:\n", @l > 40 ? @l[-40 .. -1] : @l);
    }
    return $rc == 0;
}
sub installed { `dpkg-query -W -f='\${Status}' $_[0] 2>/dev/null` =~ /install ok installed/ }

# ---- build, from a copy of the sources (the build configures in place) ---
my $manifest = $ENV{PP_SOURCE_MANIFEST};
my $src = "$tmp/src";
make_path($src);
if ($manifest && -f $manifest) {
    ok(run_log('copy', "tar -cf - -T '$manifest' | tar -C '$src' -xf -"), 'copied the sources');
} else {
    ok(run_log('copy', "git ls-files -co --exclude-standard | tar -cf - -T - | tar -C '$src' -xf -"),
       'copied the sources (git)');
}
my $jobs = `nproc` || 2;
chomp $jobs;
ok(run_log('build', "cd '$src' && DEB_BUILD_OPTIONS=parallel=$jobs dpkg-buildpackage -us -uc -b"),
   'dpkg-buildpackage -us -uc -b');
my ($deb) = glob("$tmp/${pkg}_*.deb");
my ($changes) = glob("$tmp/${pkg}_*.changes");
ok($deb, "built $pkg") or BAIL_OUT('no .deb');

my $lintian = `lintian --fail-on error '$changes' 2>&1`;
my $lintian_rc = $? >> 8;
diag("lintian: $_") for grep { /\S/ } split /\n/, $lintian;
is($lintian_rc, 0, 'lintian: no errors');
unlike($lintian, qr/^E: /m, 'lintian reports no E: tag');

# ---- install, enable, serve -------------------------------------------
my $dbd_was_enabled = -e '/etc/apache2/mods-enabled/dbd.load';
my $shmcb_was_enabled = -e '/etc/apache2/mods-enabled/socache_shmcb.load';
run_log('pre-purge', "apt-get purge -y -qq $pkg") if installed($pkg);
my $port;
my @httpd;
my $started = 0;
my $conf = "$tmp/apache2.conf";
sub cleanup {
    if ($started) {
        system(join(' ', @httpd, '-k', 'stop', '>/dev/null 2>&1'));
        for (1 .. 50) { last unless -s "$tmp/run/apache2.pid"; select(undef, undef, undef, 0.1) }
        $started = 0;
    }
    system("a2dismod -q -f passport >/dev/null 2>&1") if -e '/etc/apache2/mods-enabled/passport.load';
    system("a2dismod -q -f dbd >/dev/null 2>&1") if !$dbd_was_enabled && -e '/etc/apache2/mods-enabled/dbd.load';
    system("a2dismod -q -f socache_shmcb >/dev/null 2>&1")
        if !$shmcb_was_enabled && -e '/etc/apache2/mods-enabled/socache_shmcb.load';
    system("apt-get purge -y -qq $pkg >/dev/null 2>&1") if installed($pkg);
}
END { local $?; cleanup() }
$SIG{INT} = $SIG{TERM} = sub { cleanup(); exit 1 };

ok(run_log('install', "DEBIAN_FRONTEND=noninteractive apt-get install -y -qq '$deb'"),
   'apt-get install ./' . ($deb =~ s{.*/}{}r));
my %files = map { chomp; ($_ => 1) } `dpkg -L $pkg`;
for my $f ('/usr/lib/apache2/modules/mod_passport.so',
           '/etc/apache2/mods-available/passport.load',
           '/etc/apache2/mods-available/passport.conf',
           '/usr/sbin/passport-admin',
           '/usr/share/man/man8/passport-admin.8',
           '/usr/share/doc/libapache2-mod-passport/directives.md',
           '/usr/share/doc/libapache2-mod-passport/accounts.md',
           '/usr/share/doc/libapache2-mod-passport/README.md',
           '/usr/share/mod_passport/schema-sqlite.sql',
           '/usr/share/mod_passport/schema-pgsql.sql',
           '/usr/share/mod_passport/schema-mysql.sql',
           '/usr/share/mod_passport/passport-example.conf') {
    # dh_compress gzips docs and man pages above 4 KB
    my ($got) = grep { $files{$_} && -e $_ } $f, "$f.gz";
    ok($got, "the package installs $f" . ($got && $got ne $f ? '.gz' : ''));
}
my $help = `/usr/sbin/passport-admin --help 2>&1`;
like($help, qr/^usage: passport-admin/, 'the installed passport-admin runs');
ok(run_log('schema', "/usr/sbin/passport-admin -p '$tmp/accounts.db' schema"),
   'and creates an account database');

ok(run_log('a2enmod', 'a2enmod passport'), 'a2enmod passport');
ok(-e '/etc/apache2/mods-enabled/passport.load' && -e '/etc/apache2/mods-enabled/passport.conf',
   'passport.load and passport.conf enabled');
ok(-e '/etc/apache2/mods-enabled/dbd.load', 'mod_dbd enabled with it (Depends: dbd)');
ok(-e '/etc/apache2/mods-enabled/socache_shmcb.load',
   'mod_socache_shmcb enabled with it (Depends: socache_shmcb, the default PassportCache)');

# The system Apache with the system configuration, on a spare port, its
# pid file and logs in a directory of its own (so that an Apache already
# running here is left alone).
{
    my $s = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0, Listen => 1)
        or die "no free port: $!";
    $port = $s->sockport;
    close $s;
}
open my $in, '<', '/etc/apache2/apache2.conf' or die;
open my $out, '>', $conf or die;
while (<$in>) {
    s/^\s*Include\s+ports\.conf\s*$/Listen 127.0.0.1:$port\n/;
    print $out $_;
}
close $out;
make_path("$tmp/run", "$tmp/lock", "$tmp/log");
$ENV{$_->[0]} = $_->[1] for (['APACHE_RUN_USER', 'www-data'], ['APACHE_RUN_GROUP', 'www-data'],
    ['APACHE_PID_FILE', "$tmp/run/apache2.pid"], ['APACHE_RUN_DIR', "$tmp/run"],
    ['APACHE_LOCK_DIR', "$tmp/lock"], ['APACHE_LOG_DIR', "$tmp/log"], ['LANG', 'C']);
@httpd = ('/usr/sbin/apache2', '-d', '/etc/apache2', '-f', $conf);
ok(run_log('configtest', join(' ', @httpd, '-t')), 'the system configuration passes apache2 -t');
$started = run_log('start', join(' ', @httpd, '-k', 'start'));
ok($started, "the system Apache starts on 127.0.0.1:$port");
my $head = '';
for (1 .. 50) {
    $head = `curl -s -D - -o /dev/null http://127.0.0.1:$port/rdr/pprdr.asp 2>/dev/null`;
    last if $head =~ /^HTTP/;
    select(undef, undef, undef, 0.1);
}
like($head, qr{^HTTP/1\.1 200}, 'GET /rdr/pprdr.asp: 200');
like($head, qr{^PassportURLs: DARealm=Passport\.Net,DALogin=[^,\r\n]+/login2\.srf,}m,
     'the Nexus answers with PassportURLs')
    or diag(`tail -20 '$tmp/log/error.log' 2>/dev/null`);
my $other = `curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$port/login2.srf 2>/dev/null`;
is($other, '404', 'and serves nothing else by default (login2.srf: 404)');

# ---- and back as it was ------------------------------------------------
cleanup();
ok(!-e '/etc/apache2/mods-enabled/passport.load', 'a2dismod passport: disabled again');
is(-e '/etc/apache2/mods-enabled/dbd.load' ? 1 : 0, $dbd_was_enabled ? 1 : 0,
   'mod_dbd as it was before');
is(-e '/etc/apache2/mods-enabled/socache_shmcb.load' ? 1 : 0, $shmcb_was_enabled ? 1 : 0,
   'mod_socache_shmcb as it was before');
ok(!installed($pkg), "$pkg purged");
ok(!IO::Socket::INET->new(PeerAddr => "127.0.0.1:$port", Timeout => 2), 'that Apache has stopped');

done_testing();
