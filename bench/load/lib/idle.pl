#!/usr/bin/perl
# idle.pl HOST PORT COUNT HOLD_SECONDS READY_FILE - opens COUNT SMTP sessions, reads each greeting,
# sends EHLO and reads its reply, then keeps every session open and silent for HOLD_SECONDS.
# Writes "open=N failed=M" to READY_FILE once all are established, then sleeps.
use strict;
use warnings;
use IO::Socket::INET;
use IO::Select;

my ($host, $port, $count, $hold, $ready) = @ARGV;
die "usage: idle.pl HOST PORT COUNT HOLD_SECONDS READY_FILE\n" unless defined $ready;
my (@open, $failed);
$failed = 0;
sub line { my $s = shift; my $all = ''; while (defined(my $l = <$s>)) { $all .= $l; return $all if $l =~ /^\d{3} /; } return undef; }
for my $i (1 .. $count) {
  my $s = IO::Socket::INET->new(PeerAddr => $host, PeerPort => $port, Proto => 'tcp', Timeout => 30);
  if (!$s) { $failed++; next; }
  $s->autoflush(1);
  my $g = line($s);
  if (!defined $g || $g !~ /^220/) { $failed++; close $s; next; }
  print $s "EHLO idle$i.bench.invalid\r\n";
  my $e = line($s);
  if (!defined $e || $e !~ /^250/) { $failed++; close $s; next; }
  push @open, $s;
}
open(my $fh, '>', $ready) or die "$ready: $!";
printf $fh "open=%d failed=%d\n", scalar @open, $failed;
close $fh;
sleep $hold;
