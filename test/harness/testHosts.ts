/**
 * Real OpenSSH test hosts for integration tests, e2e tests and benchmarks.
 *
 * startTestHosts() brings up N "GPU servers" on this machine (needs root):
 *   - namespace mode (default): each host has its own network namespace on a private bridge
 *     (10.231.X.0/24, X claimed per instance), address 10.231.X.(10+n), sshd on port 22;
 *   - loopback mode ({loopback: true}): sshd on 127.0.0.1 with distinct free ports.
 * In both modes every host also has its own UTS namespace (hostname gpu-node-N), its own mount
 * namespace (its own home directory bind-mounted over the test user's home, unless
 * perHostHome: false), its own TMUX_TMPDIR and its own fake nvidia-smi state file.
 *
 * Each host is anchored by a tiny `sleep infinity` process that owns the host's UTS+mount
 * namespaces; sshd and host.run() enter them with nsenter. "The host's processes" are all
 * processes in that UTS namespace (minus the anchor): the sshd listener, its sessions, and tmux
 * servers started over ssh or with host.run(). stopSshd() kills them; stop() kills everything.
 *
 * Only ever sends traffic to 127.0.0.1 or to the instance's own 10.231.X.0/24 addresses.
 *
 * Files: testHostTypes.ts (the public types), host.ts (one host), instance.ts (a set of hosts and
 * its stop), registry.ts (records on disk; leftovers of crashed runs), system.ts (processes,
 * namespaces, ports), testUser.ts (the login user).
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Host } from './host.js';
import { Instance } from './instance.js';
import { cleanupStaleTestHosts, hookExit, live } from './registry.js';
import {
  DEFAULT_FAKEBIN,
  DEFAULT_FIXTURES,
  execP,
  freePort,
  REG_DIR,
  SSHD,
  SshdStartError,
  SUBNET_PREFIX,
  which,
} from './system.js';
import type { TestHosts, TestHostsOptions } from './testHostTypes.js';
import { ensureUser } from './testUser.js';

export { cleanupStaleTestHosts } from './registry.js';
export type * from './testHostTypes.js';

/** Why this machine cannot run startTestHosts(), or ok. */
export function canRunTestHosts(opts: { loopback?: boolean } = {}): { ok: boolean; reason?: string } {
  if (process.platform !== 'linux') return { ok: false, reason: 'test hosts need Linux' };
  if (typeof process.getuid !== 'function' || process.getuid() !== 0)
    return { ok: false, reason: 'test hosts need root (creates users, namespaces, runs sshd)' };
  try {
    fs.accessSync(SSHD, fs.constants.X_OK);
  } catch {
    return { ok: false, reason: `${SSHD} missing (apt-get install -y openssh-server)` };
  }
  const need = ['ssh', 'ssh-keygen', 'tmux', 'nsenter', 'unshare', 'runuser', 'useradd', 'awk'];
  if (!opts.loopback) need.push('ip');
  for (const c of need) if (!which(c)) return { ok: false, reason: `${c} missing` };
  if (!opts.loopback && !fs.existsSync('/proc/self/ns/net')) return { ok: false, reason: 'no network namespaces' };
  return { ok: true };
}

/** argv for the system ssh client: ['-F', sshConfigPath, alias] */
export function sshArgs(inst: Pick<TestHosts, 'sshConfigPath'>, alias: string): string[] {
  return ['-F', inst.sshConfigPath, alias];
}

function randomId(): string {
  return randomBytes(2).toString('hex');
}

async function claimSubnet(id: string): Promise<number> {
  const { stdout } = await execP('ip', ['-o', '-4', 'addr', 'show']);
  const used = new Set<number>();
  const re = new RegExp(`inet ${SUBNET_PREFIX.replace('.', '\\.')}\\.(\\d+)\\.`, 'g');
  for (const m of stdout.matchAll(re)) used.add(Number(m[1]));
  const start = randomBytes(1)[0];
  for (let k = 0; k < 256; k++) {
    const x = (start + k) % 256;
    if (used.has(x)) continue;
    try {
      fs.writeFileSync(path.join(REG_DIR, `subnet-${x}`), id, { flag: 'wx' });
      return x;
    } catch {
      /* taken by a parallel instance */
    }
  }
  throw new Error(`no free ${SUBNET_PREFIX}.X.0/24 subnet`);
}

/**
 * Bring up `count` real sshd test hosts. Needs root (see canRunTestHosts()).
 * Always call stop() (afterAll); cleanup also runs on process exit, and startTestHosts()
 * removes what crashed earlier runs left behind.
 */
export async function startTestHosts(opts: TestHostsOptions = {}): Promise<TestHosts> {
  const t0 = performance.now();
  const loopback = !!opts.loopback;
  const can = canRunTestHosts({ loopback });
  if (!can.ok) throw new Error(`cannot start test hosts: ${can.reason}`);
  const count = opts.count ?? 3;
  if (!(count >= 1 && count <= 200)) throw new Error('count must be 1..200');
  const user = opts.user ?? 'tytest';
  const aliasPrefix = opts.aliasPrefix ?? 'gpu-';
  const hostnamePrefix = opts.hostnamePrefix ?? 'gpu-node-';
  const perHostHome = opts.perHostHome ?? true;

  fs.mkdirSync(REG_DIR, { recursive: true, mode: 0o755 });
  fs.mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  cleanupStaleTestHosts();
  hookExit();

  // claim a unique id (file name in the registry)
  let id = '';
  for (let k = 0; k < 100 && !id; k++) {
    const cand = randomId();
    try {
      fs.writeFileSync(path.join(REG_DIR, `${cand}.json`), '{}', { flag: 'wx' });
      id = cand;
    } catch {
      /* taken */
    }
  }
  if (!id) throw new Error('could not claim an instance id');

  const dir = fs.mkdtempSync('/tmp/trainyard-hosts-');
  fs.chmodSync(dir, 0o755);
  const inst = new Instance(id, dir, user, loopback, opts);
  live.add(inst);
  try {
    inst.saveReg();
    const pwP = ensureUser(user, opts.shell);
    const clientKeyP = execP('ssh-keygen', [
      '-q',
      '-t',
      'ed25519',
      '-N',
      '',
      '-C',
      `trainyard-test-${id}`,
      '-f',
      inst.identityFile,
    ]);

    // fake nvidia-smi + the fixtures it replays, somewhere the test user can read
    fs.mkdirSync(inst.fakebin, { mode: 0o755 });
    fs.copyFileSync(path.join(opts.fakebinDir ?? DEFAULT_FAKEBIN, 'nvidia-smi'), path.join(inst.fakebin, 'nvidia-smi'));
    fs.chmodSync(path.join(inst.fakebin, 'nvidia-smi'), 0o755);
    fs.mkdirSync(inst.fixtures, { recursive: true, mode: 0o755 });
    fs.chmodSync(path.join(dir, 'fixtures'), 0o755);
    fs.chmodSync(path.dirname(inst.fixtures), 0o755);
    const fixSrc = opts.fixturesDir ?? DEFAULT_FIXTURES;
    for (const f of fs.readdirSync(fixSrc)) {
      fs.copyFileSync(path.join(fixSrc, f), path.join(inst.fixtures, f));
      fs.chmodSync(path.join(inst.fixtures, f), 0o644);
    }

    // addresses
    const ports: number[] = [];
    if (loopback) {
      for (let i = 0; i < count; i++) {
        let p = await freePort();
        while (ports.includes(p)) p = await freePort();
        ports.push(p);
      }
    } else {
      inst.subnetX = await claimSubnet(id);
      inst.subnet = `${SUBNET_PREFIX}.${inst.subnetX}.0/24`;
      inst.bridge = `ty${id}br`;
    }

    const pw = await pwP;
    inst.uid = pw.uid;
    inst.gid = pw.gid;
    inst.userHome = pw.home;

    for (let i = 1; i <= count; i++) {
      const hostDir = path.join(dir, `${aliasPrefix}${i}`);
      const homeDir = perHostHome
        ? opts.sharedHome
          ? path.join(dir, 'shared-home')
          : path.join(hostDir, 'home')
        : pw.home;
      const h = new Host(
        inst,
        i,
        `${aliasPrefix}${i}`,
        `${hostnamePrefix}${i}`,
        loopback ? '127.0.0.1' : `${SUBNET_PREFIX}.${inst.subnetX}.${10 + i}`,
        loopback ? ports[i - 1] : 22,
        hostDir,
        homeDir,
        loopback ? undefined : `ty${id}n${i}`,
        loopback ? undefined : `ty${id}v${i}`,
      );
      inst.hosts.push(h);
      fs.mkdirSync(hostDir, { mode: 0o755 });
      fs.mkdirSync(h.tmuxTmpDir, { mode: 0o700 });
      fs.chownSync(h.tmuxTmpDir, pw.uid, pw.gid);
      if (perHostHome && !fs.existsSync(homeDir)) {
        fs.mkdirSync(homeDir, { mode: 0o755 });
        try {
          fs.cpSync('/etc/skel', homeDir, { recursive: true });
        } catch {
          /* no skel */
        }
        for (const f of ['', ...fs.readdirSync(homeDir)]) fs.chownSync(path.join(homeDir, f), pw.uid, pw.gid);
      }
      const g = Array.isArray(opts.gpu) ? (opts.gpu[i - 1] ?? {}) : (opts.gpu ?? {});
      h.setGpu({ mode: 'idle', count: 1, ...g });
    }
    inst.saveReg();

    // host keys (parallel), network (namespace mode), anchors
    const keysP = Promise.all(
      inst.hosts.map((h) =>
        execP('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', h.hostname, '-f', h.hostKeyPath]),
      ),
    );
    if (!loopback) {
      const b = inst.bridge!;
      const lines = [
        `link add ${b} type bridge`,
        `addr add ${SUBNET_PREFIX}.${inst.subnetX}.1/24 dev ${b}`,
        `link set ${b} up`,
      ];
      for (const h of inst.hosts) {
        lines.push(
          `netns add ${h.netns}`,
          `link add ${h.veth} type veth peer name eth0 netns ${h.netns}`,
          `link set ${h.veth} master ${b} up`,
        );
      }
      await execP('ip', ['-batch', '-'], lines.join('\n') + '\n');
      inst.saveReg();
      await Promise.all(
        inst.hosts.map((h) =>
          execP(
            'ip',
            ['-n', h.netns!, '-batch', '-'],
            `addr add ${h.address}/24 dev eth0\nlink set eth0 up\nlink set lo up\n`,
          ),
        ),
      );
    }
    await Promise.all(inst.hosts.map((h) => h.startAnchor(perHostHome)));
    inst.saveReg();

    await clientKeyP;
    fs.copyFileSync(inst.identityFile + '.pub', path.join(dir, 'authorized_keys'));
    fs.chmodSync(path.join(dir, 'authorized_keys'), 0o644);
    await keysP;
    for (const h of inst.hosts) {
      h.hostPublicKey = fs
        .readFileSync(h.hostKeyPath + '.pub', 'utf8')
        .trim()
        .split(' ')
        .slice(0, 2)
        .join(' ');
      inst.writeSshdConfig(h);
    }
    const kh = opts.knownHosts ?? 'all';
    for (const h of inst.hosts) {
      inst.knownState.set(h.alias, kh === 'all' || (Array.isArray(kh) && kh.includes(h.alias)) ? 'valid' : 'absent');
    }
    inst.writeKnownHosts();
    inst.writeSshConfig();

    await Promise.all(
      inst.hosts.map(async (h) => {
        for (let attempt = 0; ; attempt++) {
          try {
            return await h.startSshd();
          } catch (e) {
            // loopback: a free port can be taken between probing and sshd binding it; pick another
            if (
              !loopback ||
              attempt >= 5 ||
              !(e instanceof SshdStartError) ||
              !/Bind to port|Cannot bind/.test(e.message)
            )
              throw e;
            h.port = await freePort();
            inst.writeSshdConfig(h);
          }
        }
      }),
    );
    inst.writeKnownHosts();
    inst.writeSshConfig();
    inst.startupMs = Math.round(performance.now() - t0);
    return inst;
  } catch (e) {
    await inst.stop().catch(() => {});
    throw e;
  }
}
