/**
 * The backends several replicas need with DATABASE_URL (readConfig refuses the embedded
 * world there): IoT Hub and Log Analytics. Suites that load neither the fleet nor the logs
 * feature never connect to them; those that load the fleet point the hub at a stand-in.
 */
export const PRODUCTION_BACKENDS: Readonly<Record<string, string>> = {
  FLEET_BACKEND: 'iothub',
  IOTHUB_CONNECTION_STRING: 'HostName=fleet-test.azure-devices.net;SharedAccessKeyName=service;SharedAccessKey=c2VjcmV0',
  LOGS_BACKEND: 'loganalytics',
  LOG_ANALYTICS_WORKSPACE_ID: '00000000-0000-0000-0000-000000000000',
  ALERT_RULES: 'off',
};
