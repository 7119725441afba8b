package PassportRedis;
# The suite's throwaway Redis: started by t/TEST.PL with the test server
# (on a free loopback port, no persistence, everything under t/var),
# stopped with it; t/76-store-redis.t stops it and starts it again, with
# the command kept in t/var/redis.cmd.
use strict;
use warnings;

use IO::Socket::INET ();

sub _var { "$_[0]/t/var" }

# Start it; returns the port.
sub start {
    my ($top, $redis) = @_;
    my $var = _var($top);
    my $probe = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0,
                                      Proto => 'tcp', Listen => 1, ReuseAddr => 1)
        or die "no free port for Redis: $!\n";
    my $port = $probe->sockport;
    close $probe;
    my $cmd = "'$redis' --port $port --bind 127.0.0.1 --save '' --appendonly no "
            . "--daemonize yes --pidfile '$var/redis.pid' --logfile '$var/redis.log' "
            . "--dir '$var'";
    for my $f (['redis.cmd', "$cmd\n"], ['redis.port', "$port\n"]) {
        open my $fh, '>', "$var/$f->[0]" or die "$var/$f->[0]: $!\n";
        print $fh $f->[1];
        close $fh;
    }
    again($top);
    return $port;
}

# Start it again, on the same port (after stop).
sub again {
    my ($top) = @_;
    my $var = _var($top);
    open my $fh, '<', "$var/redis.cmd" or die "$var/redis.cmd: $!\n";
    chomp(my $cmd = <$fh>);
    close $fh;
    system($cmd) == 0 or die "redis-server did not start (t/var/redis.log)\n";
    for (1 .. 100) {
        return 1 if up($top);
        select(undef, undef, undef, 0.05);
    }
    die "redis-server did not answer on its port (t/var/redis.log)\n";
}

sub port {
    my ($top) = @_;
    open my $fh, '<', _var($top) . '/redis.port' or return undef;
    chomp(my $p = <$fh> // '');
    return $p =~ /^\d+$/ ? $p : undef;
}

# One command in Redis's inline protocol; its reply's first line.
sub command {
    my ($top, $line) = @_;
    my $port = port($top) or return undef;
    my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1:$port", Timeout => 2) or return undef;
    print $s "$line\r\n";
    my $reply = <$s>;
    my $out = $reply;
    # a bulk or multi-bulk reply: read what it announces
    if (defined $reply && $reply =~ /^\*(\d+)/) {
        my @items;
        for (1 .. $1) {
            my $len = <$s>;
            my $item = <$s> // '';
            $item =~ s/\r\n\z//;
            push @items, $item;
        }
        $out = \@items;
    }
    elsif (defined $reply && $reply =~ /^\$(-?\d+)/) {
        $out = $1 < 0 ? undef : do { my $v = <$s> // ''; $v =~ s/\r\n\z//; $v };
    }
    close $s;
    return $out;
}

sub up { my $r = command($_[0], 'PING'); defined $r && !ref $r && $r =~ /^\+PONG/ }

sub stop {
    my ($top) = @_;
    my $file = _var($top) . '/redis.pid';
    return unless -s $file;
    open my $fh, '<', $file or return;
    chomp(my $pid = <$fh> // '');
    close $fh;
    return unless $pid =~ /^\d+$/;
    kill 'TERM', $pid;
    for (1 .. 100) { last unless kill 0, $pid; select(undef, undef, undef, 0.05) }
    unlink $file;
}

1;
