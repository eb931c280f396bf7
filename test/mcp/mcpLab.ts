/**
 * `trainyard mcp` as an agent runs it, for the MCP tests: a real sshd test host, the sample
 * project, a config with the test's projects and agent rules, and the SDK's own client talking to
 * the built bin over stdio. `call` returns a tool's result with its JSON body parsed.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { copySampleProject, type RemoteHost, remoteHost, removeDir, tempDir } from '../actions/helpers.js';
import { startTestHosts, type TestHosts } from '../harness/testHosts.js';

export const BIN = path.resolve(import.meta.dirname, '..', '..', 'bin', 'trainyard.js');

export type ToolResult = {
  isError?: boolean;
  content: { type: string; text: string }[];
  structuredContent?: Record<string, unknown>;
};

export interface McpLab {
  lab: TestHosts;
  h: RemoteHost;
  work: string;
  /** The sample project's local copy. */
  local: string;
  configFile: string;
  /** The environment the server (and any CLI the test runs) gets: no tmux, data under work. */
  env: Record<string, string>;
  client: Client;
  /** What the server wrote to stderr. */
  stderr(): string;
  call(
    name: string,
    args: Record<string, unknown>,
  ): Promise<ToolResult & { isError: boolean; body: Record<string, unknown> }>;
  /** Another client on its own server process. */
  connect(client: Client): Promise<Client>;
  stop(): Promise<void>;
}

export async function startMcpLab(o: {
  prefix: string;
  hosts?: Parameters<typeof startTestHosts>[0];
  projects: (local: string) => Record<string, unknown>;
  agent: Record<string, unknown>;
  /** The client (with its capabilities and handlers set), default a plain one. */
  client?: Client;
}): Promise<McpLab> {
  const lab = await startTestHosts(o.hosts ?? { count: 1 });
  const h = remoteHost(lab, lab.hosts[0]);
  const work = tempDir(o.prefix);
  const local = copySampleProject(path.join(work, 'sample'));
  const configFile = path.join(work, 'config.json');
  writeFileSync(
    configFile,
    JSON.stringify({ hosts: [h.alias], sshConfig: lab.sshConfigPath, projects: o.projects(local), agent: o.agent }),
  );
  const env = { ...(process.env as Record<string, string>), TMUX: '', XDG_DATA_HOME: path.join(work, 'data') };
  let stderr = '';
  const connect = async (client: Client, onStderr?: (text: string) => void) => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [BIN, '--config', configFile, 'mcp'],
      env,
      stderr: onStderr ? 'pipe' : 'ignore',
    });
    if (onStderr) transport.stderr?.on('data', (d) => onStderr(String(d)));
    await client.connect(transport);
    return client;
  };
  const client = await connect(o.client ?? new Client({ name: 'trainyard-test', version: '1' }), (t) => {
    stderr += t;
  });
  return {
    lab,
    h,
    work,
    local,
    configFile,
    env,
    client,
    stderr: () => stderr,
    call: async (name, args) => {
      const r = (await client.callTool({ name, arguments: args })) as ToolResult;
      const text = r.content[0]?.text ?? '';
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(text) as Record<string, unknown>;
      } catch {
        body = { error: text };
      }
      return { ...r, isError: r.isError === true, body };
    },
    connect: (other) => connect(other),
    stop: async () => {
      await client.close();
      h.close();
      await lab.stop();
      removeDir(work);
    },
  };
}
