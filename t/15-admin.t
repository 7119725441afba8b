# passport-admin: schema, accounts, keys; an account it adds signs in.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use Apache::TestRequest qw(GET);
use File::Spec ();
use lib 't/lib';
use PassportTest qw(p14_header admin_stdin);

plan tests => 26;

my $t_dir = Apache::Test::vars('t_dir');
my $top = File::Spec->catdir($t_dir, '..');
my $db = "$t_dir/logs/admin-test.db";
my $live = "$t_dir/var/accounts.db";     # the test server's database
unlink $db;

sub run {   # (stdin line or undef, args...) -> (exit code, output)
    my ($in, @args) = @_;
    return admin_stdin(defined $in ? "$in\n" : undef, @args);
}

my ($rc, $out) = run(undef, '-p', $db, 'schema');
ok t_cmp($rc, 0, 'schema created');
for my $drv (qw(sqlite3 pgsql mysql)) {
    my ($rc2, $sql) = run(undef, '-d', $drv, 'schema', '--print');
    my $file = { sqlite3 => 'schema-sqlite.sql', pgsql => 'schema-pgsql.sql',
                 mysql => 'schema-mysql.sql' }->{$drv};
    open my $fh, '<', "$top/conf/$file" or die;
    my $shipped = join '', grep { !/^--/ } <$fh>;
    ok t_cmp($sql, $shipped, "conf/$file is what passport-admin creates");
}

($rc, $out) = run('s3cret,pw', '-p', $db, 'add', 'Carol@Example.com', '--puid', '255');
ok t_cmp($rc, 0, 'add');
ok t_cmp($out, qr/added carol\@example\.com, PUID 00000000000000FF/, 'lower-cased, PUID in hex');
($rc, $out) = run('x', '-p', $db, 'add', 'carol@example.com');
ok t_cmp($rc, 1, 'a duplicate is refused');
ok t_cmp($out, qr/UNIQUE constraint failed: passport_accounts\.signin/, 'by the database, for its sign-in name');
($rc, $out) = run(undef, '-p', $db, 'list');
ok t_cmp($out, "carol\@example.com\t00000000000000FF\n", 'list');
($rc, $out) = run('', '-p', $db, 'add', 'dave@example.com');
ok t_cmp($rc, 1, 'an empty password is refused');
ok t_cmp($out, qr/the password must be 1 to 256 bytes/, 'and the message says so');
($rc, $out) = run(undef, '-p', $db, 'add', 'not-an-address');
ok t_cmp($rc, 1, 'a bad sign-in name is refused');
ok t_cmp($out, qr/'not-an-address' is not a sign-in name/, 'and the message says so');
($rc, $out) = run(undef, '-p', $db, 'remove', 'carol@example.com');
ok t_cmp($rc, 0, 'remove');
($rc, $out) = run(undef, '-p', $db, 'remove', 'carol@example.com');
ok t_cmp($rc, 1, 'removing it twice fails');
ok t_cmp($out, qr/no account 'carol\@example\.com'/, 'with no account');

# Into the live test database: the server accepts what the tool writes.
run(undef, '-p', $live, 'remove', 'erin@example.com');
($rc) = run('erin-pw', '-p', $live, 'add', 'erin@example.com', '--hash', 'pbkdf2');
ok t_cmp($rc, 0, 'add to the live database (pbkdf2)');
my $res = GET '/login2.srf',
    Authorization => p14_header(signin => 'erin@example.com', pwd => 'erin-pw');
ok t_cmp($res->code, 200, 'the new account signs in');
($rc) = run('erin-pw2', '-p', $live, 'passwd', 'erin@example.com');
$res = GET '/login2.srf',
    Authorization => p14_header(signin => 'erin@example.com', pwd => 'erin-pw2');
ok t_cmp($res->code, 200, 'after passwd, the new password works (bcrypt)');
run(undef, '-p', $live, 'remove', 'erin@example.com');

my $key = "$t_dir/logs/admin-test.key";
unlink $key;
($rc) = run(undef, 'keygen', $key);
ok t_cmp($rc, 0, 'keygen');
my @lines = do { open my $fh, '<', $key; <$fh> };
ok t_cmp(scalar(@lines) == 1 && $lines[0] =~ m{^[A-Za-z0-9+/]{43}=\n$} ? 1 : 0, 1,
         'keygen writes one base64 key of 32 bytes');
ok t_cmp((stat $key)[2] & 07777, 0600, 'mode 0600');
($rc, $out) = run(undef, 'keygen', $key);
ok t_cmp($rc, 1, 'keygen refuses to overwrite');
ok t_cmp($out, qr/'\Q$key\E' exists; use --rotate/, 'and says why');
($rc) = run(undef, 'keygen', $key, '--rotate');
ok t_cmp($rc, 0, 'keygen --rotate');
my @rotated = do { open my $fh, '<', $key; <$fh> };
ok t_cmp(scalar(@rotated) == 2 && $rotated[1] eq $lines[0] ? 1 : 0, 1,
         '--rotate puts a new key first and keeps the old one');
