#!/usr/bin/perl
# probe.pl - latency probe for the load harness: while a background load runs, send messages one at a
# time on one extra client session and time each transaction, from MAIL FROM to the 250 after the
# final dot (what the sending MTA waits for). A new connection per message unless REUSE=1.
#
#   probe.pl HOST PORT MSG_LEN RCPTS REUSE MAX_SAMPLES LOAD_PID
#
# Stops after MAX_SAMPLES messages or when LOAD_PID (the background smtp-source) has exited.
# Prints: p50_ms=X p99_ms=Y lat_samples=N   (progress and errors on stderr)
use strict;
use warnings;
use IO::Socket::INET;
use Socket qw(IPPROTO_TCP TCP_NODELAY);
use Time::HiRes qw(time);

my ($host, $port, $len, $rcpts, $reuse, $max, $loadpid) = @ARGV;
die "usage: probe.pl HOST PORT MSG_LEN RCPTS REUSE MAX_SAMPLES LOAD_PID\n" unless defined $loadpid;

# A body like smtp-source's: lines of 78 'x' up to MSG_LEN bytes.
my $line = ('x' x 78) . "\r\n";
my $body = $line x int($len / 80);
my $n = 0;

sub reply {
  my ($s) = @_;
  my $all = '';
  while (defined(my $l = <$s>)) {
    $all .= $l;
    return $all if $l =~ /^\d{3} /;
  }
  die "connection closed\n";
}
sub cmd {
  my ($s, $c, $want) = @_;
  print $s $c if defined $c;
  my $r = reply($s);
  die "unexpected reply to " . ($c // 'greeting') . ": $r" unless $r =~ /^$want/;
  return $r;
}
sub session {
  my $s = IO::Socket::INET->new(PeerAddr => $host, PeerPort => $port, Proto => 'tcp', Timeout => 30)
    or die "connect: $!\n";
  setsockopt($s, IPPROTO_TCP, TCP_NODELAY, 1);
  $s->autoflush(1);
  cmd($s, undef, '220');
  cmd($s, "EHLO probe.bench.invalid\r\n", '250');
  return $s;
}
sub transaction {
  my ($s) = @_;
  $n++;
  my $t0 = time;
  cmd($s, "MAIL FROM:<probe\@client.bench.invalid>\r\n", '250');
  for my $i (1 .. $rcpts) {
    my $r = $i == 1 ? 'rcpt' : "${i}rcpt";
    cmd($s, "RCPT TO:<$r\@dest.bench.invalid>\r\n", '250');
  }
  cmd($s, "DATA\r\n", '354');
  my $id = sprintf('probe-%d-%d@client.bench.invalid', $$, $n);
  print $s "From: <probe\@client.bench.invalid>\r\nTo: <rcpt\@dest.bench.invalid>\r\nMessage-Id: <$id>\r\nSubject: probe $n\r\n\r\n$body.\r\n";
  cmd($s, undef, '250');
  return (time - $t0) * 1000;
}

my @ms;
my $s;
while (@ms < $max && kill(0, $loadpid)) {
  # a zombie counts as gone
  if (open(my $st, '<', "/proc/$loadpid/stat")) { my $l = <$st>; close $st; last if $l =~ /^\d+ \(.*\) Z/; }
  my $ok = eval {
    $s //= session();
    push @ms, transaction($s);
    if (!$reuse) { print $s "QUIT\r\n"; reply($s); close $s; undef $s; }
    1;
  };
  if (!$ok) { print STDERR "probe: $@"; undef $s; select(undef, undef, undef, 0.05); }
}
if ($s) { print $s "QUIT\r\n"; eval { reply($s) }; close $s; }
@ms = sort { $a <=> $b } @ms;
my $pct = sub { my $q = shift; return 'NA' unless @ms; my $i = int($q * (@ms - 1) + 0.5); return sprintf('%.1f', $ms[$i]); };
printf "p50_ms=%s p99_ms=%s lat_samples=%d\n", $pct->(0.50), $pct->(0.99), scalar @ms;
