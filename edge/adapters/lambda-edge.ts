// Lambda@Edge origin-request adapter: CloudFront event in, CloudFront request or response out.
// Lambda@Edge has no environment variables, so the deploy-time routing config and public keys
// travel as `edge-config.json` beside this bundle (same code bytes everywhere, config per target).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decide } from '../core/router.ts';
import type { Decision, EdgeRequest, RoutingConfig } from '../core/types.ts';
import type { PublicKeyEntry } from '../../session/claims.ts';
import { nodeCryptoEs256 } from '../../session/node-key.ts';
import { createSessionVerifier, type SessionVerifier } from '../../session/verify.ts';

export interface EdgeConfigFile {
  version: 1;
  routing: RoutingConfig;
  keys: PublicKeyEntry[];
}

type CfHeaders = Record<string, { key?: string; value: string }[]>;

export interface CfRequest {
  clientIp: string;
  method: string;
  uri: string;
  querystring: string;
  headers: CfHeaders;
  body?: { action: string; encoding: 'base64' | 'text'; data: string; inputTruncated: boolean };
  origin?: Record<string, unknown>;
}

export interface CfResponse {
  status: string;
  statusDescription?: string;
  headers: CfHeaders;
  body?: string;
  bodyEncoding?: 'text' | 'base64';
}

export interface OriginRequestEvent {
  Records: [{ cf: { config: Record<string, string>; request: CfRequest } }];
}

export const CONFIG_FILE_NAME = 'edge-config.json';

let loaded: { routing: RoutingConfig; verifier: Promise<SessionVerifier> } | undefined;

function load() {
  if (!loaded) {
    const file = JSON.parse(readFileSync(join(__dirname, CONFIG_FILE_NAME), 'utf8')) as EdgeConfigFile;
    if (file.version !== 1 || !file.routing || !Array.isArray(file.keys)) {
      throw new Error(`${CONFIG_FILE_NAME} is not a version 1 edge config`);
    }
    loaded = { routing: file.routing, verifier: createSessionVerifier(file.keys, nodeCryptoEs256) };
  }
  return loaded;
}

export async function handler(event: OriginRequestEvent): Promise<CfRequest | CfResponse> {
  const { routing, verifier } = load();
  const request = event.Records[0].cf.request;
  const decision = await decide(toEdgeRequest(request), routing, await verifier, Math.floor(Date.now() / 1000));
  return applyDecision(request, decision);
}

export function toEdgeRequest(request: CfRequest): EdgeRequest {
  const headers: Record<string, string[]> = {};
  for (const [name, entries] of Object.entries(request.headers)) headers[name] = entries.map((e) => e.value);
  const body = request.body?.data
    ? {
        text: request.body.encoding === 'base64' ? Buffer.from(request.body.data, 'base64').toString('utf8') : request.body.data,
        truncated: request.body.inputTruncated,
      }
    : undefined;
  return { method: request.method, uri: request.uri, querystring: request.querystring, headers, body };
}

export function applyDecision(request: CfRequest, decision: Decision): CfRequest | CfResponse {
  switch (decision.action) {
    case 'static':
      return request;
    case 'respond':
      return {
        status: String(decision.status),
        headers: toCfHeaders(Object.fromEntries(Object.entries(decision.headers).map(([k, v]) => [k, [v]]))),
        body: decision.body,
        bodyEncoding: 'text',
      };
    case 'forward': {
      const { origin } = decision;
      return {
        ...request,
        uri: decision.uri,
        querystring: decision.querystring,
        headers: toCfHeaders(decision.headers),
        origin: {
          custom: {
            domainName: origin.domainName,
            port: origin.port,
            protocol: origin.protocol,
            path: origin.path,
            sslProtocols: ['TLSv1.2'],
            readTimeout: origin.readTimeout,
            keepaliveTimeout: origin.keepaliveTimeout,
            customHeaders: {},
          },
        },
      };
    }
  }
}

function toCfHeaders(headers: Record<string, string[]>): CfHeaders {
  const out: CfHeaders = {};
  for (const [name, values] of Object.entries(headers)) out[name] = values.map((value) => ({ key: name, value }));
  return out;
}
