/**
 * Sample events in the shapes Azure sends (Microsoft's published samples, with FleetOps'
 * names): an Azure Monitor metric alert in the common alert schema, and an Azure Pipelines
 * run that waits for an approval (service-hook events run-state-changed, stage-state-changed
 * and approval-pending).
 */
import { randomUUID } from 'node:crypto';

const SUBSCRIPTION = '00000000-0000-0000-0000-0000000000aa';
const HUB = `/subscriptions/${SUBSCRIPTION}/resourceGroups/fleet/providers/Microsoft.Devices/IotHubs/fleetops-hub`;

/** The same alert id for one device, so `--resolve` resolves the alert that fired. */
export const sampleAlertId = (deviceId: string): string =>
  `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.AlertsManagement/alerts/fleetops-sample-${deviceId}`;

export function sampleAlert(options: { deviceId: string; resolved: boolean; now: Date }): Record<string, unknown> {
  const firedAt = new Date(options.now.getTime() - (options.resolved ? 10 * 60_000 : 0)).toISOString();
  return {
    schemaId: 'azureMonitorCommonAlertSchema',
    data: {
      essentials: {
        alertId: sampleAlertId(options.deviceId),
        alertRule: 'Temperature high (sample)',
        severity: 'Sev2',
        signalType: 'Metric',
        monitorCondition: options.resolved ? 'Resolved' : 'Fired',
        monitoringService: 'Platform',
        alertTargetIDs: [HUB.toLowerCase()],
        configurationItems: ['fleetops-hub'],
        originAlertId: `${SUBSCRIPTION}_fleet_microsoft.insights_metricAlerts_temperature-high`,
        firedDateTime: firedAt,
        ...(options.resolved ? { resolvedDateTime: options.now.toISOString() } : {}),
        description: 'A sample alert posted by `fleetops send alert`: device temperature above 85 °C.',
        essentialsVersion: '1.0',
        alertContextVersion: '1.0',
      },
      alertContext: {
        properties: null,
        conditionType: 'SingleResourceMultipleMetricCriteria',
        condition: {
          windowSize: 'PT5M',
          allOf: [
            {
              metricName: 'temperature',
              metricNamespace: 'FleetOps/devices',
              operator: 'GreaterThan',
              threshold: '85',
              timeAggregation: 'Maximum',
              dimensions: [{ name: 'DeviceId', value: options.deviceId }],
              metricValue: options.resolved ? 61.5 : 91.5,
              webTestName: null,
            },
          ],
          windowStartTime: new Date(options.now.getTime() - 5 * 60_000).toISOString(),
          windowEndTime: options.now.toISOString(),
        },
      },
      customProperties: null,
    },
  };
}

const ORG = 'https://dev.azure.com/contoso';
const PROJECT_ID = 'be9b3917-87e6-42a4-a549-2bc06a7a878f';

/** A firmware-release run that reaches its Production stage and waits for an approval. */
export function samplePipelineRun(options: { runId: number; now: Date; firmwareVersion: string }): Record<string, unknown>[] {
  const at = (seconds: number) => new Date(options.now.getTime() - 120_000 + seconds * 1000).toISOString();
  const web = `${ORG}/Fleet/_build/results?buildId=${options.runId}`;
  const pipeline = { url: `${ORG}/${PROJECT_ID}/_apis/Pipelines/7?revision=3`, id: 7, revision: 3, name: 'firmware-release', folder: '\\' };
  const run = {
    _links: {
      self: { href: `${ORG}/${PROJECT_ID}/_apis/Pipelines/7/runs/${options.runId}` },
      web: { href: web },
      'pipeline.web': { href: `${ORG}/Fleet/_build/definition?definitionId=7` },
    },
    pipeline,
    state: 'inProgress',
    result: null,
    createdDate: at(0),
    finishedDate: null,
    url: `${ORG}/${PROJECT_ID}/_apis/Pipelines/7/runs/${options.runId}`,
    id: options.runId,
    name: `${options.now.toISOString().slice(0, 10).replace(/-/g, '')}.${options.runId}`,
    variables: { firmwareVersion: { value: options.firmwareVersion } },
  };
  const envelope = (eventType: string, text: string, createdDate: string, resource: Record<string, unknown>) => ({
    id: randomUUID(),
    eventType,
    publisherId: 'pipelines',
    message: { text, html: text, markdown: text },
    detailedMessage: { text, html: text, markdown: text },
    resource,
    resourceVersion: '5.1-preview.1',
    resourceContainers: {
      collection: { id: 'c12d0eb8-e382-443b-9f9c-c52cba5014c2' },
      account: { id: 'f844ec47-a9db-4511-8281-8b63f4eaf94e' },
      project: { id: PROJECT_ID },
    },
    createdDate,
  });
  const stage = (name: string, state: string, result: string | null, startTime: string, finishTime: string | null) => ({
    stage: { _links: { web: { href: web } }, id: randomUUID(), name, displayName: name, state, result, startTime, finishTime },
    run,
    pipeline,
  });
  return [
    envelope('ms.vss-pipelines.run-state-changed-event', `Run ${run.name} started.`, at(1), { run, pipeline }),
    envelope('ms.vss-pipelines.stage-state-changed-event', 'Stage Build succeeded.', at(60), stage('Build', 'completed', 'succeeded', at(2), at(60))),
    envelope(
      'ms.vss-pipelinechecks-events.approval-pending',
      `Approval pending for deployment of pipeline firmware-release to environment Production.`,
      at(61),
      {
        approval: {
          id: randomUUID(),
          steps: [
            {
              assignedApprover: { displayName: 'Release leads', id: '743f73b7-cdeb-4de7-80b7-00cee17476b8' },
              status: 'pending',
              comment: null,
              initiatedOn: at(61),
            },
          ],
          status: 'pending',
          createdOn: at(61),
          lastModifiedOn: at(61),
          instructions: `Roll firmware ${options.firmwareVersion} out to production devices?`,
          minRequiredApprovers: 1,
          blockedApprovers: [],
          _links: {},
        },
        projectId: PROJECT_ID,
        pipeline,
        stage: { id: randomUUID(), name: 'Production', displayName: 'Production' },
        run,
        resource: null,
        id: 0,
        url: null,
        stageName: 'Production',
        attemptId: 1,
      },
    ),
  ];
}
