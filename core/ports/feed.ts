/**
 * The firmware catalog port: which firmware versions exist, with what the rollout engine
 * needs to write into a device's desired properties (package URI, checksum) and to refuse
 * a rollout (unknown version, incompatible model). One adapter per world: `artifacts`
 * (Azure Artifacts universal packages over REST) and `local` (a JSON catalog in DATA_DIR).
 */

export interface FirmwareVersion {
  /** Semantic version, e.g. '2.4.1'. */
  readonly version: string;
  /** Lower-case hex SHA-256 of the package; written to desired `fwPackageCheckValue`. */
  readonly sha256: string;
  readonly sizeBytes: number;
  readonly releaseNotes: string;
  /** Device models (tag `model`) this version runs on. Empty = every model. */
  readonly compatibleModels: readonly string[];
  /** Where devices download it from; written to desired `fwPackageURI`. */
  readonly packageUri: string;
  /** ISO time of publication, when known. */
  readonly publishedAt?: string;
  /** Local catalog only: the simulator fails or rolls back devices on this version. */
  readonly bad?: boolean;
}

/** The catalog's warning about a version, in words ('bad'), or undefined when it is fine to roll out. */
export function firmwareFlag(firmware: Pick<FirmwareVersion, 'bad'>): 'bad' | undefined {
  return firmware.bad ? 'bad' : undefined;
}

export interface CatalogOperationOptions {
  readonly abortSignal?: AbortSignal;
  readonly timeoutInMs?: number;
}

export interface FirmwareCatalog {
  /** All versions, newest first. */
  list(options?: CatalogOperationOptions): Promise<FirmwareVersion[]>;
  /** One version, or undefined when the catalog does not have it. */
  get(version: string, options?: CatalogOperationOptions): Promise<FirmwareVersion | undefined>;
}

/** True when `model` may run `firmware` (an empty model list means any model). */
export function isCompatible(firmware: Pick<FirmwareVersion, 'compatibleModels'>, model: string | undefined): boolean {
  if (firmware.compatibleModels.length === 0) return true;
  if (model === undefined) return false;
  const wanted = model.toLowerCase();
  return firmware.compatibleModels.some((m) => m.toLowerCase() === wanted);
}

/** Orders versions like semver (numeric parts; a pre-release sorts before its release). */
export function compareVersions(a: string, b: string): number {
  const split = (v: string) => {
    const [core = '', pre] = v.replace(/^v/i, '').split('-', 2);
    return { parts: core.split('.').map((p) => Number.parseInt(p, 10) || 0), pre };
  };
  const x = split(a);
  const y = split(b);
  for (let i = 0; i < Math.max(x.parts.length, y.parts.length); i++) {
    const d = (x.parts[i] ?? 0) - (y.parts[i] ?? 0);
    if (d !== 0) return d;
  }
  if (x.pre === y.pre) return 0;
  if (x.pre === undefined) return 1;
  if (y.pre === undefined) return -1;
  return x.pre.localeCompare(y.pre);
}
