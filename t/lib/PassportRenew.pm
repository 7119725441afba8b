package PassportRenew;
# A client that renews tokens with the legacy token (docs/tickets.md,
# "Renewing a token"), written from the spec
# (shared/specs/passport-3.0-token-renewal.md) and nothing of the
# module's: derive() and the HMACs with Digest::SHA, 3DES with the
# openssl command, the reply parsed with XML::LibXML. t/24-rst-renew.t
# checks the module with it in detail; the cluster tests (t/70-cluster.t)
# renew on one node what another issued.
use strict;
use warnings;

use Digest::SHA qw(hmac_sha1 hmac_sha256 sha1_base64);
use MIME::Base64 qw(encode_base64 decode_base64);
use Time::Local qw(timegm);
use File::Temp ();
use XML::LibXML;
use Exporter 'import';

our @EXPORT_OK = qw(%NS derive renew_key des3_decrypt canonical derived_secret
                    first_key_line iso8601 from_iso8601 renewal xpc legacy_of
                    open_answer renewed);

our %NS = (
    S    => 'http://schemas.xmlsoap.org/soap/envelope/',
    wst  => 'http://schemas.xmlsoap.org/ws/2004/04/trust',
    wsse => 'http://schemas.xmlsoap.org/ws/2003/06/secext',
    wssc => 'http://schemas.xmlsoap.org/ws/2004/04/sc',
    wsu  => 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd',
    wsp  => 'http://schemas.xmlsoap.org/ws/2002/12/policy',
    wsa  => 'http://schemas.xmlsoap.org/ws/2004/03/addressing',
    xenc => 'http://www.w3.org/2001/04/xmlenc#',
    ds   => 'http://www.w3.org/2000/09/xmldsig#',
    psf  => 'http://schemas.microsoft.com/Passport/SoapServices/SOAPFault',
);

# ---- the client's cryptography, from CLIENTS.md and the spec ------------

# derive(k, m): four HMAC-SHA1 steps, 24 bytes (Digest::SHA takes the
# data first, the key last)
sub derive {
    my ($k, $m) = @_;
    my $h1 = hmac_sha1($m, $k);
    my $h2 = hmac_sha1($h1 . $m, $k);
    my $h3 = hmac_sha1($h1, $k);
    my $h4 = hmac_sha1($h3 . $m, $k);
    return $h2 . substr($h4, 0, 4);
}

# key(secret, nonce): the 21-byte magic, then the raw nonce
sub renew_key { my ($secret, $nonce) = @_; derive($secret, 'WS-SecureConversation' . $nonce) }

# 3DES-EDE-CBC, all-zero IV, no padding removed: the openssl command,
# through files in a directory of our own
my $n_des = 0;
my $des_dir;
sub des3_decrypt {
    my ($key, $cipher) = @_;
    $des_dir //= File::Temp::tempdir('pp-renew.XXXXXX', TMPDIR => 1, CLEANUP => 1);
    my ($in, $out) = ("$des_dir/$n_des.bin", "$des_dir/$n_des.txt");
    $n_des++;
    open my $fh, '>:raw', $in or die "$in: $!";
    print $fh $cipher;
    close $fh;
    system('openssl', 'enc', '-d', '-des-ede3-cbc', '-K', unpack('H*', $key),
           '-iv', '0000000000000000', '-nopad', '-in', $in, '-out', $out) == 0
        or return undef;
    open $fh, '<:raw', $out or return undef;
    local $/;
    return scalar <$fh>;
}

# The secret a key holder derives from a legacy token (docs/tickets.md)
# with the key file's line $line: the canonical text is the CipherValue
# in base64url without padding.
sub canonical { my $c = shift; $c =~ tr{+/}{-_}; $c =~ s/=+\z//; $c }
sub derived_secret {
    my ($cipher, $line) = @_;
    my $mbi_key = hmac_sha256('mod_passport mbi secret v1', decode_base64($line));
    return substr(hmac_sha256(canonical($cipher), $mbi_key), 0, 24);
}
# The first key line of a key file (the one that seals).
sub first_key_line {
    my ($file) = @_;
    open my $fh, '<', $file or die "$file: $!";
    my ($line) = grep { /^[A-Za-z0-9+\/]{43}=$/ } map { s/\s+\z//r } <$fh>;
    return $line;
}

sub iso8601 {
    my @t = gmtime(shift);
    return sprintf '%04d-%02d-%02dT%02d:%02d:%02dZ', $t[5] + 1900, $t[4] + 1, @t[3, 2, 1, 0];
}
sub from_iso8601 {
    my @t = $_[0] =~ /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)Z$/ or return -1;
    return timegm($t[5], $t[4], $t[3], $t[2], $t[1] - 1, $t[0]);
}

# ---- the request, as libpurple builds it --------------------------------

# The texts it hashes and signs: double quotes, explicit end tags.
our $C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
our $AUTHINFO = '<ps:AuthInfo xmlns:ps="http://schemas.microsoft.com/Passport/SoapServices/PPCRL" Id="PPAuthInfo">'
    . '<ps:HostingApp>{7108E71A-9926-4FCB-BCC9-9A9D3F32E423}</ps:HostingApp><ps:BinaryVersion>4</ps:BinaryVersion>'
    . '<ps:UIVersion>1</ps:UIVersion><ps:Cookies></ps:Cookies><ps:RequestParams>AQAAAAIAAABsYwQAAAA0MTA1</ps:RequestParams>'
    . '</ps:AuthInfo>';
sub rst_text {
    my ($id, $address, $policy) = @_;
    return qq{<wst:RequestSecurityToken xmlns="$NS{wst}" Id="RST$id">}
        . qq{<wst:RequestType>http://schemas.xmlsoap.org/ws/2004/04/security/trust/Issue</wst:RequestType>}
        . qq{<wsp:AppliesTo xmlns="$NS{wsp}"><wsa:EndpointReference xmlns="$NS{wsa}"><wsa:Address>$address</wsa:Address>}
        . qq{</wsa:EndpointReference></wsp:AppliesTo><wsse:PolicyReference xmlns="$NS{wsse}" URI="$policy">}
        . qq{</wsse:PolicyReference></wst:RequestSecurityToken>};
}
sub timestamp_text {
    my ($created, $expires) = @_;
    return qq{<wsu:Timestamp xmlns="$NS{wsu}" Id="Timestamp"><wsu:Created>$created</wsu:Created>}
        . qq{<wsu:Expires>$expires</wsu:Expires></wsu:Timestamp>};
}
sub reference {
    my ($uri, $digest) = @_;
    return qq{<Reference URI="$uri"><Transforms><Transform Algorithm="$C14N"></Transform></Transforms>}
        . qq{<DigestMethod Algorithm="http://www.w3.org/2000/09/xmldsig#sha1"></DigestMethod>}
        . qq{<DigestValue>$digest</DigestValue></Reference>};
}
sub signed_info_text {
    my ($id, $rst_digest, $ts_digest) = @_;
    return qq{<SignedInfo xmlns="$NS{ds}"><CanonicalizationMethod Algorithm="$C14N"></CanonicalizationMethod>}
        . qq{<SignatureMethod Algorithm="http://www.w3.org/2000/09/xmldsig#hmac-sha1"></SignatureMethod>}
        . reference("#RST$id", $rst_digest) . reference('#Timestamp', $ts_digest)
        . reference('#PPAuthInfo', sha1_base64($AUTHINFO) . '=') . '</SignedInfo>';
}

# Its XML serializer then rewrites what it sends: single quotes, empty
# elements closed in their start tag.
sub wire {
    my ($x) = @_;
    $x =~ s{<([\w:]+)((?:\s+[\w:]+="[^"]*")*)></\1>}{<$1$2/>}g;
    $x =~ s{(<[^>]*>)}{ (my $t = $1) =~ s/="([^"]*)"/='$1'/g; $t }ge;
    return $x;
}

# A renewal of (address, policy) as the client's RST<id>, with the kept
# cipher and secret; %o: now, nonce, tamper (the signature), drop (an
# element to leave out).
sub renewal {
    my ($cipher, $secret, $id, $address, $policy, %o) = @_;
    my $now = $o{now} // time;
    my $nonce = $o{nonce} // join '', map { chr int rand 256 } 1 .. 24;
    my $rst = rst_text($id, $address, $policy);
    my $ts = timestamp_text(iso8601($now), iso8601($now + 300));
    my $si = signed_info_text($id, sha1_base64($rst) . '=', sha1_base64($ts) . '=');
    my $sig = hmac_sha1($si, renew_key($secret, $nonce));
    substr($sig, 5, 1) = chr(ord(substr($sig, 5, 1)) ^ 1) if $o{tamper};
    my $dkt = "<wssc:DerivedKeyToken xmlns='$NS{wssc}' Id='SignKey'><wsse:RequestedTokenReference xmlns='$NS{wsse}'>"
        . "<wsse:KeyIdentifier ValueType='http://docs.oasis-open.org/wss/2004/XX/oasis-2004XX-wss-saml-token-profile-1.0#SAMLAssertionID'/>"
        . "<wsse:Reference URI='#BinaryDAToken0'/></wsse:RequestedTokenReference>"
        . "<wssc:Nonce>" . ($o{nonce_b64} // encode_base64($nonce, '')) . "</wssc:Nonce></wssc:DerivedKeyToken>";
    $dkt = '' if ($o{drop} // '') eq 'DerivedKeyToken';
    return "<Envelope xmlns:wst='$NS{wst}' xmlns='$NS{S}' xmlns:wsse='$NS{wsse}' "
        . "xmlns:saml='urn:oasis:names:tc:SAML:1.0:assertion' xmlns:wsp='$NS{wsp}' xmlns:wssc='$NS{wssc}' "
        . "xmlns:wsu='$NS{wsu}' xmlns:wsa='$NS{wsa}'><Header>" . wire($AUTHINFO)
        . "<wsse:Security xmlns='$NS{wsse}'>"
        . "<EncryptedData xmlns='$NS{xenc}' Id='BinaryDAToken0' Type='http://www.w3.org/2001/04/xmlenc#Element'>"
        . "<EncryptionMethod Algorithm='http://www.w3.org/2001/04/xmlenc#tripledes-cbc'/>"
        . "<ds:KeyInfo xmlns:ds='$NS{ds}'><ds:KeyName>http://Passport.NET/STS</ds:KeyName></ds:KeyInfo>"
        . "<CipherData><CipherValue>$cipher</CipherValue></CipherData></EncryptedData>"
        . $dkt . wire($ts)
        . "<Signature xmlns='$NS{ds}'>" . wire($si)
        . '<SignatureValue>' . encode_base64($sig, '') . '</SignatureValue>'
        . "<KeyInfo><wsse:SecurityTokenReference xmlns='$NS{wsse}'><wsse:Reference URI='#SignKey'/>"
        . '</wsse:SecurityTokenReference></KeyInfo></Signature></wsse:Security></Header>'
        . '<Body>' . wire($rst) . '</Body></Envelope>';
}

# ---- reading answers ----------------------------------------------------

sub xpc {
    my ($doc) = @_;
    my $x = XML::LibXML::XPathContext->new($doc);
    $x->registerNs($_, $NS{$_}) for keys %NS;
    return $x;
}

# The tb RSTR of a sign-in: (cipher, secret)
sub legacy_of {
    my ($xml) = @_;
    my $x = xpc(XML::LibXML->load_xml(string => $xml));
    my ($r) = $x->findnodes('//wst:RequestSecurityTokenResponse[wsp:AppliesTo/wsa:EndpointReference/wsa:Address="http://Passport.NET/tb"]');
    return (undef, undef) unless $r;
    return ($x->findvalue('wst:RequestedSecurityToken/xenc:EncryptedData/xenc:CipherData/xenc:CipherValue', $r),
            decode_base64($x->findvalue('wst:RequestedProofToken/wst:BinarySecret', $r)));
}

# Decrypt a renewal answer as libpurple does. (nonce, plaintext with its
# padding) or () when it has no EncKey or no CipherValue.
sub open_answer {
    my ($xml, $secret) = @_;
    my $x = xpc(XML::LibXML->load_xml(string => $xml));
    my ($enc) = grep { ($_->getAttribute('Id') // '') eq 'EncKey' }
                $x->findnodes('/S:Envelope/S:Header/wsse:Security/*[local-name()="DerivedKeyToken"]');
    return () unless $enc;
    my $nonce = decode_base64($x->findvalue('wssc:Nonce', $enc));
    my $cipher = decode_base64($x->findvalue('/S:Envelope/S:Body/xenc:EncryptedData/xenc:CipherData/xenc:CipherValue'));
    return () unless length $cipher;
    return ($nonce, des3_decrypt(renew_key($secret, $nonce), $cipher), length $cipher);
}

# A renewal answer opened with the secret: address => the token the
# plaintext holds for it (the legacy CipherValue for
# http://Passport.NET/tb, else the BinarySecurityToken), and, under
# 'secret:ADDRESS', its BinarySecret when it has one. Empty when it does
# not open.
sub renewed {
    my ($xml, $secret) = @_;
    my (undef, $plain) = eval { open_answer($xml, $secret) };
    my ($text) = ($plain // '') =~ /\A([^\0]*)\0+\z/ or return ();
    my $doc = eval { XML::LibXML->load_xml(string => $text) } or return ();
    my $x = xpc($doc);
    my %got;
    for my $r ($x->findnodes('//wst:RequestSecurityTokenResponse')) {
        my $address = $x->findvalue('wsp:AppliesTo/wsa:EndpointReference/wsa:Address', $r);
        $got{$address} = $address eq 'http://Passport.NET/tb'
            ? $x->findvalue('wst:RequestedSecurityToken/xenc:EncryptedData/xenc:CipherData/xenc:CipherValue', $r)
            : $x->findvalue('wst:RequestedSecurityToken/wsse:BinarySecurityToken', $r);
        my $s = $x->findvalue('wst:RequestedProofToken/wst:BinarySecret', $r);
        $got{"secret:$address"} = decode_base64($s) if length $s;
    }
    return %got;
}

1;
