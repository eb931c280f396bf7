import { describe, expect, it } from 'vitest';
import { type HostProbe, parseProbeOutput } from '../../src/cli/init/probeHosts.js';
import { describeProbe } from '../../src/cli/init/run.js';

const base: HostProbe = {
  alias: 'gpu-a',
  target: 'me@10.0.0.1:22',
  answered: true,
  problem: null,
  gpuCount: 0,
  gpuName: null,
  gpuProblem: null,
  tmuxVersion: null,
};

describe("init's host check", () => {
  it('reads GPUs and the tmux version from the one exec', () => {
    const out =
      '@@gpu\nGPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-1)\nGPU 1: NVIDIA H100 80GB HBM3 (UUID: GPU-2)\n@@/gpu 0\n@@tmux\ntmux 3.3a\n@@/tmux 0\n';
    expect(parseProbeOutput(out)).toEqual({
      gpuCount: 2,
      gpuName: 'NVIDIA H100 80GB HBM3',
      gpuProblem: null,
      tmuxVersion: 'tmux 3.3a',
    });
  });

  it('says what is missing: nvidia-smi not found, its own complaint, no tmux', () => {
    expect(
      parseProbeOutput('@@gpu\nsh: 1: nvidia-smi: not found\n@@/gpu 127\n@@tmux\nsh: tmux: not found\n@@/tmux 127\n'),
    ).toEqual({ gpuCount: 0, gpuName: null, gpuProblem: 'nvidia-smi not found', tmuxVersion: null });
    expect(parseProbeOutput('@@gpu\nNo devices were found\n@@/gpu 6\n@@tmux\ntmux 3.4\n@@/tmux 0\n').gpuProblem).toBe(
      'No devices were found',
    );
    expect(describeProbe({ ...base, gpuProblem: 'nvidia-smi not found' })).toBe(
      'me@10.0.0.1:22  no GPU (nvidia-smi not found), NO tmux (install it: runs start in tmux)',
    );
  });

  it('prints what the server said without its escapes or control characters', () => {
    const hostile = {
      ...base,
      gpuCount: 1,
      gpuName: 'H100\u001b]52;c;ZXZpbA==\u0007\u001b[2J\u009b31m',
      tmuxVersion: 'tmux 3.3a\u001b]0;pwned\u0007',
    };
    const text = describeProbe(hostile);
    expect(text).toBe('me@10.0.0.1:22  1 GPU (H10031m), tmux 3.3a');
    expect(describeProbe({ ...base, answered: false, problem: 'unreachable: \u001b[31mrefused\u0007' })).toBe(
      'no answer: unreachable: refused',
    );
  });
});
