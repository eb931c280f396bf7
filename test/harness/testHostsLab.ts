/**
 * What the test-host harness tests share: the captured H100 fixture as a field table, the fake
 * nvidia-smi's path, the query they send, and commands run here or over the system ssh with
 * their exit code (never a throw).
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
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

interface Res {
  stdout: string;
  stderr: string;
  code: number | null;
}
export function run(cmd: string, args: string[], env?: Record<string, string>): Promise<Res> {
  return new Promise((resolve) => {
    execFile(
      cmd,
      args,
      { env: env ? { ...process.env, ...env } : process.env, timeout: 30_000 },
      (err, stdout, stderr) => {
        const code = err
          ? typeof (err as { code?: unknown }).code === 'number'
            ? (err as { code: number }).code
            : null
          : 0;
        resolve({ stdout, stderr, code });
      },
    );
  });
}
export const ssh = (inst: TestHosts, alias: string, remote: string, opts: string[] = []) =>
  run('ssh', [...opts, ...sshArgs(inst, alias), remote]);

export const Q = ['index', 'name', 'utilization.gpu', 'memory.used', 'memory.total', 'temperature.gpu', 'power.draw'];
export const QUERY = `nvidia-smi --query-gpu=${Q.join(',')} --format=csv,noheader,nounits`;
