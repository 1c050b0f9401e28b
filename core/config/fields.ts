/**
 * The shapes a variable can take. Every field accepts the raw string (or nothing) and
 * turns blanks into the default, so `FOO=` in a .env file means "use the default".
 */
import { z } from 'zod';

const blank = (v: string | undefined): boolean => v === undefined || v.trim() === '';

export const list = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  );

export const onOff = (fallback: 'on' | 'off' | undefined) =>
  z
    .string()
    .optional()
    .transform((v) => (blank(v) ? fallback : v!.trim().toLowerCase()))
    .pipe(z.enum(['on', 'off'], { message: 'must be "on" or "off"' }).optional())
    .transform((v) => (v === undefined ? undefined : v === 'on'));

export const int = (fallback: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((v) => (blank(v) ? String(fallback) : v!.trim()))
    .pipe(z.string().regex(/^\d+$/, { message: 'must be a whole number' }))
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, { message: `must be at least ${min}` })
        .max(max, { message: `must be at most ${max}` }),
    );

/** A number with an optional fraction; no default: the caller picks one that may depend on the world. */
export const decimal = (min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((v) => (blank(v) ? undefined : v!.trim()))
    .pipe(
      z
        .string()
        .regex(/^\d+(\.\d+)?$/, { message: 'must be a number such as 50 or 0.5' })
        .optional(),
    )
    .transform((v) => (v === undefined ? undefined : Number(v)))
    .pipe(
      z
        .number()
        .min(min, { message: `must be at least ${min}` })
        .max(max, { message: `must be at most ${max}` })
        .optional(),
    );

export const optionalString = z
  .string()
  .optional()
  .transform((v) => (blank(v) ? undefined : v!.trim()));

export const optionalUrl = (example: string) => optionalString.pipe(z.url({ message: `must be a URL such as ${example}` }).optional());

export const choice = <T extends string>(values: readonly [T, ...T[]]) =>
  optionalString.transform((v) => v?.toLowerCase()).pipe(z.enum(values, { message: `must be ${values.map((v) => `"${v}"`).join(' or ')}` }).optional());
