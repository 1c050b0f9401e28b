import { TAG_NAME } from '../../../core/fleet/device-filter';
import type { DeviceFilter, GroupField } from '../../../core/ports/fleet';

/** A WHERE clause with bound parameters only: user text never becomes SQL. */
export interface SqlCondition {
  readonly sql: string;
  readonly params: unknown[];
}

const TAG_COLUMNS: Record<string, string> = { site: 'site', ring: 'ring', model: 'model' };

export function tagPath(name: string): string {
  if (!TAG_NAME.test(name)) throw new Error(`Tag name '${name}' is not allowed: letters, digits and _ only.`);
  return `$.${name}`;
}

export function filterToSql(filter: DeviceFilter): SqlCondition {
  const parts: string[] = [];
  const params: unknown[] = [];
  const eq = (column: string, value: unknown) => {
    parts.push(`${column} = ?`);
    params.push(value);
  };
  if (filter.site !== undefined) eq('site', filter.site);
  if (filter.ring !== undefined) eq('ring', filter.ring);
  if (filter.model !== undefined) eq('model', filter.model);
  if (filter.firmware !== undefined) eq('firmware', filter.firmware);
  if (filter.connection !== undefined) eq('connection_state', filter.connection);
  if (filter.status !== undefined) eq('status', filter.status);
  if (filter.fwUpdateStatus !== undefined) eq('fw_update_status', filter.fwUpdateStatus);
  for (const [name, value] of Object.entries(filter.tags ?? {})) {
    const column = TAG_COLUMNS[name];
    if (column) eq(column, value);
    else {
      parts.push('json_extract(tags_json, ?) = ?');
      params.push(tagPath(name), value);
    }
  }
  if (filter.deviceIds !== undefined) {
    if (filter.deviceIds.length === 0) parts.push('0');
    else {
      // json_each keeps it one bound parameter however many ids there are.
      parts.push('device_id IN (SELECT value FROM json_each(?))');
      params.push(JSON.stringify(filter.deviceIds));
    }
  }
  return { sql: parts.length > 0 ? parts.join(' AND ') : '1', params };
}

/** The SQL expression for a group-by field, with its bound parameters. */
export function groupExpression(field: GroupField): SqlCondition {
  switch (field) {
    case 'connectionState':
      return { sql: 'connection_state', params: [] };
    case 'status':
      return { sql: 'status', params: [] };
    case 'firmware':
      return { sql: 'firmware', params: [] };
    case 'fwUpdateStatus':
      return { sql: 'fw_update_status', params: [] };
    default: {
      const name = field.slice('tags.'.length);
      const column = TAG_COLUMNS[name];
      return column ? { sql: column, params: [] } : { sql: 'json_extract(tags_json, ?)', params: [tagPath(name)] };
    }
  }
}
