/**
 * A firmware release pipeline names the version it published in a run variable
 * (FIRMWARE_VERSION, firmwareVersion, firmware.version), a template parameter
 * (firmwareVersion) or a tag (`firmware:2.4.1`, `firmware-2.4.1`, `firmware=2.4.1`).
 * pipelines/firmware-release.yml sets all three.
 */
const VERSION = /^v?(\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?)$/;
const VARIABLE_NAMES = ['firmware_version', 'firmwareversion', 'firmware.version'];
const TAG = /^(?:firmware|fw)[:=-](.+)$/i;

export function asVersion(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  return VERSION.exec(value.trim())?.[1];
}

export function firmwareVersionFrom(sources: {
  variables?: Record<string, { value?: unknown } | null | undefined> | null;
  templateParameters?: Record<string, unknown> | null;
  tags?: readonly string[] | null;
}): string | undefined {
  for (const [name, variable] of Object.entries(sources.variables ?? {})) {
    if (VARIABLE_NAMES.includes(name.toLowerCase())) {
      const v = asVersion(variable?.value);
      if (v) return v;
    }
  }
  for (const [name, value] of Object.entries(sources.templateParameters ?? {})) {
    if (VARIABLE_NAMES.includes(name.toLowerCase())) {
      const v = asVersion(value);
      if (v) return v;
    }
  }
  for (const tag of sources.tags ?? []) {
    const v = asVersion(TAG.exec(tag.trim())?.[1]);
    if (v) return v;
  }
  return undefined;
}
