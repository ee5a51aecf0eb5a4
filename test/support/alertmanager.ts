// Alertmanager's webhook body, as Alertmanager sends it, for the alert tests.
//
// The shape is Alertmanager's own, from its documentation: prometheus/alertmanager, docs/configuration.md,
// section <webhook_config> ("The Alertmanager will send HTTP POST requests in the following JSON format to
// the configured endpoint"; Apache License 2.0), which documents it as:
//
//   {
//     "version": "4",
//     "groupKey": <string>,              // key identifying the group of alerts (e.g. to deduplicate)
//     "truncatedAlerts": <int>,          // how many alerts have been truncated due to "max_alerts"
//     "status": "<resolved|firing>",
//     "receiver": <string>,
//     "groupLabels": <object>,
//     "commonLabels": <object>,
//     "commonAnnotations": <object>,
//     "externalURL": <string>,           // backlink to the Alertmanager.
//     "alerts": [
//       {
//         "status": "<resolved|firing>",
//         "labels": <object>,
//         "annotations": <object>,
//         "startsAt": "<rfc3339>",
//         "endsAt": "<rfc3339>",
//         "generatorURL": <string>,      // identifies the entity that caused the alert
//         "fingerprint": <string>        // fingerprint to identify the alert
//       },
//       ...
//     ]
//   }
//
// `alertmanagerBody` fills that template with every field, as notify/webhook/webhook.go marshals it
// (template.Data plus version, groupKey, truncatedAlerts): a resolved alert has its endsAt, a firing one
// Go's zero time "0001-01-01T00:00:00Z"; startsAt carries nanoseconds and a zone offset, as Go prints them.

export interface SampleAlert {
  status: 'firing' | 'resolved';
  alertname: string;
  instance: string;
  summary: string;
  fingerprint: string;
  startsAt?: string;
  endsAt?: string;
}

export function alertmanagerBody(
  alerts: SampleAlert[],
  receiver = 'upstream-doctor',
): Record<string, unknown> {
  const first = alerts[0]!;
  const firing = alerts.some((a) => a.status === 'firing');
  const common = { alertname: first.alertname, job: 'nginx', severity: 'page' };
  return {
    receiver,
    status: firing ? 'firing' : 'resolved',
    alerts: alerts.map((a) => ({
      status: a.status,
      labels: { alertname: a.alertname, instance: a.instance, job: 'nginx', severity: 'page' },
      annotations: {
        summary: a.summary,
        description: `${a.instance} answers 502 to more than 5% of requests`,
      },
      startsAt: a.startsAt ?? '2026-12-03T10:41:26.739266876+01:00',
      endsAt: a.status === 'resolved' ? (a.endsAt ?? '2026-12-03T10:58:11.0125Z') : '0001-01-01T00:00:00Z',
      generatorURL:
        'http://prometheus.example:9090/graph?g0.expr=rate%28nginx_502_total%5B5m%5D%29+%3E+0.05&g0.tab=1',
      fingerprint: a.fingerprint,
    })),
    groupLabels: { alertname: first.alertname },
    commonLabels: common,
    commonAnnotations: {},
    externalURL: 'http://alertmanager.example:9093',
    version: '4',
    groupKey: `{}:{alertname="${first.alertname}"}`,
    truncatedAlerts: 0,
  };
}
