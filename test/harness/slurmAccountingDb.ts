/**
 * Accounting for the lab Slurm cluster (its `accounting` option): MariaDB and slurmdbd started in
 * the test host's namespaces with their data in the cluster's directory, and the cluster
 * registered, so that `sacct` answers. Needs slurmdbd and mariadb-server installed.
 */
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { waitFor } from '../support/waitFor.js';
import { MYSQL_PORT, slurmdbdConf } from './slurmClusterConfig.js';
import { execStatus } from './system.js';

/** Whether slurmdbd and MariaDB are installed (the accounting option needs them). */
export function canRunAccounting(): boolean {
  return ['/usr/sbin/slurmdbd', '/usr/sbin/mariadbd', '/usr/bin/mariadb-install-db'].every((p) => fs.existsSync(p));
}

/** MariaDB and slurmdbd in the host's namespaces, the cluster registered (before slurmctld starts). */
export async function startAccounting(
  dir: string,
  etc: string,
  mungeSocket: string,
  nodeName: string,
  startDaemon: (argv: string[], log: string) => ChildProcess,
  admin: (argv: string[], timeoutMs?: number) => Promise<{ stdout: string; stderr: string; code: number | null }>,
): Promise<void> {
  if (!canRunAccounting()) throw new Error('accounting needs slurmdbd and mariadb-server installed');
  const data = path.join(dir, 'mysql');
  const sock = path.join(data, 'mysql.sock');
  fs.mkdirSync(data, { mode: 0o755 });
  const mysqlUid = Number((await execStatus('id', ['-u', 'mysql'])).stdout.trim());
  const mysqlGid = Number((await execStatus('id', ['-g', 'mysql'])).stdout.trim());
  fs.chownSync(data, mysqlUid, mysqlGid);
  const init = await execStatus(
    'mariadb-install-db',
    ['--user=mysql', `--datadir=${data}`, '--skip-test-db', '--auth-root-authentication-method=socket'],
    { timeoutMs: 120_000 },
  );
  if (init.code !== 0) throw new Error(`mariadb-install-db: ${init.stderr.slice(-1500)}`);
  const db = startDaemon(
    [
      '/usr/sbin/mariadbd',
      '--no-defaults',
      '--user=mysql',
      `--datadir=${data}`,
      `--socket=${sock}`,
      '--bind-address=127.0.0.1',
      `--port=${MYSQL_PORT}`,
      `--pid-file=${data}/mariadb.pid`,
      `--log-error=${data}/mariadb.log`,
      '--innodb-buffer-pool-size=16M',
      '--skip-log-bin',
    ],
    'mariadb.out',
  );
  const sql = "CREATE USER IF NOT EXISTS 'slurm'@'127.0.0.1'; GRANT ALL ON *.* TO 'slurm'@'127.0.0.1';";
  const unlessExited = (c: ChildProcess, what: string) => {
    if (c.exitCode !== null || c.signalCode !== null) throw new Error(`${what} exited; see ${dir}`);
  };
  await waitFor(
    () => (
      unlessExited(db, 'mariadbd'), admin(['mariadb', '--no-defaults', `--socket=${sock}`, '-u', 'root', '-e', sql])
    ),
    {
      until: (r) => r.code === 0,
      timeoutMs: 60_000,
      intervalMs: 200,
      what: 'MariaDB answering',
      show: (r) => r.stderr,
    },
  );
  const dbdConf = path.join(etc, 'slurmdbd.conf');
  fs.writeFileSync(dbdConf, slurmdbdConf({ dir, mungeSocket, nodeName }), { mode: 0o600 });
  const dbd = startDaemon(['/usr/sbin/slurmdbd', '-D'], 'slurmdbd.out');
  await waitFor(() => (unlessExited(dbd, 'slurmdbd'), admin(['sacctmgr', '-i', 'add', 'cluster', 'trainyardlab'])), {
    until: (r) => r.code === 0 || /already exists/i.test(r.stdout + r.stderr),
    timeoutMs: 30_000,
    intervalMs: 300,
    what: 'slurmdbd registering the cluster',
    show: (r) => r.stdout + r.stderr,
  });
}
