/**
 * What a frame of the real cockpit allocates, by the function that allocates it: the garbage the
 * GC sweeps, which grows with what changed. V8's sampling heap profiler (objects the GC already
 * collected included) over frameCost.ts's frames, 200x50:
 * `HOSTS=32 CHANGE=all|selected|one NODE_ENV=production node --import tsx bench/frameAllocations.ts [frames=200]`
 */
import { Session } from 'node:inspector/promises';

interface SamplingNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: SamplingNode[];
}

const frames = Number(process.argv[2] ?? 200) || 200;
const { frameCost } = await import('./frameCost.js');
const session = new Session();
session.connect();
await session.post('HeapProfiler.enable');
await session.post('HeapProfiler.startSampling', {
  samplingInterval: 4096,
  includeObjectsCollectedByMinorGC: true,
  includeObjectsCollectedByMajorGC: true,
});
await frameCost(200, 50, frames);
const { profile } = (await session.post('HeapProfiler.stopSampling')) as { profile: { head: SamplingNode } };

// frameCost draws 20 frames to warm up before the measured ones, and mounting is a few frames' worth
const drawn = frames + 20;
const bySite = new Map<string, number>();
let total = 0;
const name = ({ functionName, url, lineNumber }: SamplingNode['callFrame']) =>
  `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${lineNumber}`;
// a built-in (Array.prototype.slice, an iterator's next) is named with the function that called it
const visit = (node: SamplingNode, caller: string) => {
  const site = node.callFrame.url ? name(node.callFrame) : `${node.callFrame.functionName} in ${caller}`;
  total += node.selfSize;
  bySite.set(site, (bySite.get(site) ?? 0) + node.selfSize);
  for (const child of node.children) visit(child, node.callFrame.url ? site : caller);
};
visit(profile.head, '');
const kb = (bytes: number) => (bytes / 1024 / drawn).toFixed(1);
console.log(`${kb(total)} KiB a frame (mounting included), the largest sites:`);
for (const [site, bytes] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, 20))
  console.log(`${kb(bytes)} KiB  ${site}`);
process.exit(0);
