#!/usr/bin/perl
# estimate.pl [--cell PEER SCEN] - how long a run.sh run takes, before it starts.
#
#   perl estimate.pl                 the plan: seconds per peer and scenario, the total wall time (stdout)
#   perl estimate.pl --cell P S      one cell's estimate in whole seconds (run.sh derives the cell timeout)
#
# Reads MSGS, WARMUP, LATENCY, LAT_MSGS, REPS, SCENARIOS, PEERS, QUIET and BENCH_TMP from the environment,
# as run.sh and lib/measure.sh do. A cell = start the peer, WARMUP messages, 1 s pause, the measured batch
# of MSGS, the audit, the latency phase (LAT_MSGS more), stop; plus >= 1 s waiting for a quiet machine.
# The rates are the most recent passed runs of the same peer and scenario in BENCH_TMP/results/*/raw.txt
# (this machine's own history), else the built-in ones below (a quiet 2-core VM, 2026-11-29, MSGS=2000;
# mtakit-scan from its CPU per message: ~0.2 s of spamd, ~1 s for E). mtakit-scan measures SCAN_MSGS [min(MSGS, 500)].
use strict;
use warnings;

my %builtin = (    # msgs/s
  A => { sink => 3000, mtakit => 1300, 'mtakit-bare' => 1500, 'mtakit-scan' => 8, 'mtakit-tier' => 570, postfix => 370, exim => 48, haraka => 150 },
  B => { sink => 1600, mtakit => 520,  'mtakit-bare' => 600,  'mtakit-scan' => 8, 'mtakit-tier' => 380, postfix => 170, exim => 48, haraka => 110 },
  C => { sink => 4900, mtakit => 2600, 'mtakit-bare' => 3000, 'mtakit-scan' => 8, 'mtakit-tier' => 780, postfix => 480, exim => 114, haraka => 177 },
  D => { sink => 2500, mtakit => 800,  'mtakit-bare' => 900,  'mtakit-scan' => 8, 'mtakit-tier' => 300, postfix => 300, exim => 100, haraka => 150 },
  E => { sink => 1500, mtakit => 600,  'mtakit-bare' => 700,  'mtakit-scan' => 2, 'mtakit-tier' => 350, postfix => 250, exim => 45, haraka => 60 },
);
my %startup = (sink => 1, mtakit => 4, 'mtakit-bare' => 4, 'mtakit-scan' => 5, 'mtakit-tier' => 4, postfix => 3, exim => 2, haraka => 4);

our $msgs = $ENV{MSGS} || 2000;
my $warmup = $ENV{WARMUP} // 100;
my $latency = ($ENV{LATENCY} // 1) eq '1';
our $lat_msgs = $latency ? ($ENV{LAT_MSGS} // $msgs) : 0;
my $reps = $ENV{REPS} || 1;
my @scen = split ' ', ($ENV{SCENARIOS} // 'A B C D E');
my @peers = split ' ', ($ENV{PEERS} // 'sink mtakit mtakit-scan mtakit-tier postfix exim haraka');
my $quiet = ($ENV{QUIET} // 1) eq '1';
my $tmp = $ENV{BENCH_TMP} // '/tmp/mta-bench';

# This machine's history: the last passed rate per cell (files in time order, later lines win).
my (%seen, %src);
for my $f (sort glob("$tmp/results/*/raw.txt")) {
  open my $fh, '<', $f or next;
  while (<$fh>) {
    next if /^#/;
    my %kv = map { split /=/, $_, 2 } grep { /=/ } split ' ';
    next unless ($kv{status} // '') eq 'ok' && ($kv{msgs_per_s} // '') =~ /^[\d.]+$/ && $kv{msgs_per_s} > 0;
    $seen{$kv{scenario}}{$kv{peer}} = $kv{msgs_per_s};
  }
}
sub rate {
  my ($p, $s) = @_;
  return ($seen{$s}{$p}, 'history') if $seen{$s}{$p};
  return ($builtin{$s}{$p}, 'built-in') if $builtin{$s}{$p};
  return (100, 'guess');
}
sub cell_seconds {
  my ($p, $s) = @_;
  my ($r) = rate($p, $s);
  local $msgs = $p eq 'mtakit-scan' ? ($ENV{SCAN_MSGS} || ($msgs < 500 ? $msgs : 500)) : $msgs;
  local $lat_msgs = $latency ? ($ENV{LAT_MSGS} // $msgs) : 0;
  my $t = ($startup{$p} // 5) + ($quiet ? 1 : 0) + 1;          # start, quiet check, the pause after warm-up
  $t += ($warmup + $msgs + $lat_msgs) / $r;                       # warm-up, batch, latency phase
  $t += 1 + $msgs / 2000 + ($p eq 'postfix' ? 2 : 1);             # audit, stop
  return $t;
}

if (@ARGV >= 3 && $ARGV[0] eq '--cell') {
  printf "%d\n", cell_seconds($ARGV[1], $ARGV[2]) + 0.5;
  exit 0;
}

my $total = 0;
my @lines;
for my $p (@peers) {
  my ($sum, @per) = (0);
  for my $s (@scen) {
    my $t = cell_seconds($p, $s);
    my ($r, $from) = rate($p, $s);
    $sum += $t;
    push @per, sprintf('%s %ds (%s msg/s, %s)', $s, $t + 0.5, $r, $from);
  }
  $total += $sum * $reps;
  push @lines, sprintf('  %-12s %5d s per repetition: %s', $p, $sum + 0.5, join('; ', @per));
}
my $cells = @peers * @scen * $reps;
my $scan_note = (grep { $_ eq 'mtakit-scan' } @peers) ? sprintf(' (mtakit-scan: %d)', $ENV{SCAN_MSGS} || ($msgs < 500 ? $msgs : 500)) : '';
printf "estimated wall time: %dh%02dm for %d cells (%d peers x %d scenarios x %d repetitions; per cell %d warm-up, MSGS=%d measured%s, %s)%s\n",
  int($total / 3600), int($total % 3600 / 60 + 0.5), $cells, scalar @peers, scalar @scen, $reps, $warmup, $msgs, $scan_note,
  $latency ? 'as many again in the latency phase' : 'no latency phase',
  $quiet ? ', plus any wait for a quiet machine (at most 60 s per cell)' : '';
print "$_\n" for @lines;
