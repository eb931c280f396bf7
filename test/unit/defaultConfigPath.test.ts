/**
 * The default config file is where conf keeps a "trainyard" config, as it was when conf itself
 * was asked: a user who upgrades finds their config where it was.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import Conf from 'conf';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultConfigPath } from '../../src/config/load.js';
import { tempDir } from '../support/tempDir.js';

const confPath = () =>
  new Conf({ projectName: 'trainyard', projectSuffix: '', clearInvalidConfig: false, deserialize: () => ({}) }).path;

const xdgBefore = process.env.XDG_CONFIG_HOME;
afterEach(() => {
  if (xdgBefore === undefined) delete process.env.XDG_CONFIG_HOME;
  else process.env.XDG_CONFIG_HOME = xdgBefore;
});

describe('defaultConfigPath', () => {
  it("is conf's path under XDG_CONFIG_HOME, and looking it up writes nothing", () => {
    const xdg = tempDir('ty-xdg-');
    process.env.XDG_CONFIG_HOME = xdg;
    expect(defaultConfigPath()).toBe(path.join(xdg, 'trainyard', 'config.json'));
    expect(readdirSync(xdg)).toEqual([]);
    expect(defaultConfigPath()).toBe(confPath());
  });

  it("is conf's path under the home directory without XDG_CONFIG_HOME", () => {
    delete process.env.XDG_CONFIG_HOME;
    expect(defaultConfigPath()).toBe(confPath());
    expect(path.basename(path.dirname(defaultConfigPath()))).toBe('trainyard');
  });
});
