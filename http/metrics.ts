import type { WebContext } from './context.js';
import { PROMETHEUS_CONTENT_TYPE, prometheusText, type MetricFamily } from './prometheus.js';
import { sendJson, startAnswer } from './respond.js';
import type { Handler } from './router.js';

// GET /metrics and GET /healthz: what a load balancer and a Prometheus server ask, with
// no login (they carry no credentials, and say nothing about files). Each can be turned
// off (`metrics: false`, `health: false`), which makes its path a 404 like any other.

const DIRECTIONS = ['download', 'upload', 'list'] as const;

/** The server's counters as Prometheus families. */
export function serverMetrics(context: WebContext): MetricFamily[] {
  const ftp = context.backend.stats();
  const byDirection = (pick: (d: (typeof ftp.byDirection)['download']) => number): MetricFamily['samples'] =>
    DIRECTIONS.map((direction) => ({ labels: { direction }, value: pick(ftp.byDirection[direction]) }));
  return [
    { name: 'ftppy_build_info', type: 'gauge', help: 'Always 1; the version of FtpPy serving.', samples: [{ labels: { version: context.version }, value: 1 }] },
    { name: 'ftppy_connections', type: 'gauge', help: 'FTP control connections open now.', samples: [{ value: ftp.connections }] },
    { name: 'ftppy_sessions_total', type: 'counter', help: 'FTP control connections accepted.', samples: [{ value: ftp.sessions }] },
    { name: 'ftppy_connections_refused_total', type: 'counter', help: 'FTP connections turned away by the limits or while draining.', samples: [{ value: ftp.refused }] },
    {
      name: 'ftppy_logins_total',
      type: 'counter',
      help: 'FTP logins, by result (ok or failed).',
      samples: [{ labels: { result: 'ok' }, value: ftp.logins }, { labels: { result: 'failed' }, value: ftp.failedLogins }],
    },
    { name: 'ftppy_transfers_total', type: 'counter', help: 'FTP transfers completed, by direction (list: directory listings).', samples: byDirection((d) => d.transfers) },
    { name: 'ftppy_transfer_errors_total', type: 'counter', help: 'FTP transfers that failed or were aborted, by direction.', samples: byDirection((d) => d.failed) },
    { name: 'ftppy_transfer_bytes_total', type: 'counter', help: 'Bytes moved over FTP data connections, by direction, failed transfers included.', samples: byDirection((d) => d.bytes) },
    { name: 'ftppy_passive_ports', type: 'gauge', help: 'Passive ports open now (listening, or carrying their transfer).', samples: [{ value: ftp.passivePorts }] },
    { name: 'ftppy_bans', type: 'gauge', help: 'Addresses banned now (too many failed logins).', samples: [{ value: ftp.bannedAddresses }] },
    { name: 'ftppy_connections_proxy_refused_total', type: 'counter', help: 'Connections from a trusted proxy closed for want of a valid PROXY header.', samples: [{ value: ftp.proxyRefused }] },
    { name: 'ftppy_connections_banned_total', type: 'counter', help: 'FTP connections turned away because their address was banned.', samples: [{ value: ftp.bannedRefused }] },
    { name: 'ftppy_draining', type: 'gauge', help: '1 while the server drains before it stops, else 0.', samples: [{ value: context.backend.draining ? 1 : 0 }] },
    { name: 'ftppy_web_requests_total', type: 'counter', help: 'Requests to the web port, these included.', samples: [{ value: context.stats.requests }] },
  ];
}

export function metricsRoute(context: WebContext): Handler {
  return async (_req, res) => {
    const text = prometheusText(serverMetrics(context));
    startAnswer(res, 200, { 'Content-Type': PROMETHEUS_CONTENT_TYPE, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
    res.end(text);
  };
}

/** 200 while the server serves; 503 while it drains, so that a load balancer sends no one new. */
export function healthRoute(context: WebContext): Handler {
  return async (_req, res) => {
    const draining = context.backend.draining;
    sendJson(res, draining ? 503 : 200, { status: draining ? 'draining' : 'serving' });
  };
}
