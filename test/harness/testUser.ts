/** The unprivileged user the test hosts log in as. */
import * as fs from 'node:fs';
import { execP, sleep } from './system.js';

export function passwdEntry(user: string): { uid: number; gid: number; home: string; shell: string } | null {
  for (const line of fs.readFileSync('/etc/passwd', 'utf8').split('\n')) {
    const f = line.split(':');
    if (f[0] === user) return { uid: Number(f[2]), gid: Number(f[3]), home: f[5], shell: f[6] };
  }
  return null;
}

export async function ensureUser(
  user: string,
  shell = '/bin/bash',
): Promise<{ uid: number; gid: number; home: string }> {
  for (let attempt = 0; ; attempt++) {
    let pw = passwdEntry(user);
    try {
      if (!pw) {
        await execP('useradd', ['-m', '-s', shell, user]);
        pw = passwdEntry(user);
      }
      if (!pw) throw new Error(`useradd ${user} did not create the user`);
      if (pw.shell !== shell) await execP('usermod', ['-s', shell, user]);
      // useradd leaves the account locked ('!'); with UsePAM no sshd refuses locked accounts
      const shadow = fs
        .readFileSync('/etc/shadow', 'utf8')
        .split('\n')
        .find((l) => l.startsWith(user + ':'));
      if (shadow?.split(':')[1] !== '*') await execP('usermod', ['-p', '*', user]);
      if (!fs.existsSync(pw.home)) {
        fs.mkdirSync(pw.home, { recursive: true, mode: 0o755 });
        fs.chownSync(pw.home, pw.uid, pw.gid);
      }
      return pw;
    } catch (e) {
      // parallel workers race on /etc/passwd.lock: retry a few times
      if (attempt >= 20) throw e;
      await sleep(50 + Math.random() * 100);
    }
  }
}
