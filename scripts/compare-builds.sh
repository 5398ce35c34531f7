#!/bin/bash
# Compares two ptlab builds bit for bit on every shipped sweep (configs/sweeps) and run config
# (wall times dropped): e.g. a refactoring must print IDENTICAL everywhere. About 3 min on 2 cores.
set -u
OLD=${1:?usage: scripts/compare-builds.sh OLD_PTLAB NEW_PTLAB}; NEW=${2:?usage: scripts/compare-builds.sh OLD_PTLAB NEW_PTLAB}
W=$(mktemp -d); trap "rm -rf $W" EXIT
cd "$(dirname "$0")/.."
for f in configs/sweeps/*.toml; do
  n=$(basename $f .toml)
  for v in old new; do
    B=$OLD; [ $v = new ] && B=$NEW
    $B sweep $f --store $W/$n.$v.db --threads 2 >/dev/null 2>$W/$n.$v.err || echo "$n $v failed"
    $B export $W/$n.$v.db --csv > $W/$n.$v.csv
  done
  python3 - $W/$n.old.csv $W/$n.new.csv <<'PY'
import csv,sys
def rows(p):
  r=list(csv.DictReader(open(p)))
  for x in r:
    for k in list(x):
      if 'wall' in k or k in ('created_utc','provenance'): x.pop(k)
  return sorted(r,key=lambda x:(x['run_hash'],x['seed']))
a,b=rows(sys.argv[1]),rows(sys.argv[2])
print(sys.argv[1].split('/')[-1].split('.')[0], len(a), 'runs', 'IDENTICAL' if a==b else 'DIFFER')
if a!=b and a and b:
  print(' cols old-only', set(a[0])-set(b[0]), 'new-only', set(b[0])-set(a[0]))
  for x,y in zip(a,b):
    d={k:(x.get(k),y.get(k)) for k in set(x)|set(y) if x.get(k)!=y.get(k)}
    if d: print(' first diff', d); break
PY
done
for c in configs/paper.toml configs/negative.toml; do
  $OLD run $c --format csv > $W/r.old; $NEW run $c --format csv > $W/r.new
  python3 -c "
import csv
a=[{k:v for k,v in r.items() if 'wall' not in k} for r in csv.DictReader(open('$W/r.old'))]
b=[{k:v for k,v in r.items() if 'wall' not in k} for r in csv.DictReader(open('$W/r.new'))]
print('$c', len(a), 'seeds', 'IDENTICAL' if a==b else 'DIFFER')"
done
