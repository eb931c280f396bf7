/** Slurm host and project keys: accepted, checked strictly, and deciding the host's run backend. */
import { describe, expect, it } from 'vitest';
import { configuredBackend } from '../../src/backends/select.js';
import { normalizeConfig } from '../../src/config/load.js';

const base = { local: '/tmp/p', remote: '~/p', train: 'python train.py' };
const load = (raw: unknown) => normalizeConfig(raw, '/tmp/trainyard-slurm-config.json');
const problems = (raw: unknown) => {
  try {
    load(raw);
    return '';
  } catch (e) {
    return String((e as Error).message);
  }
};

describe('Slurm config', () => {
  it('takes scheduler, partition, account, qos and pollSeconds on a host, and slurm limits on a project', () => {
    const c = load({
      hosts: [
        { alias: 'cluster', scheduler: 'slurm', partition: 'gpu', account: 'lab', qos: 'normal', pollSeconds: 7 },
      ],
      projects: { p: { ...base, slurm: { time: '1-00:00:00', smokeTime: '10:00', signalSeconds: 300 } } },
    });
    expect(c.hosts[0]).toEqual({
      alias: 'cluster',
      scheduler: 'slurm',
      partition: 'gpu',
      account: 'lab',
      qos: 'normal',
      pollSeconds: 7,
    });
    expect(c.projects.p.slurm).toEqual({ time: '1-00:00:00', smokeTime: '10:00', signalSeconds: 300 });
    expect(configuredBackend(c, 'cluster')?.kind).toBe('slurm');
  });

  it('refuses a poll interval under 5 s, an unknown scheduler, a bad time and an unknown key, naming each', () => {
    expect(problems({ hosts: [{ alias: 'c', pollSeconds: 2 }] })).toMatch(/hosts\[0\]\.pollSeconds/);
    expect(problems({ hosts: [{ alias: 'c', scheduler: 'pbs' }] })).toMatch(/scheduler/);
    expect(problems({ hosts: ['c'], projects: { p: { ...base, slurm: { time: 'an hour' } } } })).toMatch(
      /projects\.p\.slurm\.time/,
    );
    expect(problems({ hosts: [{ alias: 'c', partitions: 'gpu' }] })).toMatch(/partitions/);
  });

  it('leaves an undeclared host to detection, and "none" or local to tmux', () => {
    const c = load({ hosts: ['a', { alias: 'b', scheduler: 'none' }] });
    expect(configuredBackend(c, 'a')).toBeNull();
    expect(configuredBackend(c, 'b')?.kind).toBe('tmux');
    expect(configuredBackend(load({}), 'local')?.kind).toBe('tmux');
  });
});
