#!/usr/bin/perl
# summarize.pl RAW... - the load harness's table from lib/measure.sh lines (one key=value line per run).
#
# Per cell (scenario x peer) the median over the runs whose audit passed (status=ok); with more than one
# such run, the range follows as [min-max]. A cell where no run passed shows the median of the failed runs
# with a "!" (see the legend under the table). "% of bound" is the median msgs/s over the sink's
# (smtp-source -> smtp-sink) median in the same scenario; "relay x", "scan x" and "tier x" are the median
# msgs/s of MtaKit's relay (mtakit), its scanning row (mtakit-scan) and its tier (mtakit-tier) over this
# row's. The targets of issue 11 are computed on mtakit and mtakit-tier; mtakit-scan is reported beside
# them with its ratio to Postfix.
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
  my $ok = ($kv{status} // '') eq 'ok' ? 'ok' : 'all';
  push @{ $v{$k}{status} }, $kv{status} // 'failed';
  for my $f (keys %kv) {
    push @{ $v{$k}{ok}{$f} }, $kv{$f} if $ok eq 'ok';
    push @{ $v{$k}{all}{$f} }, $kv{$f};
  }
}

sub nums { return sort { $a <=> $b } grep { defined && /^-?[\d.]+$/ } @{ $_[0] // [] }; }
sub med {
  my @x = nums($_[0]);
  return undef unless @x;
  return @x % 2 ? $x[$#x / 2] : ($x[@x / 2 - 1] + $x[@x / 2]) / 2;
}
# The runs a cell's figures come from: those that passed the audit, else (marked) all of them.
sub runs {
  my ($s, $p) = @_;
  my $c = $v{"$s\t$p"} or return (undef, 0);
  return ($c->{ok}, 0) if $c->{ok};
  return ($c->{all}, 1);
}
sub cell { my ($s, $p, $f) = @_; my ($r) = runs($s, $p); return $r ? med($r->{$f}) : undef; }
sub fmt { my ($x, $d) = @_; return defined $x ? sprintf("%.${d}f", $x) : '-'; }
# median [min-max] of one field of one cell
sub span {
  my ($s, $p, $f, $d) = @_;
  my ($r, $failed) = runs($s, $p);
  return '-' unless $r;
  my @x = nums($r->{$f});
  return '-' unless @x;
  $d = 1 if $f eq 'msgs_per_s' && $x[-1] < 10;   # a few msg/s (mtakit-scan): one decimal
  my $out = fmt(med($r->{$f}), $d);
  $out .= sprintf(' [%s-%s]', fmt($x[0], $d), fmt($x[-1], $d)) if @x > 1;
  return $failed ? "$out !" : $out;
}
sub ratio { my ($a, $b) = @_; return defined $a && defined $b && $b > 0 ? $a / $b : undef; }
# a ratio: two decimals, two significant digits below 0.1 (mtakit-scan over the relay is ~0.005)
sub fmtx { my ($x) = @_; return '-' unless defined $x; return $x > 0 && $x < 0.1 ? sprintf('%.2g', $x) : sprintf('%.2f', $x); }

my $any_failed = 0;
print "$_\n" for @comments;
print "\n| scen. | peer | msgs/s | % of bound | relay x | scan x | tier x | p50 ms | p99 ms | peak RSS MB | peer CPU s / 1000 msgs | alloc KB / msg | runs ok |\n";
print "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n";
for my $k (@order) {
  my ($s, $p) = split /\t/, $k;
  my $rate = cell($s, $p, 'msgs_per_s');
  my $sink = $p eq 'sink';
  my $pct = ratio($rate, cell($s, 'sink', 'msgs_per_s'));
  my %x;
  for my $m (qw(mtakit mtakit-scan mtakit-tier)) {
    $x{$m} = $p ne $m && !$sink ? ratio(cell($s, $m, 'msgs_per_s'), $rate) : undef;
  }
  my @st = @{ $v{$k}{status} // [] };
  my $ok = grep { $_ eq 'ok' } @st;
  $any_failed = 1 unless $ok;
  printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d/%d |\n", $s, $p, span($s, $p, 'msgs_per_s', 0),
    fmt(defined $pct ? 100 * $pct : undef, 1), fmtx($x{mtakit}), fmtx($x{'mtakit-scan'}), fmtx($x{'mtakit-tier'}),
    span($s, $p, 'p50_ms', 1), span($s, $p, 'p99_ms', 1),
    $sink ? '-' : span($s, $p, 'peak_rss_mb', 0), $sink ? '-' : span($s, $p, 'peer_cpu_s_per_1000', 2), span($s, $p, 'alloc_kb_per_msg', 1),
    $ok, scalar @st;
}
print "\nCells: median over the runs that passed the audit, [min-max] when there were several; ratios are of the medians.\n";
print "! no run of this cell passed the audit (missing or duplicated deliveries, timeout): figures of the failed runs.\n" if $any_failed;
print "alloc KB / msg: MtaKit's managed allocations over the batch (GC.GetTotalAllocatedBytes, exact) per message; target (issue 11): relay < 16 KB.\n"
  if grep { /\tmtakit/ } @order;
print "mtakit-scan: the relay plus one clamd INSTREAM and one spamd SYMBOLS per message; its RSS and CPU include clamd's and spamd's processes.\n"
  if grep { /\tmtakit-scan$/ } @order;
print "\nTargets (issue 11): relay >= 3x postfix on A, B, C and >= 30 % of the bound on A; tier >= 1.5x postfix on A.\n";
for my $s (qw(A B C D E)) {
  my $r = cell($s, 'mtakit', 'msgs_per_s'); my $pf = cell($s, 'postfix', 'msgs_per_s'); my $b = cell($s, 'sink', 'msgs_per_s');
  my $t = cell($s, 'mtakit-tier', 'msgs_per_s'); my $sc = cell($s, 'mtakit-scan', 'msgs_per_s');
  my @parts;
  push @parts, sprintf('relay/postfix %.2f', $r / $pf) if defined $r && $pf;
  push @parts, sprintf('relay/bound %.1f %%', 100 * $r / $b) if defined $r && $b;
  push @parts, sprintf('tier/postfix %.2f', $t / $pf) if defined $t && $pf;
  my $al = cell($s, 'mtakit', 'alloc_kb_per_msg');
  push @parts, sprintf('relay alloc %.1f KB/msg', $al) if defined $al;
  push @parts, sprintf('scan/postfix %s (reported, no target)', fmtx($sc / $pf)) if defined $sc && $pf;
  print "- $s: ", join(', ', @parts), "\n" if @parts;
}
