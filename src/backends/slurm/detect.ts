/** Whether a host is a Slurm login node: sbatch on PATH and the controller answering scontrol ping. */
import { bashScriptArgv, type RemoteCommand } from '../../commands/value.js';

/**
 * Shell lines that print "slurm" on a Slurm login node (sbatch on PATH and the controller
 * answering), else "no-sbatch" or "no-controller". The sessions stream runs them too, once, so a
 * controller that does not answer must not hold it long: the ping gets 10 s where `timeout` exists.
 */
export const SLURM_DETECT_SH = [
  'command -v sbatch >/dev/null 2>&1 || { echo no-sbatch; exit 0; }',
  "t=; command -v timeout >/dev/null 2>&1 && t='timeout 10'",
  'if $t scontrol ping 2>&1 | grep -q "is UP"; then echo slurm; else echo no-controller; fi',
];

/** What SLURM_DETECT_SH's output means: a Slurm login node, or a host for plain tmux runs. */
export function schedulerOf(detectOutput: string): 'slurm' | 'none' {
  return detectOutput.trim() === 'slurm' ? 'slurm' : 'none';
}

/** The detection as one read-only exec, for when no sessions stream has asked (the actions' CLI). */
export function detectCommand(host: string): RemoteCommand {
  return {
    where: 'remote',
    host,
    purpose: 'is this a Slurm login node? (sbatch on PATH, scontrol ping)',
    readOnly: true,
    argv: bashScriptArgv('trainyard-slurm-detect', SLURM_DETECT_SH),
  };
}
