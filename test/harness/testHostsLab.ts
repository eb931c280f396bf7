/**
 * What the test-host harness tests share: the captured H100 fixture as a field table, the fake
 * nvidia-smi's path, the query they send, and commands run here or over the system ssh with
 * their exit code (never a throw).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execStatus } from './system.js';
import { sshArgs, type TestHosts } from './testHosts.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const FIX = path.resolve(here, '../fixtures/nvidia-smi/h100');
export const FAKE = path.resolve(here, '../fakebin/nvidia-smi');

/** query-gpu.tsv: field -> {header, header_nounits, idle, idle_nounits, load, load_nounits} */
export const tsv = new Map<string, Record<string, string>>();
{
  const [head, ...rows] = fs.readFileSync(path.join(FIX, 'query-gpu.tsv'), 'utf8').split('\n').filter(Boolean);
  const cols = head.split('\t');
  for (const r of rows) {
    const v = r.split('\t');
    tsv.set(v[0], Object.fromEntries(cols.map((c, i) => [c, v[i] ?? ''])));
  }
}
export const col = (fields: string[], c: string) => fields.map((f) => tsv.get(f)![c]).join(', ');

/** A command here, with its output and exit code (never a throw). */
export const run = (cmd: string, args: string[], env?: Record<string, string>) => execStatus(cmd, args, { env });
export const ssh = (inst: TestHosts, alias: string, remote: string, opts: string[] = []) =>
  run('ssh', [...opts, ...sshArgs(inst, alias), remote]);

export const Q = ['index', 'name', 'utilization.gpu', 'memory.used', 'memory.total', 'temperature.gpu', 'power.draw'];
export const QUERY = `nvidia-smi --query-gpu=${Q.join(',')} --format=csv,noheader,nounits`;
