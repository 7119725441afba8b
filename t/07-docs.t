# docs/directives.md against the code:
# 1. every directive the module declares has a section with Syntax,
#    Default and Context, and every config field is merged;
# 2. every directive's documented Default is what an empty configuration
#    does, seen from outside. "Empty" is a private httpd (the shared test
#    server's main server sets values its vhosts inherit, so no vhost
#    there is empty) with only what a request needs to reach mod_passport:
#      main server (port 1): no mod_passport directive at all, only the
#        SetHandler locations (nexus, login2, RST, verify) and a partner
#        location (AuthType Passport1.4, Require valid-user);
#      vhost "keyed" (port 2): PassportKeyFile and mod_dbd's DBDriver/
#        DBDParams (the shipped schema and the test accounts), since
#        nothing is issued without them; no other mod_passport directive.
#      Beside them, other modules' directives only: mod_status's page
#      (which shows the PassportCache store and the counters) and
#      mod_remoteip taking the client address from X-Forwarded-For, so
#      that the throttle's defaults can be seen from many addresses.
#    Where a default can only be seen in the code (the SQL of
#    PassportAccountQuery, the full list of PassportService) the doc is
#    also compared with the code's #define or table.
# A directive with neither a check below nor an entry in %not_observable
# (with its reason) fails the test: add one with the directive.
# 3. docs/deployment.md's example is conf/cluster-node.conf.in, verbatim.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use File::Spec ();
use File::Copy qw(copy);
use lib 't/lib';
use PassportTest qw(private_server p14_header from_pp url_encode admin
                    rst_envelope rst_fault);

my $t_dir = Apache::Test::vars('t_dir');
my $top = File::Spec->catdir($t_dir, '..');
sub slurp { open my $fh, '<', "$top/$_[0]" or die "$_[0]: $!"; local $/; <$fh> }

my $config_c = slurp('mod_passport/mod_passport_config.c');
my $config_h = slurp('mod_passport/mod_passport_config.h');
my $realm_c = slurp('mod_passport/pp_realm.c');
my $realm_h = slurp('mod_passport/pp_realm.h');
my $docs = slurp('docs/directives.md');

my @results;    # [got, expected, name]
sub check { push @results, [@_] }

# ---- 1. documented, merged ------------------------------------------------
my @directives = $config_c =~ /AP_INIT_\w+\(\s*"(Passport\w+)"/g;
my @fields;
for my $type (qw(pp_srv_cfg_t pp_dir_cfg_t)) {
    my ($struct) = $config_h =~ /typedef struct \{((?:(?!typedef).)*?)\} \Q$type\E;/s;
    push @fields, $struct =~ /(\w+)\s*(?:\[[^\]]*\])?;/g;
}
check(scalar(@directives) > 0 ? 1 : 0, 1, 'found the directive table');
my %default;
for my $d (@directives) {
    my ($section) = $docs =~ /^## \Q$d\E\n(.*?)(?=^## |\z)/ms;
    check(defined $section ? 1 : 0, 1, "$d has a section in docs/directives.md");
    check(($section // '') =~ /Syntax.*Default.*Context/s ? 1 : 0, 1,
          "$d documents Syntax, Default and Context");
    ($default{$d}) = ($section // '') =~ /^\| Default \| (.*?) \|$/m;
}
for my $f (@fields) {
    check($config_c =~ /MERGE_\w+\(\s*\Q$f\E\s*\)/ ? 1 : 0, 1, "field $f is merged");
}

# ---- 2. the documented defaults -------------------------------------------
# The value of a default written as the directive itself, "`PassportX V`"
# (quotes around V removed); undef when the doc words it otherwise.
sub value_of {
    my ($d) = @_;
    my ($v) = ($default{$d} // '') =~ /^`\Q$d\E (.+)`$/ or return undef;
    $v =~ s/^"(.*)"$/$1/;
    return $v;
}
# A default documented as "none ..." (nothing set, nothing sent).
sub is_none { ($default{$_[0]} // '') =~ /^none\b/ ? 1 : 0 }
# A #define of the code, as its C string or number.
sub define_of {
    my ($name) = @_;
    my ($v) = $config_h =~ /^#define \Q$name\E\s+((?:\\\n|.)*?)\s*$/m or return undef;
    $v =~ s/\\\n\s*/ /g;
    $v =~ s/^\s*"(.*)"\s*$/$1/s;
    return $v;
}

my $ENV_CGI = "$t_dir/cgi-bin/env.pl";
my $conf = <<"CONF";
ServerName empty.docs.test
<Location /server-status>
    SetHandler server-status
</Location>
RemoteIPHeader X-Forwarded-For
RemoteIPInternalProxy 127.0.0.1
<Location /rdr/pprdr.asp>
    SetHandler passport-nexus
</Location>
<Location /login2.srf>
    SetHandler passport-login2
</Location>
<Location /RST.srf>
    SetHandler passport-rst
</Location>
<Location /verify>
    SetHandler passport-verify
</Location>
<Directory $t_dir/cgi-bin>
    Options +ExecCGI
    SetHandler cgi-script
</Directory>
Alias /partner/env $ENV_CGI
<Location /partner>
    AuthType Passport1.4
    Require valid-user
</Location>

<VirtualHost 127.0.0.1:\@PORT2\@>
    ServerName Keyed.Docs.Test
    PassportKeyFile \@ServerRoot\@/conf/keys/main.key
    DBDriver sqlite3
    DBDParams \@DIR\@/accounts.db
</VirtualHost>
CONF
my $srv = private_server('docs', 2, $conf, prepare => sub {
    copy("$t_dir/var/accounts.db", "$_[0]/accounts.db") or die "copy accounts.db: $!";
    # what the shared server's recording vhosts wrote is not ours
    system("sqlite3 '$_[0]/accounts.db' 'DELETE FROM issued_tickets'") == 0
        or die "sqlite3: cannot empty issued_tickets\n";
    # an account whose PUID column holds hex text (PassportIdFormat)
    system("sqlite3 '$_[0]/accounts.db' \"INSERT INTO passport_accounts (signin, password_hash, puid) "
           . "VALUES ('hexpuid\@example.com', '{SHA}O/MvdjOwOQpt8I9HBSVZugThPMw=', 'ABCDEF0123456789')\"") == 0
        or die "sqlite3: cannot add hexpuid\n";
});
my ($EMPTY, $KEYED) = (1, 2);
my $key = "$t_dir/conf/keys/main.key";

sub nexus { scalar $srv->GET($_[0], '/rdr/pprdr.asp')->header('PassportURLs') // '' }
sub field { my ($h, $f) = @_; $h =~ /(?:^|,)\Q$f\E=([^,]*)/ ? $1 : undef }
sub sign_in { $srv->GET($_[0], '/login2.srf', Authorization =>
                  p14_header(signin => 'sha@example.com', pwd => 'sha-pw', @_[1 .. $#_])) }
sub rst { my ($n, @tokens) = @_;
          $srv->POST($n, '/RST.srf', 'Content-Type' => 'text/xml',
                     content => rst_envelope('sha@example.com', 'sha-pw', @tokens))->content }
sub issue_for {
    my ($audience) = @_;
    my (undef, $t) = admin('issue', '--key-file', $key, '--signin', 'sha@example.com',
                           '--puid', '3', '--audience', $audience);
    chomp $t;
    return $t;
}
sub partner_code {
    my ($ticket) = @_;
    return $srv->GET($KEYED, '/partner/env', Authorization => "Passport1.4 from-PP='$ticket'")->code;
}
sub verify_on {
    my ($n, $ticket, $audience) = @_;
    my $c = $srv->POST($n, '/verify', content => [ ticket => $ticket, audience => $audience ]);
    return ($c->code, $c->content);
}

my $nexus_empty = nexus($EMPTY);
my $nexus_keyed = nexus($KEYED);
my $good = sign_in($KEYED);
my $wrong = sign_in($KEYED, pwd => 'wrong');
my $partner_challenge = $srv->GET($KEYED, '/partner/env');

# Each check takes the directive's name; what it pushes must come out
# right for the documented default to hold. A default worded in a way a
# check does not understand fails it: change the check with the doc.
my %check;

$check{PassportRealm} = sub {
    my $v = value_of($_[0]);
    check(field($nexus_empty, 'DARealm'), $v, "$_[0]: DARealm is the documented '" . ($v // '?') . "'");
    check(scalar($wrong->header('WWW-Authenticate')) =~ /,srealm=([^,]*),/ ? $1 : undef, $v,
          "$_[0]: and srealm");
    check(define_of('PP_DEFAULT_REALM'), $v, "$_[0]: PP_DEFAULT_REALM agrees");
};
$check{PassportDALogin} = sub {
    my $text = $default{$_[0]} // '';
    my ($suffix) = $text =~ /^the virtual host's `ServerName` followed by `([^`]+)`$/;
    check(defined $suffix ? 1 : 0, 1, "$_[0]: the default is understood ($text)");
    $suffix //= '?';
    check(field($nexus_empty, 'DALogin'), "empty.docs.test$suffix", "$_[0]: the main server's ServerName + $suffix");
    check(field($nexus_keyed, 'DALogin'), "Keyed.Docs.Test$suffix", "$_[0]: a vhost's own ServerName + $suffix");
};
for my $pair ([PassportDAReg => 'DAReg'], [PassportProperties => 'Properties'],
              [PassportPrivacy => 'Privacy'], [PassportGeneralRedir => 'GeneralRedir'],
              [PassportHelp => 'Help']) {
    my ($d, $f) = @$pair;
    $check{$d} = sub {
        check(($default{$d} // '') =~ /^none \(not sent\)$/ ? 1 : 0, 1, "$d: documented as none (not sent)");
        check(defined field($nexus_empty, $f) ? "sent: $nexus_empty" : 'not sent', 'not sent',
              "$d: no $f in PassportURLs");
    };
}
$check{PassportConfigVersion} = sub {
    my $v = value_of($_[0]);
    check(field($nexus_empty, 'ConfigVersion'), $v, "$_[0]: ConfigVersion in PassportURLs");
    check(scalar $good->header('PassportConfig'), 'ConfigVersion=' . ($v // '?'), "$_[0]: and in PassportConfig");
    check(define_of('PP_DEFAULT_CONFIG_VERSION'), $v, "$_[0]: PP_DEFAULT_CONFIG_VERSION agrees");
};
$check{PassportAccountQuery} = sub {
    my $v = value_of($_[0]);
    # the SQL text itself can only be seen in the code
    check(define_of('PP_DEFAULT_ACCOUNT_QUERY'), $v, "$_[0]: the documented SQL is PP_DEFAULT_ACCOUNT_QUERY");
    check($good->code, 200, "$_[0]: it finds an account of the shipped schema");
    check(from_pp($good) // '', qr/&p=0000000000000003$/, "$_[0]: with its PUID (column 2)");
};
$check{PassportKeyFile} = sub {
    check(is_none($_[0]) && $default{$_[0]} =~ /issues no tickets/ ? 1 : 0, 1,
          "$_[0]: documented as none, no tickets issued");
    my $res = sign_in($EMPTY);
    check($res->code, 401, "$_[0]: without it login2.srf signs no one in");
    check(scalar $res->header('WWW-Authenticate'), qr/^Passport1\.4 da-status=failed-noretry,/,
          "$_[0]: failed-noretry, not the user's fault");
    check((rst_fault(rst($EMPTY, ['messenger.msn.com'])))[0], 'S:Server', "$_[0]: RST.srf: S:Server");
    my ($code, $json) = verify_on($EMPTY, 't=x', 'messenger.msn.com');
    check("$code $json", '500 {"valid":false,"reason":"server-error"}', "$_[0]: /verify: 500");
};
$check{PassportTicketLifetime} = sub {
    my $v = value_of($_[0]);
    my ($c) = grep { /^PPAuth=/ } $good->header('Set-Cookie');
    check(($c // '') =~ /; Max-Age=(\d+);/ ? $1 : undef, $v, "$_[0]: the cookies' Max-Age");
    my ($code, $json) = verify_on($KEYED, from_pp($good) // 'x', 'messenger.msn.com');
    my ($i, $e) = $json =~ /"issued":(\d+),"expires":(\d+)/;
    check(defined $e ? $e - $i : undef, $v, "$_[0]: a ticket's expires - issued");
    check(define_of('PP_DEFAULT_TICKET_LIFETIME'), $v, "$_[0]: PP_DEFAULT_TICKET_LIFETIME agrees");
};
$check{PassportSite} = sub {
    my $text = $default{$_[0]} // '';
    check($text =~ /^none: any site id, answered as Messenger \(`507`, `http:\/\/messenger\.msn\.com`\)$/ ? 1 : 0,
          1, "$_[0]: the default is understood ($text)");
    for my $id ('1', '507', '4711') {
        my $res = sign_in($KEYED, id => $id);
        check(scalar $res->header('Authentication-Info') // '', qr/,ru=http:\/\/messenger\.msn\.com$/,
              "$_[0]: site id $id signs in, as Messenger");
        my ($code) = verify_on($KEYED, from_pp($res) // 'x', 'messenger.msn.com');
        check($code, 200, "$_[0]: its ticket's audience is messenger.msn.com");
    }
    my $res = sign_in($KEYED, id => '42', orgurl => url_encode('https://partner.example.com/'),
                      ru => url_encode('https://partner.example.com/'));
    check(scalar $res->header('WWW-Authenticate') // '', qr/^Passport1\.4 da-status=failed-noretry,/,
          "$_[0]: and an OrgURL off Messenger's host is not");
};
$check{PassportDomainRedirect} = sub {
    check(is_none($_[0]), 1, "$_[0]: documented as none");
    for my $who ('x@other-realm.example', 'x@hotmail.com') {
        my $res = sign_in($KEYED, signin => $who);
        check($res->code, 401, "$_[0]: $who is not redirected");
    }
};
$check{PassportCoBrandURL} = sub {
    check($default{$_[0]} // '', 'none (not sent)', "$_[0]: documented as none (not sent)");
    check(scalar $wrong->header('WWW-Authenticate') =~ /cburl=/ ? 'sent' : 'not sent', 'not sent',
          "$_[0]: no cburl in the challenge");
};
$check{PassportCoBrandText} = sub {
    check($default{$_[0]} // '', 'none (not sent)', "$_[0]: documented as none (not sent)");
    check(scalar $wrong->header('WWW-Authenticate'), 'Passport1.4 da-status=failed,srealm=Passport.Net,ts=-1,prompt',
          "$_[0]: no cbtxt: the challenge ends at prompt");
};
$check{PassportService} = sub {
    my $text = $default{$_[0]} // '';
    check($text, 'none: a token for any address asked for', "$_[0]: the default is understood");
    my @any = ('messengerclear.live.com', 'directory.services.live.com', 'Any.Address.example');
    my $x = rst($KEYED, map { [$_] } @any);
    my @got = $x =~ m{<wsa:Address>([^<]+)</wsa:Address>}g;
    check(join(' ', @got), join(' ', @any), "$_[0]: a response for each address");
    my @tickets = $x =~ m{<wsse:BinarySecurityToken Id="Compact\d+">t=([^&<]+)&amp;}g;
    check(scalar(@tickets), 3, "$_[0]: each with a ticket");
    my ($code) = verify_on($KEYED, $tickets[2] // 'x', 'any.address.example');
    check($code, 200, "$_[0]: whose audience is its address, lower-cased");
    check((rst_fault(rst($KEYED, ['p2pslc.messenger.msn.com', 'MBI_X509_CID'])))[1], qr/needs a CA/,
          "$_[0]: p2pslc is served too (refused only for want of a CA)");
};
$check{PassportClockSkew} = sub {
    my $v = value_of($_[0]);
    check(define_of('PP_DEFAULT_CLOCK_SKEW'), $v, "$_[0]: PP_DEFAULT_CLOCK_SKEW agrees");
    $v //= 0;
    my $stamp = sub {
        my @t = gmtime shift;
        sprintf '%04d-%02d-%02dT%02d:%02d:%02dZ', $t[5] + 1900, $t[4] + 1, @t[3, 2, 1, 0];
    };
    # (a slow client's Expires, five minutes after its Created, is what may
    # lie up to the skew in the past)
    for my $case ([-$v + 60, 1], [-$v - 400, 0], [$v - 300, 1], [$v + 60, 0]) {
        my ($off, $ok) = @$case;
        my $env = rst_envelope('sha@example.com', 'sha-pw', ['messenger.msn.com']);
        my ($c, $e) = ($stamp->(time + $off), $stamp->(time + $off + 300));
        $env =~ s{</wsse:UsernameToken>}{</wsse:UsernameToken><wsu:Timestamp xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"><wsu:Created>$c</wsu:Created><wsu:Expires>$e</wsu:Expires></wsu:Timestamp>};
        my $xml = $srv->POST($KEYED, '/RST.srf', 'Content-Type' => 'text/xml', content => $env)->content;
        check($xml =~ /<psf:authstate>0x48803</ ? 1 : 0, $ok,
              "$_[0]: a client clock $off s off is " . ($ok ? 'accepted' : 'refused'));
    }
};
$check{PassportLegacyTokenLifetime} = sub {
    my $text = $default{$_[0]} // '';
    check($text =~ /^seven times `PassportTicketLifetime`/ ? 1 : 0, 1, "$_[0]: the default is understood ($text)");
    my $x = rst($KEYED, ['http://Passport.NET/tb'], ['messenger.msn.com']);
    my @e = $x =~ m{<wsu:Expires>(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)Z</wsu:Expires>}g;
    my @c = $x =~ m{<wsu:Created>(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)Z</wsu:Created>}g;
    require Time::Local;
    my $span = sub { my @t = @_; Time::Local::timegm(@t[5, 4, 3, 2], $t[1] - 1, $t[0]) };
    my $lt = @e >= 12 ? $span->(@e[0 .. 5]) - $span->(@c[0 .. 5]) : -1;
    my $ct = @e >= 12 ? $span->(@e[6 .. 11]) - $span->(@c[6 .. 11]) : -1;
    my $lifetime = value_of('PassportTicketLifetime') // 0;
    check($ct, $lifetime, "$_[0]: (a compact token lives PassportTicketLifetime)");
    check($lt, 7 * $lifetime, "$_[0]: the legacy token lives seven times as long");
};
$check{PassportMaxRequestBody} = sub {
    my $v = value_of($_[0]) // 0;
    my $over = $srv->POST($KEYED, '/RST.srf', 'Content-Type' => 'text/xml', content => 'x' x ($v + 1));
    check((rst_fault($over->content))[1], qr/request body over $v bytes/, "$_[0]: $v + 1 bytes are refused");
    my $at = $srv->POST($KEYED, '/RST.srf', 'Content-Type' => 'text/xml', content => '<x>' . ('x' x ($v - 7)) . '</x>');
    check((rst_fault($at->content))[1], qr/not a SOAP Envelope/, "$_[0]: $v bytes are read");
    check(define_of('PP_DEFAULT_MAX_BODY'), $v, "$_[0]: PP_DEFAULT_MAX_BODY agrees");
};
$check{PassportTicketRecordQuery} = sub {
    check($default{$_[0]} // '', 'none (nothing is written)', "$_[0]: documented as none (nothing is written)");
    my $db = $srv->dir . '/accounts.db';
    my $rows = qx{sqlite3 '$db' 'SELECT count(*) FROM issued_tickets'};
    chomp $rows;
    check($rows, '0', "$_[0]: after sign-ins, no ticket was written");
};
$check{PassportIdFormat} = sub {
    my $v = value_of($_[0]) // '?';
    check($v, 'decimal', "$_[0]: documented as decimal");
    check(from_pp($good) // '', qr/&p=0000000000000003$/, "$_[0]: a decimal PUID column (3) is read");
    my $res = sign_in($KEYED, signin => 'hexpuid@example.com');
    check($res->code, 401, "$_[0]: a PUID of 16 hex digits is not (no sign-in)");
    check($srv->log, qr/PP0308: the account 'hexpuid\@example\.com' has no usable PUID: its PUID column 'ABCDEF0123456789' is not a decimal 64-bit integer \(PassportIdFormat decimal\)/,
          "$_[0]: and the log says why");
};
$check{PassportSharedTicket} = sub {
    my $v = value_of($_[0]) // '?';
    check($v, 'Off', "$_[0]: documented as Off");
    my $x = rst($KEYED, ['messengerclear.live.com', 'MBI_KEY_OLD'], ['contacts.msn.com', 'MBI']);
    my @t = $x =~ m{<wsse:BinarySecurityToken Id="Compact\d+">t=([^&<]+)&amp;}g;
    check(scalar(@t) == 2 && $t[0] ne $t[1] ? 1 : 0, 1, "$_[0]: each compact token its own ticket");
    my (undef, $out) = admin('ticket', $t[1] // 'x', '--key-file', $key, '--audience', 'contacts.msn.com');
    check($out =~ /^status=ok\nversion=1\n/ ? 1 : 0, 1, "$_[0]: a version 1 ticket for its one address");
};
# The CA pair: either file alone does not start the server (t/06-badconf.t),
# so the default of each is the pair's absence, and that is observable.
for my $d (qw(PassportCACertificateFile PassportCAKeyFile)) {
    $check{$d} = sub {
        check(is_none($d), 1, "$d: documented as none");
        check((rst_fault(rst($KEYED, ['p2pslc.messenger.msn.com', 'MBI_X509_CID'])))[1],
              qr/needs a CA, and this realm has none/, "$d: p2pslc is answered with a fault saying so");
    };
}
$check{PassportPartnerSite} = sub {
    check($default{$_[0]} // '', 'none (no `id=` in the challenge)', "$_[0]: documented as no id=");
    check(scalar $partner_challenge->header('WWW-Authenticate') // '', qr/^Passport1\.4 ru=/,
          "$_[0]: the challenge starts at ru=");
};
$check{PassportPartnerAudience} = sub {
    # the name the doc says, lower-cased as it says
    my $d = $_[0];
    my $text = $default{$d} // '';
    my $want = $text =~ /`ServerName`/ ? 'Keyed.Docs.Test'
             : $text =~ /request's host name/ ? '127.0.0.1' : undef;
    check(defined $want ? 1 : 0, 1, "$d: the default is understood ($text)");
    $want = lc $want if defined $want && $text =~ /lower-case/;
    check(partner_code(issue_for($want // '?')), 200, "$d: a ticket for '" . ($want // '?') . "' passes");
    for my $other ('127.0.0.1', 'Keyed.Docs.Test', 'keyed.docs.test') {
        next if $other eq ($want // '');
        check(partner_code(issue_for($other)), 302, "$d: one for '$other' does not");
    }
};
$check{PassportPartnerLoginURL} = sub {
    my ($scheme, $then) = ($default{$_[0]} // '') =~ /^`([a-z]+:\/\/)` followed by `(\w+)`$/;
    check($then // '', 'PassportDALogin', "$_[0]: the default is understood (" . ($default{$_[0]} // '') . ')');
    my $dalogin = field($nexus_keyed, 'DALogin') // '?';
    check(scalar $partner_challenge->header('Location') // '', qr/^\Q@{[ $scheme \/\/ '?' ]}$dalogin\E\?/,
          "$_[0]: Location is $scheme + DALogin");
};
$check{PassportPartnerReturnURL} = sub {
    check($default{$_[0]} // '', 'the URL that was requested', "$_[0]: documented as the requested URL");
    my $url = url_encode($srv->url($KEYED, '/partner/env'));
    check(scalar $partner_challenge->header('WWW-Authenticate') // '', qr/ru=\Q$url\E,/,
          "$_[0]: ru= is the requested URL, escaped");
};
$check{PassportPartnerChallenge} = sub {
    my $v = value_of($_[0]) // '?';
    check(scalar $partner_challenge->header('WWW-Authenticate') // '', qr/,ct=\d+,\Q$v\E$/,
          "$_[0]: the challenge ends with $v");
};
$check{PassportPartnerSOAPTicket} = sub {
    my $v = value_of($_[0]) // '?';
    check($v, 'Off', "$_[0]: documented as Off");
    my $t = issue_for('keyed.docs.test');
    (my $x = $t) =~ s/&/&amp;/g;
    my $soap = qq{<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">}
             . qq{<soap:Header><ABAuthHeader xmlns="http://www.msn.com/webservices/AddressBook"><TicketToken>$x</TicketToken>}
             . qq{</ABAuthHeader></soap:Header><soap:Body/></soap:Envelope>};
    check($srv->POST($KEYED, '/partner/env', 'Content-Type' => 'text/xml', content => $soap)->code, 302,
          "$_[0]: a ticket in a SOAP header does not pass");
    check(partner_code($t), 200, "$_[0]: (the same ticket as from-PP does)");
};

# ---- the sign-in guard ----------------------------------------------------
# A sign-in from a client address (X-Forwarded-For, mod_remoteip above).
sub sign_in_from {
    my ($who, $pw, $addr) = @_;
    return $srv->GET($KEYED, '/login2.srf', 'X-Forwarded-For' => $addr,
                     Authorization => p14_header(signin => $who, pwd => $pw));
}
my $log_mark = 0;
sub log_since { my $l = $srv->log; my $s = substr($l, $log_mark); $log_mark = length $l; $s }
sub status_auto { my %c = $srv->GET($KEYED, '/server-status?auto')->content =~ /^(Passport\w+): (\d+)$/mg; \%c }

$check{PassportCache} = sub {
    my $v = value_of($_[0]) // '?';
    check(define_of('PP_DEFAULT_CACHE'), $v, "$_[0]: PP_DEFAULT_CACHE agrees");
    check($srv->GET($KEYED, '/server-status')->content, qr{PassportCache <code>\Q$v\E</code>: in use},
          "$_[0]: the keyed vhost's store is '$v' (mod_status)");
};
$check{PassportThrottle} = sub {
    my $d = $_[0];
    my ($f, $secs) = (value_of($d) // '') =~ /^(\d+) (\d+)$/;
    check(defined $secs ? 1 : 0, 1, "$d: the default is understood (" . ($default{$d} // '') . ')');
    ($f, $secs) = (2, 0) unless defined $secs;
    check(define_of('PP_DEFAULT_THROTTLE_FAILURES'), $f, "$d: PP_DEFAULT_THROTTLE_FAILURES agrees");
    check(define_of('PP_DEFAULT_THROTTLE_SECONDS'), $secs, "$d: PP_DEFAULT_THROTTLE_SECONDS agrees");
    my $addr = '192.0.2.200';
    sign_in_from('apr1@example.com', "wrong-$_", $addr) for 1 .. $f - 1;
    check(sign_in_from('apr1@example.com', 'apr1-pw', $addr)->code, 200, "$d: after " . ($f - 1) . ' failures, not refused');
    sign_in_from('apr1@example.com', "wrong-$_", $addr) for 1 .. $f;
    log_since();
    check(sign_in_from('apr1@example.com', 'apr1-pw', $addr)->code, 401, "$d: after $f, refused");
    check(log_since(), qr/PP0410: sign-in refused for 'apr1\@example\.com' from \Q$addr\E: throttled by PassportThrottle \($f failed sign-ins from this address within $secs s\)/,
          "$d: $f failures within $secs s (PP0410)");
};
$check{PassportThrottleAccount} = sub {
    my $d = $_[0];
    check(value_of($d) // '', 'off', "$d: documented as off");
    # from 12 addresses, 9 failures each (under the per-address default)
    for my $i (1 .. 12) {
        sign_in_from('demo@example.com', "wrong-$_", "198.51.100.$i") for 1 .. 9;
    }
    log_since();
    check(sign_in_from('demo@example.com', 'demo-pw', '198.51.100.13')->code, 200,
          "$d: 108 failures from 12 addresses, and the account still signs in from a 13th");
    check(log_since() =~ /PassportThrottleAccount/ ? 1 : 0, 0, "$d: no account-wide refusal");
};
$check{PassportCredentialCache} = sub {
    my $d = $_[0];
    check(value_of($d) // '', 'off', "$d: documented as off");
    log_since();
    sign_in_from('sha@example.com', 'sha-pw', '192.0.2.210') for 1 .. 2;
    check(log_since() =~ /from the credential cache/ ? 1 : 0, 0, "$d: a second sign-in is checked again");
    check(status_auto()->{PassportCacheHits} // '?', 0, "$d: PassportCacheHits stays 0");
};
$check{PassportTimingHash} = sub {
    my $d = $_[0];
    my $v = value_of($d) // '?';
    check(define_of('PP_DEFAULT_TIMING_HASH'), $v, "$d: PP_DEFAULT_TIMING_HASH agrees");
    check($v, 'auto', "$d: documented as auto");
    # one process (private_server's MPM settings): what it learns, it keeps
    sign_in_from('sha@example.com', 'wrong', '192.0.2.211');
    log_since();
    sign_in_from('nobody@example.com', 'wrong', '192.0.2.211');
    check(log_since(), qr/PP0401: sign-in failed for 'nobody\@example\.com': no such account \(a dummy sha1 hash was checked\)/,
          "$d: after a {SHA} account, an unknown name is checked against a sha1 dummy");
};

# Directives whose default cannot be seen from outside, each with why.
my %not_observable = (
);

for my $d (@directives) {
    my $how = $check{$d} ? 'checked' : $not_observable{$d} ? 'explained' : 'neither';
    check($how ne 'neither' ? 1 : 0, 1, "$d: its default has a behavioural check or a reason");
    $check{$d}->($d) if $check{$d};
}
for my $d (sort keys %check, sort keys %not_observable) {
    check((grep { $_ eq $d } @directives) ? 1 : 0, 1, "$d (checked here) is a directive of the module");
}
$srv->stop;

# docs/deployment.md shows the nodes' configuration scripts/cluster runs
# (conf/cluster-node.conf.in) as it is, so the two cannot drift apart.
my ($shown) = slurp('docs/deployment.md') =~ m{^<!-- conf/cluster-node\.conf\.in -->\n```apache\n(.*?)^```$}ms;
check($shown // 'no such block', slurp('conf/cluster-node.conf.in'),
      'docs/deployment.md shows conf/cluster-node.conf.in as it is');

plan tests => scalar @results;
for (@results) {
    # name a failing check on stderr, where prove shows it
    my $pass = ok t_cmp($_->[0], $_->[1], $_->[2]);
    print STDERR "# failed: $_->[2] (got '", $_->[0] // 'undef', "')\n" unless $pass;
}
