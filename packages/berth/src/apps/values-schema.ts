import type { AppDefinition } from './descriptor.ts';

/**
 * The Helm value keys berth sets for an app, and a check of each against the
 * chart's values.schema.json, so a descriptor cannot name a value the chart
 * does not have (Helm would ignore it, or the schema would reject the release).
 */

type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
};

/** Every value key berth sets for the app: each image's repository and tag. */
export function valueKeysOf(app: AppDefinition): string[] {
  const images = app.images.flatMap((image) => [`${image.values}.repository`, `${image.values}.tag`]);
  return app.delivery ? [...images, ...DELIVERY_VALUE_KEYS] : images;
}

/** The chart values berth deploy, promote and abort read and set (delivery/tracks.ts), for an app that declares delivery. */
export const DELIVERY_VALUE_KEYS = [
  'delivery.enabled',
  'delivery.candidate',
  'delivery.weight',
  'delivery.green.tag',
  'delivery.trackHeader',
  'delivery.ingress.host',
  'delivery.ingress.provider',
];

/** The keys the schema does not declare (dotted paths through `properties`). */
export function undeclaredKeys(keys: string[], schema: Schema): string[] {
  return keys.filter((key) => {
    let node: Schema | undefined = schema;
    for (const part of key.split('.')) {
      node = node?.properties?.[part];
      if (!node) return true;
    }
    return false;
  });
}
