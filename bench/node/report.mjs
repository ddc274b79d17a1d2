// Prints the frame-path figures of both runtimes side by side: ns and bytes per 20 ms frame per direction and leg rate,
// and the Node/.NET ratio. Inputs: the BenchmarkDotNet JSON report of FramePathBenchmarks and the JSON lines of
// frame-path.mjs. Usage: node report.mjs BDN_REPORT.json NODE_LINES.jsonl
import { readFileSync } from 'node:fs';

const [bdnPath, nodePath] = process.argv.slice(2);
if (!bdnPath || !nodePath) {
  console.error('usage: node report.mjs BDN_REPORT.json NODE_LINES.jsonl');
  process.exit(2);
}

const methods = { caller: 'CallerFrameToRealtimeAppend', agent: 'RealtimeDeltaToAcsFrame' };
const titles = { caller: 'caller -> engine (ACS frame -> Realtime append)', agent: 'engine -> caller (Realtime delta -> ACS frame)' };
const dotnet = JSON.parse(readFileSync(bdnPath, 'utf8')).Benchmarks;
const node = readFileSync(nodePath, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));

const rows = [];
for (const n of node) {
  const d = dotnet.find((b) => b.Method === methods[n.direction] && b.Parameters === `LegRate=${n.legRate}`);
  if (!d) throw new Error(`no .NET result for ${n.direction} at ${n.legRate} Hz`);
  rows.push({
    path: `${titles[n.direction]}, leg ${n.legRate / 1000} kHz`,
    dotnetNs: d.Statistics.Mean,
    dotnetBytes: d.Memory.BytesAllocatedPerOperation,
    nodeNs: n.nsPerFrame,
    nodeBytes: n.bytesPerFrame,
    nodeBytesNote: n.bytesLowerBound ? ' (a GC ran: rough)' : '',
  });
}

const pad = (s, w) => String(s).padStart(w);
console.log(`${'path'.padEnd(62)}${pad('.NET ns', 10)}${pad('.NET B', 8)}${pad('Node ns', 10)}${pad('Node B', 9)}${pad('time x', 8)}`);
for (const r of rows) {
  console.log(`${r.path.padEnd(62)}${pad(r.dotnetNs.toFixed(0), 10)}${pad(r.dotnetBytes, 8)}${pad(r.nodeNs.toFixed(0), 10)}`
    + `${pad(r.nodeBytes.toFixed(0), 9)}${pad((r.nodeNs / r.dotnetNs).toFixed(1), 8)}${r.nodeBytesNote}`);
}
console.log('time x = Node ns / .NET ns per frame. Budget per direction: <= 1000 ns and 0 B.');
