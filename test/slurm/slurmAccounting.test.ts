/**
 * With accounting (slurmdbd + MariaDB, when installed), how a job ended comes from the real sacct
 * over the held connection: state, exit code and MaxRSS, asked once per job.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transportExec } from '../../src/backends/runBackend.js';
import { SlurmPollCache } from '../../src/backends/slurm/pollCache.js';
import type { SshConnection } from '../../src/ssh/connection.js';
import { connect, labConfig, type RemoteHost, remoteHost, waitOnHost } from '../actions/helpers.js';
import { canRunAccounting, canRunSlurm, type SlurmCluster, startSlurmCluster } from '../harness/slurmCluster.js';
import { canRunTestHosts, startTestHosts, type TestHosts } from '../harness/testHosts.js';
import { waitFor } from '../support/waitFor.js';

const can = canRunTestHosts().ok && canRunSlurm().ok && canRunAccounting();

describe.skipIf(!can)('sacct on a cluster with accounting', () => {
  let lab: TestHosts;
  let cluster: SlurmCluster;
  let h: RemoteHost;
  let conn: SshConnection;

  beforeAll(async () => {
    lab = await startTestHosts({ count: 1 });
    cluster = await startSlurmCluster(lab.hosts[0], { gpus: 2, accounting: true });
    h = remoteHost(lab, lab.hosts[0]);
    conn = await connect(labConfig(lab, {}), h.alias);
  }, 120_000);
  afterAll(async () => {
    conn?.close();
    h?.close();
    await cluster?.stop();
    await lab?.stop();
  });

  it('reads a failed job: FAILED, exit 3, its MaxRSS; a second question costs nothing', async () => {
    const sub = await h.run(
      `sbatch --parsable -J acct -o /dev/null --wrap 'python3 -c "x = bytearray(60 * 2**20); import time; time.sleep(2)"; exit 3'`,
    );
    const job = sub.stdout.trim();
    expect(job).toMatch(/^\d+$/);
    await waitOnHost(h, `squeue -h -t all -j ${job} -o %T`, /FAILED/, 30_000);
    await waitOnHost(h, `sacct -n -X -P -j ${job} -o State`, /FAILED/, 30_000);
    const exec = transportExec(conn);
    // the batch step's MaxRSS reaches slurmdbd a moment after the job's state
    const end = await waitFor(() => new SlurmPollCache().jobEnd(h.alias, exec, job), {
      until: (e) => (e?.maxRssBytes ?? 0) > 50 * 2 ** 20,
      timeoutMs: 30_000,
      intervalMs: 500,
      what: 'sacct with the MaxRSS of the batch step',
    });
    expect(end).toMatchObject({ id: job, name: 'acct', state: 'FAILED', exitCode: 3, signal: null });
    const cache = new SlurmPollCache();
    await cache.jobEnd(h.alias, exec, job);
    await cache.jobEnd(h.alias, exec, job);
    expect(cache.counts.sacct).toBe(1);
  });
});
