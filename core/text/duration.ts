/**
 * One way to say how long something lasted, for every card and reply: `45 s`, `12 min`,
 * `3 h 5 min`, `2 d 4 h`. Two units at most: an on-call engineer reads "offline for
 * 2 d 4 h" at a glance; the exact timestamp sits beside it where it matters.
 */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 24) return min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

/**
 * An ISO 8601 duration as Azure Monitor sends it (`PT5M`, `PT1H30M`, `P1D`) in the words of
 * formatDuration (`5 min`, `1 h 30 min`, `1 d`). Anything else comes back as it was.
 */
export function isoDurationText(iso: string): string {
  const m = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(iso.trim());
  if (!m || iso.trim().toUpperCase() === 'P' || iso.trim().toUpperCase().endsWith('T')) return iso;
  const [, d = '0', h = '0', min = '0', s = '0'] = m;
  return formatDuration(((Number(d) * 24 + Number(h)) * 60 + Number(min)) * 60_000 + Number(s) * 1000);
}
