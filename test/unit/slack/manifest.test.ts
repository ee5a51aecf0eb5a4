// manifest.yml against Slack's published app manifest schema (slackapi/manifest-schema, copied with its licence
// into test/fixtures/slack), plus what the bot needs from it.
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const schema = JSON.parse(
  readFileSync(new URL('../../fixtures/slack/manifest.schema.1.0.0.json', import.meta.url), 'utf8'),
) as { $schema: string };
const manifestText = readFileSync(new URL('../../../manifest.yml', import.meta.url), 'utf8');

interface Manifest {
  display_information: { name: string };
  features: {
    bot_user: { display_name: string };
    slash_commands: { command: string; description: string; usage_hint?: string; should_escape?: boolean }[];
    app_home: { messages_tab_enabled: boolean; messages_tab_read_only_enabled: boolean };
  };
  oauth_config: { scopes: { bot: string[]; user?: string[] } };
  settings: { interactivity: { is_enabled: boolean }; socket_mode_enabled: boolean };
}

// The schema says draft-07, which Ajv's default class speaks. `strict: false` lets Slack's own extra keyword
// ("regex") through; formats ("uri", on the optional $schema key only) are not checked: ajv-formats is not a
// dependency and the manifest does not use that key.
function validator() {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  return ajv.compile(schema);
}

describe('manifest.yml', () => {
  it('is draft-07 schema input, and the schema compiles', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(typeof validator()).toBe('function');
  });

  it("validates against Slack's manifest schema", () => {
    const validate = validator();
    const ok = validate(parse(manifestText));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('the schema really checks: broken manifests are rejected', () => {
    const validate = validator();
    const good = parse(manifestText) as Manifest;
    const broken: unknown[] = [
      { ...good, features: { ...good.features, slash_commands: [{ command: '502', description: 'x' }] } },
      { ...good, settings: { ...good.settings, interactivity: {} } },
      { ...good, display_information: { name: 'x'.repeat(36) } },
      { ...good, surprise: true },
    ];
    for (const m of broken) expect(validate(m)).toBe(false);
  });

  it('declares /502 with a usage hint, interactivity, Socket Mode and exactly the bot scopes the code uses', () => {
    const m = parse(manifestText) as Manifest;
    const command = m.features.slash_commands.find((c) => c.command === '/502');
    expect(command?.usage_hint).toMatch(/web-01/);
    expect(command?.description.length).toBeGreaterThan(10);
    expect(command?.should_escape).toBe(false);
    expect(m.settings.interactivity.is_enabled).toBe(true);
    expect(m.settings.socket_mode_enabled).toBe(true);
    expect([...m.oauth_config.scopes.bot].sort()).toEqual([
      'chat:write',
      'commands',
      'files:write',
      'usergroups:read',
    ]);
    expect(m.oauth_config.scopes.user).toBeUndefined();
    expect(m.features.app_home).toMatchObject({
      messages_tab_enabled: true,
      messages_tab_read_only_enabled: true,
    });
  });
});
