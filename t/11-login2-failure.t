# login2.srf: wrong credentials and bad requests get the 401 challenge,
# never a 400 or 500; an unknown account looks like a wrong password.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use Apache::TestRequest qw(GET POST);
use lib 't/lib';
use PassportTest qw(p14_header error_log raw_request);

my $CHALLENGE = 'Passport1.4 da-status=failed,srealm=Passport.Net,ts=-1,prompt,'
              . 'cburl=http://images.example/logo.gif,cbtxt=Welcome%2C%20friend';

# [ name, header, prompt ]: "prompt" (the user must type the password)
# only when credentials were sent and refused; a request that carried
# none gets "failed" without it, so that a client may send the ones it
# has cached (MS-PASS 3.1.5.2 and its note <8>; MS-PASS 4, step 4).
my @bad_headers = (
    [ 'no header', undef, 0 ],
    [ 'empty header', '', 0 ],
    [ 'another scheme', 'Basic YWxpY2U6cHc=', 0 ],
    [ 'scheme only', 'Passport1.4', 0 ],
    [ 'only partner parameters', 'Passport1.4 OrgVerb=GET,OrgURL=http%3A%2F%2Fmessenger%2Emsn%2Ecom,id=507', 0 ],
    [ 'percent at the end', 'Passport1.4 sign-in=alice%40example.com,pwd=abc%', 1 ],
    [ 'bad escape', 'Passport1.4 sign-in=alice%40example.com,pwd=a%zzb', 1 ],
    [ 'NUL escape', 'Passport1.4 sign-in=alice%40example.com,pwd=a%00b', 1 ],
    [ 'no pwd', 'Passport1.4 sign-in=alice%40example.com,id=507', 1 ],
    [ 'empty pwd', 'Passport1.4 sign-in=alice%40example.com,pwd=,id=507', 1 ],
    [ 'no sign-in', 'Passport1.4 pwd=x,id=507', 1 ],
    [ 'sign-in without @', 'Passport1.4 sign-in=alice,pwd=x,id=507', 1 ],
    [ 'unterminated', 'Passport1.4 sign-in=alice%40example.com,pwd', 1 ],
    [ 'huge', 'Passport1.4 sign-in=a%40b.c,pwd=' . ('x' x 7000), 1 ],
);

plan tests => 7 + 3 * @bad_headers + 3;

my $wrong = GET '/login2.srf',
    Authorization => p14_header(signin => 'alice@example.com', pwd => 'wrong-pw');
my $unknown = GET '/login2.srf',
    Authorization => p14_header(signin => 'nobody@example.com', pwd => 'wrong-pw');

ok t_cmp($wrong->code, 401, 'wrong password: 401');
ok t_cmp(scalar $wrong->header('WWW-Authenticate'), $CHALLENGE, 'the challenge');
ok t_cmp($wrong->content, qr{^<HTML><HEAD><META HTTP-EQUIV="REFRESH" CONTENT="0; URL=https://[^"]+\?f=11"><script>function OnBack\(\)\{\}</script></HEAD></HTML>$},
         'short HTML body like the reference');
ok t_cmp($unknown->code, 401, 'unknown account: 401');
ok t_cmp(scalar $unknown->header('WWW-Authenticate'), $CHALLENGE, 'same challenge');
ok t_cmp($unknown->content, $wrong->content, 'same body: the answer does not tell the account exists');
ok !defined $wrong->header('Set-Cookie');

for my $case (@bad_headers) {
    my ($name, $h, $prompt) = @$case;
    my $res = defined $h ? GET('/login2.srf', Authorization => $h)
                         : GET('/login2.srf');
    ok t_cmp($res->code, 401, "$name: 401");
    ok t_cmp(scalar $res->header('WWW-Authenticate') // '',
             $prompt ? qr/^Passport1\.4 da-status=failed,srealm=Passport\.Net,ts=-1,prompt,/
                     : qr/^Passport1\.4 da-status=failed,srealm=Passport\.Net,ts=-1,cburl=/,
             "$name: failed " . ($prompt ? 'with' : 'without') . ' prompt');
    ok !defined $res->header('Authentication-Info');
}

my $post = POST '/login2.srf', content => 'x';
ok t_cmp($post->code, 405, 'POST: 405');

# The log says why, and never holds a password.
my $log = error_log();
ok t_cmp($log =~ /PP0402: sign-in failed for 'alice\@example\.com': wrong password/ ? 1 : 0, 1,
         'the log says why (wrong password)');
ok t_cmp($log =~ /wrong-pw|alice-pw|sha-pw|crypt-pw|pbkdf2-pw|apr1-pw/ ? 1 : 0, 0,
         'no password in the log');
