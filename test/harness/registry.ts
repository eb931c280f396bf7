/** Live test-host instances (this process) and their records on disk, so a crashed run's leftovers are removed. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { killSync, netnsId, nsOf, pidsInNamespaces, procStat, REG_DIR } from './system.js';

export interface RegRecord {
  id: string;
  pid: number;
  pidStart: string | null;
  dir: string;
  bridge?: string;
  subnetX?: number;
  netns: string[];
  anchors: Array<{ pid: number; start: string | null }>;
  nftTables: Array<{ netns?: string; table: string }>;
}

export const live = new Set<{ stopSync(): void }>();
let exitHooked = false;
export function hookExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  process.on('exit', () => {
    for (const inst of [...live]) inst.stopSync();
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const h = () => {
      for (const inst of [...live]) inst.stopSync();
      process.removeListener(sig, h);
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    };
    process.on(sig, h);
  }
}

export function writeReg(rec: RegRecord): void {
  const f = path.join(REG_DIR, `${rec.id}.json`);
  fs.writeFileSync(f + '.tmp', JSON.stringify(rec));
  fs.renameSync(f + '.tmp', f);
}

export function cleanupRecordSync(rec: RegRecord): void {
  const uts = new Set<string>();
  const anchorPids: number[] = [];
  for (const a of rec.anchors ?? []) {
    const st = procStat(a.pid);
    if (st && st.start === a.start) {
      const u = nsOf(a.pid, 'uts');
      if (u) uts.add(u);
      anchorPids.push(a.pid);
    }
  }
  const nets = new Set<string>();
  for (const n of rec.netns ?? []) {
    const id = netnsId(n);
    if (id) nets.add(id);
  }
  killSync([...pidsInNamespaces(uts, nets), ...anchorPids]);
  for (const t of rec.nftTables ?? []) {
    const args = t.netns
      ? ['--net=/run/netns/' + t.netns, 'nft', 'delete', 'table', 'inet', t.table]
      : ['nft', 'delete', 'table', 'inet', t.table];
    try {
      if (t.netns) execFileSync('nsenter', args, { stdio: 'ignore' });
      else execFileSync(args[0], args.slice(1), { stdio: 'ignore' });
    } catch {
      /* gone */
    }
  }
  for (const n of rec.netns ?? []) {
    try {
      execFileSync('ip', ['netns', 'del', n], { stdio: 'ignore' });
    } catch {
      /* gone */
    }
  }
  if (rec.bridge) {
    try {
      execFileSync('ip', ['link', 'del', rec.bridge], { stdio: 'ignore' });
    } catch {
      /* gone */
    }
  }
  if (rec.dir?.startsWith('/tmp/trainyard-hosts-')) fs.rmSync(rec.dir, { recursive: true, force: true });
  if (rec.subnetX !== undefined) fs.rmSync(path.join(REG_DIR, `subnet-${rec.subnetX}`), { force: true });
  fs.rmSync(path.join(REG_DIR, `${rec.id}.json`), { force: true });
}

/** Remove what crashed harness instances (owner process gone) left behind. Returns how many. */
export function cleanupStaleTestHosts(): number {
  let n = 0;
  let names: string[] = [];
  try {
    names = fs.readdirSync(REG_DIR);
  } catch {
    return 0;
  }
  for (const name of names) {
    if (!/^[0-9a-f]{4}\.json$/.test(name)) continue;
    const f = path.join(REG_DIR, name);
    let rec: RegRecord;
    try {
      rec = JSON.parse(fs.readFileSync(f, 'utf8')) as RegRecord;
    } catch {
      continue;
    }
    const owner = procStat(rec.pid);
    if (owner && owner.start === rec.pidStart) continue; // owner still running
    const claim = `${f}.cleaning.${process.pid}`;
    try {
      fs.renameSync(f, claim); // only one cleaner wins
    } catch {
      continue;
    }
    try {
      cleanupRecordSync(rec);
    } finally {
      fs.rmSync(claim, { force: true });
    }
    n++;
  }
  return n;
}
