package PassportRenew;
# A renewing client for the tests that need one beside t/24-rst-renew.t
# (which has its own, with every check of the answer): sign in on
# RST.srf, keep the legacy token and its proof key, and build the
# renewal libpurple sends (the spec's shapes, as in t/24).
use strict;
use warnings;

use Digest::SHA qw(hmac_sha1 sha1_base64);
use MIME::Base64 qw(encode_base64 decode_base64);
use XML::LibXML;
use Exporter 'import';

our @EXPORT_OK = qw(legacy_of renewal);

my %NS = (
    S    => 'http://schemas.xmlsoap.org/soap/envelope/',
    wst  => 'http://schemas.xmlsoap.org/ws/2004/04/trust',
    wsse => 'http://schemas.xmlsoap.org/ws/2003/06/secext',
    wssc => 'http://schemas.xmlsoap.org/ws/2004/04/sc',
    wsu  => 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd',
    wsp  => 'http://schemas.xmlsoap.org/ws/2002/12/policy',
    wsa  => 'http://schemas.xmlsoap.org/ws/2004/03/addressing',
    xenc => 'http://www.w3.org/2001/04/xmlenc#',
    ds   => 'http://www.w3.org/2000/09/xmldsig#',
);

sub derive {
    my ($k, $m) = @_;
    my $h1 = hmac_sha1($m, $k);
    my $h2 = hmac_sha1($h1 . $m, $k);
    my $h3 = hmac_sha1($h1, $k);
    my $h4 = hmac_sha1($h3 . $m, $k);
    return $h2 . substr($h4, 0, 4);
}

sub iso8601 {
    my @t = gmtime(shift);
    return sprintf '%04d-%02d-%02dT%02d:%02d:%02dZ', $t[5] + 1900, $t[4] + 1, @t[3, 2, 1, 0];
}

my $C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
my $AUTHINFO = '<ps:AuthInfo xmlns:ps="http://schemas.microsoft.com/Passport/SoapServices/PPCRL" Id="PPAuthInfo">'
    . '<ps:HostingApp>{7108E71A-9926-4FCB-BCC9-9A9D3F32E423}</ps:HostingApp><ps:BinaryVersion>4</ps:BinaryVersion>'
    . '<ps:UIVersion>1</ps:UIVersion><ps:Cookies></ps:Cookies><ps:RequestParams>AQAAAAIAAABsYwQAAAA0MTA1</ps:RequestParams>'
    . '</ps:AuthInfo>';

sub reference {
    my ($uri, $digest) = @_;
    return qq{<Reference URI="$uri"><Transforms><Transform Algorithm="$C14N"></Transform></Transforms>}
        . qq{<DigestMethod Algorithm="http://www.w3.org/2000/09/xmldsig#sha1"></DigestMethod>}
        . qq{<DigestValue>$digest</DigestValue></Reference>};
}

sub wire {
    my ($x) = @_;
    $x =~ s{<([\w:]+)((?:\s+[\w:]+="[^"]*")*)></\1>}{<$1$2/>}g;
    $x =~ s{(<[^>]*>)}{ (my $t = $1) =~ s/="([^"]*)"/='$1'/g; $t }ge;
    return $x;
}

# A renewal for messenger.msn.com with the kept cipher and secret;
# tamper => 1 spoils its signature.
sub renewal {
    my ($cipher, $secret, %o) = @_;
    my $now = time;
    my $nonce = join '', map { chr int rand 256 } 1 .. 24;
    my $rst = qq{<wst:RequestSecurityToken xmlns="$NS{wst}" Id="RST1">}
        . qq{<wst:RequestType>http://schemas.xmlsoap.org/ws/2004/04/security/trust/Issue</wst:RequestType>}
        . qq{<wsp:AppliesTo xmlns="$NS{wsp}"><wsa:EndpointReference xmlns="$NS{wsa}"><wsa:Address>messenger.msn.com</wsa:Address>}
        . qq{</wsa:EndpointReference></wsp:AppliesTo><wsse:PolicyReference xmlns="$NS{wsse}" URI="MBI">}
        . qq{</wsse:PolicyReference></wst:RequestSecurityToken>};
    my $ts = qq{<wsu:Timestamp xmlns="$NS{wsu}" Id="Timestamp"><wsu:Created>} . iso8601($now)
        . qq{</wsu:Created><wsu:Expires>} . iso8601($now + 300) . qq{</wsu:Expires></wsu:Timestamp>};
    my $si = qq{<SignedInfo xmlns="$NS{ds}"><CanonicalizationMethod Algorithm="$C14N"></CanonicalizationMethod>}
        . qq{<SignatureMethod Algorithm="http://www.w3.org/2000/09/xmldsig#hmac-sha1"></SignatureMethod>}
        . reference('#RST1', sha1_base64($rst) . '=') . reference('#Timestamp', sha1_base64($ts) . '=')
        . reference('#PPAuthInfo', sha1_base64($AUTHINFO) . '=') . '</SignedInfo>';
    my $sig = hmac_sha1($si, derive($secret, 'WS-SecureConversation' . $nonce));
    substr($sig, 5, 1) = chr(ord(substr($sig, 5, 1)) ^ 1) if $o{tamper};
    return "<Envelope xmlns:wst='$NS{wst}' xmlns='$NS{S}' xmlns:wsse='$NS{wsse}' "
        . "xmlns:saml='urn:oasis:names:tc:SAML:1.0:assertion' xmlns:wsp='$NS{wsp}' xmlns:wssc='$NS{wssc}' "
        . "xmlns:wsu='$NS{wsu}' xmlns:wsa='$NS{wsa}'><Header>" . wire($AUTHINFO)
        . "<wsse:Security xmlns='$NS{wsse}'>"
        . "<EncryptedData xmlns='$NS{xenc}' Id='BinaryDAToken0' Type='http://www.w3.org/2001/04/xmlenc#Element'>"
        . "<EncryptionMethod Algorithm='http://www.w3.org/2001/04/xmlenc#tripledes-cbc'/>"
        . "<ds:KeyInfo xmlns:ds='$NS{ds}'><ds:KeyName>http://Passport.NET/STS</ds:KeyName></ds:KeyInfo>"
        . "<CipherData><CipherValue>$cipher</CipherValue></CipherData></EncryptedData>"
        . "<wssc:DerivedKeyToken xmlns='$NS{wssc}' Id='SignKey'><wsse:RequestedTokenReference xmlns='$NS{wsse}'>"
        . "<wsse:KeyIdentifier ValueType='http://docs.oasis-open.org/wss/2004/XX/oasis-2004XX-wss-saml-token-profile-1.0#SAMLAssertionID'/>"
        . "<wsse:Reference URI='#BinaryDAToken0'/></wsse:RequestedTokenReference>"
        . "<wssc:Nonce>" . encode_base64($nonce, '') . "</wssc:Nonce></wssc:DerivedKeyToken>"
        . wire($ts)
        . "<Signature xmlns='$NS{ds}'>" . wire($si)
        . '<SignatureValue>' . encode_base64($sig, '') . '</SignatureValue>'
        . "<KeyInfo><wsse:SecurityTokenReference xmlns='$NS{wsse}'><wsse:Reference URI='#SignKey'/>"
        . '</wsse:SecurityTokenReference></KeyInfo></Signature></wsse:Security></Header>'
        . '<Body>' . wire($rst) . '</Body></Envelope>';
}

# The legacy token of a sign-in's answer: (cipher, secret), or ().
sub legacy_of {
    my ($xml) = @_;
    my $doc = eval { XML::LibXML->load_xml(string => $xml) } or return ();
    my $x = XML::LibXML::XPathContext->new($doc);
    $x->registerNs($_, $NS{$_}) for keys %NS;
    my ($r) = $x->findnodes('//wst:RequestSecurityTokenResponse[wsp:AppliesTo/wsa:EndpointReference/wsa:Address="http://Passport.NET/tb"]');
    return () unless $r;
    return ($x->findvalue('wst:RequestedSecurityToken/xenc:EncryptedData/xenc:CipherData/xenc:CipherValue', $r),
            decode_base64($x->findvalue('wst:RequestedProofToken/wst:BinarySecret', $r)));
}

1;
