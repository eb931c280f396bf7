/**
 * Whether ssh2 encrypts with its optional native binding (compiled by node-gyp when ssh2 is
 * installed) or with its JavaScript fallback, which builds a cipher object for every packet
 * (BENCHMARKS.md has the cost at 32 hosts).
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Check } from './check.js';

const require = createRequire(import.meta.url);

export interface Ssh2Crypto {
  /** ssh2's own answer: it loaded lib/protocol/crypto/build/Release/sshcrypto.node. */
  native: boolean;
  /** Where ssh2 is installed (…/node_modules/ssh2). */
  dir: string;
}

export function ssh2Crypto(): Ssh2Crypto {
  const dir = path.dirname(path.dirname(require.resolve('ssh2')));
  const { bindingAvailable } = require('ssh2/lib/protocol/crypto.js') as { bindingAvailable?: boolean };
  return { native: bindingAvailable === true, dir };
}

export function sshCryptoCheck({ native, dir }: Ssh2Crypto): Check {
  const host = 'this machine';
  if (native) return { host, name: 'ssh crypto', ok: true, detail: "ssh2's native binding" };
  return {
    host,
    name: 'ssh crypto',
    ok: false,
    warn: true,
    detail: "ssh2's JavaScript fallback (its native binding is not built for this Node): more CPU for every SSH packet",
    fix: `with python3, make and a C++ compiler installed: cd ${path.dirname(path.dirname(dir))} && npm rebuild ssh2`,
  };
}
