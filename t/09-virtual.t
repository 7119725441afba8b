# The endpoints are virtual: a URI that a <Location> gives a Passport
# handler skips core's directory walk, as a ProxyPass does
# (mod_passport_virtual.c), so <Directory> and .htaccess do not apply to
# it and <Location> does. Everything else still walks: other content in
# the same directory, an endpoint's URI rewritten to a file, a handler
# set by <Directory>, a handler set for a whole server.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use File::Path qw(make_path);
use lib 't/lib';
use PassportTest qw(private_server);

plan tests => 17;

my $apxs = Apache::Test::vars('apxs');
chomp(my $libexec = qx{"$apxs" -q LIBEXECDIR});
my $conf = <<"CONF";
ServerName virtual.test
<IfModule !rewrite_module>
    LoadModule rewrite_module "$libexec/mod_rewrite.so"
</IfModule>
PassportThrottle off
DocumentRoot "\@DIR\@/htdocs"
<Directory "\@DIR\@/htdocs">
    AllowOverride All
    Require all granted
</Directory>
# a directory whose .htaccess is broken: anything walked there is a 500
<Location /broken/pprdr.asp>
    SetHandler passport-nexus
</Location>
<Location /broken/expr.asp>
    SetHandler "passport-%{tolower:NEXUS}"
</Location>
# access control of an endpoint: in its <Location>
<Location /closed/pprdr.asp>
    SetHandler passport-nexus
    Require all denied
</Location>
# <Directory> does not reach an endpoint: this would refuse it if walked
<Directory "\@DIR\@/htdocs/fenced">
    Require all denied
</Directory>
<Location /fenced/pprdr.asp>
    SetHandler passport-nexus
</Location>
# an endpoint's URI rewritten to another: that one is walked
RewriteEngine On
RewriteRule ^/moved/pprdr\\.asp\$ /fenced/file.txt [PT]
<Location /moved/pprdr.asp>
    SetHandler passport-nexus
</Location>
# a handler set by <Directory>: walked, and answered
<Directory "\@DIR\@/htdocs/bydir">
    SetHandler passport-nexus
</Directory>
# a server whose every URL is the Nexus (SetHandler in the vhost, not a
# <Location>): walked, so a <Directory> can still take it back
<VirtualHost 127.0.0.1:\@PORT2\@>
    ServerName nexus-only.test
    DocumentRoot "\@DIR\@/htdocs"
    SetHandler passport-nexus
    <Directory "\@DIR\@/htdocs/plain">
        SetHandler none
    </Directory>
</VirtualHost>
CONF

my $srv = private_server('virtual', 2, $conf, prepare => sub {
    my ($dir) = @_;
    for my $d (qw(broken fenced bydir plain)) {
        make_path("$dir/htdocs/$d");
        open my $fh, '>', "$dir/htdocs/$d/file.txt" or die $!;
        print $fh "a file\n";
        close $fh;
    }
    open my $fh, '>', "$dir/htdocs/broken/.htaccess" or die $!;
    print $fh "ThisIsNotADirective on\n";
    close $fh;
});

my $res = $srv->GET(1, '/broken/pprdr.asp');
ok t_cmp($res->code, 200, 'an endpoint under a broken .htaccess answers: it is not walked');
ok t_cmp(scalar($res->header('PassportURLs')) // '', qr/^DARealm=/, '... with the Nexus header');
$res = $srv->GET(1, '/broken/expr.asp');
ok t_cmp($res->code, 200, 'SetHandler as an expression naming a Passport handler: not walked either');
ok t_cmp(scalar($res->header('PassportURLs')) // '', qr/^DARealm=/, '... and it is the Nexus');
$res = $srv->GET(1, '/broken/file.txt');
ok t_cmp($res->code, 500, 'a file in the same directory is still walked (the broken .htaccess is read)');
ok t_cmp($srv->log, qr/ThisIsNotADirective/, '... and core says why');

$res = $srv->GET(1, '/closed/pprdr.asp');
ok t_cmp($res->code, 403, 'Require in the endpoint\'s <Location> applies');
ok t_cmp(scalar($res->header('PassportURLs')), undef, '... no Nexus header');

$res = $srv->GET(1, '/fenced/pprdr.asp');
ok t_cmp($res->code, 200, '<Directory> does not reach an endpoint');
$res = $srv->GET(1, '/fenced/file.txt');
ok t_cmp($res->code, 403, '... and still applies to the files in it');

$res = $srv->GET(1, '/moved/pprdr.asp');
ok t_cmp($res->code, 403, 'an endpoint URI rewritten to a file is walked: <Directory> refuses it');
ok t_cmp(scalar($res->header('PassportURLs')), undef, '... and the Nexus does not answer it');

$res = $srv->GET(1, '/bydir/anything');
ok t_cmp($res->code, 200, 'a handler set by <Directory> is walked and answers');
ok t_cmp(scalar($res->header('PassportURLs')) // '', qr/^DARealm=/, '... as the Nexus');

$res = $srv->GET(2, '/rdr/pprdr.asp');
ok t_cmp(scalar($res->header('PassportURLs')) // '', qr/^DARealm=/,
         'a server-wide SetHandler: its URLs are the Nexus');
$res = $srv->GET(2, '/plain/file.txt');
ok t_cmp($res->code, 200, '... and a <Directory> that takes its handler back is walked');
ok t_cmp($res->content, "a file\n", '... and serves its file');
