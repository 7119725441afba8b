# passport-admin keygen and ca-create on a full disk and in a read-only
# directory: a non-zero exit, a message naming the file and the error,
# the old file byte for byte as it was, and no partial or temporary file.
#
# The suite runs as an unprivileged user and cannot mount a tiny tmpfs,
# so a full disk is a file-size limit: bash's `ulimit -f` with SIGXFSZ
# ignored, so that write(2) past the limit fails with EFBIG instead of
# killing the process. The limit is 1 KiB for a rotation whose new file
# is larger (the first write is cut short, the next one fails: the
# truncated file a full disk used to leave), 0 for files written from
# nothing. The read-only directory makes creating the temporary file
# fail. The fsync and close errors, which neither can provoke, are
# injected in the unit test t/unit/test_keyfile.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok skip);
use Apache::TestUtil qw(t_cmp);
use File::Path qw(remove_tree);
use lib 't/lib';
use PassportTest ();

plan tests => 33;

my $t_dir = Apache::Test::vars('t_dir');
my $bin = PassportTest::admin_path();
my $dir = "$t_dir/logs/keyfiles";
my $ro = "$dir/read-only";
chmod 0755, $ro if -d $ro;
remove_tree($dir);
mkdir $dir or die "$dir: $!";

sub slurp { open my $fh, '<', $_[0] or return undef; binmode $fh; local $/; <$fh> }
sub files { opendir my $d, $_[0] or die "$_[0]: $!"; return join ' ', sort grep { !/^\.\.?$/ } readdir $d }

# passport-admin under a file-size limit (KiB; undef: none) -> (exit, output)
sub admin_limited {
    my ($kib, @args) = @_;
    my $limit = defined $kib ? "trap \"\" XFSZ; ulimit -f $kib; " : '';
    my $cmd = join ' ', 'bash', '-c', "'${limit}exec \"\$\@\"'", '_',
        map { my $a = $_; $a =~ s/'/'\\''/g; "'$a'" } $bin, @args;
    # the sanitizer run's options for passport-admin (scripts/sanitizer-env)
    local $ENV{ASAN_OPTIONS} = $ENV{PP_ADMIN_ASAN_OPTIONS} if $ENV{PP_ADMIN_ASAN_OPTIONS};
    my $out = qx{$cmd 2>&1 </dev/null};
    return ($? >> 8, $out);
}

# a key file of 30 keys (about 1.3 KiB): a rotation writes more than 1 KiB
my $key = "$dir/realm.key";
my ($rc, $out) = admin_limited(undef, 'keygen', $key);
ok t_cmp($rc, 0, "keygen writes $key ($out)");
admin_limited(undef, 'keygen', $key, '--rotate') for 2 .. 30;
my $before = slurp($key);
ok t_cmp(length($before) > 1024 ? 1 : 0, 1, 'the key file is over 1 KiB (' . length($before) . ' bytes)');

# --rotate on a full disk
($rc, $out) = admin_limited(1, 'keygen', $key, '--rotate');
ok t_cmp($rc != 0 ? 1 : 0, 1, 'rotate on a full disk: non-zero exit');
ok t_cmp($out, qr/'\Q$key\E'.*File too large/, 'the message names the file and the error');
ok t_cmp(slurp($key) eq $before ? 1 : 0, 1, 'the key file is byte for byte as it was');
ok t_cmp((stat $key)[2] & 07777, 0600, 'and keeps mode 0600');
ok t_cmp(files($dir), 'realm.key', 'no temporary or partial file is left');

# a new key file on a full disk
my $new = "$dir/new.key";
($rc, $out) = admin_limited(0, 'keygen', $new);
ok t_cmp($rc != 0 ? 1 : 0, 1, 'keygen on a full disk: non-zero exit');
ok t_cmp($out, qr/'\Q$new\E'.*File too large/, 'the message names the file and the error');
ok t_cmp(-e $new ? 1 : 0, 0, 'no key file is left');
ok t_cmp(files($dir), 'realm.key', 'and no temporary file');

# a new CA on a full disk: its key is the first file written
my ($cert, $cakey) = ("$dir/ca.pem", "$dir/ca.key");
($rc, $out) = admin_limited(1, 'ca-create', $cert, $cakey);
ok t_cmp($rc != 0 ? 1 : 0, 1, 'ca-create on a full disk: non-zero exit');
ok t_cmp($out, qr/'\Q$cakey\E'.*File too large/, 'the message names the file and the error');
ok t_cmp(files($dir), 'realm.key', 'neither the certificate nor the key is left, nor a temporary file');

# the read-only directory
mkdir $ro or die "$ro: $!";
my $ro_key = "$ro/realm.key";
($rc, $out) = admin_limited(undef, 'keygen', $ro_key);
ok t_cmp($rc, 0, 'a key file in the directory-to-be-read-only');
my $ro_before = slurp($ro_key);
chmod 0555, $ro or die "chmod $ro: $!";
SKIP: {
    # root writes into read-only directories: nothing to test then
    skip 'running as root: a read-only directory does not stop root', 9 if $> == 0;

    ($rc, $out) = admin_limited(undef, 'keygen', $ro_key, '--rotate');
    ok t_cmp($rc != 0 ? 1 : 0, 1, 'rotate in a read-only directory: non-zero exit');
    ok t_cmp($out, qr/'\Q$ro_key\E'.*Permission denied/, 'the message names the file and the error');
    ok t_cmp(slurp($ro_key) eq $ro_before ? 1 : 0, 1, 'the key file is byte for byte as it was');
    ok t_cmp(files($ro), 'realm.key', 'no temporary file');

    ($rc, $out) = admin_limited(undef, 'keygen', "$ro/other.key");
    ok t_cmp($rc != 0 ? 1 : 0, 1, 'keygen in a read-only directory: non-zero exit');
    ok t_cmp($out, qr/'\Q$ro\E\/other\.key'.*Permission denied/, 'the message names the file and the error');

    # the CA key can be written, its certificate cannot: the key written
    # first is not left behind alone
    ($rc, $out) = admin_limited(undef, 'ca-create', "$ro/ca.pem", $cakey);
    ok t_cmp($rc != 0 ? 1 : 0, 1, 'ca-create with the certificate in a read-only directory: non-zero exit');
    ok t_cmp($out, qr/'\Q$ro\E\/ca\.pem'.*Permission denied/, 'the message names the certificate and the error');
    ok t_cmp(files($dir), 'read-only realm.key', 'the CA key was not left behind alone');
}
chmod 0755, $ro;

# and when nothing goes wrong
($rc, $out) = admin_limited(undef, 'keygen', $key, '--rotate');
ok t_cmp($rc, 0, 'rotate');
my $after = slurp($key);
ok t_cmp(substr($after, -length $before) eq $before && length($after) == length($before) + 45 ? 1 : 0, 1,
         'one new first line, every old key kept');
ok t_cmp((stat $key)[2] & 07777, 0600, 'mode 0600');
($rc, $out) = admin_limited(undef, 'keygen', $key);
ok t_cmp($rc, 1, 'keygen will not overwrite an existing key file');
ok t_cmp($out, qr/'\Q$key\E' exists; use --rotate/, 'and says so');
($rc, $out) = admin_limited(undef, 'ca-create', $cert, $cakey);
ok t_cmp($rc, 0, 'ca-create');
ok t_cmp((stat $cakey)[2] & 07777, 0600, 'the CA key has mode 0600');
ok t_cmp((stat $cert)[2] & 07777, 0644, 'the CA certificate 0644');
ok t_cmp(files($dir), 'ca.key ca.pem read-only realm.key', 'and no temporary file is left');
