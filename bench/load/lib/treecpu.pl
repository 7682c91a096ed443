#!/usr/bin/perl
# treecpu.pl PID... - CPU time of long-lived daemons and all their (changing) children while it runs.
#
# Started before a measured batch, stopped with SIGTERM after it; prints the clock ticks (utime + stime)
# the given processes and their descendants used in between. Polls /proc every 50 ms and keeps each
# process's last value, so a child that exits during the batch keeps what it used (spamd replaces its
# children, and a child's time reaches the parent's cutime only if the parent waits for it; summing
# cutime at two instants loses or double-counts them). A child's last < 50 ms before it exits are lost.
# The process tree is re-read every 0.5 s (new children), the known processes every 50 ms.
use strict;
use warnings;

my @roots = grep { /^\d+$/ } @ARGV;
my (%base, %last, $stop);
$SIG{TERM} = $SIG{INT} = sub { $stop = 1 };

sub ticks {   # [pids] or all -> {pid -> [ppid, utime + stime]}
  my ($only) = @_;
  my %t;
  for my $f ($only ? map { "/proc/$_/stat" } @$only : glob '/proc/[0-9]*/stat') {
    open my $fh, '<', $f or next;
    my $l = <$fh> // next;
    $l =~ s/^(\d+) \(.*\) // or next;
    my $pid = $1;
    my @x = split ' ', $l;
    $t{$pid} = [ $x[1], $x[11] + $x[12] ];
  }
  return \%t;
}
sub tree {    # the roots and their descendants, from one snapshot
  my ($t) = @_;
  my %in = map { $_ => 1 } grep { $t->{$_} } @roots;
  my $grew = 1;
  while ($grew) {
    $grew = 0;
    for my $p (keys %$t) { next if $in{$p} || !$in{ $t->{$p}[0] }; $in{$p} = 1; $grew = 1; }
  }
  return keys %in;
}

my $t = ticks();
my @known = tree($t);
for my $p (@known) { $base{$p} = $last{$p} = $t->{$p}[1]; }
my $n = 0;
until ($stop) {
  select(undef, undef, undef, 0.05);
  if (++$n % 10 == 0) { $t = ticks(); @known = tree($t); } else { $t = ticks(\@known); }
  for my $p (grep { $t->{$_} } @known) { $base{$p} //= 0; $last{$p} = $t->{$p}[1]; }
}
$t = ticks();
for my $p (tree($t)) { $base{$p} //= 0; $last{$p} = $t->{$p}[1]; }
my $sum = 0;
$sum += $last{$_} - $base{$_} for keys %last;
print "$sum\n";
