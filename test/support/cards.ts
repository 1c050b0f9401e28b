import fs from 'node:fs';
import path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
// The package's `lib/` is ESM; its UMD build loads in jest's CommonJS without transforms.
// The package's main file is the minified browser bundle; its CommonJS build is this path.
const AdaptiveCards = require('adaptivecards/dist/adaptivecards.js') as typeof import('adaptivecards');
import { cardBytes } from '../../cards/card';

/** ../shared beside the repository (CI clones the repo with shared/ next to it). */
export const SHARED_DIR = path.resolve(__dirname, '../../../shared');

let validateSchema: ValidateFunction | undefined;

function schemaValidator() {
  if (!validateSchema) {
    const schema = JSON.parse(fs.readFileSync(path.join(SHARED_DIR, 'schemas/adaptive-card-1.5.0.json'), 'utf8'));
    // Draft-06 spells the schema id `id`; ajv (draft-07 mode) wants `$id`. The keywords used are the same.
    delete schema.$schema;
    schema.$id = schema.id;
    delete schema.id;
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    validateSchema = ajv.compile(schema);
  }
  return validateSchema;
}

/** Teams extensions (charts) are not in the official schema; they must carry a fallback. */
const TEAMS_EXTENSIONS = /^Chart\./;

function withoutExtensions(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutExtensions).filter((n) => n !== undefined);
  if (node && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    if (typeof record.type === 'string' && TEAMS_EXTENSIONS.test(record.type)) {
      if (record.fallback === undefined) throw new Error(`${record.type} has no fallback`);
      return record.fallback === 'drop' ? undefined : withoutExtensions(record.fallback);
    }
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, withoutExtensions(v)]));
  }
  return node;
}

/**
 * Checks a rendered card the way Teams would: valid against the Adaptive Card 1.5
 * schema, parsed without errors by the official renderer library, and under 28 KB.
 */
export function expectValidCard(card: unknown, maxBytes = 28 * 1024): void {
  // `msteams` (full width, mentions) is Teams' documented card-level extension.
  const { msteams: _teamsOnly, ...rest } = card as Record<string, unknown>;
  const plain = withoutExtensions(rest);
  const validate = schemaValidator();
  if (!validate(plain)) throw new Error(`card does not match the Adaptive Card 1.5 schema: ${JSON.stringify(validate.errors).slice(0, 2000)}`);
  const parsed = new AdaptiveCards.AdaptiveCard();
  const context = new AdaptiveCards.SerializationContext();
  parsed.parse(plain, context);
  const fatal = new Set([
    AdaptiveCards.ValidationEvent.UnknownElementType,
    AdaptiveCards.ValidationEvent.UnknownActionType,
    AdaptiveCards.ValidationEvent.InvalidPropertyValue,
    AdaptiveCards.ValidationEvent.MissingCardType,
    AdaptiveCards.ValidationEvent.PropertyCantBeNull,
    AdaptiveCards.ValidationEvent.ElementTypeNotAllowed,
    AdaptiveCards.ValidationEvent.ActionTypeNotAllowed,
    AdaptiveCards.ValidationEvent.UnsupportedCardVersion,
  ]);
  const errors: string[] = [];
  for (let i = 0; i < context.eventCount; i++) {
    const event = context.getEventAt(i);
    if (fatal.has(event.event)) errors.push(event.message);
  }
  if (errors.length > 0) throw new Error(`adaptivecards could not parse: ${errors.join('; ')}`);
  const bytes = cardBytes(card);
  if (bytes > maxBytes) throw new Error(`card is ${bytes} bytes, over ${maxBytes}`);
}
