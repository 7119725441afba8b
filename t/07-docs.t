# Every directive the module declares is documented in docs/directives.md
# (with Syntax, Default, Context) and every config field is merged.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use File::Spec ();

my $top = File::Spec->catdir(Apache::Test::vars('t_dir'), '..');
sub slurp { open my $fh, '<', "$top/$_[0]" or die "$_[0]: $!"; local $/; <$fh> }

my $config_c = slurp('mod_passport/mod_passport_config.c');
my $config_h = slurp('mod_passport/mod_passport_config.h');
my $docs = slurp('docs/directives.md');

my @directives = $config_c =~ /AP_INIT_\w+\(\s*"(Passport\w+)"/g;
my @fields;
for my $type (qw(pp_srv_cfg_t pp_dir_cfg_t)) {
    my ($struct) = $config_h =~ /typedef struct \{((?:(?!typedef).)*?)\} \Q$type\E;/s;
    push @fields, $struct =~ /(\w+)\s*(?:\[[^\]]*\])?;/g;
}

plan tests => 1 + 2 * @directives + @fields;

ok t_cmp(scalar(@directives) > 0, 1, 'found the directive table');
for my $d (@directives) {
    my ($section) = $docs =~ /^## \Q$d\E\n(.*?)(?=^## |\z)/ms;
    ok t_cmp(defined $section ? 1 : 0, 1, "$d has a section in docs/directives.md");
    ok t_cmp(($section // '') =~ /Syntax.*Default.*Context/s ? 1 : 0, 1,
             "$d documents Syntax, Default and Context");
}
for my $f (@fields) {
    ok t_cmp($config_c =~ /MERGE_\w+\(\s*\Q$f\E\s*\)/ ? 1 : 0, 1,
             "field $f is merged");
}
