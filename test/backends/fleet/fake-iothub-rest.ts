import { RestApiClient } from 'azure-iothub/dist/common-http/rest_api_client';

/**
 * A fake IoT Hub behind the SDK's injectable REST transport `{executeApiCall, setOptions}`.
 * It answers the REST shapes from Microsoft's docs (api-version 2021-04-12): twin JSON
 * with capitalised connectionState and 0001-01-01 for "never", query pages with
 * x-ms-continuation, GROUP BY rows, direct methods, jobs v2, and errors in the service's
 * `{"Message":"ErrorCode:<code>;<text>"}` form turned into SDK errors by the SDK's own
 * RestApiClient.translateError. Its query interpreter knows only the subset the adapter
 * should emit and answers 400 to anything else, so a test fails on a query IoT Hub
 * would not accept.
 */
export interface RawTwin {
  deviceId: string;
  etag: string;
  deviceEtag: string;
  status: 'enabled' | 'disabled';
  statusUpdateTime: string;
  connectionState: 'Connected' | 'Disconnected';
  lastActivityTime: string;
  cloudToDeviceMessageCount: number;
  authenticationType: 'sas';
  x509Thumbprint: { primaryThumbprint: null; secondaryThumbprint: null };
  modelId: string;
  version: number;
  tags: Record<string, unknown>;
  properties: { desired: Record<string, unknown>; reported: Record<string, unknown> };
  capabilities: { iotEdge: boolean };
}

export interface RecordedCall {
  method: string;
  path: string;
  headers: Record<string, unknown> | null;
  body: unknown;
}

type Done = (err: Error | null, body?: unknown, response?: { statusCode: number; headers: Record<string, string> }) => void;
export type FakeMethodHandler = (deviceId: string, methodName: string, payload: unknown) => { status: number; payload?: unknown };

export const NEVER = '0001-01-01T00:00:00Z';

export class FakeIotHubRest {
  readonly twins = new Map<string, RawTwin>();
  readonly calls: RecordedCall[] = [];
  readonly jobs: Array<Record<string, unknown>> = [];
  methodHandler: FakeMethodHandler | undefined;
  private throttleRemaining = 0;

  setOptions(): void {}

  /** The next `n` requests get 429 ThrottlingException. */
  throttleNext(n: number): void {
    this.throttleRemaining = n;
  }

  addDevice(twin: Partial<RawTwin> & { deviceId: string }): void {
    const base: RawTwin = {
      deviceId: twin.deviceId,
      etag: 'AAAAAAAAAAE=',
      deviceEtag: 'NzE0NTY2MTY4',
      status: 'enabled',
      statusUpdateTime: NEVER,
      connectionState: 'Disconnected',
      lastActivityTime: NEVER,
      cloudToDeviceMessageCount: 0,
      authenticationType: 'sas',
      x509Thumbprint: { primaryThumbprint: null, secondaryThumbprint: null },
      modelId: '',
      version: 2,
      tags: {},
      properties: { desired: { $metadata: { $lastUpdated: NEVER }, $version: 1 }, reported: { $metadata: { $lastUpdated: NEVER }, $version: 1 } },
      capabilities: { iotEdge: false },
    };
    const merged = { ...base, ...twin };
    merged.properties = {
      desired: { ...base.properties.desired, ...(twin.properties?.desired ?? {}) },
      reported: { ...base.properties.reported, ...(twin.properties?.reported ?? {}) },
    };
    this.twins.set(twin.deviceId, merged);
  }

  executeApiCall(method: string, path: string, headers: Record<string, unknown> | null, body: unknown, timeoutOrDone: number | Done, maybeDone?: Done): void {
    const done = (typeof timeoutOrDone === 'function' ? timeoutOrDone : maybeDone)!;
    this.calls.push({ method, path, headers, body });
    // Like the real client: answer asynchronously.
    queueMicrotask(() => {
      try {
        if (this.throttleRemaining > 0) {
          this.throttleRemaining--;
          return fail(done, 429, 'ThrottlingException', 'Throttling limit exceeded');
        }
        this.route(method, path.split('?')[0]!, headers ?? {}, body, done);
      } catch (error) {
        fail(done, 400, 'BadRequest', (error as Error).message);
      }
    });
  }

  private route(method: string, path: string, headers: Record<string, unknown>, body: unknown, done: Done): void {
    const twinPath = path.match(/^\/twins\/([^/]+)$/);
    const methodsPath = path.match(/^\/twins\/([^/]+)\/methods$/);
    const jobPath = path.match(/^\/jobs\/v2\/([^/]+)$/);
    if (method === 'GET' && twinPath) {
      const m = twinPath;
      const twin = this.twins.get(decodeURIComponent(m[1]!));
      if (twin) ok(done, clone(twin));
      else fail(done, 404, 'DeviceNotFound', `Device ${decodeURIComponent(m[1]!)} not registered`);
      return;
    }
    if (method === 'PATCH' && twinPath) {
      const m = twinPath;
      const twin = this.twins.get(decodeURIComponent(m[1]!));
      if (!twin) {
        fail(done, 404, 'DeviceNotFound', 'Device not registered');
        return;
      }
      const ifMatch = String(headers['If-Match'] ?? '');
      if (ifMatch !== '"*"' && ifMatch !== `"${twin.etag}"`) {
        fail(done, 412, 'PreconditionFailed', 'Precondition failed: etag mismatch');
        return;
      }
      const patch = body as { tags?: Record<string, unknown>; properties?: { desired?: Record<string, unknown> } };
      if (patch.tags) mergePatch(twin.tags, patch.tags);
      if (patch.properties?.desired) {
        mergePatch(twin.properties.desired, patch.properties.desired);
        twin.properties.desired.$version = Number(twin.properties.desired.$version) + 1;
      }
      twin.version++;
      twin.etag = Buffer.from(`etag-${twin.version}`).toString('base64');
      ok(done, clone(twin));
      return;
    }
    if (method === 'POST' && methodsPath) {
      const m = methodsPath;
      const id = decodeURIComponent(m[1]!);
      const twin = this.twins.get(id);
      if (!twin) {
        fail(done, 404, 'DeviceNotFound', 'Device not registered');
        return;
      }
      const request = body as { methodName: string; payload?: unknown };
      if (twin.connectionState !== 'Connected' || !this.methodHandler) {
        fail(done, 404, 'DeviceNotOnline', 'Timed out waiting for device to connect.');
        return;
      }
      ok(done, this.methodHandler(id, request.methodName, request.payload));
      return;
    }
    if (method === 'PUT' && jobPath) {
      const job = { ...(body as Record<string, unknown>), status: 'queued', createdTime: new Date(0).toISOString() };
      this.jobs.push(job);
      ok(done, job);
      return;
    }
    if (method === 'POST' && path === '/devices/query') {
      const rows = runQuery(String((body as { query: string }).query), [...this.twins.values()]);
      const size = Number(headers['x-ms-max-item-count'] ?? 100);
      const offset = Number(headers['x-ms-continuation'] ?? 0);
      const page = rows.slice(offset, offset + size);
      const more = offset + size < rows.length;
      done(null, page, { statusCode: 200, headers: more ? { 'x-ms-continuation': String(offset + size) } : {} });
      return;
    }
    fail(done, 404, 'NotFound', `No route ${method} ${path}`);
  }
}

function ok(done: Done, body: unknown): void {
  done(null, body, { statusCode: 200, headers: {} });
}

function fail(done: Done, statusCode: number, code: string, text: string): void {
  const body = JSON.stringify({ Message: `ErrorCode:${code};${text}`, ExceptionMessage: `Tracking ID:fake-0-G:0-TimeStamp:01/01/2026 00:00:00` });
  done(RestApiClient.translateError(body, { statusCode, headers: {} } as never));
}

function mergePatch(target: Record<string, unknown>, patch: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete target[key];
    else if (typeof value === 'object' && !Array.isArray(value) && typeof target[key] === 'object' && target[key] !== null)
      mergePatch(target[key] as Record<string, unknown>, value as Record<string, unknown>);
    else target[key] = clone(value);
  }
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

// ---- the query subset ------------------------------------------------------------------

type Token = { kind: 'word' | 'string' | 'punct'; text: string };

function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (/\s/.test(c)) i++;
    else if (c === "'") {
      let text = '';
      i++;
      while (i < sql.length && sql[i] !== "'") {
        if (sql[i] === '\\') {
          const next = sql[i + 1];
          if (next !== '\\' && next !== "'" && next !== '"') throw new Error(`Bad escape \\${next}`);
          text += next;
          i += 2;
        } else text += sql[i++];
      }
      if (sql[i] !== "'") throw new Error('Unterminated string');
      i++;
      tokens.push({ kind: 'string', text });
    } else if (/[A-Za-z_$]/.test(c)) {
      const m = sql.slice(i).match(/^[A-Za-z_$][A-Za-z0-9_$.]*/)!;
      tokens.push({ kind: 'word', text: m[0] });
      i += m[0].length;
    } else if ('*,()[]='.includes(c)) {
      tokens.push({ kind: 'punct', text: c });
      i++;
    } else throw new Error(`Syntax error at '${sql.slice(i, i + 10)}'`);
  }
  return tokens;
}

type Select = { kind: 'star' } | { kind: 'items'; items: Array<{ count: boolean; path?: string; alias: string }> };
type Condition =
  | { kind: 'eq'; path: string; value: string }
  | { kind: 'in'; path: string; values: string[] }
  | { kind: 'startswith'; path: string; value: string };

export function runQuery(sql: string, twins: RawTwin[]): Array<Record<string, unknown>> {
  const t = tokenize(sql);
  let p = 0;
  const peek = () => t[p];
  const word = (w: string) => {
    const tok = t[p++];
    if (tok?.kind !== 'word' || tok.text.toUpperCase() !== w) throw new Error(`Expected ${w} at token ${p}`);
  };
  const punct = (c: string) => {
    const tok = t[p++];
    if (tok?.kind !== 'punct' || tok.text !== c) throw new Error(`Expected '${c}' at token ${p}`);
  };
  const path = () => {
    const tok = t[p++];
    if (tok?.kind !== 'word') throw new Error(`Expected a property at token ${p}`);
    return tok.text;
  };
  const str = () => {
    const tok = t[p++];
    if (tok?.kind !== 'string') throw new Error(`Expected a string at token ${p}`);
    return tok.text;
  };
  const isWord = (w: string) => peek()?.kind === 'word' && peek()!.text.toUpperCase() === w;

  word('SELECT');
  let select: Select;
  if (peek()?.text === '*') {
    p++;
    select = { kind: 'star' };
  } else {
    const items: Array<{ count: boolean; path?: string; alias: string }> = [];
    for (;;) {
      if (isWord('COUNT')) {
        p++;
        punct('(');
        punct(')');
        word('AS');
        items.push({ count: true, alias: path() });
      } else {
        const pth = path();
        let alias = pth.split('.').pop()!;
        if (isWord('AS')) {
          p++;
          alias = path();
        }
        items.push({ count: false, path: pth, alias });
      }
      if (peek()?.text === ',') p++;
      else break;
    }
    select = { kind: 'items', items };
  }
  word('FROM');
  word('DEVICES');
  const conditions: Condition[] = [];
  if (isWord('WHERE')) {
    p++;
    for (;;) {
      if (isWord('STARTSWITH')) {
        p++;
        punct('(');
        const pth = path();
        punct(',');
        const value = str();
        punct(')');
        conditions.push({ kind: 'startswith', path: pth, value });
      } else {
        const pth = path();
        if (isWord('IN')) {
          p++;
          punct('[');
          const values = [str()];
          while (peek()?.text === ',') {
            p++;
            values.push(str());
          }
          punct(']');
          conditions.push({ kind: 'in', path: pth, values });
        } else {
          punct('=');
          conditions.push({ kind: 'eq', path: pth, value: str() });
        }
      }
      if (isWord('AND')) p++;
      else break;
    }
  }
  let groupBy: string | undefined;
  if (isWord('GROUP')) {
    p++;
    word('BY');
    groupBy = path();
  }
  if (p !== t.length) throw new Error(`Unexpected '${t[p]!.text}'`);

  const matching = twins.filter((twin) =>
    conditions.every((c) => {
      const v = valueAt(twin, c.path);
      if (c.kind === 'eq') return v === c.value;
      if (c.kind === 'in') return typeof v === 'string' && c.values.includes(v);
      return typeof v === 'string' && v.startsWith(c.value);
    }),
  );
  if (select.kind === 'star') return matching.map((tw) => clone(tw) as unknown as Record<string, unknown>);
  const hasCount = select.items.some((i) => i.count);
  if (groupBy !== undefined) {
    const groups = new Map<string, { value: unknown; n: number }>();
    for (const twin of matching) {
      const v = valueAt(twin, groupBy);
      const key = JSON.stringify(v ?? null);
      const g = groups.get(key) ?? { value: v, n: 0 };
      g.n++;
      groups.set(key, g);
    }
    return [...groups.values()].map((g) => {
      const row: Record<string, unknown> = {};
      for (const item of select.items) {
        if (item.count) row[item.alias] = g.n;
        else if (item.path !== groupBy) throw new Error('Only the GROUP BY property can be selected next to COUNT()');
        else if (g.value !== undefined) row[item.alias] = g.value;
      }
      return row;
    });
  }
  if (hasCount) {
    if (select.items.length !== 1) throw new Error('COUNT() without GROUP BY must be alone');
    return [{ [select.items[0]!.alias]: matching.length }];
  }
  return matching.map((twin) => Object.fromEntries(select.items.map((i) => [i.alias, valueAt(twin, i.path!)])));
}

function valueAt(twin: RawTwin, path: string): unknown {
  let current: unknown = twin;
  for (const part of path.split('.')) {
    if (!current || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}
