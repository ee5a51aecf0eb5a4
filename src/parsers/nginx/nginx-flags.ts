// What each of nginx's command type flags means, in the terms our parser uses: the contexts a directive may
// stand in (crossplane's context names, e.g. `http/location`), whether it opens a block, and how many
// arguments it takes. The flags are nginx's own names (ngx_conf_file.h, ngx_http_config.h, ngx_stream.h,
// ngx_mail.h, ngx_event.h) because the generated table (directive-table.ts) quotes them as the source
// declares them. Names, not values: NGX_HTTP_MAIN_CONF, NGX_STREAM_MAIN_CONF, NGX_MAIL_MAIN_CONF and
// NGX_EVENT_CONF are all 0x02000000 in nginx, told apart by the type of the module that declares them.

/** A context path as crossplane names it: nested locations collapse to `http/location`. */
export type Ctx =
  | ''
  | 'events'
  | 'http'
  | 'http/server'
  | 'http/location'
  | 'http/upstream'
  | 'http/server/if'
  | 'http/location/if'
  | 'http/location/limit_except'
  | 'stream'
  | 'stream/server'
  | 'stream/upstream'
  | 'mail'
  | 'mail/server';

export const KNOWN_CONTEXTS: readonly Ctx[] = [
  '',
  'events',
  'http',
  'http/server',
  'http/location',
  'http/upstream',
  'http/server/if',
  'http/location/if',
  'http/location/limit_except',
  'stream',
  'stream/server',
  'stream/upstream',
  'mail',
  'mail/server',
];

/**
 * One flag's meaning. `takes` are the argument counts a NGX_CONF_TAKE* flag allows; `args` the counts
 * nginx's ngx_conf_handler tests before those (FLAG: one, ANY, 1MORE, 2MORE); a flag with none of the
 * fields (NGX_DIRECT_CONF: how the module's conf is passed) says nothing we check.
 */
export interface FlagMeaning {
  contexts?: readonly Ctx[];
  block?: true;
  takes?: readonly number[];
  args?: 'flag' | 'any' | '1more' | '2more';
}

export const NGINX_FLAGS: ReadonlyMap<string, FlagMeaning> = new Map<string, FlagMeaning>([
  ['NGX_MAIN_CONF', { contexts: [''] }],
  ['NGX_DIRECT_CONF', {}],
  // 0xFF000000: every context bit of every module type (in http that includes if and limit_except).
  ['NGX_ANY_CONF', { contexts: KNOWN_CONTEXTS }],
  ['NGX_EVENT_CONF', { contexts: ['events'] }],
  ['NGX_HTTP_MAIN_CONF', { contexts: ['http'] }],
  ['NGX_HTTP_SRV_CONF', { contexts: ['http/server'] }],
  ['NGX_HTTP_LOC_CONF', { contexts: ['http/location'] }],
  ['NGX_HTTP_UPS_CONF', { contexts: ['http/upstream'] }],
  ['NGX_HTTP_SIF_CONF', { contexts: ['http/server/if'] }],
  ['NGX_HTTP_LIF_CONF', { contexts: ['http/location/if'] }],
  ['NGX_HTTP_LMT_CONF', { contexts: ['http/location/limit_except'] }],
  ['NGX_STREAM_MAIN_CONF', { contexts: ['stream'] }],
  ['NGX_STREAM_SRV_CONF', { contexts: ['stream/server'] }],
  ['NGX_STREAM_UPS_CONF', { contexts: ['stream/upstream'] }],
  ['NGX_MAIL_MAIN_CONF', { contexts: ['mail'] }],
  ['NGX_MAIL_SRV_CONF', { contexts: ['mail/server'] }],
  ['NGX_CONF_BLOCK', { block: true }],
  ['NGX_CONF_NOARGS', { takes: [0] }],
  ['NGX_CONF_TAKE1', { takes: [1] }],
  ['NGX_CONF_TAKE2', { takes: [2] }],
  ['NGX_CONF_TAKE3', { takes: [3] }],
  ['NGX_CONF_TAKE4', { takes: [4] }],
  ['NGX_CONF_TAKE5', { takes: [5] }],
  ['NGX_CONF_TAKE6', { takes: [6] }],
  ['NGX_CONF_TAKE7', { takes: [7] }],
  ['NGX_CONF_TAKE12', { takes: [1, 2] }],
  ['NGX_CONF_TAKE13', { takes: [1, 3] }],
  ['NGX_CONF_TAKE23', { takes: [2, 3] }],
  ['NGX_CONF_TAKE123', { takes: [1, 2, 3] }],
  ['NGX_CONF_TAKE1234', { takes: [1, 2, 3, 4] }],
  ['NGX_CONF_FLAG', { args: 'flag' }],
  ['NGX_CONF_ANY', { args: 'any' }],
  ['NGX_CONF_1MORE', { args: '1more' }],
  ['NGX_CONF_2MORE', { args: '2more' }],
]);
