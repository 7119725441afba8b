# p2pslc (MBI_X509_CID) over RST.srf, following MS-WSTEP: certificates
# for PKCS#10 requests made here with openssl, checked with openssl.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp t_write_file);
use Apache::TestRequest ();
use MIME::Base64 qw(encode_base64 decode_base64);
use HTTP::Response ();
use lib 't/lib';
use PassportTest qw(https_request);

plan tests => 53;

# MS-WSTEP 2.1: certificates only over HTTPS. Every request here goes
# over TLS to $vhost (p2p has a CA, tls has none); one over plain HTTP
# is refused (at the end).
my $vhost = 'p2p';
sub rst_post {
    my ($body) = @_;
    my ($code, undef, $content) = https_request(vhost => $vhost, path => '/RST.srf', body => $body);
    return HTTP::Response->new($code, undef, undef, $content);
}

my $t_dir = Apache::Test::vars('t_dir');
my $tmp = "$t_dir/logs/x509";
mkdir $tmp;
my $ca = "$t_dir/var/ca.pem";

sub slurp { open my $fh, '<', $_[0] or die "$_[0]: $!"; binmode $fh; local $/; <$fh> }
sub sh { my $cmd = shift; my $out = qx{$cmd 2>&1}; return ($? >> 8, $out) }

# key + CSR (CN=MSIDCRL, SHA1-RSA like the real client); base64 of DER
sub make_csr {
    my ($name, $bits) = @_;
    my ($rc, $out) = sh("openssl req -new -newkey rsa:$bits -nodes -sha1 -subj /CN=MSIDCRL "
                        . "-keyout $tmp/$name.key -outform DER -out $tmp/$name.csr");
    die "openssl req: $out" if $rc;
    return encode_base64(slurp("$tmp/$name.csr"), '');
}

my $NS = 'xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" '
       . 'xmlns:wsse="http://schemas.xmlsoap.org/ws/2003/06/secext" '
       . 'xmlns:wsp="http://schemas.xmlsoap.org/ws/2002/12/policy" '
       . 'xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/03/addressing" '
       . 'xmlns:wst="http://schemas.xmlsoap.org/ws/2004/04/trust" '
       . 'xmlns:ps="http://schemas.microsoft.com/Passport/SoapServices/PPCRL"';
sub rst {
    my ($i, $addr, $policy, $csr, $by_name) = @_;
    my $el = $by_name ? 'wsa:ServiceName' : 'wsa:Address';
    my $x = qq{<wst:RequestSecurityToken Id="RST$i"><wst:RequestType>http://schemas.xmlsoap.org/ws/2004/04/security/trust/Issue</wst:RequestType>}
          . qq{<wsp:AppliesTo><wsa:EndpointReference><$el>$addr</$el></wsa:EndpointReference></wsp:AppliesTo>};
    $x .= qq{<wsse:PolicyReference URI="$policy"/>} if $policy;
    $x .= qq{<wst:Supporting><wsse:BinarySecurityToken ValueType="http://schemas.microsoft.com/Passport/SoapServices/PPCRL#PKCS10" EncodingType="wsse:Base64Binary">$csr</wsse:BinarySecurityToken></wst:Supporting>}
        if defined $csr;
    return $x . '</wst:RequestSecurityToken>';
}
sub envelope {
    return qq{<?xml version="1.0" encoding="utf-8"?><soap:Envelope $NS><soap:Header><wsse:Security><wsse:UsernameToken Id="user">}
         . qq{<wsse:Username>alice\@example.com</wsse:Username><wsse:Password>alice-pw,1</wsse:Password></wsse:UsernameToken></wsse:Security></soap:Header>}
         . qq{<soap:Body><ps:RequestMultipleSecurityTokens Id="RSTS">} . join('', @_)
         . qq{</ps:RequestMultipleSecurityTokens></soap:Body></soap:Envelope>};
}
sub p2p { rst($_[0], 'p2pslc.messenger.msn.com', 'MBI_X509_CID', $_[1], 1) }
sub fault_of { $_[0]->content =~ m{<faultcode>([^<]*)</faultcode><faultstring>([^<]*)</faultstring>} ? ($1, $2) : ('', '') }

# the certificate of a response as a PEM file; '' when there is none
sub cert_of {
    my ($res, $name) = @_;
    my ($b64) = $res->content =~ m{<wsse:BinarySecurityToken Id="PPToken\d+" ValueType="[^"]*#X509v3"[^>]*>([^<]+)<};
    return '' unless $b64;
    (my $pem = $b64) =~ s/(.{64})/$1\n/g;
    t_write_file("$tmp/$name.pem", "-----BEGIN CERTIFICATE-----\n$pem\n-----END CERTIFICATE-----\n");
    return "$tmp/$name.pem";
}


for my $bits (1024, 2048) {
    my $csr = make_csr("k$bits", $bits);
    my $res = rst_post(envelope(rst(0, 'http://Passport.NET/tb'), rst(1, 'messenger.msn.com', '?id=507'), p2p(2, $csr)));
    ok t_cmp($res->content, qr/<psf:authstate>0x48803</, "$bits bits: signed in");
    my @types = $res->content =~ m{<wst:TokenType>([^<]+)</wst:TokenType>}g;
    ok t_cmp(join(',', @types), 'urn:passport:legacy,urn:passport:compact,'
             . 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3',
             "$bits bits: tb, messenger, p2pslc, in order");
    ok t_cmp($res->content, qr{<wsa:ServiceName>p2pslc\.messenger\.msn\.com</wsa:ServiceName>},
             "$bits bits: AppliesTo names the service as requested");
    ok t_cmp($res->content, qr{<wsse:Reference URI="#PPToken2"/>}, "$bits bits: referenced by its index");
    my $pem = cert_of($res, "c$bits");
    my ($rc, $out) = sh("openssl verify -CAfile $ca $pem");
    ok t_cmp($out, qr/: OK$/m, "$bits bits: openssl verify -CAfile: chains to the CA");
    my (undef, $certpub) = sh("openssl x509 -in $pem -noout -pubkey");
    my (undef, $keypub) = sh("openssl pkey -in $tmp/k$bits.key -pubout");
    ok t_cmp($certpub, $keypub, "$bits bits: carries the request's public key");
    my (undef, $subject) = sh("openssl x509 -in $pem -noout -subject -nameopt RFC2253");
    ok t_cmp($subject, qr/CN=0123456789ABCDEF,O=Passport\.Net/, "$bits bits: names the account (PUID), not MSIDCRL");
    my (undef, $dates) = sh("openssl x509 -in $pem -noout -dates");
    my ($nb) = $dates =~ /notBefore=(.*)/;
    my ($na) = $dates =~ /notAfter=(.*)/;
    my (undef, $nbs) = sh("date -u -d '$nb' +%s");
    my (undef, $nas) = sh("date -u -d '$na' +%s");
    ok t_cmp($nas - $nbs, 3600, "$bits bits: valid for the ticket lifetime");
    ok t_cmp(abs($nbs - time) < 120 ? 1 : 0, 1, "$bits bits: from now");
    my (undef, $ext) = sh("openssl x509 -in $pem -noout -ext keyUsage,basicConstraints");
    ok t_cmp($ext =~ /Key Usage: critical\s+Digital Signature\s/ && $ext =~ /CA:FALSE/ ? 1 : 0, 1, "$bits bits: digitalSignature, not a CA");
}

# by wsa:Address too, alone
my $csr = make_csr('addr', 1024);
my $res = rst_post(envelope(rst(0, 'p2pslc.messenger.msn.com', 'MBI_X509_CID', $csr)));
ok t_cmp(cert_of($res, 'addr') ne '' ? 1 : 0, 1, 'p2pslc by wsa:Address');
ok t_cmp($res->content, qr{<wsa:Address>p2pslc\.messenger\.msn\.com</wsa:Address>}, 'answered as an Address');

# refusals: an S:Client fault with a specific faultstring, nothing issued
my $der = slurp("$tmp/addr.csr");
substr($der, -5, 1) = chr(ord(substr($der, -5, 1)) ^ 0xff);     # break the signature
sh("openssl req -new -newkey rsa:512 -nodes -subj /CN=MSIDCRL -keyout $tmp/k512.key -outform DER -out $tmp/k512.csr");
my (undef, $cert_der) = sh("openssl x509 -in $ca -outform DER | base64 -w0");

# requests refused for one rule each, made with openssl: signed with MD5;
# with MD4 (openssl 3 cannot sign with MD4: the MD5 request with its
# signature algorithm renamed md4WithRSAEncryption, 1.2.840.113549.1.1.3,
# refused before its signature is looked at); an RSA key whose public
# exponent is 3; an Ed25519 key (a type we do not take, not a weak one)
sub csr_from {   # (name, openssl req options) -> base64 DER
    my ($name, $opts) = @_;
    my ($rc, $out) = sh("openssl req -new $opts -subj /CN=MSIDCRL -outform DER -out $tmp/$name.csr");
    die "openssl req ($name): $out" if $rc;
    return slurp("$tmp/$name.csr");
}
my $md5 = csr_from('md5', "-newkey rsa:1024 -nodes -md5 -keyout $tmp/md5.key");
(my $md4 = $md5) =~ s/(\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01)\x04/$1\x03/ == 1
    or die 'no md5WithRSAEncryption in the MD5 request';
sh("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -pkeyopt rsa_keygen_pubexp:3 -out $tmp/e3.key");
my $e3 = csr_from('e3', "-key $tmp/e3.key -sha1");
sh("openssl genpkey -algorithm ed25519 -out $tmp/ed25519.key");
my $ed = csr_from('ed25519', "-key $tmp/ed25519.key");

my @bad = (
    [ 'bad proof of possession', encode_base64($der, ''), qr/signature does not verify/ ],
    [ 'garbage base64', '%%%not-base64%%%', qr/not base64/ ],
    [ 'a DER that is not a CSR', $cert_der, qr/not a DER PKCS#10/ ],
    [ 'an empty token', '', qr/missing or empty/ ],
    [ 'a 512-bit key', encode_base64(slurp("$tmp/k512.csr"), ''), qr/too weak \(512-bit rsaEncryption/ ],
    [ 'an MD5 signature', encode_base64($md5, ''),
      qr/^Invalid Request: the certificate request is signed with MD5 \(md5WithRSAEncryption\), a broken digest: sign it with SHA-1 or SHA-2$/ ],
    [ 'an MD4 signature', encode_base64($md4, ''), qr/is signed with MD4 \(md4WithRSAEncryption\), a broken digest/ ],
    [ 'an RSA exponent of 3', encode_base64($e3, ''),
      qr/^Invalid Request: the certificate request's RSA public exponent is 3; want 65537 or more$/ ],
    [ 'an Ed25519 key', encode_base64($ed, ''),
      qr/^Invalid Request: the certificate request's key type \(ED25519\) is not supported: want RSA or EC$/ ],
);
for my $b (@bad) {
    my ($name, $token, $why) = @$b;
    $res = rst_post(envelope(rst(0, 'http://Passport.NET/tb'), p2p(1, $token)));
    my ($code, $string) = fault_of($res);
    ok t_cmp($code, 'S:Client', "$name: S:Client");
    ok t_cmp($string, $why, "$name: says why");
    ok t_cmp($res->content =~ /BinaryDAToken|PPToken/ ? 1 : 0, 0, "$name: nothing issued");
}
$res = rst_post(envelope(rst(0, 'p2pslc.messenger.msn.com', 'MBI_X509_CID', undef, 1)));
ok t_cmp((fault_of($res))[1], qr/missing or empty/, 'no wst:Supporting at all: fault');

# a realm without a CA says so
$vhost = 'tls';
$res = rst_post(envelope(p2p(0, $csr)));
ok t_cmp((fault_of($res))[1], qr/needs a CA, and this realm has none/, 'no CA configured: a fault that says so');

# over plain HTTP: refused, nothing issued
Apache::TestRequest::module('p2p_http');
$res = PassportTest::rst_post(envelope(rst(0, 'http://Passport.NET/tb'), p2p(1, $csr)));
ok t_cmp((fault_of($res))[1], qr/certificates are only issued over HTTPS/, 'p2pslc over plain HTTP: refused (MS-WSTEP 2.1)');
ok t_cmp($res->content =~ /PPToken|BinaryDAToken/ ? 1 : 0, 0, 'and nothing issued');
