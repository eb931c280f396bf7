/** `trainyard doctor` says whether ssh2 runs on its native crypto binding or the slower JavaScript fallback. */
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ssh2Crypto, sshCryptoCheck } from '../../src/cli/sshCryptoCheck.js';

const require = createRequire(import.meta.url);

/** Loads the compiled binding file itself, apart from ssh2's own attempt. */
function bindingLoads(): boolean {
  const dir = path.dirname(path.dirname(require.resolve('ssh2')));
  try {
    require(path.join(dir, 'lib/protocol/crypto/build/Release/sshcrypto.node'));
    return true;
  } catch {
    return false;
  }
}

describe('ssh crypto check', () => {
  it('reports what ssh2 loaded: native exactly when this Node can load the compiled binding', () => {
    const found = ssh2Crypto();
    expect(found.native).toBe(bindingLoads());
    expect(found.dir).toMatch(/node_modules[/\\]ssh2$/);
  });

  it('the fallback passes too, saying how to build the binding where trainyard is installed', () => {
    const check = sshCryptoCheck({ native: false, dir: '/opt/app/node_modules/ssh2' });
    expect(check).toMatchObject({ host: 'this machine', name: 'ssh crypto', ok: true });
    expect(check.detail).toMatch(/^ssh2's JavaScript fallback, a little more CPU per SSH packet/);
    expect(check.detail).toContain('cd /opt/app && npm rebuild ssh2');
    const spaced = sshCryptoCheck({ native: false, dir: '/opt/my app/node_modules/ssh2' });
    expect(spaced.detail).toContain("cd '/opt/my app' && npm rebuild ssh2");
  });

  it('the native binding passes', () => {
    expect(sshCryptoCheck({ native: true, dir: '/opt/app/node_modules/ssh2' })).toMatchObject({ ok: true });
  });
});
