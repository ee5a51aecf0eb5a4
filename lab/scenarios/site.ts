// The nginx site the scenarios break in different ways, and helpers that find lines in it, so the
// expectations' file:line follow the text when it changes.
import type { ConfigEdit } from '../../src/model/types.js';
import type { HostSpec, LabHost } from '../host.js';
import type { Lab } from '../lab.js';
import type {
  ExpectedEvidence,
  Expectation,
  Scenario,
  StagedScenario,
  StageOptions,
  Symptoms,
} from './types.js';

export const SHOP_CONF = '/etc/nginx/conf.d/shop.conf';
export const APP_PORT = 3000;

export interface SiteOptions {
  /** `server` lines of an `upstream shop` block; without them, proxy_pass goes straight to `proxyPass`. */
  servers?: string[];
  /** Lines at the top of the upstream block (zone, keepalive…). */
  upstreamLines?: string[];
  proxyPass?: string;
  /** Extra lines inside `location /`, before proxy_pass. */
  locationLines?: string[];
}

/** conf.d/shop.conf: a server on :80 proxying `/` to an upstream block or straight to an address. */
export function shopSite(options: SiteOptions): string {
  const lines: string[] = [];
  if (options.servers) {
    lines.push('upstream shop {', ...(options.upstreamLines ?? []).map((l) => `    ${l}`));
    lines.push(...options.servers.map((s) => `    server ${s};`), '}', '');
  }
  lines.push(
    'server {',
    '    listen 80 default_server;',
    '    server_name shop.example.com;',
    '',
    '    location / {',
    ...(options.locationLines ?? []).map((l) => `        ${l}`),
    `        proxy_pass ${options.servers ? 'http://shop' : (options.proxyPass ?? 'http://127.0.0.1:3000')};`,
    '        proxy_set_header Host $host;',
    '    }',
    '}',
    '',
  );
  return lines.join('\n');
}

/** Where Debian keeps a site nginx includes: sites-enabled/shop, a link to sites-available/shop. */
export const PHP_SITE_FILE = '/etc/nginx/sites-enabled/shop';

/** Debian's PHP site: index.php through `fastcgi_pass unix:SOCKET`. */
export function phpSite(socket: string): string {
  return [
    'server {',
    '    listen 80 default_server;',
    '    root /var/www/html;',
    '    index index.php;',
    '',
    '    location ~ \\.php$ {',
    '        include snippets/fastcgi-php.conf;',
    `        fastcgi_pass unix:${socket};`,
    '    }',
    '}',
    '',
  ].join('\n');
}

/** A host serving `site` from sites-available (linked from sites-enabled) with php-fpm and an index.php. */
export function phpSiteHost(site: string, extra: HostSpec = {}): HostSpec {
  return {
    phpFpm: {},
    ...extra,
    nginx: {
      files: { 'sites-available/shop': site },
      links: { 'sites-enabled/shop': '/etc/nginx/sites-available/shop' },
    },
    files: { '/var/www/html/index.php': '<?php echo "hello from php\\n";\n' },
  };
}

/** 1-based number and text of the first line of `text` containing `needle`. */
export function lineOf(text: string, needle: string): { line: number; text: string } {
  const lines = text.split('\n');
  const index = lines.findIndex((l) => l.includes(needle));
  if (index < 0) throw new Error(`scenario text has no line with ${JSON.stringify(needle)}`);
  return { line: index + 1, text: lines[index]! };
}

/** Evidence pointing at the config line containing `needle`. */
export function configLine(text: string, needle: string, file = SHOP_CONF): ExpectedEvidence {
  return { file, line: lineOf(text, needle).line };
}

/** The one-line edit replacing `from` by `to` on the line containing `from`. */
export function lineEdit(text: string, from: string, to: string, file = SHOP_CONF): ConfigEdit {
  const { line, text: before } = lineOf(text, from);
  return { file, line, before, after: before.replace(from, to) };
}

/** A host with the shop site, Debian's default site removed. */
export function shopHost(site: string, extra: HostSpec = {}): HostSpec {
  return { ...extra, nginx: { files: { 'conf.d/shop.conf': site }, ...extra.nginx } };
}

/** The usual ending of stage(): warm nginx (unless asked not to) and assemble the staged scenario. */
export async function finish(
  id: string,
  hosts: LabHost[],
  expect: Expectation,
  symptoms: Symptoms,
  options: StageOptions,
  warmOptions: { count?: number; parallel?: boolean } = {},
): Promise<StagedScenario> {
  const target = hosts[0];
  const warmed =
    options.warm === false || target === undefined
      ? []
      : await target.warm({ count: warmOptions.count ?? 3, parallel: warmOptions.parallel ?? false });
  return { id, hosts, targetHost: target, expect, symptoms, warmed };
}

/** A scenario whose stage gets the diagnosed host's name: the caller's choice, else the scenario id. */
export function defineScenario(
  id: string,
  title: string,
  stage: (lab: Lab, name: string, options: StageOptions) => Promise<StagedScenario>,
  requires?: Scenario['requires'],
): Scenario {
  return {
    id,
    title,
    ...(requires ? { requires } : {}),
    stage: (lab, options = {}) => stage(lab, options.name ?? id, options),
  };
}
