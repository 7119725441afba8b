# passport-admin(8) and `passport-admin --help` agree: the same commands
# and the same options, both ways; every option either names is one the
# tool accepts, and every option the tool's source compares against is in
# both. The checker is shown to catch a man page that lost an option or a
# command (the bad path).
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use File::Find ();
use File::Spec ();
use lib 't/lib';
use PassportTest qw(admin);

my $top = File::Spec->catdir(Apache::Test::vars('t_dir'), '..');
sub slurp { open my $fh, '<', $_[0] or die "$_[0]: $!"; local $/; <$fh> }

my $man = slurp("$top/docs/passport-admin.8");
my ($rc, $help) = admin('--help');

# roff source to plain text: escapes and font changes out
sub roff_text {
    my ($s) = @_;
    $s =~ s/^\.\\".*\n//mg;                 # comments
    $s =~ s/\\f[BIRP]//g;
    $s =~ s/\\-/-/g;
    $s =~ s/\\e/\\/g;
    $s =~ s/\\\(dq/"/g;
    $s =~ s/^\.(?:B|BR|BI|RB|IR|RI|I)\s+//mg;
    return $s;
}
sub options_in { my %o = map { $_ => 1 } $_[0] =~ /(?<![\w-])(--?[a-z][a-z0-9-]*)/g; \%o }

# The man page's commands: the first word of each .TP tag in COMMANDS.
sub man_commands {
    my ($src) = @_;
    my ($sec) = $src =~ /^\.SH COMMANDS\n(.*?)^\.SH /ms or return {};
    my %c = map { roff_text($_) =~ /^"?([a-z][a-z-]*)/ ? ($1 => 1) : () }
            $sec =~ /^\.TP\n(.*)$/mg;
    return \%c;
}
# The man page's options: those in SYNOPSIS, OPTIONS and COMMANDS.
sub man_options {
    my ($src) = @_;
    my $text = join '', $src =~ /^\.SH (?:SYNOPSIS|OPTIONS|COMMANDS)\n(.*?)(?=^\.SH )/msg;
    return options_in(roff_text($text));
}
sub help_commands {
    my ($h) = @_;
    my ($list) = $h =~ /^commands:\n(.*)/ms or return {};
    my %c = map { $_ => 1 } $list =~ /^  ([a-z][a-z-]*)/mg;
    return \%c;
}

# (missing from the man page, missing from --help), as sorted lists
sub compare {
    my ($a, $b) = @_;
    return ([ sort grep { !$a->{$_} } keys %$b ], [ sort grep { !$b->{$_} } keys %$a ]);
}

# The tool's own source: the file with its usage text, and the option
# strings it compares arguments with.
my $source;
File::Find::find(sub {
    $source //= $File::Find::name if /\.c$/ && slurp($_) =~ /"usage: passport-admin /;
}, "$top/mod_passport");
my %in_source = $source
    ? map { $_ => 1 } slurp($source) =~ /"(--?[a-z][a-z0-9-]*)"/g : ();

my $help_opts = options_in($help);
my $man_opts = man_options($man);
my $help_cmds = help_commands($help);
my $man_cmds = man_commands($man);

plan tests => 8 + keys(%$man_opts);

ok t_cmp($rc, 0, 'passport-admin --help exits 0');
ok t_cmp(scalar(keys %$help_cmds) >= 10 && scalar(keys %$help_opts) >= 19 ? 1 : 0, 1,
         'found the commands (' . join(' ', sort keys %$help_cmds) . ') and options in --help');

my ($not_in_man, $not_in_help) = compare($man_cmds, $help_cmds);
ok t_cmp("@$not_in_man", '', 'every command of --help has its entry in passport-admin(8)');
ok t_cmp("@$not_in_help", '', 'every command of passport-admin(8) is in --help');
($not_in_man, $not_in_help) = compare($man_opts, $help_opts);
ok t_cmp("@$not_in_man", '', 'every option of --help is in passport-admin(8)');
ok t_cmp("@$not_in_help", '', 'every option of passport-admin(8) is in --help');
ok t_cmp(join(' ', grep { !$help_opts->{$_} || !$man_opts->{$_} } sort keys %in_source), '',
         "every option the source ($source) knows is in --help and the man page");

# Every documented option is one the tool accepts (an unknown one is
# refused with 'unknown option').
for my $o (sort keys %$man_opts) {
    my (undef, $out) = admin($o);
    ok t_cmp($out =~ /unknown option/ ? "refused: $out" : 'accepted', 'accepted', "passport-admin accepts $o");
}

# The bad path: the same checks on a man page that lost --rotate and the
# list command find exactly those.
(my $broken = $man) =~ s/^\.B \\-\\-rotate\n//m;
$broken =~ s/\[" \\-\\-rotate \]//;
$broken =~ s/--rotate//g;
$broken =~ s/\\-\\-rotate//g;
$broken =~ s/^\.TP\n\.B list\n.*\n//m;
($not_in_man) = compare(man_opts_of($broken), $help_opts);
my ($cmds_missing) = compare(man_commands($broken), $help_cmds);
ok t_cmp("@$not_in_man / @$cmds_missing", '--rotate / list',
         'a man page without --rotate and list fails the checks, naming them');
sub man_opts_of { man_options($_[0]) }
