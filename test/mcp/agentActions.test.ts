/** The local record of agent actions: appended, read back since a time, torn lines skipped, shown as timeline events. */
import { appendFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { agentActionEvent, agentActionsFile, readAgentActions, recordAgentAction } from '../../src/mcp/agentActions.js';
import { removeDir, tempDir } from '../actions/helpers.js';

describe('agent actions record', () => {
  let dir = '';
  afterEach(() => removeDir(dir));

  it('appends, filters by time, skips torn lines and becomes an agent-action event', async () => {
    dir = tempDir('ty-agent-actions-');
    expect(await readAgentActions(dir, null)).toEqual([]);
    const base = { host: 'gpu-a', project: 'p', run: 'p-1a2b', client: 'claude-code' };
    await recordAgentAction(
      dir,
      { ...base, tool: 'launch', outcome: 'ok', summary: 'launched p-1a2b' },
      new Date('2026-12-01T01:00:00Z'),
    );
    appendFileSync(agentActionsFile(dir), '{"time":"2026-12-01T01:30:00Z","tool":"st');
    appendFileSync(agentActionsFile(dir), '\n');
    await recordAgentAction(
      dir,
      { ...base, tool: 'stop_run', outcome: 'failed', summary: 'no such run' },
      new Date('2026-12-01T02:00:00Z'),
    );
    const all = await readAgentActions(dir, null);
    expect(all.map((a) => a.tool)).toEqual(['launch', 'stop_run']);
    const late = await readAgentActions(dir, new Date('2026-12-01T01:59:59Z'));
    expect(late.map((a) => a.tool)).toEqual(['stop_run']);
    const e = agentActionEvent(late[0], 0);
    expect(e).toMatchObject({ kind: 'agent-action', alias: 'gpu-a', session: 'p-1a2b', level: 'warn' });
    expect(e.detail).toBe('stop_run by agent claude-code: failed — no such run');
  });
});
