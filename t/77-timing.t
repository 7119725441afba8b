# Failures that take the same time (PassportTimingHash): an unknown
# sign-in name and a wrong password get the same answer on every
# endpoint, and the unknown name is checked against a dummy of the
# format and cost the accounts have: with auto, the last account's
# (learned per process, so these requests share one kept-alive
# connection, hence one process); with a FORMAT, that one, and a wrong
# password of another format is checked against it too. What is checked
# shows in the log (PP0401, PP0404); the times themselves are measured
# by bench/enumeration, never here.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use Apache::TestRequest ();
use lib 't/lib';
use PassportTest qw(p14_header rst_body rst2_body skeleton error_log);

my %accounts = PassportTest::test_accounts();
my %shape = (
    'alice@example.com'  => 'bcrypt:5',
    'apr1@example.com'   => 'apr1',
    'sha@example.com'    => 'sha1',
    'crypt@example.com'  => 'sha512crypt:5000',
    'pbkdf2@example.com' => 'pbkdf2:1000',
);

plan tests => 8 + 2 * keys(%shape) + 5;

Apache::TestRequest::user_agent(keep_alive => 1, reset => 1);

my $mark = 0;
sub mark { $mark = length error_log() }
sub since { substr(error_log(), $mark) }
sub login { Apache::TestRequest::GET('/login2.srf',
    Authorization => p14_header(signin => $_[0], pwd => $_[1])) }
sub answer {
    my ($res) = @_;
    return join "\n", $res->code, map({ "$_: " . ($res->header($_) // '') }
        qw(WWW-Authenticate Content-Type Content-Length Set-Cookie Authentication-Info)),
        $res->content;
}
# a SOAP answer without what changes from one to the next (times)
sub soap { my $x = $_[0]->content; $x =~ s/\d{4}\.\d\d\.\d\d\.\d\d\.\d\d\.\d\d/STAMP/g; skeleton($x) }

Apache::TestRequest::module('timing_auto');

# ---- the same answer -----------------------------------------------------------
my $wrong = login('alice@example.com', 'not-alices');
my $unknown = login('nobody-at-all@example.com', 'not-alices');
ok t_cmp($wrong->code, 401, 'a wrong password: 401');
ok t_cmp(answer($unknown), answer($wrong), 'login2.srf: an unknown name, byte for byte the same answer');
my $rst_w = Apache::TestRequest::POST('/RST.srf', 'Content-Type' => 'text/xml',
    content => rst_body('rst-msnp15.xml', 'alice@example.com', 'nope'));
my $rst_u = Apache::TestRequest::POST('/RST.srf', 'Content-Type' => 'text/xml',
    content => rst_body('rst-msnp15.xml', 'nobody-at-all@example.com', 'nope'));
ok t_cmp($rst_w->content, qr/wsse:FailedAuthentication/, 'RST.srf: a wrong password, FailedAuthentication');
ok t_cmp(soap($rst_u), soap($rst_w), 'RST.srf: the same fault for an unknown name');
ok t_cmp(length($rst_u->content), length($rst_w->content), 'RST.srf: of the same length');
my $rst2_w = Apache::TestRequest::POST('/RST2.srf', 'Content-Type' => 'application/soap+xml',
    content => rst2_body('alice@example.com', 'nope'));
my $rst2_u = Apache::TestRequest::POST('/RST2.srf', 'Content-Type' => 'application/soap+xml',
    content => rst2_body('nobody-at-all@example.com', 'nope'));
ok t_cmp($rst2_w->content, qr/FailedAuthentication/, 'RST2.srf: a wrong password, FailedAuthentication');
ok t_cmp(soap($rst2_u), soap($rst2_w), 'RST2.srf: the same fault for an unknown name');
ok t_cmp(length($rst2_u->content), length($rst2_w->content), 'RST2.srf: of the same length');

# ---- auto: the dummy has the shape of the account looked up last ---------------
for my $who (sort keys %shape) {
    login($who, 'wrong');                    # learns its shape (after the answer)
    mark();
    login('nobody-at-all@example.com', 'wrong');
    ok t_cmp(since(), qr/PP0401: sign-in failed for 'nobody-at-all\@example\.com': no such account \(a dummy \Q$shape{$who}\E hash was checked\)/,
             "auto: after $who, an unknown name is checked against a $shape{$who} dummy");
    mark();
    login($who, $accounts{$who});            # a success teaches the same
    login('nobody-at-all@example.com', 'x');
    ok t_cmp(since(), qr/a dummy \Q$shape{$who}\E hash was checked/, "and after its sign-in");
}
mark();
login('nobody-at-all@example.com', 'x') for 1 .. 2;
my $last = $shape{(sort keys %shape)[-1]};
ok t_cmp(scalar(() = since() =~ /a dummy \Q$last\E hash/g), 2,
         "the last shape ($last) stays until another account is looked up");

# ---- a FORMAT: the same dummy whatever was looked up, and a padded failure ------
Apache::TestRequest::module('timing_fixed');
login('sha@example.com', 'wrong');
mark();
login('nobody-at-all@example.com', 'wrong');
ok t_cmp(since(), qr/a dummy pbkdf2:1000 hash was checked/,
         'PassportTimingHash pbkdf2:1000: after a {SHA} account, still the pbkdf2:1000 dummy');
mark();
login('sha@example.com', 'wrong');
ok t_cmp(since(), qr/PP0404: 'sha\@example\.com' has a sha1 hash: the wrong password was also checked against PassportTimingHash pbkdf2:1000/,
         'a wrong password for a {SHA} account is also checked against the format (PP0404)');
mark();
login('pbkdf2@example.com', 'wrong');
ok t_cmp(since() =~ /PP0404/ ? 1 : 0, 0, 'not one for an account of that very format');
mark();
ok t_cmp(login('sha@example.com', 'sha-pw')->code, 200, 'a right password is not padded');
