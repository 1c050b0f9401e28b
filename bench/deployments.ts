import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { openDatabase } from '../backends/store/sqlite/database';
import { DEPLOYMENT_MIGRATIONS, sqliteDeploymentRepository } from '../backends/store/sqlite/deployments';
import { deploymentRunCard } from '../cards/deployment-run';
import { cardBytes } from '../cards/card';
import { DEPLOYMENT_TOPIC } from '../core/deployments/run-events';
import { Broadcaster } from '../core/notifications/broadcaster';
import { DeploymentService } from '../core/deployments/service';
import type { Subscription, SubscriptionRepository } from '../core/conversations/subscription';
import { systemClock } from '../core/clock';
import { silentLogger } from '../core/logger';
import { basicAuthHeader, devopsWebhookRouter } from '../bot/webhooks/devops';
import { percentile, printTable } from './report';
import { SqliteUnitOfWork } from '../backends/store/sqlite/unit-of-work';

/**
 * Deployments webhook: Azure DevOps events POSTed over HTTP with basic auth, stored in
 * SQLite (WAL, synchronous FULL, a real file) and merged into runs, cards rendered for
 * three subscribed conversations, in one transaction per event as the feature does. 200 runs × 10 events (run, 6 stage, approval, 2 run).
 */
const RUNS = 200;
const CONCURRENCY = 8;

const subscriptions: SubscriptionRepository = {
  add: async () => {
    throw new Error('unused');
  },
  remove: async () => 0,
  removeById: async () => false,
  listForConversation: async () => [],
  listForTopic: async () =>
    ['a', 'b', 'c'].map(
      (c, i) => ({ id: i, conversationId: c, topic: 'deployments', filter: i === 2 ? 'firmware-*' : '', createdBy: 'bench', createdAt: '' }) as Subscription,
    ),
};

function events(run: number): object[] {
  const at = (s: number) => new Date(Date.UTC(2026, 2, 1, 10, 0, s)).toISOString();
  const runResource = (state: string, result: string | null) => ({
    id: run,
    name: `20260301.${run}`,
    state,
    result,
    createdDate: at(0),
    pipeline: { id: 7, name: run % 2 ? 'firmware-release' : 'FleetOps CI' },
    _links: { web: { href: `https://dev.azure.com/contoso/Fleet/_build/results?buildId=${run}` } },
    resources: { repositories: { self: { refName: 'refs/heads/main', version: 'abcdef1234567890' } } },
    variables: state === 'completed' ? { FIRMWARE_VERSION: { value: `2.${run}.0` } } : undefined,
  });
  const envelope = (id: string, eventType: string, second: number, resource: object) => ({
    id: `${run}-${id}`,
    eventType,
    publisherId: 'pipelines',
    createdDate: at(second),
    resource,
    resourceContainers: { project: { id: 'be9b3917-87e6-42a4-a549-2bc06a7a878f' } },
  });
  const stage = (name: string, state: string, result: string | null, s: number) =>
    envelope(`${name}-${state}`, 'ms.vss-pipelines.stage-state-changed-event', s, { stage: { name, state, result }, run: runResource('inProgress', null) });
  return [
    envelope('start', 'ms.vss-pipelines.run-state-changed-event', 0, { run: runResource('inProgress', null) }),
    stage('Build', 'running', null, 1),
    stage('Build', 'completed', 'succeeded', 60),
    stage('Test', 'running', null, 61),
    stage('Test', 'completed', 'succeeded', 120),
    envelope('approval', 'ms.vss-pipelinechecks-events.approval-pending', 121, {
      approval: { id: `appr-${run}`, status: 'pending', steps: [] },
      run: runResource('inProgress', null),
      stageName: 'Production',
    }),
    stage('Production', 'running', null, 122),
    stage('Production', 'completed', 'succeeded', 180),
    envelope('done', 'ms.vss-pipelines.run-state-changed-event', 181, { run: runResource('completed', 'succeeded') }),
    envelope('done', 'ms.vss-pipelines.run-state-changed-event', 181, { run: runResource('completed', 'succeeded') }), // a redelivery
  ];
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetops-bench-deploy-'));
  const db = openDatabase(path.join(dir, 'state.sqlite'), DEPLOYMENT_MIGRATIONS);
  let posts = 0;
  let maxCard = 0;
  const renderTimes: number[] = [];
  const publish = new Broadcaster(subscriptions, {
    post: async () => {
      posts++;
    },
  }).publisher({
    ...DEPLOYMENT_TOPIC,
    render: ({ run }) => {
      const t0 = performance.now();
      const card = deploymentRunCard({ run, now: new Date().toISOString() });
      renderTimes.push(performance.now() - t0);
      maxCard = Math.max(maxCard, cardBytes(card));
      return { card };
    },
  });
  const service = new DeploymentService({
    repository: sqliteDeploymentRepository(db),
    approvals: { kind: 'local', update: async () => ({ ok: true, status: 'approved' }) },
    publish,
    clock: systemClock,
    log: silentLogger,
    unitOfWork: new SqliteUnitOfWork(db),
  });
  const credentials = { user: 'bench', password: 'bench-password' };
  const app = express();
  app.use('/api/devops', devopsWebhookRouter({ credentials, receive: (b, raw) => service.receive(b, raw), log: silentLogger }));
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/devops`;
  const authorization = basicAuthHeader(credentials.user, credentials.password);

  // Events of one run go in order; runs go in parallel (as Azure DevOps delivers them).
  const queue = Array.from({ length: RUNS }, (_, i) => events(i + 1));
  const latencies: number[] = [];
  let failed = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let run = queue.shift(); run; run = queue.shift()) {
        for (const event of run) {
          const t0 = performance.now();
          const response = await fetch(url, { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body: JSON.stringify(event) });
          await response.arrayBuffer();
          latencies.push(performance.now() - t0);
          if (response.status !== 200) failed++;
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  server.close();
  const done = (await service.list({ limit: 100 })).filter((r) => r.state === 'completed' && r.firmwareVersion).length;
  db.close();

  const total = latencies.length;
  const rate = total / seconds;
  printTable('Deployments webhook (HTTP + basic auth + SQLite synchronous FULL + card render, 3 subscribers)', [
    { figure: 'events accepted', value: `${total - failed}/${total}`, target: `${total}/${total}`, ok: failed === 0 },
    // Azure DevOps sends an event per run/stage/approval change: a busy organization is a few per second.
    { figure: 'throughput', value: `${rate.toFixed(0)} events/s`, target: '≥ 50/s', ok: rate >= 50 },
    { figure: 'latency p50', value: `${percentile(latencies, 50).toFixed(1)} ms`, target: '', ok: true },
    { figure: 'latency p99 (8 in flight)', value: `${percentile(latencies, 99).toFixed(1)} ms`, target: '< 500 ms', ok: percentile(latencies, 99) < 500 },
    { figure: 'card render p99', value: `${percentile(renderTimes, 99).toFixed(2)} ms`, target: '< 5 ms', ok: percentile(renderTimes, 99) < 5 },
    { figure: 'largest run card', value: `${(maxCard / 1024).toFixed(1)} KB`, target: '< 28 KB', ok: maxCard < 28 * 1024 },
    { figure: 'outbox posts', value: String(posts), target: '', ok: true },
    { figure: 'completed runs (of last 100)', value: String(done), target: '', ok: true },
  ]);
  fs.rmSync(dir, { recursive: true, force: true });
}

void main();
