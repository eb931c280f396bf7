/**
 * A Slurm login node ready for the loop's actions: an action lab (a real sshd host, the sample
 * project copied), a real one-node Slurm inside that host, a config that names the host a Slurm
 * login node (also written to a file, for the CLI), and the project synced there.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { normalizeConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/types.js';
import { type ActionLab, type RemoteHost, runAction, startActionLab } from '../actions/helpers.js';
import { type SlurmCluster, type SlurmClusterOptions, startSlurmCluster } from '../harness/slurmCluster.js';

export interface SlurmLab {
  fixture: ActionLab;
  cluster: SlurmCluster;
  h: RemoteHost;
  config: Config;
  /** The same config in a file, for `trainyard … --config`. */
  configFile: string;
  stop(): Promise<void>;
}

export async function startSlurmLab(o: {
  prefix: string;
  projects: (local: string, work: string) => Record<string, unknown>;
  cluster?: SlurmClusterOptions;
}): Promise<SlurmLab> {
  const fixture = await startActionLab({ prefix: o.prefix, projects: o.projects });
  let cluster: SlurmCluster | undefined;
  try {
    cluster = await startSlurmCluster(fixture.lab.hosts[0], { gpus: 2, ...o.cluster });
    const raw = {
      hosts: [{ alias: fixture.h.alias, scheduler: 'slurm', partition: cluster.partition }],
      sshConfig: fixture.lab.sshConfigPath,
      keepalive: { intervalSeconds: 5, countMax: 6 },
      projects: fixture.config.projects,
    };
    const config = normalizeConfig(raw, '/tmp/trainyard-test-config.json');
    const configFile = path.join(fixture.work, 'config.json');
    writeFileSync(configFile, JSON.stringify(raw));
    for (const project of Object.keys(fixture.config.projects)) {
      const sync = await runAction(
        config,
        fixture.conn,
        'sync',
        { host: fixture.h.alias, project },
        { dataDir: fixture.dataDir },
      );
      if (sync.verdict.outcome !== 'ok') throw new Error(`sync of ${project} failed:\n${sync.text}`);
    }
    const started = cluster;
    return {
      fixture,
      cluster: started,
      h: fixture.h,
      config,
      configFile,
      stop: async () => {
        await started.stop();
        await fixture.stop();
      },
    };
  } catch (error) {
    await cluster?.stop();
    await fixture.stop();
    throw error;
  }
}
