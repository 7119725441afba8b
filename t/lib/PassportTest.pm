package PassportTest;
# Helpers shared by the mod_passport Apache::Test suite.
use strict;
use warnings;

use Apache::Test ();
use Apache::TestRequest ();
use IO::Socket::INET ();
use Exporter 'import';

our @EXPORT_OK = qw(raw_request hostport_of);

# host:port of a named Apache::Test vhost ('' or undef: the main server)
sub hostport_of {
    my ($vhost) = @_;
    Apache::TestRequest::module($vhost || 'default');
    my $hp = Apache::TestRequest::hostport();
    Apache::TestRequest::module('default');
    return $hp;
}

# Send bytes on a raw TCP socket and return everything the server
# writes until it closes the connection (bounded by a timeout).
sub raw_request {
    my ($bytes, $vhost) = @_;
    my $hp = hostport_of($vhost);
    my $sock = IO::Socket::INET->new(PeerAddr => $hp, Timeout => 10)
        or die "connect $hp: $!";
    print $sock $bytes;
    my $out = '';
    local $SIG{ALRM} = sub { die "timeout reading from $hp\n" };
    alarm 15;
    while (1) {
        my $n = sysread($sock, my $buf, 65536);
        last unless $n;
        $out .= $buf;
    }
    alarm 0;
    close $sock;
    return $out;
}

1;
