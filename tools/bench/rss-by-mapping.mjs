// Where a process's peak RSS lives: runs `node <args…>` as a child, reads /proc/<pid>/smaps
// every 50 ms, and prints the resident megabytes by mapping (file name, [heap], [anon]) at the
// sample with the highest total. Linux only.
//   node tools/bench/rss-by-mapping.mjs tools/bench/go-output-run.mjs <plugin.so> 1 10
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

const child = spawn(process.execPath, process.argv.slice(2), { stdio: ['ignore', 'inherit', 'inherit'] });
let peak = { total: 0, byMapping: new Map() };

function sample() {
  let text;
  try {
    text = readFileSync(`/proc/${child.pid}/smaps`, 'utf8');
  } catch {
    return; // not started yet, or gone
  }
  const byMapping = new Map();
  let total = 0;
  let mapping = '';
  for (const line of text.split('\n')) {
    if (/^[0-9a-f]+-[0-9a-f]+ /.test(line)) {
      const path = line.split(/\s+/)[5];
      mapping = path === undefined || path === '' ? '[anon]' : path.startsWith('[') ? path : basename(path);
    } else if (line.startsWith('Rss:')) {
      const kb = Number(line.split(/\s+/)[1]);
      byMapping.set(mapping, (byMapping.get(mapping) ?? 0) + kb);
      total += kb;
    }
  }
  if (total > peak.total) peak = { total, byMapping };
}

const timer = setInterval(sample, 50);
child.on('exit', () => {
  clearInterval(timer);
  const mb = (kb) => Number((kb / 1024).toFixed(1));
  const top = [...peak.byMapping].sort((a, b) => b[1] - a[1]).slice(0, 10);
  console.log(JSON.stringify({ bench: 'rss-by-mapping', peakRssMb: mb(peak.total), byMappingMb: Object.fromEntries(top.map(([name, kb]) => [name, mb(kb)])) }));
});
