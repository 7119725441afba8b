# passport-admin: schema, accounts, keys; an account it adds signs in.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use Apache::TestRequest qw(GET);
use File::Spec ();
use lib 't/lib';
use PassportTest qw(p14_header admin_stdin);

plan tests => 41;

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

# --stage and --promote: a rotation in two steps, for several servers
# (docs/deployment.md). A staged key verifies and seals nothing; once
# promoted it seals, and the old key still verifies.
sub key_lines { open my $fh, '<', $_[0] or return (); grep { !/^#/ } <$fh> }
sub write_file { open my $fh, '>', $_[0] or die "$_[0]: $!"; print $fh $_[1]; close $fh; chmod 0600, $_[0] }
sub sealed {    # a ticket sealed with the first key of $file
    my (undef, $t) = run(undef, 'issue', '--key-file', $_[0], '--signin', 'a@example.com',
                         '--puid', '1', '--audience', 'messenger.msn.com');
    return $t =~ /^(t=\S+)$/m ? $1 : 'none';
}
sub opens {     # does $file's keyring open $ticket?
    my ($rc2) = run(undef, 'ticket', 'verify', $_[1], '--key-file', $_[0]);
    return $rc2 == 0 ? 1 : 0;
}
my $staged = "$t_dir/logs/admin-staged.key";
my $only_old = "$t_dir/logs/admin-old.key";
unlink $staged, $only_old;
run(undef, 'keygen', $staged);
my ($old_key) = key_lines($staged);
write_file($only_old, $old_key);
($rc, $out) = run(undef, 'keygen', $staged, '--promote');
ok t_cmp($rc, 1, '--promote without a staged key fails');
ok t_cmp($out, qr/'\Q$staged\E' has no staged key: add one with keygen --stage/, 'and says why');
my $old_ticket = sealed($staged);
($rc, $out) = run(undef, 'keygen', $staged, '--stage');
ok t_cmp($rc, 0, "keygen --stage ($out)");
my @st = key_lines($staged);
ok t_cmp(scalar(@st) == 2 && $st[0] eq $old_key ? 1 : 0, 1, '--stage keeps the first key first and adds one after it');
ok t_cmp(scalar(do { open my $fh, '<', $staged; grep { /^# staged by passport-admin keygen --stage/ } <$fh> }), 1,
         'with a comment that says it is staged');
ok t_cmp((stat $staged)[2] & 07777, 0600, 'still mode 0600');
my $staged_ticket = sealed($staged);
ok t_cmp(opens($only_old, $staged_ticket), 1, 'a staged key seals nothing: the first key still does');
($rc, $out) = run(undef, 'keygen', $staged, '--stage');
ok t_cmp($out, qr/has a staged key already: keygen --promote it first/, 'one staged key at a time');
($rc, $out) = run(undef, 'keygen', $staged, '--promote');
ok t_cmp($rc, 0, "keygen --promote ($out)");
my @pr = key_lines($staged);
ok t_cmp(scalar(@pr) == 2 && $pr[0] eq $st[1] && $pr[1] eq $old_key ? 1 : 0, 1,
         '--promote puts the staged key first and the old one after it');
ok t_cmp(scalar(do { open my $fh, '<', $staged; grep { /^#/ } <$fh> }), 0, 'and drops the comment');
my $new_ticket = sealed($staged);
ok t_cmp(opens($only_old, $new_ticket), 0, 'the promoted key seals: the old key alone does not open its tickets');
write_file("$staged.before", $old_key . $st[1]);
ok t_cmp(opens("$staged.before", $new_ticket), 1, 'a server that has only the staged file opens them');
ok t_cmp(opens($staged, $old_ticket), 1, 'and tickets sealed before the rotation still open');
($rc, $out) = run(undef, 'keygen', $staged, '--rotate', '--stage');
ok t_cmp($out, qr/keygen takes one of --rotate, --stage and --promote/, 'one of --rotate, --stage, --promote');
