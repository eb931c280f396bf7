/**
 * CPU of the SSH side alone: N real sshd hosts each streaming the GPU query (8 GPUs at 1 s) into
 * this process through SshConnection, as the cockpit's host monitors do, with nothing drawn —
 * once with ssh2's native crypto binding and once with its JavaScript fallback, each in a child
 * process of its own, alternated. `node --import tsx bench/sshStreams.ts [hosts=32] [seconds=20] [rounds=2]`
 */
import { execFileSync } from 'node:child_process';
import module from 'node:module';
import { gpuStreamCommand } from '../src/commands/probes.js';
import { startTestHosts } from '../test/harness/testHosts.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** In a child: stream from every host, settle, then print the CPU share over the window. */
async function child(sshConfig: string, aliases: string[], seconds: number): Promise<string> {
  if (process.env.SSH_CRYPTO === 'js')
    module.registerHooks({
      resolve: (specifier, context, nextResolve) => {
        if (specifier.endsWith('sshcrypto.node')) throw new Error('JavaScript fallback asked for');
        return nextResolve(specifier, context);
      },
    });
  // loaded only now, after the hook: ssh2 looks for its binding once, when first loaded
  const { SshConnection } = await import('../src/ssh/connection.js');
  const { bindingAvailable } = module.createRequire(import.meta.url)('ssh2/lib/protocol/crypto.js') as {
    bindingAvailable: boolean;
  };
  const connections: InstanceType<typeof SshConnection>[] = [];
  let lines = 0;
  await Promise.all(
    aliases.map(
      (alias) =>
        new Promise<void>((resolve) => {
          const c = new SshConnection({
            alias,
            sshConfig,
            keepalive: { intervalSeconds: 15, countMax: 3 },
            trustNewHostKeys: true,
          });
          connections.push(c);
          c.on('state', (info) => {
            if (info.state !== 'connected') return;
            c.stream(gpuStreamCommand(1000), { onLine: () => lines++ });
            resolve();
          });
          c.start();
        }),
    ),
  );
  await sleep(5000);
  const [c0, l0, t0] = [process.cpuUsage(), lines, Date.now()];
  await sleep(seconds * 1000);
  const c = process.cpuUsage(c0);
  const ms = Date.now() - t0;
  for (const connection of connections) connection.close();
  return `${bindingAvailable ? 'native' : 'js'} ${(((c.user + c.system) / 1000 / ms) * 100).toFixed(2)} ${lines - l0}`;
}

if (process.argv[2] === '--child') {
  const [sshConfig, seconds, ...aliases] = process.argv.slice(3);
  process.stdout.write(await child(sshConfig, aliases, Number(seconds)));
  process.exit(0);
}

const [count = 32, seconds = 20, rounds = 2] = process.argv.slice(2).map(Number);
const hosts = await startTestHosts({ count, gpu: { mode: 'load', count: 8 } });
try {
  console.log(`| ${count} hosts streaming 8 GPUs at 1 s, ${seconds} s windows | crypto | CPU | lines |`);
  console.log('| --- | --- | --- | --- |');
  for (let round = 1; round <= rounds; round++)
    for (const crypto of ['native', 'js']) {
      const out = execFileSync(
        process.execPath,
        [
          '--import',
          'tsx',
          import.meta.filename,
          '--child',
          hosts.sshConfigPath,
          String(seconds),
          ...hosts.hosts.map((h) => h.alias),
        ],
        { env: { ...process.env, SSH_CRYPTO: crypto }, encoding: 'utf8' },
      );
      const [used, pct, lines] = out.trim().split(' ');
      console.log(`| ${round} | ${used === crypto ? used : `${used} (asked for ${crypto})`} | ${pct} % | ${lines} |`);
    }
} finally {
  await hosts.stop();
}
process.exit(0);
