/**
 * Why a host alias cannot be used, or null when it can. An alias reaches ssh and rsync as an
 * argument, so it must mean one host to both: no leading "-" (an option), no ":" (rsync's
 * host:path), no "@" (ssh's user@host), nothing ssh refuses in a host name.
 */
export function aliasProblem(alias: string): string | null {
  const fix = 'fix: list the Host alias from your ssh_config, e.g. "gpu-a" (letters, digits, and . _ - + inside)';
  if (alias === '') return `is empty — ${fix}`;
  if (/[\s\p{Cc}]/u.test(alias)) return `"${printable(alias)}" contains whitespace or a control character — ${fix}`;
  if (alias.startsWith('-')) return `"${alias}" starts with "-", which ssh would read as an option — ${fix}`;
  if (alias.includes(':'))
    return `"${alias}" contains ":", which rsync and scp read as host:path — fix: give the host an alias without ":" in your ssh_config (Host ${alias.replace(/:/g, '-')}) and list that`;
  if (alias.includes('@'))
    return `"${alias}" contains "@", so ssh would take "${alias.split('@')[0]}" as the login name — fix: put "User ${alias.split('@')[0]}" in the ssh_config Host block and list the alias alone`;
  const bad = [...alias].find((c) => !/[A-Za-z0-9_.+-]/.test(c));
  if (bad !== undefined) return `"${alias}" contains "${bad}", which ssh does not accept in a host name — ${fix}`;
  if (alias.startsWith('.')) return `"${alias}" starts with "." — ${fix}`;
  return null;
}

function printable(text: string): string {
  return text.replace(/[\s\p{Cc}]/gu, (c) => (c === ' ' ? ' ' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}
