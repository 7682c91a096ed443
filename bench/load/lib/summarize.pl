#!/usr/bin/perl
# summarize.pl RAW - the load harness's table from lib/measure.sh lines (one key=value line per run).
# Medians over repetitions. "% bound" is msgs/s over the sink's (smtp-source -> smtp-sink) in the same
# scenario; "relay x" and "tier x" are MtaKit's relay and tier msgs/s over this row's.
use strict;
use warnings;

my (%v, @order, %seen, @comments);
while (<>) {
  chomp;
  if (/^#/) { push @comments, $_; next; }
  my %kv = map { split /=/, $_, 2 } grep { /=/ } split ' ';
  next unless $kv{peer} && $kv{scenario};
  my $k = "$kv{scenario}\t$kv{peer}";
  push @order, $k unless $seen{$k}++;
  push @{ $v{$k}{$_} }, $kv{$_} for keys %kv;
}
sub med {
  my @x = sort { $a <=> $b } grep { defined && /^-?[\d.]+$/ } @{ $_[0] // [] };
  return undef unless @x;
  return @x % 2 ? $x[$#x / 2] : ($x[@x / 2 - 1] + $x[@x / 2]) / 2;
}
sub cell { my ($s, $p, $f) = @_; return med($v{"$s\t$p"}{$f}); }
sub fmt { my ($x, $d) = @_; return defined $x ? sprintf("%.${d}f", $x) : '-'; }

print "$_\n" for @comments;
print "\n| scen. | peer | msgs/s | % of bound | relay x | tier x | p50 ms | p99 ms | peak RSS MB | peer CPU s / 1000 msgs | runs ok |\n";
print "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n";
for my $k (@order) {
  my ($s, $p) = split /\t/, $k;
  my $rate = cell($s, $p, 'msgs_per_s');
  my $bound = cell($s, 'sink', 'msgs_per_s');
  my $relay = cell($s, 'mtakit', 'msgs_per_s');
  my $tier = cell($s, 'mtakit-tier', 'msgs_per_s');
  my $pct = defined $rate && $bound ? 100 * $rate / $bound : undef;
  my $rx = defined $rate && $rate > 0 && defined $relay && $p ne 'mtakit' && $p ne 'sink' ? $relay / $rate : undef;
  my $tx = defined $rate && $rate > 0 && defined $tier && $p ne 'mtakit-tier' && $p ne 'sink' ? $tier / $rate : undef;
  my @st = @{ $v{$k}{status} // [] };
  my $ok = grep { $_ eq 'ok' } @st;
  my $sink = $p eq 'sink';
  printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d/%d |\n", $s, $p, fmt($rate, 0), fmt($pct, 1),
    fmt($rx, 2), fmt($tx, 2), fmt(cell($s, $p, 'p50_ms'), 1), fmt(cell($s, $p, 'p99_ms'), 1),
    $sink ? '-' : fmt(cell($s, $p, 'peak_rss_mb'), 0), $sink ? '-' : fmt(cell($s, $p, 'peer_cpu_s_per_1000'), 2),
    $ok, scalar @st;
}
print "\nTargets (issue 11): relay >= 3x postfix on A, B, C and >= 30 % of the bound on A; tier >= 1.5x postfix on A.\n";
for my $s (qw(A B C D E)) {
  my $r = cell($s, 'mtakit', 'msgs_per_s'); my $pf = cell($s, 'postfix', 'msgs_per_s'); my $b = cell($s, 'sink', 'msgs_per_s');
  my $t = cell($s, 'mtakit-tier', 'msgs_per_s');
  next unless defined $r || defined $t;
  my @parts;
  push @parts, sprintf('relay/postfix %.2f', $r / $pf) if defined $r && $pf;
  push @parts, sprintf('relay/bound %.1f %%', 100 * $r / $b) if defined $r && $b;
  push @parts, sprintf('tier/postfix %.2f', $t / $pf) if defined $t && $pf;
  print "- $s: ", join(', ', @parts), "\n" if @parts;
}
