/** A set of test hosts brought up together: bridge or loopback, ssh_config, known_hosts, stop. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Host } from './host.js';
import { cleanupRecordSync, live, type RegRecord, writeReg } from './registry.js';
import { killAndWait, netnsId, pidsInNamespaces, procStat } from './system.js';
import type { TestHost, TestHosts, TestHostsOptions } from './testHostTypes.js';

export class Instance implements TestHosts {
  hosts: Host[] = [];
  nftTables: Array<{ netns?: string; table: string }> = [];
  subnet?: string;
  bridge?: string;
  subnetX?: number;
  startupMs = 0;
  stopped = false;
  stopping: Promise<void> | null = null;
  uid = 0;
  gid = 0;
  userHome = '';
  spareKey = '';
  readonly sshConfigPath: string;
  readonly knownHostsPath: string;
  readonly identityFile: string;
  readonly fakebin: string;
  readonly fixtures: string;
  knownState = new Map<string, 'valid' | 'wrong' | 'absent'>();

  constructor(
    readonly id: string,
    readonly dir: string,
    readonly user: string,
    readonly loopback: boolean,
    readonly opts: TestHostsOptions,
  ) {
    this.sshConfigPath = path.join(dir, 'ssh_config');
    this.knownHostsPath = path.join(dir, 'known_hosts');
    this.identityFile = path.join(dir, 'id_ed25519');
    this.fakebin = path.join(dir, 'fakebin');
    this.fixtures = path.join(dir, 'fixtures', 'nvidia-smi', 'h100');
  }

  host(alias: string): TestHost {
    const h = this.hosts.find((x) => x.alias === alias);
    if (!h) throw new Error(`no test host ${alias}`);
    return h;
  }

  reg(): RegRecord {
    return {
      id: this.id,
      pid: process.pid,
      pidStart: procStat(process.pid)?.start ?? null,
      dir: this.dir,
      bridge: this.bridge,
      subnetX: this.subnetX,
      netns: this.hosts.flatMap((h) => (h.netns ? [h.netns] : [])),
      anchors: this.hosts.filter((h) => h.anchorPid).map((h) => ({ pid: h.anchorPid, start: h.anchorStart })),
      nftTables: this.nftTables,
    };
  }
  saveReg(): void {
    if (!this.stopped) writeReg(this.reg());
  }

  setKnownHost(alias: string, entry: 'valid' | 'wrong' | 'absent'): void {
    this.host(alias);
    if (entry === 'wrong' && !this.spareKey) {
      const f = path.join(this.dir, 'spare_host_key');
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'wrong-key', '-f', f]);
      this.spareKey = fs
        .readFileSync(f + '.pub', 'utf8')
        .trim()
        .split(' ')
        .slice(0, 2)
        .join(' ');
    }
    this.knownState.set(alias, entry);
    this.writeKnownHosts();
  }

  writeKnownHosts(): void {
    const lines: string[] = [];
    for (const h of this.hosts) {
      const st = this.knownState.get(h.alias) ?? 'absent';
      if (st === 'valid') lines.push(h.knownHostsLine());
      else if (st === 'wrong') lines.push(`${h.port === 22 ? h.address : `[${h.address}]:${h.port}`} ${this.spareKey}`);
    }
    const tmp = this.knownHostsPath + '.tmp';
    fs.writeFileSync(tmp, lines.join('\n') + (lines.length ? '\n' : ''), { mode: 0o644 });
    fs.renameSync(tmp, this.knownHostsPath);
  }

  writeSshConfig(): void {
    const extra = this.opts.sshConfigExtra ?? [];
    const blocks = this.hosts.map((h) =>
      [
        `Host ${h.alias}`,
        `  HostName ${h.address}`,
        `  Port ${h.port}`,
        `  User ${this.user}`,
        `  IdentityFile ${this.identityFile}`,
        `  IdentitiesOnly yes`,
        `  UserKnownHostsFile ${this.knownHostsPath}`,
        `  GlobalKnownHostsFile /dev/null`,
        `  StrictHostKeyChecking yes`,
        `  UpdateHostKeys no`,
        `  BatchMode yes`,
        ...extra.map((l) => `  ${l}`),
      ].join('\n'),
    );
    fs.writeFileSync(this.sshConfigPath, `# trainyard test hosts ${this.id}\n` + blocks.join('\n\n') + '\n', {
      mode: 0o644,
    });
  }

  writeSshdConfig(h: Host): void {
    const o = this.opts;
    const lines = [
      `Port ${h.port}`,
      `ListenAddress ${h.address}`,
      `HostKey ${h.hostKeyPath}`,
      `PidFile none`,
      // keys live in the instance dir under /tmp (world-writable parent): StrictModes would refuse them
      `AuthorizedKeysFile ${path.join(this.dir, 'authorized_keys')}`,
      `StrictModes no`,
      `PubkeyAuthentication yes`,
      `PasswordAuthentication no`,
      `KbdInteractiveAuthentication no`,
      `UsePAM no`,
      `AllowUsers ${this.user}`,
      `Subsystem sftp internal-sftp`,
      `ClientAliveInterval ${o.clientAliveInterval ?? 5}`,
      `ClientAliveCountMax ${o.clientAliveCountMax ?? 2}`,
      `UseDNS no`,
      `PrintMotd no`,
      `PrintLastLog no`,
      `X11Forwarding no`,
      `AcceptEnv LANG LC_*`,
      `SetEnv ${Object.entries(h.env)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}`,
      ...(o.sshdConfigExtra ?? []),
    ];
    fs.writeFileSync(h.sshdConfigPath, lines.join('\n') + '\n', { mode: 0o644 });
  }

  /** every pid this instance owns: host processes + anchors */
  allPids(): number[] {
    const uts = new Set(this.hosts.filter((h) => h.anchorUts).map((h) => h.anchorUts));
    const nets = new Set<string>();
    for (const h of this.hosts) {
      const id = h.netns ? netnsId(h.netns) : null;
      if (id) nets.add(id);
    }
    const anchors = this.hosts
      .filter((h) => h.anchorPid && procStat(h.anchorPid)?.start === h.anchorStart)
      .map((h) => h.anchorPid);
    return [...new Set([...pidsInNamespaces(uts, nets), ...anchors])];
  }

  stop(): Promise<void> {
    if (!this.stopping) {
      this.stopping = (async () => {
        live.delete(this);
        await killAndWait(this.allPids(), 300);
        this.stopSync();
      })();
    }
    return this.stopping;
  }

  stopSync(): void {
    if (this.stopped) return;
    live.delete(this);
    const rec = this.reg();
    this.stopped = true;
    cleanupRecordSync(rec);
  }
}
