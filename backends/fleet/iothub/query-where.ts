import { TAG_NAME } from '../../../core/fleet/device-filter';
import type { DeviceFilter, GroupField } from '../../../core/ports/fleet';

/**
 * DeviceFilter → IoT Hub query language. Values are string literals with `\` and `'`
 * escaped (the language's escapes) and control characters refused; property names are
 * checked against a strict pattern, so no user text can change the query's shape.
 */

export function quoteLiteral(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: it exists to find control characters
  if (/[\u0000-\u001f\u007f]/.test(value)) throw new Error('Filter values cannot contain control characters.');
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export function tagProperty(name: string): string {
  if (!TAG_NAME.test(name)) throw new Error(`Tag name '${name}' is not allowed: start with a letter, then letters, digits or _.`);
  return `tags.${name}`;
}

export const FIRMWARE_PATH = 'properties.reported.firmware.currentFwVersion';
export const UPDATE_STATUS_PATH = 'properties.reported.firmware.fwUpdateStatus';

/** The WHERE condition (without the keyword), or '' when the filter matches every device. */
export function filterToWhere(filter: DeviceFilter): string {
  const parts: string[] = [];
  const eq = (path: string, value: string) => parts.push(`${path} = ${quoteLiteral(value)}`);
  if (filter.site !== undefined) eq('tags.site', filter.site);
  if (filter.ring !== undefined) eq('tags.ring', filter.ring);
  if (filter.model !== undefined) eq('tags.model', filter.model);
  if (filter.firmware !== undefined) eq(FIRMWARE_PATH, filter.firmware);
  if (filter.connection !== undefined) eq('connectionState', filter.connection);
  if (filter.status !== undefined) eq('status', filter.status);
  if (filter.fwUpdateStatus !== undefined) eq(UPDATE_STATUS_PATH, filter.fwUpdateStatus);
  for (const [name, value] of Object.entries(filter.tags ?? {})) eq(tagProperty(name), value);
  if (filter.deviceIds !== undefined) {
    parts.push(filter.deviceIds.length === 0 ? "deviceId = ''" : `deviceId IN [${filter.deviceIds.map(quoteLiteral).join(', ')}]`);
  }
  return parts.join(' AND ');
}

export const whereClause = (filter: DeviceFilter): string => {
  const where = filterToWhere(filter);
  return where ? ` WHERE ${where}` : '';
};

export function groupPath(field: GroupField): string {
  switch (field) {
    case 'connectionState':
      return 'connectionState';
    case 'status':
      return 'status';
    case 'firmware':
      return FIRMWARE_PATH;
    case 'fwUpdateStatus':
      return UPDATE_STATUS_PATH;
    default:
      return tagProperty(field.slice('tags.'.length));
  }
}
